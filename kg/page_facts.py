"""What the pages (graph.html, report.html) and ``kg stats`` read from a graph.

They read two kinds of facts. *Speech facts* lie within one speech's own triples
(:mod:`kg.graph`: the speech, its mentions and their sentences, its copies): which
entities it mentions, where each mention lies, the sentences' text, the speech's
identifier, title and duplication. *Entity facts* (types, labels, fields, roles,
relations) lie in the shared triples and build.ttl.

:class:`StoreFacts` reads both by SPARQL from a store of the whole union (``kg render``,
``kg stats`` on a folder). A build uses :class:`BuildFacts`: each speech's rows, the same
patterns (:class:`Star`) matched in Python over that speech's own triples, kept in the
folder's cache under the speech's block key (:mod:`kg.blocks`), so a rebuild reads the
rows of unchanged speeches instead of loading the union into a store and querying all of
it again; the entity facts come by SPARQL from a store of the shared triples alone (about
a seventh of the union at 1,000 speeches).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, product
from pathlib import Path

from kg.cache import dumps, loads

NAMESPACES = {"kfq": "https://w3id.org/kfq-kg/ontology#",
              "dcterms": "http://purl.org/dc/terms/",
              "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"}
PREFIXES = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in NAMESPACES.items())
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OPTIONAL = True


def _iri(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return NAMESPACES[prefix] + local


@dataclass(frozen=True)
class Star:
    """What the pages read of one kind of subject in a speech's own triples: subjects of
    ``rdf_type`` (any, if None) with a value for each required property, one solution per
    combination of values (an optional property without one gives None), the ``selected``
    variables in that order. The same pattern is a SPARQL query (over a whole union, in
    :class:`StoreFacts`) and a match over one speech's triples in Python (a build's rows:
    a store per batch of speeches and six queries took a third of the build's graph
    writing)."""
    subject: str
    rdf_type: str | None
    properties: tuple[tuple[str, str, bool], ...]      # (predicate CURIE, variable, optional)
    selected: tuple[str, ...]
    distinct: bool = False

    def sparql(self) -> str:
        s = f"?{self.subject}"
        required = [f"{s} a {self.rdf_type} ."] if self.rdf_type else []
        required += [f"{s} {p} ?{v} ." for p, v, optional in self.properties if not optional]
        optionals = [f"OPTIONAL {{ {s} {p} ?{v} }}" for p, v, optional in self.properties if optional]
        variables = " ".join(f"?{v}" for v in self.selected)
        return (f"{PREFIXES}SELECT {'DISTINCT ' if self.distinct else ''}{variables} WHERE {{\n  "
                + "\n  ".join(required + optionals) + "\n}")

    def match(self, subjects: dict[str, dict[str, list[str]]]) -> list[tuple]:
        """The solutions over ``subjects`` (subject → predicate IRI → object values)."""
        rdf_type = self.rdf_type and _iri(self.rdf_type)
        properties = [(_iri(p), optional) for p, _, optional in self.properties]
        order = [0 if v == self.subject else 1 + [pv for _, pv, _ in self.properties].index(v)
                 for v in self.selected]
        found = []
        for subject, values in subjects.items():
            if rdf_type and rdf_type not in values.get(RDF_TYPE, ()):
                continue
            columns = [[subject]]
            for predicate, optional in properties:
                column = values.get(predicate)
                if not column:
                    if not optional:
                        break
                    column = [None]
                columns.append(column)
            else:
                found += [tuple(solution[i] for i in order) for solution in product(*columns)]
        return list(dict.fromkeys(found)) if self.distinct else found

    def predicates(self) -> set[str]:
        return {_iri(p) for p, _, _ in self.properties} | ({RDF_TYPE} if self.rdf_type else set())


# name → what the pages read of each speech; every solution lies in one speech's own triples
SPEECH_PATTERNS = {
    # (speech, entity)
    "mentions": Star("doc", None, (("kfq:mentions", "e", not OPTIONAL),), ("doc", "e")),
    # (speech, identifier, the speech it repeats)
    "documents": Star("doc", "kfq:Document", (("dcterms:identifier", "id", OPTIONAL),
                                              ("kfq:duplicateOf", "copy", OPTIONAL)), ("doc", "id", "copy")),
    # (identifier, title, the speech it repeats if a copy)
    "titles": Star("doc", "kfq:Document", (("dcterms:identifier", "id", not OPTIONAL),
                                           ("dcterms:title", "title", OPTIONAL),
                                           ("kfq:duplicateOf", "original", OPTIONAL)),
                   ("id", "title", "original"), distinct=True),
    # (sentence, speech, text, begin): mentions and sentences are read apart and joined in
    # Python, so that a sentence's text crosses from the store once, not once per mention
    "sentences": Star("s", "kfq:Sentence", (("kfq:inDocument", "doc", not OPTIONAL),
                                            ("nif:isString", "text", not OPTIONAL),
                                            ("nif:beginIndex", "sb", not OPTIONAL)), ("s", "doc", "text", "sb")),
    # (entity, sentence, begin, end)
    "spans": Star("m", None, (("kfq:mentionOf", "e", not OPTIONAL), ("kfq:inSentence", "s", not OPTIONAL),
                              ("nif:beginIndex", "b", not OPTIONAL), ("nif:endIndex", "end", not OPTIONAL)),
                  ("e", "s", "b", "end")),
    # (copy, original, similarity)
    "duplications": Star("x", "kfq:Duplication", (("kfq:duplicate", "copy", not OPTIONAL),
                                                  ("kfq:original", "original", not OPTIONAL),
                                                  ("kfq:similarity", "similarity", not OPTIONAL)),
                         ("copy", "original", "similarity")),
}
# what a speech says, matched over its own triples when its block is made (their key is
# the block's); and what it is, matched over the few triples naming it and its duplication,
# which change with the other speeches (kg.graph keeps them in a block of their own)
CONTENT_PATTERNS = ("mentions", "sentences", "spans")
DOCUMENT_PATTERNS = ("documents", "titles", "duplications")
SPEECH_QUERIES = {name: star.sparql() for name, star in SPEECH_PATTERNS.items()}
READ_PREDICATES = frozenset().union(*(star.predicates() for star in SPEECH_PATTERNS.values()))
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ROWS_FILE = "page-facts.jsonl"


def _values(row) -> tuple:
    """A solution (or part of one) as its terms' values, None where unbound."""
    return tuple(None if t is None else t.value for t in row)


