"""What the pages (graph.html, report.html) and ``kg stats`` read from a graph.

They read two kinds of facts, both by SPARQL. *Speech facts* lie within one speech's own
triples (:mod:`kg.graph`: the speech, its mentions and their sentences, its copies): which
entities it mentions, where each mention lies, the sentences' text, the speech's
identifier, title and duplication. *Entity facts* (types, labels, fields, roles,
relations) lie in the shared triples and build.ttl.

:class:`StoreFacts` reads both from a store of the whole union (``kg render``, ``kg stats``
on a folder). A build uses :class:`BuildFacts`: each speech's rows, answered by the same
queries over that speech's own triples and kept in the folder's cache under the speech's
block key (:mod:`kg.blocks`), so a rebuild reads the rows of unchanged speeches instead of
loading the union into a store and querying all of it again; the entity facts come from
a store of the shared triples alone (about a seventh of the union at 1,000 speeches).
"""
from __future__ import annotations

import hashlib
import os
import json
from functools import lru_cache
from itertools import chain
from pathlib import Path

PREFIXES = """PREFIX kfq: <https://w3id.org/kfq-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
"""
# name → (DISTINCT or not, variables, pattern): what the pages read of each speech; every
# solution lies in one speech's own triples
SPEECH_PATTERNS = {
    # (speech, entity)
    "mentions": ("", "?doc ?e", "?doc kfq:mentions ?e"),
    # (speech, identifier, the speech it repeats)
    "documents": ("", "?doc ?id ?copy", """?doc a kfq:Document .
  OPTIONAL { ?doc dcterms:identifier ?id } OPTIONAL { ?doc kfq:duplicateOf ?copy }"""),
    # (identifier, title, "true" if a copy)
    "titles": ("DISTINCT ", "?id ?title ?copy", """?doc a kfq:Document ; dcterms:identifier ?id .
  OPTIONAL { ?doc dcterms:title ?title } OPTIONAL { ?doc kfq:duplicateOf ?original BIND(true AS ?copy) }"""),
    # (sentence, speech, text, begin): mentions and sentences are read apart and joined in
    # Python, so that a sentence's text crosses from the store once, not once per mention
    "sentences": ("", "?s ?doc ?text ?sb",
                  "?s a kfq:Sentence ; kfq:inDocument ?doc ; nif:isString ?text ; nif:beginIndex ?sb"),
    # (entity, sentence, begin, end)
    "spans": ("", "?e ?s ?b ?end", "?m kfq:mentionOf ?e ; kfq:inSentence ?s ; nif:beginIndex ?b ; nif:endIndex ?end"),
    # (copy, original, similarity)
    "duplications": ("", "?copy ?original ?similarity",
                     "?x a kfq:Duplication ; kfq:duplicate ?copy ; kfq:original ?original ; kfq:similarity ?similarity"),
}


def _select(name: str, per_graph: bool = False) -> str:
    """The query of SPEECH_PATTERNS[name] over the union, or (``per_graph``) over each
    named graph apart, its name first in every solution."""
    distinct, variables, pattern = SPEECH_PATTERNS[name]
    if per_graph:
        return f"{PREFIXES}SELECT {distinct}?g {variables} WHERE {{ GRAPH ?g {{ {pattern} }} }}"
    return f"{PREFIXES}SELECT {distinct}{variables} WHERE {{ {pattern} }}"


SPEECH_QUERIES = {name: _select(name) for name in SPEECH_PATTERNS}
PER_GRAPH_QUERIES = {name: _select(name, per_graph=True) for name in SPEECH_PATTERNS}
BATCH = 256          # speeches whose rows are queried together (one store, each query once)
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


def speech_rows(speeches: dict[str, list]) -> dict[str, tuple[int, dict[str, list]]]:
    """Graph IRI → (number of triples, rows by query name) for several speeches at once,
    each speech's own triples given as quads in its own named graph: one store and each
    query once for them all (a store and six queries per speech took 1.5 ms, a tenth of a
    speech's build)."""
    import pyoxigraph as ox
    store = ox.Store()
    for quads in speeches.values():
        store.bulk_extend(quads)
    found = {g: (len(quads), {name: [] for name in SPEECH_PATTERNS}) for g, quads in speeches.items()}
    for name, query in PER_GRAPH_QUERIES.items():
        for graph, *row in store.query(query):
            found[graph.value][1][name].append(_values(row))
    return found


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
        self.rows: dict[str, tuple[int, dict[str, list]]] = {}
        self.keys: dict[str, str] = {}
        self.reused = 0
        self._pending: dict[str, tuple] = {}      # graph IRI → (speech id, own quads)
        self.shared_turtle = b""          # the shared triples (kg.graph.write_speech_graphs)

    def _load(self) -> dict:
        """The last build's rows: a line with the version, then a JSON array a speech,
        [id, key, number of triples, rows by name]."""
        speeches = {}
        try:
            with open(self.path, encoding="utf-8") as f:
                if json.loads(f.readline()).get("version") != _version():
                    return {}
                for line in f:
                    doc_id, key, count, rows = json.loads(line)
                    speeches[doc_id] = (key, (count, {name: self._interned(rows[name]) for name in SPEECH_PATTERNS}))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}                      # unreadable: every speech's rows are made again
        return speeches

    def _interned(self, rows) -> list[tuple]:
        """Rows whose equal values are one string: an entity's, a speech's or a sentence's
        IRI recurs in many rows (a full build of 10,000 speeches peaked at 1.92 GB with a
        string for every value, 1.47 GB this way, with the cache written a line a speech)."""
        strings = self._strings
        return [tuple(None if v is None else strings.setdefault(v, v) for v in row) for row in rows]

    def add(self, doc_id: str, key: str, graph: str, own_quads) -> None:
        """The speech's rows: the last build's if its key is the same, else made from
        ``own_quads()`` (the speech's own triples, as quads in its named graph ``graph``)."""
        known = self.previous.pop(doc_id, None)
        if known is not None and known[0] == key:
            self.rows[doc_id] = known[1]
            self.reused += 1
        else:
            self._pending[graph] = (doc_id, own_quads())
            if len(self._pending) >= BATCH:
                self._make_pending()
        self.keys[doc_id] = key

    def _make_pending(self) -> None:
        if self._pending:
            made = speech_rows({g: quads for g, (_, quads) in self._pending.items()})
            for graph, (doc_id, _) in self._pending.items():
                count, rows = made[graph]
                self.rows[doc_id] = count, {name: self._interned(r) for name, r in rows.items()}
            self._pending = {}

    def save(self) -> None:
        self._make_pending()
        if not self.path:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            # a line a speech: the whole file as one string took 400 MB at 10,000 speeches
            f.write(json.dumps({"version": _version()}) + "\n")
            for doc_id, (count, rows) in self.rows.items():
                f.write(json.dumps([doc_id, self.keys[doc_id], count, rows], ensure_ascii=False) + "\n")
        os.replace(tmp, self.path)

    def facts(self, build_info: Path) -> BuildFacts:
        """The build's facts: these rows, and a store of the shared triples and
        ``build_info`` (build.ttl)."""
        import pyoxigraph as ox
        self._make_pending()
        store = ox.Store()
        store.bulk_load(self.shared_turtle, format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        if build_info.exists():
            store.bulk_load(path=str(build_info), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        return BuildFacts(store, self.rows)
