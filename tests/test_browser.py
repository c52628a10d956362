"""The viewer and the report in a real browser: Debian's Chromium driven by Playwright.

Loads the pages from disk, searches, filters, clicks a node, reads the side panel,
checks that a hostile name runs nothing and that no request leaves the page, and saves
screenshots (tests/artifacts/, to look at).
"""
import os
import shutil
from pathlib import Path

import pytest

from kg import api

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (.ci/run installs it)")
ARTIFACTS = Path(__file__).parent / "artifacts"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HOSTILE = "<img src=x onerror=window.__pwned=1>恶意"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    src = root / "in"
    shutil.copytree(EXAMPLES, src)
    (src / "hostile.txt").write_text(f"在园区会上的讲话\n青川经济技术开发区要推进“{HOSTILE}”改革，发展新能源汽车产业。\n",
                                     encoding="utf-8")
    api.build([str(src)], str(root / "out"))
    return root / "out"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, built):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((built / "graph.html").as_uri())
    _wait(page, "window.kgViewer !== undefined")
    page.wait_for_timeout(500)
    yield page
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests
    assert errors == []
    page.close()


def test_search_focuses_and_fills_the_panel(page):
    page.fill("#search", "新能源")
    page.wait_for_selector("#results > *")
    page.keyboard.press("Enter")
    _wait(page, "document.querySelector('#panel h3') !== null")
    assert "新能源汽车" in page.inner_text("#panel h3")
    assert page.locator("#panel mark").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viewer-search.png"))


def test_type_filter_hides_nodes(page):
    hidden = "window.kgViewer.nodes.get({filter: n => n.hidden}).length"
    assert page.evaluate(hidden) == 0
    page.locator("#types input[value=Industry]").uncheck()
    industries = page.evaluate("window.kgViewer.data.nodes.filter(n => n.type === 'Industry').length")
    assert page.evaluate(hidden) == industries > 0


def test_click_on_a_node_shows_its_details(page):
    label = "青川经济技术开发区"
    _wait(page, "document.getElementById('status').textContent === ''")   # layout settled
    page.evaluate("""label => {
        const v = window.kgViewer, n = v.data.nodes.find(n => n.label === label);
        v.network.moveTo({position: v.network.getPositions([n.id])[n.id], scale: 1.0});
    }""", label)
    page.wait_for_timeout(300)
    point = page.evaluate("""label => {
        const v = window.kgViewer, n = v.data.nodes.find(n => n.label === label);
        return v.network.canvasToDOM(v.network.getPositions([n.id])[n.id]);
    }""", label)
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    _wait(page, "document.querySelector('#panel h3') !== null")
    assert page.inner_text("#panel h3") == label
    assert "开发区" in page.inner_text("#panel")


def test_hostile_name_shows_as_text_and_runs_nothing(page):
    page.fill("#search", "恶意")
    page.wait_for_selector("#results > *")
    page.keyboard.press("Enter")
    _wait(page, "document.querySelector('#panel h3') !== null")
    assert page.inner_text("#panel h3") == HOSTILE
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#panel img").count() == 0
    page.screenshot(path=str(ARTIFACTS / "viewer-hostile.png"))


def test_report_sorts_and_stays_inert(browser, built):
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto((built / "report.html").as_uri())
    header = page.locator("#targets th").nth(4)                 # amount
    header.click()
    raw = page.eval_on_selector_all("#targets tbody tr td:nth-child(5)", "cs => cs.map(c => c.dataset.sort)")
    numbers = [float(v) for v in raw if v]
    assert numbers and numbers == sorted(numbers)
    shown = [c for c in page.locator("#targets tbody tr td:nth-child(5)").all_inner_texts() if c.strip()]
    assert any("亿" in c or "万" in c or "," in c for c in shown)          # formatted for reading
    assert page.evaluate("getComputedStyle(document.querySelectorAll('#targets th')[4]).textAlign") == "right"
    assert page.evaluate("window.__pwned") is None
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)
    page.close()


