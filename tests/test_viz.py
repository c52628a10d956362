"""The offline viewer, on a small graph.trig written by hand after the vocabulary contract:
what load_view reads, what select keeps, and that the page is offline and inert."""
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from rdflib import Dataset, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg import viz

KFQ = Namespace("https://w3id.org/kfq-kg/ontology#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
BASE = "https://w3id.org/kfq-kg/"
SCRIPT_LABEL = "<script>alert(1)</script>"
QUOTE_LABEL = '“百日攻坚”行动"</script><img src=x onerror=alert(2)>'

# (doc id, title, sentences); every sentence is (text, [(type, label, surface), ...])
SPEECHES = [
    ("01_report", "张明远市长在青川经济技术开发区工作会议上的讲话", [
        ("青川经济技术开发区重点发展新能源汽车和生物医药。",
         [("Zone", "青川经济技术开发区", "青川经济技术开发区"), ("Industry", "新能源汽车", "新能源汽车"),
          ("Industry", "生物医药", "生物医药")]),
        ("力争2025年实现营业收入500亿元以上。",
         [("Target", "力争2025年实现营业收入500亿元以上", "力争2025年实现营业收入500亿元以上")]),
        (f"要开展{QUOTE_LABEL}，张明远市长亲自抓。",
         [("Program", QUOTE_LABEL, QUOTE_LABEL), ("Person", "张明远", "张明远"), ("Role", "市长", "市长")]),
    ]),
    ("02_copy", "在青川经开区推进会上的讲话", [
        ("青川经开区位于江苏，新能源汽车产业链加快集聚。",
         [("Zone", "青川经济技术开发区", "青川经开区"), ("Place", "江苏", "江苏"),
          ("Industry", "新能源汽车", "新能源汽车")]),
        (f"网页里混进了{SCRIPT_LABEL}这样的文字。", [("Organization", SCRIPT_LABEL, SCRIPT_LABEL)]),
    ]),
    ("03_collection#1", "临江高新区讲话", [
        ("临江高新区聚焦生物医药。", [("Zone", "临江高新区", "临江高新区"), ("Industry", "生物医药", "生物医药")]),
    ]),
]
RELATIONS = [
    (("Zone", "青川经济技术开发区"), "focusesOn", ("Industry", "新能源汽车")),
    (("Zone", "青川经济技术开发区"), "focusesOn", ("Industry", "生物医药")),
    (("Zone", "青川经济技术开发区"), "hasProgram", ("Program", QUOTE_LABEL)),
    (("Zone", "青川经济技术开发区"), "locatedIn", ("Place", "江苏")),
    (("Target", "力争2025年实现营业收入500亿元以上"), "targetOf", ("Zone", "青川经济技术开发区")),
    (("Person", "张明远"), "holdsRole", ("Role", "市长")),
    (("Zone", "临江高新区"), "focusesOn", ("Industry", "生物医药")),
]
ALIASES = {("Zone", "青川经济技术开发区"): ["青川经开区"]}


def entity_iri(etype, label):
    digest = hashlib.sha1((etype + "\x1f" + label).encode()).hexdigest()[:16]
    return URIRef(f"{BASE}id/{etype.lower()}/{digest}")


def doc_iri(doc_id):
    return URIRef(f"{BASE}doc/{quote(doc_id, safe='')}")


def describe(g, etype, label):
    e = entity_iri(etype, label)
    g.add((e, RDF.type, KFQ[etype]))
    g.add((e, RDFS.label, Literal(label, lang="zh")))
    g.add((e, SKOS.prefLabel, Literal(label, lang="zh")))
    for alias in ALIASES.get((etype, label), []):
        g.add((e, SKOS.altLabel, Literal(alias, lang="zh")))
    if etype == "Target":
        for p, o in [("indicator", Literal("营业收入")), ("value", Literal("500", datatype=XSD.decimal)),
                     ("valueText", Literal("500")), ("unit", Literal("亿元")), ("qualifier", Literal("以上")),
                     ("year", Literal(2025, datatype=XSD.integer)),
                     ("amount", Literal("50000000000", datatype=XSD.decimal)), ("currency", Literal("CNY"))]:
            g.add((e, KFQ[p], o))
    return e


def write_graph(path):
    ds = Dataset()
    for doc_id, title, sentences in SPEECHES:
        d = doc_iri(doc_id)
        g = ds.graph(d)
        g.add((d, RDF.type, KFQ.Document))
        g.add((d, DCTERMS.identifier, Literal(doc_id)))
        g.add((d, DCTERMS.title, Literal(title, lang="zh")))
        offset, mentioned = 0, set()
        for index, (text, mentions) in enumerate(sentences):
            s = URIRef(f"{d}/s/{index}")
            g.add((s, RDF.type, KFQ.Sentence))
            g.add((s, NIF.isString, Literal(text)))
            g.add((s, NIF.beginIndex, Literal(offset, datatype=XSD.nonNegativeInteger)))
            g.add((s, NIF.endIndex, Literal(offset + len(text), datatype=XSD.nonNegativeInteger)))
            g.add((s, KFQ.inDocument, d))
            for etype, label, surface in mentions:
                e = describe(g, etype, label)
                mentioned.add((etype, label))
                g.add((d, KFQ.mentions, e))
                start = offset + text.index(surface)
                m = URIRef(f"{d}/m/{start}-{start + len(surface)}-{etype}")
                g.add((m, RDF.type, KFQ.Mention))
                g.add((m, KFQ.mentionOf, e))
                g.add((m, KFQ.inDocument, d))
                g.add((m, KFQ.inSentence, s))
                g.add((m, NIF.beginIndex, Literal(start, datatype=XSD.nonNegativeInteger)))
                g.add((m, NIF.endIndex, Literal(start + len(surface), datatype=XSD.nonNegativeInteger)))
                g.add((m, NIF.anchorOf, Literal(surface)))
            offset += len(text) + 1
        for subj, pred, obj in RELATIONS:
            if subj in mentioned and obj in mentioned:
                g.add((entity_iri(*subj), KFQ[pred], entity_iri(*obj)))
    ds.serialize(destination=str(path), format="trig")


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("viz")
    write_graph(out / "graph.trig")
    return out


@pytest.fixture(scope="module")
def view(out_dir):
    return viz.load_view(out_dir)


@pytest.fixture(scope="module")
def page(out_dir, view):
    viz.render_html(view, out_dir / "view.html", title="青川 <测试>")
    return (out_dir / "view.html").read_text(encoding="utf-8")


def by_label(view):
    return {n["label"]: n for n in view["nodes"]}


# ---------------------------------------------------------------- load_view

def test_nodes_carry_type_label_aliases_and_speech_counts(view):
    nodes = by_label(view)
    zone = nodes["青川经济技术开发区"]
    assert zone["type"] == "Zone" and zone["aliases"] == ["青川经开区"]
    assert zone["speeches"] == ["01_report", "02_copy"] and zone["docs"] == 2
    assert nodes["生物医药"]["speeches"] == ["01_report", "03_collection#1"]
    assert view["nodes"][0]["docs"] == 2                       # most-mentioned first
    assert [d["id"] for d in view["documents"]] == ["01_report", "02_copy", "03_collection#1"]
    assert view["documents"][0]["title"].startswith("张明远市长")


def test_target_fields_and_person_roles(view):
    nodes = by_label(view)
    target = nodes["力争2025年实现营业收入500亿元以上"]["fields"]
    assert target["indicator"] == "营业收入" and target["unit"] == "亿元"
    assert float(target["value"]) == 500 and int(target["year"]) == 2025
    assert int(target["amount"]) == 50_000_000_000 and target["currency"] == "CNY"
    assert nodes["张明远"]["roles"] == ["市长"]


def test_edges_are_the_contract_relations(view):
    labels = {n["id"]: n["label"] for n in view["nodes"]}
    edges = {(labels[e["from"]], e["relation"], labels[e["to"]]) for e in view["edges"]}
    assert ("青川经济技术开发区", "focusesOn", "新能源汽车") in edges
    assert ("力争2025年实现营业收入500亿元以上", "targetOf", "青川经济技术开发区") in edges
    assert ("张明远", "holdsRole", "市长") in edges
    assert ("青川经济技术开发区", "locatedIn", "江苏") in edges
    assert len(view["edges"]) == len(RELATIONS)            # repeated per speech graph, listed once


def test_mention_offsets_highlight_the_surface_within_the_sentence(view):
    zone = by_label(view)["青川经济技术开发区"]
    marked = {m["sentence"][m["begin"]:m["end"]] for m in zone["mentions"]}
    assert marked == {"青川经济技术开发区", "青川经开区"}
    hostile = by_label(view)[SCRIPT_LABEL]["mentions"][0]
    assert hostile["sentence"][hostile["begin"]:hostile["end"]] == SCRIPT_LABEL


def test_sentences_per_entity_are_capped_and_spread_over_speeches(view, monkeypatch, out_dir):
    monkeypatch.setattr(viz, "MAX_SENTENCES_PER_ENTITY", 2)
    capped = by_label(viz.load_view(out_dir / "graph.trig"))["生物医药"]
    assert len(capped["mentions"]) == 2 and capped["mention_count"] == 2
    assert {m["doc"] for m in capped["mentions"]} == {"01_report", "03_collection#1"}
    monkeypatch.setattr(viz, "MAX_SENTENCES_PER_ENTITY", 1)
    one = by_label(viz.load_view(out_dir))["生物医药"]
    assert len(one["mentions"]) == 1 and one["mention_count"] == 2 and one["docs"] == 2


def test_the_page_json_is_the_same_whichever_encoder_writes_it():
    import json

    def reference(data):
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    data = {"b": [1.5, -0.0, 12, 130.0], "a": {"z": "甲</script>&\u2028\n\x01", "y": None, "x": True}}
    assert viz._compact_json(data) == reference(data)                        # orjson's
    for refused in ({"n": 10 ** 20}, {"t": "乙\ud800"}, {3: "three"}):
        assert viz._compact_json(refused) == reference(refused)              # json's
    assert "</script>" not in viz.json_for_script(data)


def test_round_robin_takes_each_speech_in_turn():
    keys = sorted([("a", s) for s in range(5)] + [("b", 7)] + [("c", 0), ("c", 3)])
    assert viz._round_robin(keys, 5) == [("a", 0), ("b", 7), ("c", 0), ("a", 1), ("c", 3)]
    assert viz._round_robin(keys, 20) == [("a", 0), ("b", 7), ("c", 0), ("a", 1), ("c", 3),
                                          ("a", 2), ("a", 3), ("a", 4)]
    assert viz._round_robin([("a", 0), ("a", 1), ("a", 2)], 2) == [("a", 0), ("a", 1)]
    assert viz._round_robin([], 3) == []


def test_turtle_input_and_missing_graph(tmp_path, view):
    import pyoxigraph as ox
    store = ox.Store()
    trig = tmp_path / "g.trig"
    write_graph(trig)
    store.load(path=str(trig), format=ox.RdfFormat.TRIG)
    ttl = tmp_path / "graph.ttl"
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store}   # the union, flat
    ox.serialize(sorted(triples, key=str), str(ttl), format=ox.RdfFormat.TURTLE)
    flat = viz.load_view(ttl)
    assert {n["label"] for n in flat["nodes"]} == {n["label"] for n in view["nodes"]}
    with pytest.raises(FileNotFoundError):
        viz.load_view(tmp_path / "nothing-here")


