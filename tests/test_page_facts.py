"""The pages' speech facts matched in Python are what their SPARQL queries answer."""
from collections import Counter

import pyoxigraph as ox

from kg import api, page_facts
from kg.read import read_inputs

KFQ, DCT = "https://w3id.org/kfq-kg/ontology#", "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def sparql_rows(triples, name):
    store = ox.Store()
    store.extend([ox.Quad(s, p, o) for s, p, o in triples])
    return Counter(page_facts.values(store.query(page_facts.QUERIES[name])))


def python_rows(triples, name):
    return Counter(page_facts.speech_rows(triples)[1][name])


def test_each_speech_graph_gives_the_same_rows_both_ways(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = "在临江高新区推进会上的讲话\n临江高新区要发展新能源汽车产业，力争营业收入500亿元以上。\n青川经开区要做强生物医药产业。\n"
    (src / "a.txt").write_text(text, encoding="utf-8")
    (src / "b.txt").write_text(text + "同志们，要抓好落实。\n", encoding="utf-8")     # a copy of a
    api.build([str(src)], str(tmp_path / "out"), html=False, validate_shapes=False)
    graphs: dict = {}
    for q in ox.parse(path=str(tmp_path / "out" / "graph.trig"), format=ox.RdfFormat.TRIG):
        graphs.setdefault(q.graph_name.value, []).append((q.subject, q.predicate, q.object))
    assert len(graphs) == 2
    for triples in graphs.values():
        for name in page_facts.SPEECH_PATTERNS:
            assert python_rows(triples, name) == sparql_rows(triples, name), name
    assert sum(len(python_rows(triples, "duplications")) for triples in graphs.values()) == 1

def test_optional_and_repeated_values_combine_as_in_sparql():
    """No identifier (an optional left unbound), two titles (a solution each), and DISTINCT."""
    d1, d2 = ox.NamedNode("urn:d1"), ox.NamedNode("urn:d2")
    doc, ident = ox.NamedNode(KFQ + "Document"), ox.NamedNode(DCT + "identifier")
    title, dup = ox.NamedNode(DCT + "title"), ox.NamedNode(KFQ + "duplicateOf")
    triples = [(d1, RDF_TYPE, doc), (d2, RDF_TYPE, doc), (d2, ident, ox.Literal("d2")),
               (d2, title, ox.Literal("甲")), (d2, title, ox.Literal("乙", language="zh")),
               (d2, dup, d1), (d1, ox.NamedNode(KFQ + "mentions"), d2)]
    for name in page_facts.SPEECH_PATTERNS:
        assert python_rows(triples, name) == sparql_rows(triples, name), name
    assert python_rows(triples, "documents") == Counter({("urn:d1", None, None): 1, ("urn:d2", "d2", "urn:d1"): 1})
    assert python_rows(triples, "titles") == Counter({("d2", "甲", "urn:d1"): 1, ("d2", "乙", "urn:d1"): 1})
    assert python_rows(triples + [(d2, title, ox.Literal("甲"))], "titles")[("d2", "甲", "urn:d1")] == 1


def test_the_shared_chunks_give_the_entity_rows_the_union_answers(tmp_path):
    """The entity facts matched over each chunk of the shared triples, as a build keeps
    them, are what SPARQL over the whole union answers (none lies in a speech's own
    triples), with a person's role and a target's fields among them."""
    from kg import cache
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("在临江高新区推进会上的讲话\n临江高新区要发展新能源汽车产业，力争到2025年营业收入达到500亿元以上。\n"
                               "市长张明远同志指出，要实施“工业强市”战略。\n", encoding="utf-8")
    (src / "b.txt").write_text("青川经开区工作报告\n青川经开区要做强生物医药产业，实施百项技改行动。\n", encoding="utf-8")
    out = tmp_path / "out"
    rows = page_facts.SpeechRows(out / cache.CACHE_DIR)
    api._build_graph(*read_inputs([str(src)]), out, 1, False, True, None, rows)
    built, union = rows.facts(), page_facts.StoreFacts(api.open_union(out))
    for name in page_facts.ENTITY_PATTERNS:
        assert Counter(built.rows(name)) == Counter(union.rows(name)), name
    assert {p.rsplit("#")[-1] for _, p, _ in built.rows("relations")} >= {"holdsRole", "focusesOn"}
    assert {p.rsplit("#")[-1] for _, p, _ in built.rows("fields")} >= {"year", "unit", "amount"}
    assert "生物医药产业" in {alias for _, alias in built.rows("aliases")}       # the label is 生物医药
    assert built.triple_count() == union.triple_count()
