"""Graph stage: extractions and linked entities → RDF quads (pyoxigraph), written atomically.

Each speech's facts sit in its own named graph (the speech's IRI), self-contained: the
descriptions of the entities it mentions are repeated there. graph.ttl is the union.
"""
from __future__ import annotations

import os
import re
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from kg.memo import speech_cache

BASE = "https://w3id.org/kfq-kg/"
KFQ = BASE + "ontology#"
NS = {
    "kfq": KFQ,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
}
XSD = NS["xsd"]
# characters N-Triples/Turtle may carry but XML-based tools and SHACL reports choke on
UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def n(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(NS[prefix] + local)


RDF_TYPE = n("rdf", "type")
DECIMAL = ox.NamedNode(XSD + "decimal")
INTEGER = ox.NamedNode(XSD + "integer")
NNI = ox.NamedNode(XSD + "nonNegativeInteger")


def document_iri(doc_id: str) -> str:
    return f"{BASE}doc/{quote(doc_id, safe='')}"


def sentence_iri(doc_id: str, index: int, doc_iri: str | None = None) -> str:
    """(``doc_iri``: the speech's IRI if the caller has it, saving a quote() per call)"""
    return f"{doc_iri or document_iri(doc_id)}/s/{index}"


def mention_iri(doc_id: str, start: int, end: int, etype: str, doc_iri: str | None = None) -> str:
    return f"{doc_iri or document_iri(doc_id)}/m/{start}-{end}-{etype}"


def run_iri(run_id: str) -> str:
    return f"{BASE}run/{run_id}"


def text(value) -> str:
    return UNSAFE_CHARS.sub("", str(value))


def zh(value) -> ox.Literal:
    return ox.Literal(text(value), language="zh")


def plain(value) -> ox.Literal:
    return ox.Literal(text(value))


def decimal(value) -> ox.Literal | None:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite():
        return None
    return ox.Literal(format(d.normalize(), "f"), datatype=DECIMAL)


def integer(value, datatype=INTEGER) -> ox.Literal | None:
    try:
        return ox.Literal(str(int(value)), datatype=datatype)
    except (TypeError, ValueError):
        return None


TARGET_FIELDS = (("indicator", plain), ("valueText", plain), ("unit", plain), ("qualifier", plain),
                 ("year", integer), ("amount", decimal), ("currency", plain))


def _entity_triples(ent, entities) -> list[tuple]:
    """An entity's description: type, labels, its target fields, its roles."""
    s = ox.NamedNode(ent.iri)
    out = [(s, RDF_TYPE, n("kfq", ent.type)), (s, n("rdfs", "label"), zh(ent.label)),
           (s, n("skos", "prefLabel"), zh(ent.label))]
    out += [(s, n("skos", "altLabel"), zh(a)) for a in sorted(ent.alt_labels)]
    attrs = dict(ent.attrs)
    if ent.type in ("Target", "Metric"):
        attrs.setdefault("valueText", attrs.get("value"))
        value = _number(attrs.get("value"))
        if value is not None:
            out.append((s, n("kfq", "value"), value))
        for field, make in TARGET_FIELDS:
            lit = make(attrs[field]) if attrs.get(field) is not None else None
            if lit is not None:
                out.append((s, n("kfq", field), lit))
    if ent.type == "Person" and ("Role", attrs.get("role")) in entities:
        out.append((s, n("kfq", "holdsRole"), ox.NamedNode(entities[("Role", attrs["role"])].iri)))
    if ent.type == "Role" and ("Organization", attrs.get("organization")) in entities:
        out.append((s, n("kfq", "roleIn"), ox.NamedNode(entities[("Organization", attrs["organization"])].iri)))
    return out


def _number(value) -> ox.Literal | None:
    """kfq:value is a number: Arabic as is, Chinese numerals read (三 → 3, 千亿 → 1e11)."""
    return None if value is None else _number_of(str(value))


@speech_cache(maxsize=65536)
def _number_of(value: str) -> ox.Literal | None:
    """(cached: cn2an takes half a millisecond a call, and values repeat across speeches)"""
    lit = decimal(value.replace(",", ""))
    if lit is not None:
        return lit
    try:
        import cn2an
        return decimal(cn2an.cn2an(str(value), "smart"))
    except Exception:
        return None


def duplicate_quads(duplicates) -> list[ox.Quad]:
    """doc kfq:duplicateOf original, and a kfq:Duplication node carrying the similarity,
    in the duplicate speech's named graph."""
    quads = []
    for dup in duplicates:
        d, o = ox.NamedNode(document_iri(dup.document)), ox.NamedNode(document_iri(dup.original))
        node = ox.NamedNode(f"{document_iri(dup.document)}/duplicate-of/{quote(dup.original, safe='')}")
        quads += [ox.Quad(d, n("kfq", "duplicateOf"), o, d),
                  ox.Quad(node, RDF_TYPE, n("kfq", "Duplication"), d),
                  ox.Quad(node, n("kfq", "duplicate"), d, d),
                  ox.Quad(node, n("kfq", "original"), o, d),
                  ox.Quad(node, n("kfq", "similarity"), decimal(dup.similarity), d)]
    return quads


# the predicates and classes every speech uses, made once (a NamedNode per triple was
# a tenth of the graph stage)
P = {name: n(prefix, local) for name, (prefix, local) in {
    "Document": ("kfq", "Document"), "Mention": ("kfq", "Mention"), "Sentence": ("kfq", "Sentence"),
    "identifier": ("dcterms", "identifier"), "title": ("dcterms", "title"), "source": ("dcterms", "source"),
    "speakerRole": ("kfq", "speakerRole"), "mentions": ("kfq", "mentions"),
    "mentionOf": ("kfq", "mentionOf"), "inDocument": ("kfq", "inDocument"),
    "inSentence": ("kfq", "inSentence"), "beginIndex": ("nif", "beginIndex"),
    "endIndex": ("nif", "endIndex"), "anchorOf": ("nif", "anchorOf"), "isString": ("nif", "isString"),
}.items()}


class SpeechGraphs:
    """Each speech's named graph, speech by speech in the order of their ids (so the files
    do not depend on the order the inputs came in), and the union of them all.

    A speech's graph is its own triples (the speech, its mentions and sentences: their
    subjects hold the speech's IRI, so no other graph has them) and the shared ones (the
    descriptions of the entities it names, the relations it states). The union takes the
    shared ones the first time a speech brings them, so it needs no sort and no set of
    every triple, and nothing has to hold all the quads at once."""

    def __init__(self, extractions, entities, duplicates=()):
        self.extractions = sorted(extractions, key=lambda ex: ex.document.id)
        self.entities = entities
        self.duplicates: dict[str, list] = {}
        for dup in duplicates:
            self.duplicates.setdefault(dup.document, []).append(dup)
        self._descriptions: dict[str, list] = {}     # an entity is described alike everywhere

    def speeches(self):
        """(speech IRI node, its own triples, its shared triples) per speech."""
        for ex in self.extractions:
            d = ox.NamedNode(document_iri(ex.document.id))
            own, shared = self._speech(ex, d)
            own += [(q.subject, q.predicate, q.object) for q in duplicate_quads(self.duplicates.get(ex.document.id, ()))]
            yield d, own, shared

    def quads(self):
        """Every speech's quads, in the order the files hold them."""
        return self.quads_and_union(lambda triples: None)

    def quads_and_union(self, union):
        """:meth:`quads`, handing the union's triples to ``union(triples)`` speech by speech
        on the way (one pass)."""
        # A quad's .triple, not a new ox.Triple: pyoxigraph's constructors take 1.2 µs
        # more when the object is a literal (most of ours are); writing the files of 1,000
        # speeches went from 3.8 s to 3.3 s.
        seen: set = set()
        for d, own, shared in self.speeches():
            new = []
            for s, p, o in _unique(own):
                q = ox.Quad(s, p, o, d)
                new.append(q.triple)
                yield q
            for s, p, o in _unique(shared):
                q = ox.Quad(s, p, o, d)
                if (s, p, o) not in seen:
                    seen.add((s, p, o))
                    new.append(q.triple)
                yield q
            union(new)

    def _describe(self, ent, triples: list, described: set) -> None:
        if ent.iri in described:
            return
        described.add(ent.iri)
        if ent.iri not in self._descriptions:
            self._descriptions[ent.iri] = _entity_triples(ent, self.entities)
        triples += self._descriptions[ent.iri]

    def _speech(self, ex, d) -> tuple[list, list]:
        doc, entities = ex.document, self.entities
        own = [(d, RDF_TYPE, P["Document"]), (d, P["identifier"], plain(doc.id)),
               (d, P["title"], zh(doc.title)), (d, P["source"], plain(doc.source))]
        # the link to the build run (whose IRI hashes every speech) lives in build.ttl, so a
        # speech's graph changes only when its own facts do (kg push replaces just those)
        shared, described, used_sentences = [], set(), set()
        if ex.speaker_role and ("Role", ex.speaker_role) in entities:
            role = entities[("Role", ex.speaker_role)]
            e = ox.NamedNode(role.iri)
            own += [(d, P["speakerRole"], e), (d, P["mentions"], e)]
            self._describe(role, shared, described)
        for m in ex.mentions:
            ent = entities[m.key]
            e = ox.NamedNode(ent.iri)
            own.append((d, P["mentions"], e))
            self._describe(ent, shared, described)
            mi = ox.NamedNode(mention_iri(doc.id, m.start, m.end, m.type, d.value))
            si = ox.NamedNode(sentence_iri(doc.id, m.sentence, d.value))
            used_sentences.add(m.sentence)
            own += [(mi, RDF_TYPE, P["Mention"]), (mi, P["mentionOf"], e), (mi, P["inDocument"], d),
                    (mi, P["inSentence"], si), (mi, P["beginIndex"], integer(m.start, NNI)),
                    (mi, P["endIndex"], integer(m.end, NNI)), (mi, P["anchorOf"], plain(m.surface))]
        for s in ex.sentences:
            if s.index in used_sentences:
                si = ox.NamedNode(sentence_iri(doc.id, s.index, d.value))
                own += [(si, RDF_TYPE, P["Sentence"]), (si, P["inDocument"], d),
                        (si, P["isString"], plain(doc.text[s.start:s.end])),
                        (si, P["beginIndex"], integer(s.start, NNI)), (si, P["endIndex"], integer(s.end, NNI))]
        for r in ex.relations:
            if r.subject in entities and r.object in entities:
                subj, obj = entities[r.subject], entities[r.object]
                self._describe(subj, shared, described)
                self._describe(obj, shared, described)
                shared.append((ox.NamedNode(subj.iri), n("kfq", r.predicate), ox.NamedNode(obj.iri)))
        return own, shared


def _unique(triples: list) -> list:
    """The triples once each, in their first order."""
    return list(dict.fromkeys(triples))


def build_quads(extractions, entities, duplicates=()) -> list[ox.Quad]:
    """Every speech's named graph as one list of quads (see :class:`SpeechGraphs`; each
    extraction carries its relations, and the build run is described in build.ttl)."""
    return list(SpeechGraphs(extractions, entities, duplicates).quads())


def atomic_write(path: Path, write) -> None:
    """Write a file through ``write(binary_file)`` atomically (see _atomic_write_all)."""
    _atomic_write_all([(path, write)])


def _atomic_write_all(files, concurrently: bool = False) -> None:
    """Write each (path, write) to a temp file beside it, then rename them all back to back:
    a build killed at any moment leaves every file whole, old or new, and the files of one
    build (graph.trig and graph.ttl) are replaced together, not minutes apart. With
    ``concurrently`` each write runs in its own thread (for writers fed by one another,
    see :func:`write_speech_graphs`); the first error is raised after all have stopped."""
    temps = []
    try:
        for path, _ in files:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            os.close(fd)
            temps.append(tmp)
        jobs = [lambda tmp=tmp, write=write: _write_synced(tmp, write) for (_, write), tmp in zip(files, temps)]
        _run_all(jobs, concurrently)
        for (path, _), tmp in zip(files, temps):
            os.chmod(tmp, 0o644 & ~_umask())
            os.replace(tmp, path)
    except BaseException:
        for tmp in temps:
            Path(tmp).unlink(missing_ok=True)
        raise


def _write_synced(path, write) -> None:
    with open(path, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())


def _run_all(jobs, concurrently: bool) -> None:
    if not concurrently:
        for job in jobs:
            job()
        return
    import threading
    errors: list[BaseException] = []

    def run(job):
        try:
            job()
        except BaseException as e:      # noqa: BLE001 - raised in the calling thread below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(job,), daemon=True) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


PIPE_CHUNKS = 64      # speeches' worth of union triples waiting for the Turtle writer


class _Pipe:
    """A bounded queue of triples between two serializers in two threads: one puts lists
    of triples, the other iterates over them. Either side's failure stops the other."""

    DONE = object()

    def __init__(self, chunks: int = 64):
        import queue
        self._queue, self._failed = queue.Queue(maxsize=chunks), False

    def put(self, triples: list) -> None:
        import queue
        while True:
            if self._failed:
                raise RuntimeError("the graph.ttl writer stopped")
            try:
                self._queue.put(triples, timeout=0.5)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        """No more triples (also after a failure of the putting side: the reader stops)."""
        if not self._failed:
            self.put(self.DONE)

    def __iter__(self):
        finished = False
        try:
            while (chunk := self._queue.get()) is not self.DONE:
                yield from chunk
            finished = True
        finally:
            if not finished:            # the reader failed or stopped: the putter must not wait
                self._failed = True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def union_triples(quads) -> list[ox.Triple]:
    """The speeches' graphs as one graph: each triple once, in first-seen order (graph.ttl)."""
    return list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))