# ---------------------------------------------------------------- select

def test_a_view_loaded_with_a_selection_is_that_selection_of_the_whole_view(out_dir, view):
    """load_view(..., **selection) finishes only the chosen entities (a build's page shows
    300 of tens of thousands): the same view as selecting from the whole one."""
    community = by_label(view)["青川经济技术开发区"]["community"]
    for selection in ({"max_nodes": 3}, {"types": ["Zone", "Industry"]}, {"document": "03_collection#1"},
                      {"entity": "青川经开区", "depth": 1}, {"community": community}):
        assert viz.load_view(out_dir, **selection) == viz.select(view, **selection), selection


def test_select_caps_by_speech_count(view):
    top = viz.select(view, max_nodes=3)
    assert len(top["nodes"]) == 3 and all(n["docs"] == 2 for n in top["nodes"])
    assert {n["label"] for n in viz.select(view, min_docs=2)["nodes"]} == {
        "青川经济技术开发区", "新能源汽车", "生物医药"}
    for e in top["edges"]:
        assert {e["from"], e["to"]} <= {n["id"] for n in top["nodes"]}


def test_select_types_and_document(view):
    assert {n["type"] for n in viz.select(view, types=["Industry", "Zone"])["nodes"]} == {"Industry", "Zone"}
    one = viz.select(view, document="03_collection#1")
    assert {n["label"] for n in one["nodes"]} == {"临江高新区", "生物医药"}
    assert [d["id"] for d in one["documents"]] == ["01_report", "03_collection#1"]
    with pytest.raises(LookupError):
        viz.select(view, document="no-such-speech")