def _wait(page, expression, timeout_s=30):
    """Poll from Python: the page's CSP forbids the eval that wait_for_function polls with."""
    import time
    end = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        assert time.monotonic() < end, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


def _visible_hidden(page):
    return page.evaluate("""() => { const v = window.kgViewer;
        return v.nodes.get().reduce((c, n) => (c[n.hidden ? 1 : 0]++, c), [0, 0]); }""")


def test_speech_filter_hides_fits_and_clears(page):
    doc = page.evaluate("window.kgViewer.data.documents.find(d => d.title.indexOf('恶意') < 0 && !d.copy).id")
    # a node the chosen speech does not mention, shown in the panel first
    other = page.evaluate("""doc => window.kgViewer.data.nodes.find(n => n.speeches.indexOf(doc) < 0).id""", doc)
    page.evaluate("id => window.kgViewer.focusNode(id)", other)
    page.wait_for_selector("#panel h3")
    page.select_option("#speech", doc)
    page.wait_for_timeout(500)
    expected = page.evaluate("doc => window.kgViewer.data.nodes.filter(n => n.speeches.indexOf(doc) < 0).length", doc)
    shown, hidden = _visible_hidden(page)
    assert hidden == expected > 0 and shown > 0
    assert page.locator("#panel h3").count() == 0                      # its node is hidden now
    assert page.evaluate("Object.values(window.kgViewer.nodeState).every(s => s === '')")   # no fading left
    inside = page.evaluate("""doc => { const v = window.kgViewer, box = document.getElementById('graph');
        const ids = v.data.nodes.filter(n => n.speeches.indexOf(doc) >= 0).map(n => n.id);
        const pos = v.network.getPositions(ids);
        return ids.every(id => { const p = v.network.canvasToDOM(pos[id]);
            return p.x >= 0 && p.y >= 0 && p.x <= box.clientWidth && p.y <= box.clientHeight; }); }""", doc)
    assert inside                                                       # fitted to what is visible
    option = page.locator(f"#speech option[value='{doc}']").inner_text()
    title = page.evaluate("doc => window.kgViewer.data.documents.find(d => d.id === doc).title", doc)
    assert option.startswith(title)                                     # title first, id second


def test_target_panel_shows_its_fields(page):
    target = page.evaluate("""() => window.kgViewer.data.nodes.find(n => n.type === 'Target'
        && n.fields.indicator !== undefined && n.fields.value !== undefined)""")
    assert target, "the examples state a target with an indicator and a value"
    page.evaluate("id => window.kgViewer.focusNode(id)", target["id"])
    page.wait_for_selector("#panel h3")
    assert page.inner_text("#panel h3") == target["label"]
    assert page.inner_text("#panel dd[data-field=indicator]") == target["fields"]["indicator"]
    assert page.inner_text("#panel dd[data-field=value]") == target["fields"]["value"]
    for f in ("unit", "year"):
        if f in target["fields"]:
            assert page.inner_text(f"#panel dd[data-field={f}]") == target["fields"][f]
    assert "目标 Target" in page.inner_text("#panel .badge")


def test_person_panel_shows_roles(page):
    person = page.evaluate("window.kgViewer.data.nodes.find(n => n.type === 'Person' && n.roles.length)")
    assert person, "the examples name a person with a role"
    page.evaluate("id => window.kgViewer.focusNode(id)", person["id"])
    page.wait_for_selector("#panel h3")
    assert page.inner_text("#panel dd[data-field=roles]") == "、".join(person["roles"])