def values(solutions) -> list[tuple]:
    return [_values(row) for row in solutions]


class StoreFacts:
    """The facts of a store holding the whole union."""

    def __init__(self, store):
        self.store = store

    def query(self, sparql: str):
        """Solutions of a query over the entity facts."""
        return self.store.query(sparql)

    def rows(self, name: str) -> list[tuple]:
        return values(self.store.query(SPEECH_QUERIES[name]))

    def triple_count(self) -> int:
        return int(next(iter(self.store.query(COUNT_QUERY)))[0].value)


class BuildFacts:
    """The facts of a build: each speech's rows (``speech_rows``: speech id → (its own
    triples' number, name → rows)) and a store of the shared triples and build.ttl."""

    def __init__(self, shared_store, speech_rows: dict[str, tuple[int, dict[str, list]]]):
        self.store = shared_store
        self.speech_rows = speech_rows

    def query(self, sparql: str):
        return self.store.query(sparql)

    def rows(self, name: str) -> list[tuple]:
        return list(chain.from_iterable(self.speech_rows[d][1][name] for d in sorted(self.speech_rows)))

    def triple_count(self) -> int:
        # a speech's own triples are its own (their subjects are the speech's), so none is
        # counted twice
        return len(self.store) + sum(count for count, _ in self.speech_rows.values())


def open_facts(source):
    """The facts of ``source``: a folder, a graph file, an open store, or facts already."""
    if isinstance(source, (StoreFacts, BuildFacts)):
        return source
    from kg.api import open_store
    return StoreFacts(open_store(source, named_graphs=False))


def speech_rows(triples, names=tuple(SPEECH_PATTERNS)) -> tuple[int, dict[str, list]]:
    """(number of triples, rows by pattern name, for the patterns ``names``) of one
    speech's own triples, given as (subject, predicate, object) pyoxigraph terms, each
    triple once."""
    subjects: dict[str, dict[str, list[str]]] = {}
    count = 0
    for s, p, o in triples:
        count += 1
        predicate = p.value
        if predicate in READ_PREDICATES:
            subjects.setdefault(s.value, {}).setdefault(predicate, []).append(o.value)
    return count, {name: SPEECH_PATTERNS[name].match(subjects) for name in names}


