"""The offline viewer: no network, data escaped, selections."""
import json
import re
from html.parser import HTMLParser

import pytest

from kg import api, viz

HOSTILE = "恶意</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("viz")
    (root / "in").mkdir()
    (root / "in" / "a.txt").write_text(
        "在临江高新区大会上的讲话\n临江高新区重点发展新能源汽车产业和生物医药产业。\n"
        f"要推进“{HOSTILE}”改革。建华市长强调要确保营业收入500亿元以上。\n", encoding="utf-8")
    report = api.build([str(root / "in")], str(root / "out"), html=True, validate_shapes=False)
    assert not report.problems
    return root / "out"


def test_page_is_offline_and_self_contained(built):
    html = (built / "graph.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html)
    assert "vis.Network" in html and "新能源汽车" in html


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.data_block, self._in_data = [], "", False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_data = dict(attrs).get("id") == "kg-data"

    def handle_data(self, data):
        if self._in_data:
            self.data_block += data

    def handle_endtag(self, tag):
        self._in_data = False


def test_hostile_text_cannot_close_the_script(built):
    html = (built / "graph.html").read_text(encoding="utf-8")
    parsed = Elements()
    parsed.feed(html)
    assert parsed.tags.count("script") == 3          # data, vis-network, the viewer
    assert "img" not in parsed.tags
    data = json.loads(parsed.data_block)
    assert any(HOSTILE in n["label"] for n in data["nodes"])


def test_view_has_nodes_edges_and_provenance(built):
    view = viz.load_view(built)
    labels = {n["label"]: n for n in view["nodes"]}
    assert {"临江高新区", "新能源汽车", "生物医药"} <= set(labels)
    zone = labels["临江高新区"]
    assert zone["mentions"] and zone["mentions"][0]["sentence"][zone["mentions"][0]["begin"]:
                                                            zone["mentions"][0]["end"]] == "临江高新区"
    assert any(e["relation"] == "focusesOn" for e in view["edges"])
    assert labels["建华"]["roles"] == ["市长"]


def test_select_neighbourhood_and_caps(built):
    view = viz.load_view(built)
    near = viz.select(view, entity="新能源汽车", depth=1)
    assert {n["label"] for n in near["nodes"]} >= {"新能源汽车", "临江高新区"}
    assert "建华" not in {n["label"] for n in near["nodes"]}
    assert len(viz.select(view, max_nodes=2)["nodes"]) == 2
    only = viz.select(view, types=["Industry"])
    assert {n["type"] for n in only["nodes"]} == {"Industry"}
    with pytest.raises(LookupError):
        viz.select(view, entity="不存在的实体")
