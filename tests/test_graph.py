"""RDF output: contract triples, named graphs, hostile text, determinism, SHACL."""
import pyoxigraph as ox
import rdflib

from kg.graph import build_quads, document_iri, write_graph
from kg.link import link
from kg.model import Document, Extraction, Mention, Relation, Sentence
from kg.validate import validate

KFQ = rdflib.Namespace("https://w3id.org/kfq-kg/ontology#")
HOSTILE = 'A"B\\C<script>alert(1)</script>\n换行\U0001F600\x07'


def extraction(doc_id="d1", zone="临江高新区"):
    text = f"{zone}力争营业收入500亿元以上，重点发展新能源汽车产业。建华市长讲话。{HOSTILE}"
    doc = Document(id=doc_id, source=f"{doc_id}.txt", title="在临江高新区大会上的讲话", text=text)
    s = Sentence(doc_id, 0, 0, len(text), text)
    z = len(zone)
    mentions = [
        Mention(doc_id, "Zone", zone, zone, 0, z, 0),
        Mention(doc_id, "Target", "力争营业收入500亿元以上", "力争营业收入500亿元以上", z, z + 13, 0,
                {"indicator": "营业收入", "value": "500", "unit": "亿元", "qualifier": "以上",
                 "year": 2025, "amount": 5e10, "currency": "CNY"}),
        Mention(doc_id, "Industry", "新能源汽车", "新能源汽车产业", z + 18, z + 25, 0, {"written": "新能源汽车产业"}),
        Mention(doc_id, "Person", "建华", "建华", z + 26, z + 28, 0, {"role": "市长"}),
        Mention(doc_id, "Role", "市长", "市长", z + 28, z + 30, 0),
        Mention(doc_id, "Organization", HOSTILE, HOSTILE, len(text) - len(HOSTILE), len(text), 0),
    ]
    rels = [Relation(doc_id, ("Zone", zone), "focusesOn", ("Industry", "新能源汽车")),
            Relation(doc_id, ("Person", "建华"), "holdsRole", ("Role", "市长"))]
    return Extraction(doc, [s], mentions, rels, speaker_role="市长")


def write(tmp_path, extractions):
    ents = link(extractions)
    quads = build_quads(extractions, ents)
    write_graph(quads, tmp_path)
    return ents


def test_contract_triples_and_named_graphs(tmp_path):
    write(tmp_path, [extraction("d1"), extraction("d2", "青川经开区")])
    g = rdflib.Graph().parse(tmp_path / "graph.ttl")
    docs = set(g.subjects(rdflib.RDF.type, KFQ.Document))
    assert len(docs) == 2
    ids = {str(o) for o in g.objects(None, rdflib.DCTERMS.identifier)}
    assert ids == {"d1", "d2"}
    [target] = g.subjects(rdflib.RDF.type, KFQ.Target)
    assert g.value(target, KFQ.value).toPython() == 500
    assert str(g.value(target, KFQ.unit)) == "亿元" and g.value(target, KFQ.year).toPython() == 2025
    [person] = g.subjects(rdflib.RDF.type, KFQ.Person)
    assert str(g.value(g.value(person, KFQ.holdsRole), rdflib.RDFS.label)) == "市长"
    ds = rdflib.Dataset()
    ds.parse(tmp_path / "graph.trig", format="trig")
    names = {str(c.identifier) for c in ds.graphs()} - {str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)}
    assert names == {document_iri("d1"), document_iri("d2")}


def test_hostile_text_round_trips_in_both_parsers(tmp_path):
    write(tmp_path, [extraction()])
    g = rdflib.Graph().parse(tmp_path / "graph.ttl")
    labels = {str(o) for o in g.objects(None, rdflib.RDFS.label)}
    assert HOSTILE.replace("\x07", "") in labels
    store = ox.Store()
    store.load(path=str(tmp_path / "graph.trig"), format=ox.RdfFormat.TRIG)
    assert len(store) > 0