def test_click_fades_non_neighbours_and_labels_only_its_edges(page):
    v = page.evaluate("""() => { const v = window.kgViewer;
        const e = v.data.edges[0], id = e.from;
        v.highlight(id);
        const near = new Set([id].concat(v.network.getConnectedNodes(id)));
        const nodes = v.nodes.get(), edges = v.edges.get();
        return {
          farFaded: nodes.filter(n => !near.has(n.id)).every(n => n.opacity < 0.5 && n.font.color.indexOf('0.12') > 0),
          nearPlain: nodes.filter(n => near.has(n.id)).every(n => n.opacity === 1),
          labelled: edges.filter(x => x.label && x.label.trim()).map(x => [x.from, x.to]),
          mine: v.data.edges.filter(x => x.from === id || x.to === id).length,
          otherFaded: edges.filter(x => x.from !== id && x.to !== id).every(x => x.color.opacity < 0.5),
          id: id }; }""")
    assert v["farFaded"] and v["nearPlain"] and v["otherFaded"]
    assert len(v["labelled"]) == v["mine"] and all(v["id"] in pair for pair in v["labelled"])
    page.evaluate("window.kgViewer.clearHighlight()")
    assert page.evaluate("window.kgViewer.edges.get().every(x => !x.label || !x.label.trim())")


def test_empty_hint_is_hidden(page):
    _wait(page, "document.getElementById('status').textContent === ''")
    assert page.evaluate("getComputedStyle(document.getElementById('status')).display") == "none"


