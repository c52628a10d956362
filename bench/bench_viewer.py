"""Viewer benchmark: how long a large view takes to become interactive in headless Chromium.

    python bench/bench_viewer.py --nodes 5000

Makes a synthetic view (entities of every type, relation edges), renders it with
kg.viz.render_html, opens it from disk in Debian's Chromium (Playwright) and reports the
time from navigation start to the first drawn frame of the network, the time from a
click's neighbourhood highlight to the next drawn frame (first click, then a second one
that only restyles what changes), and the page size.
Goal: a 5,000-node view interactive within 3 s.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TYPES = ["Zone", "Industry", "Program", "Target", "Role", "Person", "Organization", "Place"]
RELATIONS = ["focusesOn", "hasProgram", "targetOf", "holdsRole", "roleIn", "locatedIn"]


def synthetic_view(n: int, seed: int = 3) -> dict:
    rng = random.Random(seed)
    nodes = [{"id": f"urn:e:{i}", "type": rng.choice(TYPES), "label": f"实体{i}", "aliases": [],
              "speeches": [f"s{rng.randrange(200)}"], "docs": rng.randint(1, 30), "fields": {},
              "roles": [], "mentions": [{"doc": "s1", "sentence": f"句子提到实体{i}。", "begin": 3, "end": 6 + len(str(i))}],
              "mention_count": 1, "community": rng.randrange(12)} for i in range(n)]
    edges = [{"from": f"urn:e:{rng.randrange(n)}", "to": f"urn:e:{rng.randrange(n)}",
              "relation": rng.choice(RELATIONS)} for _ in range(int(n * 1.5))]
    return {"nodes": nodes, "edges": edges, "documents": [{"id": f"s{i}", "title": f"讲话{i}"} for i in range(200)]}


def main():
    from playwright.sync_api import sync_playwright
    from kg import viz
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--screenshots", metavar="DIR", help="save each view after the second click as DIR/viewN.png")
    args = ap.parse_args()
    chromium = shutil.which("chromium")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for n in args.nodes:
            path = Path(tmp) / f"view{n}.html"
            t = time.perf_counter()
            viz.render_html(synthetic_view(n), path)
            render_s = time.perf_counter() - t
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.add_init_script("window.__t0 = performance.now();")
            page.goto(path.as_uri())
            page.wait_for_function("window.kgViewer !== undefined", timeout=60000)
            first_draw = page.evaluate("""() => new Promise(done => {
                const v = window.kgViewer.network;
                v.once("afterDrawing", () => done(performance.now()));
                v.redraw(); })""")
            # a click's neighbourhood highlight: time from the call to the next drawn frame
            highlight_ms = page.evaluate("""() => new Promise(done => {
                const v = window.kgViewer, id = v.data.nodes[0].id, t = performance.now();
                v.network.once("afterDrawing", () => done(performance.now() - t));
                v.focusNode(id); })""")
            # a second click while one is highlighted: only the nodes and edges that change are updated
            next_ms = page.evaluate("""() => new Promise(done => {
                const v = window.kgViewer, id = v.data.nodes[1].id, t = performance.now();
                v.network.once("afterDrawing", () => done(performance.now() - t));
                v.focusNode(id); })""")
            if args.screenshots:
                Path(args.screenshots).mkdir(parents=True, exist_ok=True)
                page.wait_for_timeout(600)             # the focus animation ends
                page.screenshot(path=str(Path(args.screenshots) / f"view{n}.png"))
            page.close()
            print(json.dumps({"nodes": n, "render_html_s": round(render_s, 2),
                              "interactive_s": round(first_draw / 1000, 2),
                              "highlight_ms": round(highlight_ms), "next_highlight_ms": round(next_ms),
                              "page_MB": round(path.stat().st_size / 2**20, 2)}), flush=True)
        browser.close()


if __name__ == "__main__":
    main()
