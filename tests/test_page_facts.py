"""The pages' speech facts matched in Python are what their SPARQL queries answer."""
from collections import Counter

import pyoxigraph as ox

from kg import api, page_facts

KFQ, DCT = "https://w3id.org/kfq-kg/ontology#", "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def sparql_rows(triples, name):
    store = ox.Store()
    store.extend([ox.Quad(s, p, o) for s, p, o in triples])
    return Counter(page_facts.values(store.query(page_facts.SPEECH_QUERIES[name])))


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