def test_corpus_sized_default_view(browser, tmp_path):
    """About the corpus's size (300 of 700 entities, a third of them linked): every type is
    there, unlinked entities sit on a grid beside the core and the first fit shows it all."""
    import random
    from kg import viz
    rng = random.Random(5)
    types = list(viz.VIEW_TYPES)
    nodes = [{"id": f"urn:e{i}", "type": types[i % len(types)], "label": f"实体{i}号" * (1 + i % 3), "aliases": [],
              "speeches": ["s1"], "docs": 1 + (i % 40 == 0) * 4, "fields": {}, "roles": [], "mentions": [],
              "mention_count": rng.randrange(5), "community": -1} for i in range(700)]
    edges = [{"from": f"urn:e{rng.randrange(0, 9)}", "to": f"urn:e{rng.randrange(9, 700)}", "relation": "hasProgram"}
             for _ in range(150)]
    view = viz.select({"nodes": nodes, "edges": edges, "documents": [{"id": "s1", "title": "讲话", "copy": False}]})
    assert {n["type"] for n in view["nodes"]} == set(types)
    path = tmp_path / "corpus.html"
    viz.render_html(view, path)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(path.as_uri())
    _wait(page, "window.kgViewer !== undefined && document.getElementById('status').textContent === ''")
    page.wait_for_timeout(500)
    check = page.evaluate("""() => { const v = window.kgViewer, box = document.getElementById('graph');
        const linked = new Set(); v.data.edges.forEach(e => { linked.add(e.from); linked.add(e.to); });
        const pos = v.network.getPositions();
        const core = Object.keys(pos).filter(i => linked.has(i)), lone = Object.keys(pos).filter(i => !linked.has(i));
        const bottom = Math.max(...core.map(i => pos[i].y)), right = Math.max(...core.map(i => pos[i].x));
        const onScreen = Object.keys(pos).every(i => { const p = v.network.canvasToDOM(pos[i]);
            return p.x >= -1 && p.y >= -1 && p.x <= box.clientWidth + 1 && p.y <= box.clientHeight + 1; });
        return {lone: lone.length, beside: lone.every(i => pos[i].y > bottom || pos[i].x > right),
                rows: new Set(lone.map(i => pos[i].y)).size, onScreen: onScreen,
                labels: v.edges.get().filter(e => e.label && e.label.trim()).length,
                short: v.nodes.get().every(n => Array.from(n.label).length <= 10)}; }""")
    assert check["lone"] > 50 and check["beside"] and 1 < check["rows"] < check["lone"]
    assert check["onScreen"] and check["labels"] == 0 and check["short"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viewer-corpus-default.png"))
    page.close()


def test_large_view_highlights_without_restyling(browser, tmp_path):
    """A large view (sunflower positions, no physics): a click draws the neighbourhood over a
    veil instead of restyling thousands of items, and tooltips are made on the first hover."""
    import random
    from kg import viz
    rng = random.Random(11)
    n = viz.SPRING_LAYOUT_AT_MOST + 1
    types = list(viz.VIEW_TYPES)
    nodes = [{"id": f"urn:e{i}", "type": types[i % len(types)], "label": f"实体{i}", "aliases": [f"别名{i}"],
              "speeches": ["s1"], "docs": 1 + rng.randrange(20), "fields": {}, "roles": [], "mentions": [],
              "mention_count": 0, "community": i % 6} for i in range(n)]
    edges = [{"from": f"urn:e{rng.randrange(n)}", "to": f"urn:e{rng.randrange(n)}", "relation": "focusesOn"}
             for _ in range(n)] + [{"from": "urn:e0", "to": f"urn:e{i}", "relation": "hasProgram"} for i in (1, 2, 3)]
    path = tmp_path / "large.html"
    viz.render_html({"nodes": nodes, "edges": edges, "documents": [{"id": "s1", "title": "讲话", "copy": False}]}, path)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    _wait(page, "window.kgViewer !== undefined")
    page.wait_for_timeout(300)
    assert page.evaluate("window.kgViewer.large") is True
    far = page.evaluate("""() => { const v = window.kgViewer, mine = new Set(['urn:e0']);
        v.data.edges.forEach(e => { if (e.from === 'urn:e0' || e.to === 'urn:e0') { mine.add(e.from); mine.add(e.to); } });
        return v.data.nodes.find(n => !mine.has(n.id) && n.docs > 10).id; }""")

    def pixel(node_id):                      # the canvas's colour at a node's centre
        return page.evaluate("""id => { const v = window.kgViewer, c = document.querySelector('#graph canvas');
            const p = v.network.canvasToDOM(v.network.getPositions([id])[id]), r = window.devicePixelRatio || 1;
            return Array.from(c.getContext('2d').getImageData(Math.round(p.x * r), Math.round(p.y * r), 1, 1).data); }""",
                             node_id)

    page.evaluate("window.kgViewer.focusNode('urn:e0')")
    page.wait_for_timeout(300)
    assert page.evaluate("window.kgViewer.highlighted()") == "urn:e0"
    assert page.inner_text("#panel h3") == "实体0"
    untouched = page.evaluate("""() => { const v = window.kgViewer;
        return v.nodes.get().every(n => n.opacity === undefined) && v.edges.get().every(e => e.color === undefined); }""")
    assert untouched                                                   # nothing restyled per item
    page.evaluate("""id => { const v = window.kgViewer;
        v.network.moveTo({position: v.network.getPositions([id])[id], scale: 0.8}); }""", far)
    page.wait_for_timeout(300)
    faded = pixel(far)
    page.evaluate("window.kgViewer.clearHighlight()")
    page.wait_for_timeout(300)
    plain = pixel(far)
    assert page.evaluate("window.kgViewer.highlighted()") is None
    assert sum(faded[:3]) > sum(plain[:3]) + 150                        # the far node was veiled
    # the tooltip of a node that was never hovered is made on hovering it
    point = page.evaluate("""id => { const v = window.kgViewer; v.network.moveTo({position: v.network.getPositions([id])[id], scale: 1});
        return v.network.canvasToDOM(v.network.getPositions([id])[id]); }""", far)
    page.wait_for_timeout(300)
    box = page.locator("#graph").bounding_box()
    page.mouse.move(box["x"] + point["x"] - 2, box["y"] + point["y"] - 2)
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    label = page.evaluate("""p => { const v = window.kgViewer, id = v.network.getNodeAt(p);   // the topmost there
        return v.data.nodes.find(n => n.id === id).label; }""", point)
    tip = page.inner_text("div.vis-tooltip")
    assert tip.startswith(label + "\n") and "别名：别名" in tip
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.evaluate("window.kgViewer.focusNode('urn:e0')")
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viewer-large.png"))
    assert errors == []
    page.close()