def test_select_neighbourhood_by_label_alias_and_depth(view):
    near = {n["label"] for n in viz.select(view, entity="新能源汽车", depth=1)["nodes"]}
    assert near == {"新能源汽车", "青川经济技术开发区"}
    far = {n["label"] for n in viz.select(view, entity="新能源汽车", depth=2)["nodes"]}
    assert {"生物医药", "江苏", "力争2025年实现营业收入500亿元以上"} <= far and "临江高新区" not in far
    assert "临江高新区" in {n["label"] for n in viz.select(view, entity="新能源汽车", depth=3)["nodes"]}
    by_alias = viz.select(view, entity="青川经开区", depth=0)
    assert [n["label"] for n in by_alias["nodes"]] == ["青川经济技术开发区"]
    capped = viz.select(view, entity="青川经济技术开发区", depth=1, max_nodes=2)["nodes"]
    assert len(capped) == 2 and capped[0]["label"] == "青川经济技术开发区"
    with pytest.raises(LookupError):
        viz.select(view, entity="不存在的实体")


# ---------------------------------------------------------------- the page

class Elements(HTMLParser):
    """Tags as a browser's tokenizer sees them, and the text of the data block."""

    def __init__(self):
        super().__init__()
        self.tags, self.data_block, self._in_data = [], "", False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_data = dict(attrs).get("id") == "kg-data"

    def handle_data(self, data):
        if self._in_data:
            self.data_block += data

    def handle_endtag(self, tag):
        self._in_data = False


