"""Graph stage: extractions and linked entities → RDF quads (pyoxigraph), written atomically.

Each speech's facts sit in its own named graph (the speech's IRI), self-contained: the
descriptions of the entities it mentions are repeated there, with the aliases it names them
by (the others are other speeches' words). graph.ttl is the union.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import tempfile
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from kg.link import alias_names
from kg.memo import speech_cache
from kg.numerals import chinese_number

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


@lru_cache(maxsize=4096)      # the vocabulary's few terms, asked for once a triple
def n(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(NS[prefix] + local)


RDF_TYPE = n("rdf", "type")
ALT_LABEL = n("skos", "altLabel")
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


def _description_parts(ent, entities) -> tuple[list[tuple], list[tuple]]:
    """An entity's description but its aliases, in the two parts they go between: (type
    and labels, target fields and roles)."""
    s = ox.NamedNode(ent.iri)
    names = [(s, RDF_TYPE, n("kfq", ent.type)), (s, n("rdfs", "label"), zh(ent.label)),
             (s, n("skos", "prefLabel"), zh(ent.label))]
    out = []
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
    out += [(s, n("kfq", predicate), ox.NamedNode(iri)) for predicate, iri in _entity_links(ent, entities)]
    return names, out


def _entity_links(ent, entities) -> list[tuple[str, str]]:
    """The links an entity's description holds, as (kfq predicate, object IRI): a person's
    role, a role's organization (a speech may state the same link as a relation)."""
    links = []
    if ent.type == "Person" and ("Role", ent.attrs.get("role")) in entities:
        links.append(("holdsRole", entities[("Role", ent.attrs["role"])].iri))
    if ent.type == "Role" and ("Organization", ent.attrs.get("organization")) in entities:
        links.append(("roleIn", entities[("Organization", ent.attrs["organization"])].iri))
    return links


def _number(value) -> ox.Literal | None:
    """kfq:value is a number: Arabic as is, Chinese numerals read (三 → 3, 千亿 → 1e11)."""
    return None if value is None else _number_of(str(value))


@speech_cache(maxsize=65536)
def _number_of(value: str) -> ox.Literal | None:
    """(cached: cn2an takes half a millisecond a call, and values repeat across speeches)"""
    lit = decimal(value.replace(",", ""))
    if lit is not None:
        return lit
    number = chinese_number(value)
    return None if number is None else decimal(number)


