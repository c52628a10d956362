"""Property-based tests: any label, any speech id, any text round-trips through the RDF."""
import tempfile
from pathlib import Path

import pyoxigraph as ox
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.graph import UNSAFE_CHARS, build_quads, document_iri, write_graph
from kg.link import entity_iri, fold, link
from kg.model import Document, Extraction, Mention, Sentence

any_text = st.text(min_size=1, max_size=40)
TYPES = st.sampled_from(["Zone", "Industry", "Program", "Person", "Organization", "Place"])


@given(any_text, TYPES)
def test_entity_iris_are_valid_and_stable(label, etype):
    iri = entity_iri(etype, fold(label) or label)
    assert iri == entity_iri(etype, fold(label) or label)
    ox.NamedNode(iri)                       # raises on an invalid IRI
    assert rdflib.URIRef(iri).n3().startswith("<https://w3id.org/kfq-kg/id/")


@given(any_text)
def test_document_iris_are_valid_for_any_file_stem(doc_id):
    iri = document_iri(doc_id)
    ox.NamedNode(iri)
    assert " " not in iri and "#" not in iri.split("/doc/", 1)[1]


def _graph_for(label: str, doc_id: str, title: str):
    text = label + "。"
    doc = Document(id=doc_id, source="x.txt", title=title, text=text)
    m = Mention(doc_id, "Program", label, label, 0, len(label), 0)
    ex = Extraction(doc, [Sentence(doc_id, 0, 0, len(text), text)], [m])
    return build_quads([ex], link([ex]))


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(any_text, any_text, st.text(max_size=30))
def test_any_unicode_round_trips_through_turtle_and_trig(label, doc_id, title):
    quads = _graph_for(label, doc_id, title)
    with tempfile.TemporaryDirectory() as tmp:
        write_graph(quads, Path(tmp))
        g = rdflib.Graph().parse(Path(tmp) / "graph.ttl", format="turtle")
        labels = {str(o) for o in g.objects(None, rdflib.RDFS.label)}
        assert UNSAFE_CHARS.sub("", label) in labels
        ids = {str(o) for o in g.objects(None, rdflib.DCTERMS.identifier)}
        assert ids == {UNSAFE_CHARS.sub("", doc_id)}
        # ox.parse, not a Store: the store keeps xsd:nonNegativeInteger as xsd:integer
        parsed = set(ox.parse(path=str(Path(tmp) / "graph.trig"), format=ox.RdfFormat.TRIG))
        assert parsed == set(quads)
