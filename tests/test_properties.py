"""Property-based tests: any label, any speech id, any text round-trips through the RDF."""
import tempfile
from pathlib import Path

import pyoxigraph as ox
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.graph import UNSAFE_CHARS, build_quads, document_iri, write_graph
from kg.link import entity_iri, fold, link
from kg.model import Document, Extraction, Mention, Relation, Sentence

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


# Mentions a speech may hold: names written several ways (an alias, a tail that folds away,
# a name written for another body), so speeches added, changed and removed move labels,
# aliases and what a name stands for from one build to the next.
NAMED = [("Industry", "新能源汽车", "新能源汽车", {}),
         ("Industry", "新能源汽车", "新能源汽车产业", {"written": "新能源汽车产业"}),
         ("Industry", "新能源汽车产业", "新能源汽车产业", {}),
         ("Zone", "临江高新区", "临江高新区", {}),
         ("Zone", "临江高新区", "临江高新技术产业开发区", {"alias": "临江高新技术产业开发区"}),
         ("Organization", "党工委", "党工委", {}),
         ("Organization", "管委会", "管委会", {"canonical": "党工委"}),
         ("Organization", "管委会", "管委会", {}),
         ("Person", "建华", "建华", {"role": "市长"}),
         ("Role", "市长", "市长", {}),
         ("Zone", "X开发区", "X开发区", {})]
speech_contents = st.lists(st.sampled_from(range(len(NAMED))), min_size=1, max_size=5)
corpora = st.dictionaries(st.sampled_from(["d0", "d1", "d2", "d3"]), speech_contents, min_size=1)


def _speech(doc_id: str, picks: list[int]) -> Extraction:
    """A speech naming NAMED[i] for each i of ``picks``; its text says which (the text is
    what a cache key holds)."""
    text, mentions = "", []
    for i in picks:
        etype, label, surface, attrs = NAMED[i]
        text += f"{i}:"
        mentions.append(Mention(doc_id, etype, label, surface, len(text), len(text) + len(surface), 0, dict(attrs)))
        text += surface + "；"
    relations = [Relation(doc_id, ("Zone", z), "focusesOn", ("Industry", ind))
                 for z in {NAMED[i][1] for i in picks if NAMED[i][0] == "Zone"}
                 for ind in {NAMED[i][1] for i in picks if NAMED[i][0] == "Industry"}]
    doc = Document(id=doc_id, source=f"{doc_id}.txt", title="讲话", text=text)
    return Extraction(doc, [Sentence(doc_id, 0, 0, len(text), text)], mentions, sorted(relations, key=repr))


def _write(folder: Path, corpus: dict) -> dict[str, bytes]:
    from kg.graph import SpeechGraphs, write_speech_graphs
    extractions = [_speech(doc_id, picks) for doc_id, picks in corpus.items()]
    folder.mkdir(exist_ok=True)
    write_speech_graphs(SpeechGraphs(extractions, link(extractions)), folder)
    return {p.name: p.read_bytes() for p in folder.glob("graph.*")}


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(corpora, min_size=2, max_size=4))
def test_rebuilds_after_any_changes_equal_full_builds_and_the_union_is_graph_ttl(steps):
    """Speeches added, changed and removed build after build: the files a rebuild writes
    (copying what it can) are those a build from nothing writes, and the named graphs'
    union is graph.ttl, the aliases in it spread over the speeches that write them."""
    with tempfile.TemporaryDirectory() as tmp:
        for n, corpus in enumerate(steps):
            rebuilt = _write(Path(tmp) / "kept", corpus)
            assert rebuilt == _write(Path(tmp) / f"fresh{n}", corpus)
            trig = ox.parse(path=str(Path(tmp) / "kept" / "graph.trig"), format=ox.RdfFormat.TRIG)
            ttl = ox.parse(path=str(Path(tmp) / "kept" / "graph.ttl"), format=ox.RdfFormat.TURTLE)
            assert {q.triple for q in trig} == {q.triple for q in ttl}