def duplicate_triples(duplicates) -> list[tuple]:
    """doc kfq:duplicateOf original, and a kfq:Duplication node carrying the similarity,
    for the duplicate speech's named graph (written as a second block of it: see
    :func:`write_speech_graphs`)."""
    triples = []
    for dup in duplicates:
        d, o = ox.NamedNode(document_iri(dup.document)), ox.NamedNode(document_iri(dup.original))
        node = ox.NamedNode(f"{document_iri(dup.document)}/duplicate-of/{quote(dup.original, safe='')}")
        triples += [(d, n("kfq", "duplicateOf"), o), (node, RDF_TYPE, n("kfq", "Duplication")),
                    (node, n("kfq", "duplicate"), d), (node, n("kfq", "original"), o),
                    (node, n("kfq", "similarity"), decimal(dup.similarity))]
    return triples


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
    subjects hold the speech's IRI, so no other graph has them), the shared ones (the
    descriptions of the entities it names, with the aliases it writes them by; the
    relations it states) and, for a copy, its
    duplication (which speech it repeats: that depends on the other speeches, so it is
    kept apart, and a speech's graph is made again only when its own text changes). The
    union is every speech's own triples and, once each, the shared ones, so nothing has to
    hold all the quads at once."""

    def __init__(self, extractions, entities, duplicates=()):
        self.extractions = sorted(extractions, key=lambda ex: ex.document.id)
        self.entities = entities
        self.duplicates: dict[str, list] = {}
        for dup in duplicates:
            self.duplicates.setdefault(dup.document, []).append(dup)
        # an entity is described alike everywhere: by IRI, its digest, and its triples,
        # made only for the blocks made afresh
        self._digests: dict[str, bytes] = {}
        self._described: dict[str, object] = {}
        self._descriptions: dict[str, list] = {}

    def quads(self):
        """Every speech's quads, in the order graph.trig holds them."""
        for ex in self.extractions:
            d = ox.NamedNode(document_iri(ex.document.id))
            yield from speech_quads(d, self.own(ex, d), self.shared(self.shared_items(ex)[0],
                                                                   self.speech_aliases(ex)))
            yield from (ox.Quad(s, p, o, d) for s, p, o in self.duplication(ex))

    @staticmethod
    def head(ex, d) -> list[tuple]:
        """The triples that say what the speech is: a kfq:Document, its identifier, title
        and source file."""
        doc = ex.document
        return [(d, RDF_TYPE, P["Document"]), (d, P["identifier"], plain(doc.id)),
                (d, P["title"], zh(doc.title)), (d, P["source"], plain(doc.source))]

    def own(self, ex, d) -> list[tuple]:
        """The speech's own triples but its duplication: the speech, its mentions and
        their sentences."""
        doc, entities = ex.document, self.entities
        own = self.head(ex, d)
        # the link to the build run (whose IRI hashes every speech) lives in build.ttl, so a
        # speech's graph changes only when its own facts do (kg push replaces just those)
        if ex.speaker_role and ("Role", ex.speaker_role) in entities:
            e = ox.NamedNode(entities[("Role", ex.speaker_role)].iri)
            own += [(d, P["speakerRole"], e), (d, P["mentions"], e)]
        used_sentences = set()
        for m, ent in zip(ex.mentions, entities.of_mentions(doc.id)):
            e = ox.NamedNode(ent.iri)
            own.append((d, P["mentions"], e))
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
        return own

    def duplication(self, ex) -> list[tuple]:
        """Which speeches this one repeats, with the similarity (none if it is no copy)."""
        return duplicate_triples(self.duplicates.get(ex.document.id, ()))

    def duplication_key(self, ex) -> str | None:
        """A digest of the speech's duplication (None if it is no copy): its block's key."""
        dups = self.duplicates.get(ex.document.id)
        if not dups:
            return None
        made_from = [_code_version(), ex.document.id] + [(dup.original, dup.similarity) for dup in dups]
        return hashlib.blake2b(repr(made_from).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    def shared_items(self, ex) -> tuple[list, list[bytes]]:
        """What the speech's shared triples are made of, in order: the entities it names
        (IRIs, standing for their descriptions) and the relations it states ((subject IRI,
        predicate, object IRI)); and a digest of each, which names it across speeches.
        (A rebuild makes them for every speech, so each step is one pass of a builtin over
        the speech's mentions rather than a call per mention: 10,000 speeches hold half a
        million.)"""
        entities, doc_id = self.entities, ex.document.id
        named = entities.of_mentions(doc_id)
        role = ex.speaker_role and entities.get(("Role", ex.speaker_role))
        if role:
            named = [role, *named]
        # an IRI is one entity's (link makes one per merge key): the first place of each
        by_iri = dict(zip([ent.iri for ent in named], named))
        items = list(by_iri)
        relation_digests = {}
        for r in ex.relations:
            subj, obj = entities.in_speech(doc_id, r.subject), entities.in_speech(doc_id, r.object)
            if subj is not None and obj is not None:
                for ent in (subj, obj):
                    if ent.iri not in by_iri:
                        by_iri[ent.iri] = ent
                        items.append(ent.iri)
                item = (subj.iri, r.predicate, obj.iri)
                items.append(item)
                relation_digests[item] = f"{subj.iri} {r.predicate} {obj.iri}".encode("utf-8", "surrogatepass")
        self._digest_new(by_iri)
        known = self._digests
        digests = [known[item] if item.__class__ is str else relation_digests[item] for item in items]
        return items, digests

    def _digest_new(self, by_iri: dict) -> None:
        """Digest the entities (IRI → entity) not described before."""
        known = self._digests
        # (not by_iri.keys() - known.keys(): that walks every entity known, for each speech)
        for iri in [iri for iri in by_iri if iri not in known]:
            ent = self._described[iri] = by_iri[iri]
            known[iri] = _description_digest(ent, self.entities)

    def shared(self, items: list, aliases: dict[str, set] | None = None) -> list[tuple]:
        """The shared triples of ``items`` (see :meth:`shared_items`): each entity's
        description, each relation. An entity's aliases are those ``aliases`` gives it (a
        speech's own: :meth:`speech_aliases`); without it, every alias it has (the union)."""
        triples = []
        for item in items:
            if isinstance(item, str):
                triples += self._description(item, None if aliases is None else aliases.get(item, ()))
            else:
                subject, predicate, obj = item
                triples.append((ox.NamedNode(subject), n("kfq", predicate), ox.NamedNode(obj)))
        return triples

    def speech_aliases(self, ex) -> dict[str, set]:
        """Entity IRI → the aliases the speech names it by: a speech's graph holds those, so
        that another speech's new way of writing a name (新能源汽车产业) changes only its
        own graph, not the graph of every speech naming 新能源汽车 (5,716 of 10,000 were made
        again for one added speech); the union holds every alias. (Found again here, for
        the speeches whose graphs are made, rather than kept by link for every speech.)"""
        aliases: dict[str, set] = {}
        for m, ent in zip(ex.mentions, self.entities.of_mentions(ex.document.id)):
            names = alias_names(m, ent.label)
            if names:
                aliases.setdefault(ent.iri, set()).update(names)
        return aliases

    def whole_digest(self, iri: str) -> bytes:
        """A digest of an entity's description with every alias (as the union holds it):
        the digest without them (:meth:`shared_items` made it) and the aliases."""
        aliases = self._described[iri].alt_labels
        if not aliases:
            return self._digests[iri]
        h = hashlib.blake2b(self._digests[iri], digest_size=16)
        for alias in sorted(aliases):
            h.update(alias.encode("utf-8", "surrogatepass") + b"\0")
        return h.digest()

    def key(self, ex, digests: list[bytes]) -> str:
        """A digest of everything the speech's blocks in the files are made from (see
        :mod:`kg.blocks`) but its duplication: its text, the code, what its shared triples
        describe."""
        from kg.cache import content_hash, pipeline_version
        h = hashlib.blake2b(_code_version().encode() + content_hash(ex.document).encode()
                            + pipeline_version().encode(), digest_size=16)
        if digests:
            h.update(b"\0".join(digests) + b"\0")     # as an update a digest, in one call
        return h.hexdigest()

    def described(self, iri: str):
        """The entity whose description :meth:`shared_items` named by ``iri``."""
        return self._described[iri]

    def _description(self, iri: str, aliases=None) -> list[tuple]:
        """An entity's description with ``aliases`` (None: every alias it has)."""
        ent = self._described[iri]
        parts = self._descriptions.get(iri)
        if parts is None:
            parts = self._descriptions[iri] = _description_parts(ent, self.entities)
        names, facts = parts
        subject = names[0][0]
        aliases = ent.alt_labels if aliases is None else aliases
        return names + [(subject, ALT_LABEL, zh(a)) for a in sorted(aliases)] + facts


def _description_digest(ent, entities) -> bytes:
    """A digest of what an entity's description but its aliases is made from (with the
    code, which every key holds, it fixes the triples): a rebuild that copies most
    speeches' blocks needs only the digests, a fifth of the cost of the triples. A
    speech's key holds it: the aliases its graph holds follow from its text and the label
    (the union's chunks add the aliases: :meth:`SpeechGraphs.whole_digest`)."""
    role = entities.get(("Role", ent.attrs.get("role")))
    organization = entities.get(("Organization", ent.attrs.get("organization")))
    made_from = (ent.iri, ent.type, ent.label, sorted(ent.attrs.items()),
                 role and role.iri, organization and organization.iri)
    return hashlib.blake2b(repr(made_from).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def speech_quads(d, own: list, shared: list) -> list[ox.Quad]:
    """A speech's named graph: its own triples, then its shared ones, each once."""
    return _own_and_quads(d, own, shared)[1]


def _own_and_quads(d, own: list, shared: list) -> tuple[list[tuple], list[ox.Quad]]:
    """(the own triples once each, the speech's named graph as :func:`speech_quads`); each
    triple hashed once (dict.update takes the hashes the other dict holds)."""
    triples = dict.fromkeys(own)
    own = list(triples)
    triples.update(dict.fromkeys(shared))
    return own, [ox.Quad(s, p, o, d) for s, p, o in triples]


@lru_cache(maxsize=1)
def _code_version() -> str:
    """The code that turns an extraction into the files' text: this module, the block
    index, pyoxigraph's serializer."""
    h = hashlib.sha256(ox.__version__.encode())
    for name in ("graph.py", "blocks.py", "numerals.py"):
        h.update((Path(__file__).resolve().parent / name).read_bytes())
    return h.hexdigest()[:16]


def _unique(triples: list) -> list:
    """The triples once each, in their first order."""
    return list(dict.fromkeys(triples))


def build_quads(extractions, entities, duplicates=()) -> list[ox.Quad]:
    """Every speech's named graph as one list of quads (see :class:`SpeechGraphs`; each
    extraction carries its relations, and the build run is described in build.ttl)."""
    return list(SpeechGraphs(extractions, entities, duplicates).quads())


def atomic_write(path: Path, write) -> None:
    """Write a file through ``write(binary_file)`` atomically (see _atomic_files)."""
    _atomic_write_all([(path, write)])


def _atomic_write_all(files) -> None:
    """Each (path, write): ``write(binary_file)`` into it, the files replaced together."""
    with _atomic_files([path for path, _ in files]) as opened:
        for f, (_, write) in zip(opened, files):
            write(f)


@contextmanager
def _atomic_files(paths):
    """Binary files to write, each a temp file beside its path, renamed over the paths back
    to back once all are written and synced: a build killed at any moment leaves every file
    whole, old or new, and the files of one build (graph.trig and graph.ttl) are replaced
    together, not minutes apart. On an error the temp files go and the old files stay."""
    temps, opened = [], []
    try:
        for path in paths:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temps.append(tmp)
            opened.append(os.fdopen(fd, "wb"))
        yield opened
        for f in opened:
            f.flush()
            os.fsync(f.fileno())
            f.close()
        for path, tmp in zip(paths, temps):
            os.chmod(tmp, 0o644 & ~_umask())
            os.replace(tmp, path)
    except BaseException:
        for f in opened:
            f.close()
        for tmp in temps:
            Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def union_triples(quads) -> list[ox.Triple]:
    """The speeches' graphs as one graph: each triple once, in first-seen order (graph.ttl)."""
    return list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))


@lru_cache(maxsize=2)
def prefix_lines(rdf_format) -> bytes:
    """What pyoxigraph starts every document with, given NS: its @prefix lines."""
    sample = ox.serialize([ox.Quad(RDF_TYPE, RDF_TYPE, RDF_TYPE)], format=rdf_format, prefixes=NS)
    lines = sample.splitlines(keepends=True)
    return b"".join(line for line in lines if line.startswith(b"@prefix "))


def _block(items: list, rdf_format) -> bytes:
    """``items`` serialized as a block of a larger file: without the prefix lines."""
    if not items:
        return b""
    text = ox.serialize(items, format=rdf_format, prefixes=NS)
    header = prefix_lines(rdf_format)
    if not text.startswith(header):
        raise ValueError("pyoxigraph began a block with other prefix lines")
    return text[len(header):]


def write_speech_graphs(graphs: SpeechGraphs, out_dir, reuse: bool = True, rows=None,
                        progress=None) -> list[str]:
    """graph.trig and graph.ttl from ``graphs``, speech by speech (neither file's content
    is ever held whole in memory: at 10,000 speeches the union alone is millions of
    triples). A copy's duplication follows its graph as a second block of the same named
    graph (TriG merges them), so that a speech whose original changes (another copy of it
    came whose id sorts first) keeps its first block. With ``reuse``, a block the last
    build into ``out_dir`` wrote from the same inputs is copied from the old files
    (:mod:`kg.blocks`). ``rows`` (a :class:`kg.page_facts.SpeechRows`) is given each
    speech's own triples and each chunk of the shared triples, for the pages;
    ``progress(done, total)`` is called as speeches are written. Returns the paths
    written."""
    from kg import blocks
    from kg.cache import CACHE_DIR
    out = Path(out_dir)
    previous = blocks.previous(out, CACHE_DIR) if reuse else blocks.PreviousBlocks(out, {})
    written: dict[str, list] = {}
    duplications: dict[str, list] = {}
    union = _SharedUnion(graphs)
    trig_header, ttl_header = prefix_lines(ox.RdfFormat.TRIG), prefix_lines(ox.RdfFormat.TURTLE)
    with previous.opened(), _atomic_files([out / "graph.trig", out / "graph.ttl"]) as files:
        trig, ttl = (_Spliced(f, previous.source(name)) for f, name in zip(files, blocks.FILES))
        trig.write(trig_header)
        ttl.write(ttl_header)
        for done, ex in enumerate(graphs.extractions):
            progress and progress(done, len(graphs.extractions))
            doc_id = ex.document.id
            items, digests = graphs.shared_items(ex)
            union.add(items, digests)
            key = graphs.key(ex, digests)
            copied = previous.get(doc_id, key)
            parts = copied or _speech_blocks(graphs, ex, graphs.shared(items, graphs.speech_aliases(ex)))
            written[doc_id] = _write_blocks(trig, ttl, key, parts)
            duplication_key = graphs.duplication_key(ex)
            if duplication_key:
                duplications[doc_id] = _write_blocks(
                    trig, ttl, duplication_key,
                    previous.duplication(doc_id, duplication_key) or _duplication_blocks(graphs, ex))
            if rows is not None:
                rows.add(doc_id, key, (lambda b=parts[1]: _parsed(ttl_header + previous.read("graph.ttl", b)))
                         if copied else (lambda own=parts[2]: own),
                         key + (duplication_key or ""), lambda ex=ex: _document_triples(graphs, ex))
        shared_entries = []
        for key, chunk in union.chunks:
            block, made = previous.shared(key), None
            if block is None:
                made = union.triples(chunk)
                block = _block([ox.Triple(s, p, o) for s, p, o in made], ox.RdfFormat.TURTLE)
            shared_entries.append([key, ttl.position, _put(ttl, block)])
            if rows is not None:
                rows.add_chunk(key, (lambda b=block: _parsed(ttl_header + previous.read("graph.ttl", b)))
                               if made is None else (lambda t=made: t))
        trig.finish()
        ttl.finish()
    blocks.save(out, CACHE_DIR, written, shared_entries, duplications)
    progress and progress(len(graphs.extractions), len(graphs.extractions))
    return [str(out / "graph.ttl"), str(out / "graph.trig")]


class _SharedUnion:
    """The shared triples of every speech, once each, in first-seen order (the end of
    graph.ttl), gathered as the speeches' items (:meth:`SpeechGraphs.shared_items`), each
    item once: at 10,000 speeches, ten million triples come down to a few hundred
    thousand. They are written in chunks, a chunk the items a speech names first, each
    keyed by a digest of its items, so a rebuild makes only the chunks that changed (a new
    speech's; before, the whole block whenever any speech brought an entity: 0.3 s of
    adding one speech to 1,000)."""

    def __init__(self, graphs: SpeechGraphs):
        self.graphs = graphs
        self.chunks: list[tuple[str, list]] = []      # (key, items)
        self._seen: set[bytes] = set()
        self._linked: set[tuple] = set()              # links the chunks' descriptions hold

    def add(self, items: list, digests: list[bytes]) -> None:
        """A speech's chunk: the items (:meth:`SpeechGraphs.shared_items`) it names first
        (none if it names none)."""
        seen = self._seen
        # most of a speech's items an earlier one named: passed over in one comprehension
        fresh = [k for k, digest in enumerate(digests) if digest not in seen]
        if not fresh:
            return
        chunk, key = [], hashlib.blake2b(_code_version().encode(), digest_size=16)
        for item, digest in ((items[k], digests[k]) for k in fresh):
            if digest in seen:
                continue          # twice in this speech
            seen.add(digest)
            if isinstance(item, str):
                ent = self.graphs.described(item)
                self._linked.update((item, p, o) for p, o in _entity_links(ent, self.graphs.entities))
            elif item in self._linked:
                continue          # a relation an earlier description holds: its triple is there
            chunk.append(item)
            key.update((self.graphs.whole_digest(item) if isinstance(item, str) else digest) + b"\0")
        if chunk:
            self.chunks.append((key.hexdigest(), chunk))

    def triples(self, chunk: list) -> list[tuple]:
        """A chunk's triples: an entity's description and a relation may hold one triple,
        once, where first seen."""
        return _unique(self.graphs.shared(chunk))


def _parsed(turtle: bytes) -> list[tuple]:
    """A Turtle block's triples, as (subject, predicate, object)."""
    return [(t.subject, t.predicate, t.object) for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE)]