def write_speech_graphs(graphs: SpeechGraphs, out_dir) -> list[str]:
    """graph.trig and graph.ttl from ``graphs`` in one streaming pass: the quads go straight
    to the TriG serializer, and the union's triples, speech by speech, through a bounded
    pipe to the Turtle serializer running beside it, so neither file's content is ever
    held whole in memory (at 10,000 speeches the union alone is millions of triples)."""
    out = Path(out_dir)
    pipe = _Pipe(PIPE_CHUNKS)

    def write_trig(f):
        try:
            ox.serialize(graphs.quads_and_union(pipe.put), f, format=ox.RdfFormat.TRIG, prefixes=NS)
        finally:
            pipe.close()

    _atomic_write_all([
        (out / "graph.trig", write_trig),
        (out / "graph.ttl", lambda f: ox.serialize(pipe, f, format=ox.RdfFormat.TURTLE, prefixes=NS))],
        concurrently=True)
    return [str(out / "graph.ttl"), str(out / "graph.trig")]


def write_graph(quads: list[ox.Quad], out_dir, triples: list[ox.Triple] | None = None) -> list[str]:
    """graph.trig (a named graph per speech) and graph.ttl (their union, ``triples`` if
    the caller has it already)."""
    out = Path(out_dir)
    trig, ttl = out / "graph.trig", out / "graph.ttl"
    triples = union_triples(quads) if triples is None else triples
    _atomic_write_all([
        (trig, lambda f: ox.serialize(quads, f, format=ox.RdfFormat.TRIG, prefixes=NS)),
        (ttl, lambda f: ox.serialize(triples, f, format=ox.RdfFormat.TURTLE, prefixes=NS))])
    return [str(ttl), str(trig)]


def write_build_info(out_dir, run_id, started, ended, version, inputs) -> str:
    run = ox.NamedNode(run_iri(run_id))
    dt = ox.NamedNode(XSD + "dateTime")
    triples = [ox.Triple(run, RDF_TYPE, n("prov", "Activity")),
               ox.Triple(run, n("prov", "startedAtTime"), ox.Literal(started.isoformat(), datatype=dt)),
               ox.Triple(run, n("prov", "endedAtTime"), ox.Literal(ended.isoformat(), datatype=dt)),
               ox.Triple(run, n("kfq", "toolVersion"), plain(version))]
    for doc_id, digest in inputs:
        d = ox.NamedNode(document_iri(doc_id))
        triples += [ox.Triple(run, n("prov", "used"), d), ox.Triple(d, n("prov", "wasGeneratedBy"), run),
                    ox.Triple(d, n("kfq", "sha256"), plain(digest))]
    path = Path(out_dir) / "build.ttl"
    atomic_write(path, lambda f: ox.serialize(triples, f, format=ox.RdfFormat.TURTLE, prefixes=NS))
    return triples