def parse(page):
    p = Elements()
    p.feed(page)
    return p


def test_page_is_offline(page):
    assert not re.search(r"<(script|link|img|iframe|source|embed)\b[^>]*\b(src|href)\s*=", page, re.I)
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"@import|cdn\.|unpkg|jsdelivr|bootstrap", page, re.I)
    assert "vis.Network" in page and "default-src 'none'" in page


def test_page_contains_the_data(page, view):
    data = json.loads(parse(page).data_block)
    assert {n["label"] for n in data["nodes"]} == {n["label"] for n in view["nodes"]}
    assert data["edges"] == view["edges"] and data["positions"] is None
    assert "<title>青川 &lt;测试&gt;</title>" in page


def test_hostile_labels_stay_inert(page):
    parsed = parse(page)
    scripts = [a for t, a in parsed.tags if t == "script"]
    assert len(scripts) == 3                           # data, vis-network, the viewer
    assert page.count("</script") == 3                # nothing from the data closes an element
    assert "<!--" not in page                          # nor switches the tokenizer to escaped mode
    assert not any(t == "img" for t, _ in parsed.tags)
    assert SCRIPT_LABEL not in page and "<img" not in page
    labels = {n["label"] for n in json.loads(parsed.data_block)["nodes"]}
    assert {SCRIPT_LABEL, QUOTE_LABEL} <= labels      # still there, exactly, once parsed
    assert "innerHTML" not in page.split('id="kg-data"')[1].split("</script>", 2)[2]