def _write_blocks(trig, ttl, key: str, parts) -> list:
    """Write a speech's TriG and Turtle blocks (made, or where they lie in the old files);
    their index entry (see :mod:`kg.blocks`)."""
    trig_at, ttl_at = trig.position, ttl.position
    return [key, trig_at, _put(trig, parts[0]), ttl_at, _put(ttl, parts[1])]


def _put(file, block) -> int:
    """Write a block into a :class:`_Spliced` file: its bytes, or the (offset, length) of one
    in the old file; returns its length."""
    if isinstance(block, bytes):
        file.write(block)
        return len(block)
    file.copy(*block)
    return block[1]


class _Spliced:
    """A file written from new bytes and from blocks of the old file it replaces, whose
    bytes the kernel copies (``os.copy_file_range``), a run of blocks adjacent in the old
    file as one copy: a rebuild copies most of graph.trig and graph.ttl (840 MB at 10,000
    speeches), which through Python, a read and a write a block, took 0.46 s of adding a
    speech in a quiet hour and up to 3.2 s when the page cache was under pressure (the
    kernel's copy: 0.27 s). Where the kernel cannot (another system, a file system
    refusing), the bytes go through a buffer. ``position`` is where the next block goes;
    :meth:`finish` copies what is pending."""

    def __init__(self, out, source):
        self.out, self.source = out, source
        self.position = out.tell()
        self._pending: list[int] | None = None      # [offset, length] in source, not yet copied

    def write(self, data: bytes) -> None:
        self.finish()
        self.out.write(data)
        self.position += len(data)

    def copy(self, at: int, length: int) -> None:
        if self._pending and sum(self._pending) == at:
            self._pending[1] += length
        else:
            self.finish()
            self._pending = [at, length]
        self.position += length

    def finish(self) -> None:
        if self._pending:
            at, length = self._pending
            self._pending = None
            self.out.flush()
            _copy_range(self.source.fileno(), self.out.fileno(), at, length)
            self.out.seek(0, os.SEEK_END)       # the buffered file's idea of where it is