def test_output_is_byte_identical_for_identical_input(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(tmp_path / "a", [extraction("d1"), extraction("d2")])
    write(tmp_path / "b", [extraction("d2"), extraction("d1")])
    for name in ("graph.ttl", "graph.trig"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_shapes_accept_a_build_and_catch_a_broken_graph(tmp_path):
    write(tmp_path, [extraction()])
    ok, violations = validate(tmp_path / "graph.ttl")
    assert ok, violations
    g = rdflib.Graph().parse(tmp_path / "graph.ttl")
    [person] = g.subjects(rdflib.RDF.type, KFQ.Person)
    [place_like] = g.subjects(rdflib.RDF.type, KFQ.Industry)
    g.add((person, KFQ.holdsRole, place_like))
    [target] = g.subjects(rdflib.RDF.type, KFQ.Target)
    g.add((target, KFQ.year, rdflib.Literal(2026)))
    size = len(g)
    ok, violations = validate(g)
    assert not ok
    assert any("holdsRole" in v for v in violations) and any("year" in v for v in violations)
    assert len(g) == size                    # the caller's graph: the ontology went into a copy
    assert validate(g, may_change=True) == (ok, violations) and len(g) > size


def test_validating_quads_agrees_with_validating_the_file(tmp_path):
    from kg.validate import validate_quads
    extractions = [extraction()]
    ents = link(extractions)
    quads = build_quads(extractions, ents)
    write_graph(quads, tmp_path)
    assert validate_quads(quads) == validate(tmp_path / "graph.ttl") == (True, [])


def _stream(folder, extractions, duplicates=()):
    from kg.graph import SpeechGraphs, write_speech_graphs
    folder.mkdir(exist_ok=True)
    write_speech_graphs(SpeechGraphs(extractions, link(extractions), duplicates), folder)


def test_streamed_files_hold_what_the_quads_say(tmp_path):
    extractions = [extraction("d2", "东湖开发区"), extraction("d1")]
    _stream(tmp_path, extractions)
    quads = build_quads(extractions, link(extractions))
    trig = set(ox.parse(path=str(tmp_path / "graph.trig"), format=ox.RdfFormat.TRIG))
    ttl = list(ox.parse(path=str(tmp_path / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    assert trig == set(quads)
    assert len(ttl) == len(set(ttl)) == len({(q.subject, q.predicate, q.object) for q in quads})


def _files(folder):
    return {p.name: p.read_bytes() for p in folder.glob("graph.*")}


def _counting_fresh_blocks(monkeypatch):
    from kg import graph
    real, calls = graph._speech_blocks, []
    monkeypatch.setattr(graph, "_speech_blocks", lambda g, ex, shared: calls.append(ex.document.id) or real(g, ex, shared))
    return calls


def test_a_rebuild_copies_the_blocks_of_unchanged_speeches(tmp_path, monkeypatch):
    before = [extraction("d1"), extraction("d2", "东湖开发区")]
    _stream(tmp_path / "inc", before)
    calls = _counting_fresh_blocks(monkeypatch)
    after = before + [extraction("d3", "西岭开发区")]      # names the same industry, person, role
    _stream(tmp_path / "inc", after)
    assert calls == ["d3"]
    _stream(tmp_path / "full", after)
    assert _files(tmp_path / "inc") == _files(tmp_path / "full")


def test_a_new_alias_is_the_new_speechs_alone_and_remakes_no_other_graph(tmp_path, monkeypatch):
    """d3 writes the industry all three name another way: only d3's graph is made, it
    holds the alias, d1's and d2's do not, and graph.ttl (the union) does."""
    before = [extraction("d1"), extraction("d2", "东湖开发区")]
    _stream(tmp_path / "inc", before)
    calls = _counting_fresh_blocks(monkeypatch)
    d3 = extraction("d3", "西岭开发区")
    d3.mentions[2].attrs["written"] = "新能源汽车行业"
    _stream(tmp_path / "inc", before + [d3])
    assert calls == ["d3"]
    alias = "http://www.w3.org/2004/02/skos/core#altLabel"
    trig = list(ox.parse(path=str(tmp_path / "inc" / "graph.trig"), format=ox.RdfFormat.TRIG))
    graphs_with_it = {q.graph_name.value for q in trig if q.predicate.value == alias and q.object.value == "新能源汽车行业"}
    assert graphs_with_it == {document_iri("d3")}
    ttl = {q.triple for q in ox.parse(path=str(tmp_path / "inc" / "graph.ttl"), format=ox.RdfFormat.TURTLE)}
    assert ttl == {q.triple for q in trig}
    assert "新能源汽车行业" in {t.object.value for t in ttl if t.predicate.value == alias}
    _stream(tmp_path / "full", before + [d3])
    assert _files(tmp_path / "inc") == _files(tmp_path / "full")


def test_a_new_label_remakes_every_speech_naming_the_entity(tmp_path, monkeypatch):
    """A speech whose id sorts first gives the entity its label (the first mention's):
    every speech's graph describes it by that label, so all are made again."""
    before = [extraction("d1"), extraction("d2", "东湖开发区")]
    _stream(tmp_path / "inc", before)
    calls = _counting_fresh_blocks(monkeypatch)
    d0 = extraction("d0", "西岭开发区")
    d0.mentions[2].label = "新能源汽车产业"          # the same sector (产业 folds away), first
    _stream(tmp_path / "inc", [d0] + before)
    assert sorted(calls) == ["d0", "d1", "d2"]
    _stream(tmp_path / "full", [d0] + before)
    assert _files(tmp_path / "inc") == _files(tmp_path / "full")


def test_a_copy_whose_original_changes_keeps_its_speech_block(tmp_path, monkeypatch):
    """A speech whose id sorts first joins two copies: it becomes their original. Only its
    graph is made; the copies' graphs are copied, their duplication blocks made anew."""
    from kg.duplicates import Duplicate
    kfq = "https://w3id.org/kfq-kg/ontology#"
    before = [extraction("d1"), extraction("d2")]
    _stream(tmp_path / "inc", before, [Duplicate("d2", "d1", 0.9)])
    calls = _counting_fresh_blocks(monkeypatch)
    after = [extraction("d0")] + before
    duplicates = [Duplicate("d1", "d0", 0.95), Duplicate("d2", "d0", 0.9)]
    _stream(tmp_path / "inc", after, duplicates)
    assert calls == ["d0"]
    trig = set(ox.parse(path=str(tmp_path / "inc" / "graph.trig"), format=ox.RdfFormat.TRIG))
    assert trig == set(build_quads(after, link(after), duplicates))
    originals = {(q.graph_name.value, q.object.value) for q in trig if q.predicate.value == kfq + "duplicateOf"}
    assert originals == {(document_iri("d1"), document_iri("d0")), (document_iri("d2"), document_iri("d0"))}
    _stream(tmp_path / "full", after, duplicates)
    assert _files(tmp_path / "inc") == _files(tmp_path / "full")


def _counting_copies(monkeypatch):
    from kg import graph
    real, copies = graph._copy_range, []
    monkeypatch.setattr(graph, "_copy_range", lambda *a: copies.append(a[2:]) or real(*a))
    return copies


def test_a_rebuild_copies_each_run_of_unchanged_blocks_at_once(tmp_path, monkeypatch):
    """Blocks adjacent in the old file and the new go as one copy: an unchanged rebuild
    copies each file in one; a new speech between two splits the runs it falls in."""
    from kg import graph
    speeches = [extraction("d1"), extraction("d3", "东湖开发区")]
    _stream(tmp_path / "inc", speeches)
    copies = _counting_copies(monkeypatch)
    _stream(tmp_path / "inc", speeches)
    sizes = [(tmp_path / "inc" / name).stat().st_size for name in ("graph.trig", "graph.ttl")]
    prefix = [len(graph.prefix_lines(f)) for f in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE)]
    assert copies == [(prefix[0], sizes[0] - prefix[0]), (prefix[1], sizes[1] - prefix[1])]
    copies.clear()
    after = speeches + [extraction("d2", "西岭开发区")]          # sorts between d1 and d3
    _stream(tmp_path / "inc", after)
    # graph.trig: d1's graph, then d3's; graph.ttl: d1's block, then d3's block and the
    # shared chunk of d1 (adjacent in the old file as in the new), then d3's chunk (after d2's)
    assert len(copies) == 5
    _stream(tmp_path / "full", after)
    assert _files(tmp_path / "inc") == _files(tmp_path / "full")


def test_blocks_are_copied_through_a_buffer_where_the_kernel_refuses(tmp_path, monkeypatch):
    import errno
    import os
    speeches = [extraction("d1"), extraction("d3", "东湖开发区")]
    _stream(tmp_path / "inc", speeches)

    def refused(*args):
        raise OSError(errno.EXDEV, "cross-device")
    monkeypatch.setattr(os, "copy_file_range", refused, raising=False)
    after = speeches + [extraction("d2", "西岭开发区")]
    _stream(tmp_path / "inc", after)
    _stream(tmp_path / "full", after)
    assert _files(tmp_path / "inc") == _files(tmp_path / "full")


def test_the_shared_chunks_are_copied_until_what_they_hold_changes(tmp_path, monkeypatch):
    """graph.ttl ends with the shared triples in chunks, a chunk what a speech names first:
    a rebuild makes only the chunks whose items changed."""
    import json
    from kg import graph
    from kg.blocks import INDEX_NAME
    from kg.cache import CACHE_DIR
    made = []
    real = graph._SharedUnion.triples
    monkeypatch.setattr(graph._SharedUnion, "triples", lambda self, chunk: made.append(chunk) or real(self, chunk))
    before = [extraction("d1"), extraction("d2", "东湖开发区")]
    _stream(tmp_path / "inc", before)
    assert len(made) == 2                                      # d2 names a zone d1 does not
    assert [item for item in made[1] if isinstance(item, str)] == [link(before)[("Zone", "东湖开发区")].iri]
    _stream(tmp_path / "inc", before)
    assert len(made) == 2                                      # the second build copied both
    index_path = tmp_path / "inc" / CACHE_DIR / INDEX_NAME
    index = json.loads(index_path.read_text(encoding="utf-8"))
    index_path.write_text(json.dumps({**index, "shared": [["x", -1]] + index["shared"][1:]}), encoding="utf-8")
    _stream(tmp_path / "inc", before)
    assert len(made) == 3                                      # a broken entry: its chunk made again
    after = before + [extraction("d3", "西岭开发区")]            # a new zone: one chunk more
    _stream(tmp_path / "inc", after)
    assert len(made) == 4 and "西岭开发区".encode() in (tmp_path / "inc" / "graph.ttl").read_bytes()
    _stream(tmp_path / "full", after)
    assert _files(tmp_path / "inc") == _files(tmp_path / "full")


def test_a_relation_an_earlier_description_holds_is_written_once(tmp_path):
    """d1 names a person with a role (the description says kfq:holdsRole); d2 states the
    same as a relation: graph.ttl holds the triple once, as a union of the graphs would."""
    d1, d2 = extraction("d1"), extraction("d2", "东湖开发区")
    d1.relations = [r for r in d1.relations if r.predicate != "holdsRole"]
    _stream(tmp_path, [d1, d2])
    ttl = [q.triple for q in ox.parse(path=str(tmp_path / "graph.ttl"), format=ox.RdfFormat.TURTLE)]
    holds = [t for t in ttl if t.predicate.value == str(KFQ.holdsRole)]
    assert len(holds) == 1 and len(ttl) == len(set(ttl))
    trig = ox.parse(path=str(tmp_path / "graph.trig"), format=ox.RdfFormat.TRIG)
    assert set(ttl) == {q.triple for q in trig}


def test_files_changed_by_another_writer_are_not_copied_from(tmp_path, monkeypatch):
    extractions = [extraction("d1"), extraction("d2", "东湖开发区")]
    _stream(tmp_path, extractions)
    trig = tmp_path / "graph.trig"
    trig.write_bytes(trig.read_bytes().replace("东湖".encode(), "南港".encode()))   # kg query --update, say
    calls = _counting_fresh_blocks(monkeypatch)
    _stream(tmp_path, extractions)
    assert sorted(calls) == ["d1", "d2"]
    assert "南港".encode() not in trig.read_bytes()


def test_a_failing_writer_stops_the_build_and_keeps_the_old_files(tmp_path, monkeypatch):
    from kg import graph
    extractions = [extraction(f"d{i}", f"{name}开发区") for i, name in enumerate("甲乙丙丁戊己庚辛")]
    _stream(tmp_path, extractions)
    before = {p.name: p.read_bytes() for p in tmp_path.glob("graph.*")}
    changed = [extraction(f"d{i}", f"{name}新区") for i, name in enumerate("甲乙丙丁戊己庚辛")]
    real, calls = graph._speech_blocks, []

    def failing(*args):                       # the disk fills up at the fifth speech
        calls.append(1)
        if len(calls) == 5:
            raise OSError("disk full")
        return real(*args)

    monkeypatch.setattr(graph, "_speech_blocks", failing)
    assert isinstance(_raises(lambda: _stream(tmp_path, changed)), OSError)
    assert {p.name: p.read_bytes() for p in tmp_path.glob("graph.*")} == before
    assert not list(tmp_path.glob(".*.tmp"))
    monkeypatch.setattr(graph, "_speech_blocks", real)
    _stream(tmp_path, extractions)                # the old blocks are still good to copy
    assert {p.name: p.read_bytes() for p in tmp_path.glob("graph.*")} == before


def _raises(run):
    try:
        run()
    except BaseException as e:      # noqa: BLE001 - the test inspects it
        return e
    return None


def _loaded(path, fmt, piece_bytes=None):
    from kg.api import bulk_load_in_pieces
    store = ox.Store()
    if piece_bytes is None:
        store.bulk_load(path=str(path), format=fmt)
    else:
        bulk_load_in_pieces(store, path, fmt, piece_bytes)
    return store


def test_loading_in_pieces_gives_the_graph_a_whole_load_gives(tmp_path):
    _stream(tmp_path, [extraction("d2", "东湖开发区"), extraction("d1"), extraction("d3", "南港开发区")])
    from kg.api import _statement_pieces
    for name, fmt in (("graph.ttl", ox.RdfFormat.TURTLE), ("graph.trig", ox.RdfFormat.TRIG)):
        assert len(list(_statement_pieces(tmp_path / name, 1))) >= 3        # a speech's graph at least
        whole = set(_loaded(tmp_path / name, fmt))
        for piece_bytes in (1, 500, 10**9):        # 1: every statement a piece of its own
            assert set(_loaded(tmp_path / name, fmt, piece_bytes)) == whole, (name, piece_bytes)


def test_a_file_that_does_not_cut_at_statements_is_loaded_whole(tmp_path):
    text = ('@prefix ex: <http://example.org/> .\n'
            'ex:a ex:p _:x .\n_:x ex:q "1" .\n'                    # a blank node shared by two statements
            'ex:b ex:p """two\n.\nlines""" .\n'                    # a string over several lines
            '@prefix ex2: <http://example.org/2/> .\nex2:c ex:p ex:a .\n')   # a prefix declared late
    path = tmp_path / "g.ttl"
    path.write_text(text, encoding="utf-8")
    store = _loaded(path, ox.RdfFormat.TURTLE, piece_bytes=1)
    assert len(store) == 4
    assert len(list(store.query("SELECT ?x WHERE { <http://example.org/a> ?p ?x . ?x ?q ?v }"))) == 1
    assert {q.object.value for q in store.quads_for_pattern(ox.NamedNode("http://example.org/b"), None, None)} \
        == {"two\n.\nlines"}


def test_an_unreadable_block_index_makes_every_speech_again(tmp_path, monkeypatch):
    import json
    from kg.blocks import INDEX_NAME
    from kg.cache import CACHE_DIR
    extractions = [extraction("d1"), extraction("d2", "东湖开发区")]
    _stream(tmp_path, extractions)
    before = _files(tmp_path)
    index_path = tmp_path / CACHE_DIR / INDEX_NAME
    breakages = (lambda index: "{not json",
                 lambda index: json.dumps({**index, "speeches": {"d1": 5, "d2": [1, 2]}}),
                 lambda index: json.dumps({**index, "speeches": {
                     d: [key, -9, "x", None, 3] for d, (key, *_) in index["speeches"].items()}}),
                 # the right keys, blocks past the files' ends
                 lambda index: json.dumps({**index, "speeches": {
                     d: [key, index["files"]["graph.trig"][0] - 5, 50, 0, index["files"]["graph.ttl"][0] + 1]
                     for d, (key, *_) in index["speeches"].items()}}))
    for broken in breakages:       # (the files are as the index says: only the entries are wrong)
        index_path.write_text(broken(json.loads(index_path.read_text(encoding="utf-8"))), encoding="utf-8")
        calls = _counting_fresh_blocks(monkeypatch)
        _stream(tmp_path, extractions)
        assert sorted(calls) == ["d1", "d2"] and _files(tmp_path) == before
        monkeypatch.undo()