def test_json_for_script_escapes_markup_characters():
    text = viz.json_for_script({"a": "</script><!-- & \u2028"})
    assert not set("<>&") & set(text) and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_big_views_get_fixed_positions(tmp_path):
    n = viz.LAYOUT_IN_PYTHON_ABOVE + 1
    nodes = [{"id": f"urn:n{i}", "type": "Industry", "label": f"产业{i}", "aliases": [], "speeches": ["d"],
              "docs": 1, "fields": {}, "roles": [], "mentions": [], "mention_count": 0} for i in range(n)]
    edges = [{"from": f"urn:n{i}", "to": f"urn:n{i + 1}", "relation": "focusesOn"} for i in range(n - 1)]
    big = {"nodes": nodes, "edges": edges, "documents": [{"id": "d", "title": ""}]}
    target = tmp_path / "big.html"
    viz.render_html(big, target)
    data = json.loads(parse(target.read_text(encoding="utf-8")).data_block)
    assert set(data["positions"]) == {f"urn:n{i}" for i in range(n)}
    assert viz.layout(big) == viz.layout(big)          # fixed seed: the same picture every time
    assert viz.layout({"nodes": nodes[:5], "edges": [], "documents": []}) is None


def test_render_replaces_atomically(tmp_path, view):
    target = tmp_path / "v.html"
    target.write_text("old", encoding="utf-8")
    viz.render_html(view, target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["v.html"]


def test_community_selection_and_toggle(view, page):
    assert 'id="colourBy"' in page
    numbered = [n for n in view["nodes"] if n["community"] >= 0]
    assert numbered, "co-mentions and relations make at least one community"
    first = viz.select(view, community=0)
    assert first["nodes"] and {n["community"] for n in first["nodes"]} == {0}


def test_build_writes_a_report_page(tmp_path):
    from kg import api
    src = tmp_path / "in"
    src.mkdir()
    text = "在临江高新区大会上的讲话\n临江高新区要发展新能源汽车产业，力争营业收入达到500亿元以上。\n"
    (src / "a.txt").write_text(text, encoding="utf-8")
    (src / "b.txt").write_text(text, encoding="utf-8")
    (src / "c.txt").write_text("在<script>恶意</script>园区会上的讲话\n推进改革。\n", encoding="utf-8")
    api.build([str(src)], str(tmp_path / "out"))
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "力争营业收入达到500亿元以上" in page and "新能源汽车" in page
    assert "重复 a" in page                                  # b is marked as a copy of a
    assert "<script>恶意" not in page and "&lt;script&gt;恶意" in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)


def test_default_cap_gives_every_type_a_share():
    # 50 programs each in 2 speeches, and 5 targets and 5 people in one: the ties do not crowd them out
    nodes = [{"id": f"urn:p{i}", "type": "Program", "label": f"项目{i}", "aliases": [], "speeches": ["a", "b"],
              "docs": 2, "mention_count": 2} for i in range(50)]
    nodes += [{"id": f"urn:{t}{i}", "type": t, "label": f"{t}{i}", "aliases": [], "speeches": ["a"], "docs": 1,
               "mention_count": i} for t in ("Target", "Person") for i in range(5)]
    view = {"nodes": nodes, "edges": [], "documents": [{"id": "a", "title": ""}, {"id": "b", "title": ""}]}
    kept = viz.select(view, max_nodes=12)["nodes"]
    types = [n["type"] for n in kept]
    assert len(kept) == 12 and types.count("Target") == 4 and types.count("Person") == 4
    # within a type: most mention sentences first
    assert {n["label"] for n in kept if n["type"] == "Target"} == {"Target4", "Target3", "Target2", "Target1"}
    assert all(n["type"] == "Program" for n in viz.select(view, max_nodes=2)["nodes"])   # below one per type