@lru_cache(maxsize=1)
def _version() -> str:
    """The rows depend on this module's queries (and pyoxigraph's answers)."""
    import pyoxigraph as ox
    return hashlib.sha256(Path(__file__).read_bytes() + ox.__version__.encode()).hexdigest()[:16]


class SpeechRows:
    """A build's per-speech rows, those of the last build (in ``folder``) reused where a
    speech's block key is unchanged."""

    def __init__(self, folder: Path | None, reuse: bool = True):
        self.path = folder / ROWS_FILE if folder else None
        self._strings: dict[str, str] = {}
        self.previous: dict[str, tuple] = self._load() if reuse and self.path else {}
        self.made: dict[str, tuple] = {}           # id → (content, document) as _load reads them
        self.reused = 0
        self.shared_turtle = b""          # the shared triples (kg.graph.write_speech_graphs)

    def _load(self) -> dict:
        """The last build's rows: a line with the version, then a JSON array a speech,
        [id, key, number of its own triples but its duplication, CONTENT_PATTERNS' rows by
        name, document key, number of its duplication triples, DOCUMENT_PATTERNS' rows]."""
        speeches = {}
        try:
            with open(self.path, "rb") as f:
                if loads(f.readline()).get("version") != _version():
                    return {}
                for line in f:
                    doc_id, key, count, rows, document_key, document_count, document_rows = loads(line)
                    speeches[doc_id] = ((key, count, {name: self._interned(rows[name]) for name in CONTENT_PATTERNS}),
                                        (document_key, document_count,
                                         {name: self._interned(document_rows[name]) for name in DOCUMENT_PATTERNS}))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}                      # unreadable: every speech's rows are made again
        return speeches

    def _interned(self, rows) -> list[tuple]:
        """Rows whose equal values are one string: an entity's, a speech's or a sentence's
        IRI recurs in many rows (a full build of 10,000 speeches peaked at 1.92 GB with a
        string for every value, 1.47 GB this way, with the cache written a line a speech)."""
        intern = self._strings.setdefault            # (None, an unbound value, maps to itself)
        return [tuple(map(intern, row, row)) for row in rows]

    def add(self, doc_id: str, key: str, own_triples, document_key: str, document_triples) -> None:
        """The speech's rows, each kind the last build's if its key is the same: those of
        CONTENT_PATTERNS made from ``own_triples()`` (the speech's own triples but its
        duplication, see :func:`speech_rows`), those of DOCUMENT_PATTERNS from
        ``document_triples()`` ((the triples saying what the speech is, its duplication))."""
        content, document = self.previous.pop(doc_id, (None, None))
        if content is not None and content[0] == key:
            self.reused += 1
        else:
            count, rows = speech_rows(own_triples(), CONTENT_PATTERNS)
            content = key, count, {name: self._interned(r) for name, r in rows.items()}
        if document is None or document[0] != document_key:
            head, duplication = document_triples()
            rows = speech_rows(head + duplication, DOCUMENT_PATTERNS)[1]
            document = document_key, len(duplication), {name: self._interned(r) for name, r in rows.items()}
        self.made[doc_id] = content, document

    def save(self) -> None:
        if not self.path:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            # a line a speech: the whole file as one string took 400 MB at 10,000 speeches
            f.write(dumps({"version": _version()}) + b"\n")
            for doc_id, (content, document) in self.made.items():
                f.write(dumps([doc_id, *content, *document]) + b"\n")
        os.replace(tmp, self.path)

    def facts(self, build_info: Path) -> BuildFacts:
        """The build's facts: these rows, and a store of the shared triples and
        ``build_info`` (build.ttl)."""
        import pyoxigraph as ox
        store = ox.Store()
        store.bulk_load(self.shared_turtle, format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        if build_info.exists():
            store.bulk_load(path=str(build_info), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        by_speech = {doc_id: (content[1] + document[1], {**content[2], **document[2]})
                     for doc_id, (content, document) in self.made.items()}
        return BuildFacts(store, by_speech)
