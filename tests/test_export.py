"""Exports round-trip: Gephi formats, JSON-LD, N-Quads, CSV tables; analytics."""
import csv

import networkx as nx
import pytest
import rdflib

from kg import analysis, api
from kg.export import CSV_TABLES, export

SPEECHES = {
    "a.txt": "在临江高新区推进会上的讲话\n临江高新区要发展新能源汽车产业和生物医药产业。建华市长强调要推进“审管联”改革。\n"
             "力争2025年营业收入达到500亿元以上。\n",
    "b.txt": "在青川经开区大会上的讲话\n青川经开区要发展新能源汽车产业和生物医药产业，推进“审管联”改革。\n",
    "c.txt": "在综合保税区会议上的讲话\n综合保税区要发展跨境电商和现代物流，加强与苏州的合作。\n",
}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("exp")
    for name, text in SPEECHES.items():
        (root / name).write_text(text, encoding="utf-8")
    api.build([str(root / n) for n in SPEECHES], str(root / "out"), html=False)
    return root / "out"


def quads_of(ds):
    return {(s, p, o, g.identifier if hasattr(g, "identifier") else g) for s, p, o, g in ds.quads((None, None, None, None))}


def test_projection_nodes_relations_and_co_mentions(out):
    g = analysis.projection(out)
    labels = {d["label"]: n for n, d in g.nodes(data=True)}
    car, bio = labels["新能源汽车"], labels["生物医药"]
    assert g.nodes[car]["type"] == "Industry" and g.nodes[car]["speeches"] == 2
    co = [d for _, _, d in g.edges(car, data=True) if d["relation"] == "co_mention"] + \
         [d for _, _, d in g.edges(bio, data=True) if d["relation"] == "co_mention"]
    assert any(d["weight"] == 2 for d in co)
    assert any(d["relation"] == "focusesOn" for _, _, d in g.edges(data=True))


@pytest.mark.parametrize("fmt, reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_gephi_formats_read_back(out, tmp_path, fmt, reader):
    path = export(out, fmt, tmp_path / f"g.{fmt}")
    g = analysis.projection(out)
    h = reader(path)
    assert h.number_of_nodes() == g.number_of_nodes()
    assert h.number_of_edges() == g.number_of_edges()
    assert "新能源汽车" in {d.get("label") for _, d in h.nodes(data=True)}


def test_jsonld_and_nquads_hold_the_same_quads_as_trig(out, tmp_path):
    trig = rdflib.Dataset()
    trig.parse(out / "graph.trig", format="trig")
    for fmt, rdf_format in (("jsonld", "json-ld"), ("nquads", "nquads")):
        path = export(out, fmt, tmp_path / f"g.{fmt}")
        other = rdflib.Dataset()
        other.parse(path, format=rdf_format)
        assert quads_of(other) == quads_of(trig), fmt


def test_csv_tables_have_the_documented_columns(out, tmp_path):
    export(out, "csv", tmp_path / "tables")
    for name, columns in CSV_TABLES.items():
        raw = (tmp_path / "tables" / name).read_bytes()
        assert raw.startswith("\ufeff".encode("utf-8"))
        rows = list(csv.reader((tmp_path / "tables" / name).read_text(encoding="utf-8-sig").splitlines()))
        assert rows[0] == columns
    targets = list(csv.DictReader((tmp_path / "tables" / "targets.csv").read_text(encoding="utf-8-sig").splitlines()))
    goal = next(t for t in targets if t["type"] == "Target")
    assert (goal["value"], goal["unit"], goal["amount"], goal["year"]) == ("500", "亿元", "50000000000", "2025")
    people = list(csv.DictReader((tmp_path / "tables" / "people.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert {(p["person"], p["role"]) for p in people} == {("建华", "市长")}


def _two_clusters() -> nx.MultiDiGraph:
    """Two groups of four entities, each pair within a group named together in five
    speeches, one weak link between the groups."""
    g = nx.MultiDiGraph()
    groups = [[f"http://e/{side}{i}" for i in range(4)] for side in "ab"]
    for members in groups:
        for node in members:
            g.add_node(node, type="Zone", label=node[-2:], speeches=5)
        for x in members:
            for y in members:
                if x < y:
                    g.add_edge(x, y, key="co_mention", relation="co_mention", weight=5)
    g.add_edge(groups[0][0], groups[1][0], key="co_mention", relation="co_mention", weight=1)
    g.add_node("http://e/alone", type="Zone", label="alone", speeches=1)
    return g


def test_communities_find_the_groups_whatever_the_global_random_state():
    import random
    g = _two_clusters()
    random.seed(1)
    first = analysis.community_of(g)
    random.seed(99)
    assert analysis.community_of(g) == first
    a = {first[f"http://e/a{i}"] for i in range(4)}
    b = {first[f"http://e/b{i}"] for i in range(4)}
    assert len(a) == 1 and len(b) == 1 and a != b
    assert "http://e/alone" not in first           # an isolated entity is in no community


def test_communities_alike_in_size_and_label_are_numbered_alike_in_any_run(monkeypatch):
    """Three zones written ××开发区, each with an industry of its own: three communities of
    one size whose first label is the same. Leiden's numbers come in a hash order that
    differs between processes; the numbering must not follow it."""
    import graspologic_native
    nodes = {f"http://e/zone{k}": {"type": "Zone", "label": "××开发区"} for k in range(3)}
    nodes.update({f"http://e/industry{k}": {"type": "Industry", "label": f"产业{k}"} for k in range(3)})
    edges = [(f"http://e/zone{k}", f"http://e/industry{k}", "focusesOn", 1) for k in range(3)]
    leiden = graspologic_native.leiden
    numberings = []
    for turn in range(3):
        def leiden_in_another_order(pairs, seed, turn=turn):
            quality, community = leiden(pairs, seed=seed)
            order = sorted(community, key=lambda node: (community[node] + turn) % 3)
            return quality, {node: community[node] for node in order}
        monkeypatch.setattr(graspologic_native, "leiden", leiden_in_another_order)
        numberings.append(analysis.community_of_lists(nodes, edges))
    assert numberings[0] == numberings[1] == numberings[2]
    assert sorted(numberings[0].values()) == [0, 0, 1, 1, 2, 2]


def test_communities_leave_the_global_random_generator_alone():
    import random
    random.seed(3)
    expected = random.random()
    random.seed(3)
    analysis.community_of(_two_clusters())
    assert random.random() == expected


def test_the_view_numbers_communities_as_kg_stats_does(out):
    """graph.html's colours come from the projection's lists, kg stats' from its graph:
    the same communities, numbered alike (kg viz --community K takes kg stats' K)."""
    nodes, edges = analysis.projection_lists(out)
    g = analysis.projection(out)
    assert list(g) == list(nodes) and len(edges) == g.number_of_edges()
    by_graph = analysis.community_of(g)
    assert by_graph and analysis.community_of_lists(nodes, edges) == by_graph
    reversed_graph = nx.MultiDiGraph()                       # edges given in another order
    reversed_graph.add_nodes_from(g.nodes(data=True))
    reversed_graph.add_edges_from(reversed(list(g.edges(keys=True, data=True))))
    assert analysis.community_of(reversed_graph) == by_graph


def test_central_and_communities(out):
    g = analysis.projection(out)
    central = analysis.central(g, top=3)
    assert central["Industry"][0][0] in ("新能源汽车", "生物医药")
    groups = analysis.communities(g)
    assert groups and sum(c["size"] for c in groups) <= g.number_of_nodes()