def test_entity_substring_fallback(view):
    exact, ids = viz.find_entities(view, "经开")
    assert not exact and len(ids) == 1                          # an alias contains it
    assert viz.find_entities(view, "新能源汽车") == (True, [n["id"] for n in view["nodes"] if n["label"] == "新能源汽车"])
    with pytest.raises(LookupError):
        viz.select(view, entity="经开")                           # only with substring=True
    near = viz.select(view, entity="经开", substring=True, depth=1)["nodes"]
    assert "青川经济技术开发区" in {n["label"] for n in near} and len(near) > 1


def test_natural_order_of_speech_ids():
    ids = ["x#10", "x#2", "x#1", "a"]
    assert sorted(ids, key=viz.natural_key) == ["a", "x#1", "x#2", "x#10"]


def test_unlinked_entities_sit_on_a_grid_beside_the_core():
    n = viz.LAYOUT_IN_PYTHON_ABOVE + 100
    nodes = [{"id": f"urn:n{i}", "type": "Industry", "label": f"产业{i}", "aliases": [], "speeches": ["d"],
              "docs": 1, "fields": {}, "roles": [], "mentions": [], "mention_count": 0} for i in range(n)]
    edges = [{"from": f"urn:n{i}", "to": f"urn:n{i + 1}", "relation": "focusesOn"} for i in range(0, 400)]
    pos = viz.layout({"nodes": nodes, "edges": edges, "documents": []})
    core_right = max(pos[f"urn:n{i}"][0] for i in range(401))
    lone = [pos[f"urn:n{i}"] for i in range(401, n)]
    assert all(x > core_right for x, _ in lone)
    xs, ys = sorted({x for x, _ in lone}), sorted({y for _, y in lone})
    assert len(xs) * len(ys) >= len(lone) and len(xs) < len(lone)     # rows and columns, not a line or a ring
    assert xs[1] - xs[0] == viz.GRID_CELL[0] and ys[1] - ys[0] == viz.GRID_CELL[1]


def test_palette_separates_the_similar_types():
    def hue(colour):
        import colorsys
        r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return colorsys.rgb_to_hsv(r, g, b)[0] * 360
    for a, b in [("Zone", "Person"), ("Industry", "Organization"), ("Target", "Metric")]:
        d = abs(hue(viz.TYPE_COLOURS[a]) - hue(viz.TYPE_COLOURS[b]))
        assert min(d, 360 - d) >= 30, (a, b)
    assert len(set(viz.TYPE_COLOURS.values())) == len(viz.TYPE_COLOURS)


def test_report_formats_amounts_and_sorts_speeches_naturally(tmp_path):
    from kg.report import format_amount
    assert format_amount("50000000000") == "500 亿" and format_amount("12345") == "1.23 万"
    assert format_amount("1234.5") == "1,234.5" and format_amount("") == ""


def test_cli_viz_checks_types_and_entity(out_dir, tmp_path):
    from click.testing import CliRunner
    from kg.cli import main
    run = lambda *a: CliRunner().invoke(main, ["viz", "-g", str(out_dir), "-o", str(tmp_path / "v.html"), *a])
    r = run("--types", "Zone,Nope")
    assert r.exit_code == 2 and "Nope" in r.output and "Industry" in r.output
    r = run("--types", "zone,INDUSTRY")
    assert r.exit_code == 0, r.output
    data = json.loads(parse((tmp_path / "v.html").read_text(encoding="utf-8")).data_block)
    assert {n["type"] for n in data["nodes"]} == {"Zone", "Industry"}
    r = run("--entity", "不存在")
    assert r.exit_code == 2 and "no entity labelled '不存在'" in r.output
    r = run("--entity", "经开")
    assert r.exit_code == 0 and "contains it" in r.output and "青川经济技术开发区" in r.output


def test_the_pages_do_not_depend_on_the_hash_seed(tmp_path):
    """Community colours come from Leiden over the projection, which must be built in one
    order whatever order Python's string hashing gives sets."""
    import os
    import subprocess
    import sys
    examples = Path(__file__).resolve().parent.parent / "examples"
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        subprocess.run([sys.executable, "-m", "kg.cli", "build", str(examples), "-o", str(out), "--no-validate"],
                       check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        pages.append((out / "graph.html").read_bytes())
    assert pages[0] == pages[1]