def _copy_range(source: int, target: int, at: int, length: int) -> None:
    """Append ``length`` bytes of the file ``source`` from offset ``at`` to the file
    ``target`` (descriptors; written at its position)."""
    end = at + length
    if hasattr(os, "copy_file_range"):
        try:
            while at < end:
                copied = os.copy_file_range(source, target, end - at, at)
                if copied == 0:
                    raise OSError(f"the old file ended {end - at} bytes early")
                at += copied
            return
        except OSError as e:
            if e.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM):
                raise
    while at < end:
        data = os.pread(source, min(end - at, 1 << 20), at)
        if not data:
            raise OSError(f"the old file ended {end - at} bytes early")
        at += os.write(target, data)


def _duplication_blocks(graphs: SpeechGraphs, ex) -> tuple[bytes, bytes]:
    """A copy's duplication as a second block of its named graph (TriG), and in Turtle."""
    d = ox.NamedNode(document_iri(ex.document.id))
    triples = graphs.duplication(ex)
    return (_block([ox.Quad(s, p, o, d) for s, p, o in triples], ox.RdfFormat.TRIG),
            _block([ox.Triple(s, p, o) for s, p, o in triples], ox.RdfFormat.TURTLE))


def _document_triples(graphs: SpeechGraphs, ex) -> tuple[list[tuple], list[tuple]]:
    """(what the speech is, its duplication): what the pages read of a speech besides
    its mentions (:data:`kg.page_facts.DOCUMENT_PATTERNS`)."""
    d = ox.NamedNode(document_iri(ex.document.id))
    return graphs.head(ex, d), graphs.duplication(ex)


def _speech_blocks(graphs: SpeechGraphs, ex, shared: list) -> tuple[bytes, bytes, list[tuple]]:
    """(the speech's named graph in TriG but its duplication, its own triples in Turtle
    but its duplication, those triples as (subject, predicate, object)), made afresh."""
    d = ox.NamedNode(document_iri(ex.document.id))
    own, quads = _own_and_quads(d, graphs.own(ex, d), shared)
    # a quad's .triple, not a new ox.Triple: pyoxigraph's constructors take 1.2 µs more
    # when the object is a literal (most of ours are)
    return (_block(quads, ox.RdfFormat.TRIG), _block([q.triple for q in quads[:len(own)]], ox.RdfFormat.TURTLE),
            own)


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


def write_build_info(out_dir, run_id, started, ended, version, inputs) -> list[ox.Triple]:
    """build.ttl: the run (a prov:Activity), its times and tool version, and each input
    speech it used with the speech's digest; returns its triples."""
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
