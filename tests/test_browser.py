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
    page.wait_for_function("window.kgViewer !== undefined")
    page.wait_for_timeout(500)
    yield page
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests
    assert errors == []
    page.close()


def test_search_focuses_and_fills_the_panel(page):
    page.fill("#search", "新能源")
    page.wait_for_selector("#results > *")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#panel h3') !== null")
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
    point = page.evaluate("""label => {
        const v = window.kgViewer, n = v.data.nodes.find(n => n.label === label);
        v.network.moveTo({position: v.network.getPositions([n.id])[n.id], scale: 1.0});
        return v.network.canvasToDOM(v.network.getPositions([n.id])[n.id]);
    }""", label)
    page.wait_for_timeout(300)
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_function("document.querySelector('#panel h3') !== null")
    assert page.inner_text("#panel h3") == label
    assert "开发区" in page.inner_text("#panel")


def test_hostile_name_shows_as_text_and_runs_nothing(page):
    page.fill("#search", "恶意")
    page.wait_for_selector("#results > *")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#panel h3') !== null")
    assert page.inner_text("#panel h3") == HOSTILE
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#panel img").count() == 0
    page.screenshot(path=str(ARTIFACTS / "viewer-hostile.png"))


def test_report_sorts_and_stays_inert(browser, built):
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto((built / "report.html").as_uri())
    header = page.locator("#targets th").nth(4)                 # amount
    header.click()
    values = [c for c in page.locator("#targets tbody tr td:nth-child(5)").all_inner_texts() if c.strip()]
    numbers = [float(v) for v in values]
    assert numbers == sorted(numbers)
    assert page.evaluate("window.__pwned") is None
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)
    page.close()
