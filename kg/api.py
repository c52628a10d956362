"""The Python API behind the ``kg`` command: build, query, stats, validate, view.

Every CLI command is a few lines over one of these functions, so a notebook user can do
the same::

    from kg import api
    report = api.build(["examples"], "output")
    rows = api.query("output", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
"""
from __future__ import annotations

import hashlib
import re
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from kg import __version__
from kg.model import BuildReport, ENTITY_TYPES, Extraction, Problem

DEFAULT_INPUT = "examples"
DEFAULT_VIEW_NODES = 300     # graph.html shows the most mentioned entities; kg viz shows more
VALIDATE_AT_MOST = 25        # speeches' graphs SHACL-checked by a build; kg validate checks all
DEFAULT_OUTPUT = "output"
PARALLEL_MIN_DOCS = 8        # below this a process pool costs more than it saves
SAVE_EXTRACTIONS_EVERY_S = 10     # a long build keeps its extractions this often


def extract_all(documents, jobs: int = 1, progress=None, problems=None) -> list[Extraction]:
    """Extract every document, in ``jobs`` processes for a large enough batch; calls
    ``progress()`` after each document. With a ``problems`` list, a speech whose extraction
    fails is left out and reported there (the rest is still extracted); without, it raises."""
    return list(iter_extractions(documents, jobs, progress, problems))


def iter_extractions(documents, jobs: int = 1, progress=None, problems=None):
    """The extractions of :func:`extract_all`, each as soon as it is made, in input order."""
    for doc, outcome in zip(documents, _outcomes(documents, jobs)):
        progress and progress()
        if isinstance(outcome, Extraction):
            yield outcome
        elif problems is None:
            raise RuntimeError(f"{doc.source} ({doc.id}): {outcome}")
        else:
            problems.append(Problem(doc.source, f"speech {doc.id} left out: {outcome}"))


def _outcomes(documents, jobs: int):
    """Each document's extraction or why it failed, in order."""
    if jobs > 1 and len(documents) >= PARALLEL_MIN_DOCS:
        from concurrent.futures import ProcessPoolExecutor     # (here: 0.02 s to import)
        from kg.segment import warm_up
        warm_up()                   # once here, shared by the forked workers
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            yield from pool.map(_extract_one, documents, chunksize=4)
    else:
        yield from map(_extract_one, documents)


def _extract_one(doc) -> Extraction | str:
    """The speech's extraction, or why it failed: one speech's text must not stop a build."""
    from kg.extract import extract_document
    try:
        return extract_document(doc)
    except Exception as e:       # noqa: BLE001 - reported per speech, the build goes on
        return f"extraction failed ({type(e).__name__}: {e})"


def extract_with_cache(documents, out: Path, *, jobs: int = 1, full: bool = False,
                       progress=None, problems=None) -> tuple[list[Extraction], int]:
    """Extractions for ``documents``, reusing the output folder's cache for unchanged
    speeches (unless ``full``); returns them in input order and how many were reused.
    A speech that fails to extract is missing from the result (see ``extract_all``)."""
    from kg import cache
    cached = {} if full else cache.load_many(out, documents)
    todo = [d for d in documents if cached.get(d.id) is None]
    done = [len(documents) - len(todo)]

    def step():
        done[0] += 1
        progress(done[0], len(documents))

    if progress:
        progress(done[0], len(documents))
    fresh, unsaved, saved_at = {}, [], time.monotonic()
    for ex in iter_extractions(todo, jobs, progress and step, problems):
        fresh[ex.document.id] = ex
        unsaved.append(ex)
        # kept as they come, so a build stopped part way (killed, Ctrl-C) loses at most
        # this much of its extraction work: the next build takes up where it stopped
        if time.monotonic() - saved_at >= SAVE_EXTRACTIONS_EVERY_S:
            cache.store_many(out, unsaved)
            unsaved, saved_at = [], time.monotonic()
    cache.store_many(out, unsaved)
    for ex in cached.values():
        if ex is not None:
            ex.from_cache = True
    cache.prune(out, [d.id for d in documents])
    return [ex for d in documents if (ex := fresh.get(d.id) or cached[d.id])], len(documents) - len(todo)


def run_id(documents) -> str:
    h = hashlib.sha256(__version__.encode())
    for d in sorted(documents, key=lambda d: d.id):
        h.update(d.id.encode("utf-8", "surrogatepass") + b"\0" + d.text.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()[:16]


class BuildLocked(RuntimeError):
    """Another build is writing the same output folder."""


@contextmanager
def _build_lock(out: Path):
    """One writer per output folder at a time (a build, or `kg query --update`): a second
    one refuses at once (it would otherwise interleave its files with the first one's)."""
    import fcntl
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".kg-build.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"{out}: another kg build is writing this folder; "
                              "wait for it to finish or build into another folder (-o)") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build(inputs: list[str] | None = None, out_dir: str = DEFAULT_OUTPUT, *, jobs: int = 1,
          validate_shapes: bool = True, html: bool = True, full: bool = False,
          progress=None, store_dir: str | None = None) -> BuildReport:
    """Read ``inputs`` (files/folders), extract, link and write the graph into ``out_dir``.

    Writes graph.ttl, graph.trig, build.ttl and graph.html, each atomically (a killed
    build leaves the previous files whole); returns what happened. Bad inputs become
    ``report.problems`` and never stop the build. Raises BuildLocked when another build
    is writing ``out_dir``. Unchanged speeches are taken from the folder's cache unless
    ``full``; ``progress(done, total, stage)`` is called as the build goes (see
    :data:`STAGES`: speeches extracted and written, of all; 0 of 1 and 1 of 1 for the
    others, at their start and end). With ``store_dir``
    the graph is also kept in an on-disk Oxigraph store there, which ``kg query -g
    store_dir`` opens without parsing anything.
    """
    out = Path(out_dir)
    with _build_lock(out):
        _remove_stale_temp_files(out)
        report = _build(inputs, out, jobs, validate_shapes, html, full, progress)
    if store_dir and not store_is_current(out, store_dir):
        write_store(out, store_dir)
        report.outputs.append(str(store_dir))
    return report


def _remove_stale_temp_files(out: Path) -> None:
    """Temp files a killed build left behind (``.graph.trig.XXXX.tmp``, cache entries):
    under the lock no other build is writing them."""
    import shutil
    from kg.cache import CACHE_DIR
    for tmp in list(out.glob(".*.tmp")) + list((out / CACHE_DIR).glob("*.tmp")):
        tmp.unlink(missing_ok=True)
    for pattern in EARLIER_PAGE_STORES:
        for path in (out / CACHE_DIR).glob(pattern):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


# the stores earlier versions made the pages from (pages-store-*: temporary; union-store*:
# kept between builds, as large as graph.ttl and graph.trig together)
EARLIER_PAGE_STORES = ("pages-store-*", "union-store", "union-store.*")


STORE_MARKER = "kfq-kg-store"


def write_store(out: Path, store_dir) -> None:
    """Load graph.trig (named graphs) and graph.ttl (their union, as the default graph)
    into an on-disk Oxigraph store, replacing what it held."""
    import pyoxigraph as ox
    path = Path(store_dir)
    path.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(path))
    store.clear()
    bulk_load_in_pieces(store, out / "graph.trig", ox.RdfFormat.TRIG)
    bulk_load_in_pieces(store, out / "graph.ttl", ox.RdfFormat.TURTLE)
    store.flush()
    del store
    import json
    loaded_from = json.dumps(_graph_stamps(out))
    (path / STORE_MARKER).write_text(f"an Oxigraph store written by kg build --store\nloaded from {loaded_from}\n",
                                     encoding="utf-8")


def store_is_current(out: Path, store_dir) -> bool:
    """Was the store at ``store_dir`` loaded from ``out``'s graph files as they are now
    (their size, mtime and inode)? A build with nothing new need not load it again
    (10,000 speeches: about a minute)."""
    import json
    try:
        marker = (Path(store_dir) / STORE_MARKER).read_text(encoding="utf-8")
        _, loaded_from = marker.splitlines()[1].split("loaded from ", 1)
        return json.loads(loaded_from) == _graph_stamps(out)
    except (OSError, IndexError, ValueError):
        return False


def _graph_stamps(out: Path) -> dict:
    """graph.trig's and graph.ttl's size, mtime and inode (:func:`kg.blocks.stamp`)."""
    from kg.blocks import FILES, stamp
    return {name: stamp(out / name) for name in FILES}


def _build(inputs, out: Path, jobs, validate_shapes, html, full, progress) -> BuildReport:
    with _without_cycle_collection():
        return _build_all(inputs, out, jobs, validate_shapes, html, full, progress)


@contextmanager
def _without_cycle_collection():
    """Python's cyclic garbage collector off for the build, back on afterwards, whatever
    happens. A build makes millions of objects that live to its end (extractions, terms,
    the quads' tuples), none in reference cycles, and the collector scanned them again and
    again: half the time of making the quads (1,000 speeches: 3.9 s → 1.9 s without it),
    8 % of a build. The few cycles a build makes (an exception's traceback) are collected
    when it ends."""
    import gc
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()                  # what _build_all froze is collectable again
        if was_enabled:
            gc.enable()


def _build_all(inputs, out: Path, jobs, validate_shapes, html, full, progress) -> BuildReport:
    import gc
    from kg import read, state
    t0 = time.perf_counter()
    documents, problems = read.read_inputs(list(inputs or [DEFAULT_INPUT]))
    documents = _unique_ids(documents, problems)
    digest = state.inputs_digest(documents, html)
    last = None if full else state.unchanged(out, digest)
    if last is not None:
        last.problems = problems + last.problems
        last.seconds = time.perf_counter() - t0
        return last
    state.forget(out)
    _import_stages(validate_shapes)
    from kg.cache import CACHE_DIR
    from kg.page_facts import SpeechRows
    rows = SpeechRows(out / CACHE_DIR, reuse=not full) if html else None
    # the last build's page rows (millions of tuples at 10,000 speeches) live to the end:
    # frozen, the one collection below (_give_back_freed_memory) does not walk them (10,000
    # speeches, one added: 0.42 s -> 0.17 s)
    gc.freeze()
    report = _build_graph(documents, problems, out, jobs, validate_shapes, full, progress, rows)
    del documents                            # (their text goes before the pages are made)
    if html:
        # the speeches' Python objects are gone by now (they were _build_graph's): their
        # memory goes back before the pages are made
        _give_back_freed_memory()
        from kg.report import render_report
        from kg.analysis import mention_index
        from kg import changes
        rows.save()
        facts = rows.facts()
        report.changes_since, report.changes = changes.record(out / CACHE_DIR, facts, _now()) or (None, None)
        index = mention_index(facts)         # read once for both pages
        with _stage(progress, "writing graph.html"):
            report.outputs.append(render_view(facts, out / "graph.html", index=index,
                                              max_nodes=DEFAULT_VIEW_NODES))
        with _stage(progress, "writing report.html"):
            report.outputs.append(render_report(facts, out / "report.html", index=index))
    state.save(out, digest, report, problems)
    report.seconds = time.perf_counter() - t0
    return report


# what a build's ``progress(done, total, stage)`` names, in order (a build without
# validation or pages skips those)
STAGES = ("extracting", "linking", "finding duplicates", "writing graph files", "checking shapes",
          "writing graph.html", "writing report.html")


def _counted(progress, stage: str):
    """``progress`` as a ``(done, total)`` callback of one stage (None if there is none)."""
    return (lambda done, total: progress(done, total, stage)) if progress else None


@contextmanager
def _stage(progress, stage: str):
    """A stage without steps of its own: 0 of 1 at its start, 1 of 1 at its end."""
    if progress:
        progress(0, 1, stage)
    yield
    if progress:
        progress(1, 1, stage)


def _import_stages(validate_shapes: bool) -> None:
    """Import the stages' modules before the build holds anything: some imports leave
    cycles of frames behind (pkg_resources' and rdflib's pyparsing grammars, made at
    import), and a frame holds its caller's, up to the build's own, with the extractions
    of every speech in them; freed only by a cycle collection (10,000 speeches, one added:
    2.1 s of collecting, 0.4 s without them). Imported from here, the frames they hold are
    this one's."""
    import kg.duplicates  # noqa: F401
    import kg.extract  # noqa: F401
    if validate_shapes:
        import pyshacl  # noqa: F401
        import kg.validate  # noqa: F401


def _build_graph(documents, problems, out: Path, jobs, validate_shapes, full, progress, rows=None) -> BuildReport:
    """Everything of a build of the speeches read (``documents``, with the ``problems`` of
    reading them) but the pages: extract, link, write the graph files and build.ttl
    (handing each speech's own quads to ``rows``, for the pages), validate."""
    from kg import graph, link
    started = datetime.now(timezone.utc)
    report = BuildReport(problems=list(problems))
    extractions, report.reused = extract_with_cache(documents, out, jobs=jobs, full=full,
                                                    progress=_counted(progress, "extracting"),
                                                    problems=report.problems)
    documents = [ex.document for ex in extractions]      # without any that failed to extract
    with _stage(progress, "linking"):
        entities = link.link(extractions)
    rid = run_id(documents)
    from kg.duplicates import find_duplicates
    from kg.cache import CACHE_DIR
    with _stage(progress, "finding duplicates"):
        report.duplicates = find_duplicates(documents, cache_dir=out / CACHE_DIR, reuse=not full)
    graphs = graph.SpeechGraphs(extractions, entities, report.duplicates)
    report.outputs = graph.write_speech_graphs(graphs, out, reuse=not full, rows=rows,
                                               progress=_counted(progress, "writing graph files"))
    build_info = graph.write_build_info(out, rid, started, datetime.now(timezone.utc), __version__,
                                        [(d.id, hashlib.sha256(d.text.encode("utf-8", "surrogatepass")).hexdigest())
                                         for d in documents])
    if rows is not None:
        rows.build_triples = len(build_info)
    report.outputs.append(str(out / "build.ttl"))
    if validate_shapes:
        with _stage(progress, "checking shapes"):
            report.validated, report.violations = _validate_changed(graphs, extractions, report.reused == 0)
    report.documents = len(documents)
    report.extracted = len(documents) - report.reused
    report.entities_per_type = count_entities(entities)
    return report


def _give_back_freed_memory() -> None:
    """Empty the caches filled speech by speech (:mod:`kg.memo`: they pin freed arenas),
    collect cycles, then ask glibc to return its free heap pages to the system."""
    import ctypes
    import gc
    from kg import memo
    memo.clear()
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):          # not glibc: the memory is reused, not returned
        pass


def _validate_changed(graphs, extractions, everything: bool) -> tuple[int, list[str]]:
    """SHACL on the named graphs of the speeches this build extracted (every speech's
    graph is self-contained), at most VALIDATE_AT_MOST of them, chosen evenly; returns how
    many were checked and the violations. Reused speeches passed when they were built."""
    from kg.graph import SpeechGraphs
    from kg.validate import validate_quads
    changed = sorted(ex.document.id for ex in extractions if everything or not ex.from_cache)
    if not changed:
        return 0, []
    step = max(1, len(changed) // VALIDATE_AT_MOST)
    chosen = set(changed[::step][:VALIDATE_AT_MOST])
    subset = SpeechGraphs([ex for ex in extractions if ex.document.id in chosen], graphs.entities,
                          [d for ds in graphs.duplicates.values() for d in ds if d.document in chosen])
    return len(chosen), validate_quads(list(subset.quads()))[1]


def _unique_ids(documents, problems):
    """Two files with one stem (a/x.txt, b/x.txt) would be one speech: the file whose path
    sorts first gives it, whatever the order the inputs came in (builds stay deterministic)."""
    owner: dict[str, str] = {}
    for d in documents:
        owner[d.id] = min(owner.get(d.id, d.source), d.source)
    unique = []
    for d in documents:
        if d.source != owner[d.id]:
            problems.append(Problem(d.source, f"skipped: {owner[d.id]} already gives speech id {d.id!r}"))
            continue
        unique.append(d)
    return unique


def count_entities(entities) -> dict[str, int]:
    unique = {e.iri: e for e in entities.values()}.values()
    counts = {t: 0 for t in ENTITY_TYPES}
    for e in unique:
        counts[e.type] = counts.get(e.type, 0) + 1
    return counts


def graph_file(source: str | Path) -> Path:
    """An output folder or a graph file → the file to read (graph.trig preferred)."""
    p = Path(source)
    if p.is_dir():
        for name in ("graph.trig", "graph.ttl"):
            if (p / name).exists():
                return p / name
        raise FileNotFoundError(f"{p}: no graph.trig or graph.ttl (run `kg build` first)")
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    return p


def open_store(source, *, named_graphs: bool = True):
    """A pyoxigraph Store: the speeches' named graphs, and their union, deduplicated, as the
    default graph (SPARQL over Oxigraph's union-as-default would repeat a triple once per
    speech that states it), with the build's provenance (build.ttl) beside it.

    ``named_graphs=False``: just that default graph, when an output folder (or its
    graph.trig) has graph.ttl beside it, for a query that reads no named graph
    (:func:`reads_named_graphs`): half the parsing, and Oxigraph's lookups are about twice
    as fast in a store without the 10,000 named graphs (measured at 10,000 speeches)."""
    import pyoxigraph as ox
    if isinstance(source, ox.Store):
        return source                  # already open: the build shares one with its pages
    if (Path(source) / STORE_MARKER).exists():
        return ox.Store.read_only(str(source))
    path = graph_file(source)
    if not named_graphs and has_union_file(source):
        return open_union(path.parent)
    store = ox.Store()
    if path.suffix == ".trig":
        with open(path, "rb") as f:
            store.bulk_load(f, format=ox.RdfFormat.TRIG)
        union = path.with_name("graph.ttl")
        if union.exists():
            with open(union, "rb") as f:
                store.bulk_load(f, format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        else:
            store.extend([ox.Quad(q.subject, q.predicate, q.object) for q in store])
    else:
        with open(path, "rb") as f:
            store.bulk_load(f, format=ox.RdfFormat.TURTLE)
    build_info = path.with_name("build.ttl")      # the run: what each speech was generated by
    if build_info.exists():
        with open(build_info, "rb") as f:
            store.bulk_load(f, format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    return store


def has_union_file(source) -> bool:
    """Whether ``source`` (a folder or a graph file) has its union apart from its named
    graphs (graph.ttl beside graph.trig), which ``open_store(named_graphs=False)`` opens."""
    import pyoxigraph as ox
    if isinstance(source, ox.Store) or (Path(source) / STORE_MARKER).exists():
        return False
    path = graph_file(source)
    return path.suffix == ".trig" and path.with_name("graph.ttl").exists()


def reads_named_graphs(sparql: str) -> bool:
    """Whether a query may read the speeches' named graphs, not just their union: it uses
    GRAPH, FROM or FROM NAMED (:mod:`kg.sparql_text`; a doubtful case loads them)."""
    from kg.sparql_text import uses_keyword
    return uses_keyword(sparql, "GRAPH", "FROM")


def open_union(out):
    """A store with just the default graph :func:`open_store` would give (the union of the
    speeches' graphs, graph.ttl, and build.ttl): what ``kg render``, ``kg stats`` and a
    query without named graphs read, in half the parsing (the named graphs are not
    loaded)."""
    import pyoxigraph as ox
    store = ox.Store()
    for name in ("graph.ttl", "build.ttl"):
        if (Path(out) / name).exists():
            with open(Path(out) / name, "rb") as f:
                store.bulk_load(f, format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    return store


BULK_LOAD_PIECE_BYTES = 8 * 2**20


def bulk_load_in_pieces(store, path: Path, rdf_format, piece_bytes: int = BULK_LOAD_PIECE_BYTES) -> None:
    """Load a Turtle or TriG file into ``store`` (into the default graph for Turtle) a piece
    of about ``piece_bytes`` at a time.

    Oxigraph's bulk loader holds about a million quads per thread in memory: loading the
    6 M triples of 10,000 speeches into an on-disk store in one go took 1.6 GB, in 8 MB
    pieces 0.2 GB for 15 % more time. A piece ends where pyoxigraph ends a top-level
    statement (a line ending in `.` or `}` before a line that starts a new one, not
    indented) and carries the file's prefix lines. A file that does not cut this way (blank
    nodes, whose labels hold within one document; a prefix declared later; a string over
    several lines) is loaded again whole."""
    import pyoxigraph as ox
    to_graph = ox.DefaultGraph() if rdf_format == ox.RdfFormat.TURTLE else None
    try:
        for piece in _statement_pieces(path, piece_bytes):
            store.bulk_load(piece, format=rdf_format, to_graph=to_graph)
    except (SyntaxError, _NotCuttable):
        store.clear()
        with open(path, "rb") as f:
            store.bulk_load(f, format=rdf_format, to_graph=to_graph)


class _NotCuttable(ValueError):
    pass


_DIRECTIVE = re.compile(rb"\s*(?:(?:@prefix|@base|PREFIX|BASE)\b.*|#.*)?\n", re.IGNORECASE)
_DIRECTIVE_INSIDE = re.compile(rb"^(?:@prefix|@base|PREFIX|BASE)\b", re.IGNORECASE | re.MULTILINE)


def _statement_pieces(path: Path, piece_bytes: int):
    """The file's text in pieces each made of whole statements, the prefix lines first."""
    with open(path, "rb") as f:
        header = b""
        while _DIRECTIVE.fullmatch(line := f.readline()):
            header += line
        buffer = line
        while True:
            block = f.read(piece_bytes)
            buffer += block
            cut = len(buffer) if not block else _last_statement_end(buffer)
            if cut:
                piece = buffer[:cut]
                if b"_:" in piece or _DIRECTIVE_INSIDE.search(piece):
                    raise _NotCuttable(path)
                yield header + piece
                buffer = buffer[cut:]
            if not block:
                return


def _last_statement_end(text: bytes) -> int:
    """Offset just after the last line ending a top-level statement that another follows
    (0 if none): pyoxigraph indents every line of a statement but its first."""
    end = len(text)
    while (i := max(text.rfind(b".\n", 0, end), text.rfind(b"}\n", 0, end))) >= 0:
        nxt = text[i + 2:i + 3]
        if nxt and nxt not in b" \t\r\n}":
            return i + 2
        end = i
    return 0


def render_view(source, path, *, index=None, **selection) -> str:
    """Write an HTML view of ``source`` (a folder, a graph file, an open store or its
    :mod:`kg.page_facts`; ``index``: its :func:`kg.analysis.mention_index` if the caller
    has it)."""
    from kg import viz
    viz.render_html(viz.load_view(source, index, **selection), path)
    return str(path)


class UpdateRefused(ValueError):
    """A SPARQL Update given where only queries are allowed."""


def is_update(sparql: str) -> bool:
    """Does this text parse as SPARQL Update? Only parsed, never run: running it even on an
    empty store would carry out a ``LOAD <url>`` (a request to any address)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate
    try:
        parseUpdate(sparql)
    except (ParseException, ValueError, TypeError):
        return False
    return True


class AskColumns(list):
    """The columns of an ASK query's result (``["ask"]``), marked so that
    :func:`results_json` writes SPARQL's boolean form rather than a one-row table."""


def ask_result(answer: bool) -> tuple[list[str], list[list]]:
    """An ASK answer as (columns, rows): one ``ask`` column, one row, ``true`` or ``false``
    (an xsd:boolean, so table and csv print the word)."""
    import pyoxigraph as ox
    value = ox.Literal("true" if answer else "false",
                       datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    return AskColumns(["ask"]), [[value]]


class Page(list):
    """Rows of one page of a longer result: ``more`` tells whether rows follow it."""
    more: bool = False


def query(source, sparql: str, params: dict[str, str] | None = None,
          engine: str = "oxigraph", *, limit: int | None = None, offset: int = 0) -> tuple[list[str], list[list]]:
    """Run a SPARQL SELECT/ASK/CONSTRUCT/DESCRIBE over a built graph; (columns, rows).

    The default graph is the union of the per-speech named graphs. ``params`` bind query
    variables through a VALUES block (``{"zone": "临江高新区"}`` sets ?zone; see
    :mod:`kg.queries`). ``engine`` is "oxigraph" (fast) or "rdflib" (its own initBindings).
    An ASK gives ``AskColumns(["ask"])`` and one row holding true or false. Read-only: a
    SPARQL Update raises UpdateRefused (see :func:`update`).

    ``limit``/``offset`` page through a long result in the query's own order without
    touching its text: the rows are a :class:`Page`, whose ``more`` says whether another
    page follows. Rows outside the page are never turned into Python objects.
    """
    if limit is not None and limit < 0 or offset < 0:
        raise ValueError("limit and offset are counts of rows: 0 or more")
    columns, rows = _query(source, sparql, params, engine)
    if limit is None and not offset:
        return columns, list(rows)
    import itertools
    page = Page(itertools.islice(rows, offset, None if limit is None else offset + limit + 1))
    if limit is not None and len(page) > limit:
        page.more = True
        del page[limit:]
    return columns, page


def _query(source, sparql, params, engine):
    """(columns, an iterator of rows) of :func:`query`."""
    import pyoxigraph as ox
    from kg.queries import bind_values
    if engine == "rdflib":
        columns, rows = _query_rdflib(source, sparql, params or {})
        return columns, iter(rows)
    store = open_store(source, named_graphs=reads_named_graphs(sparql))
    try:
        result = store.query(bind_values(sparql, params or {}))
    except SyntaxError:
        if is_update(sparql):
            raise UpdateRefused("this is a SPARQL Update, which changes the graph; "
                                "run it with `kg query --update` if that is what you want") from None
        raise
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        return columns, ([sol[c] for c in columns] for sol in result)
    if isinstance(result, (ox.QueryBoolean, bool)):
        columns, rows = ask_result(bool(result))
        return columns, iter(rows)
    return ["subject", "predicate", "object"], ([t.subject, t.predicate, t.object] for t in result)


def _query_rdflib(source, sparql: str, params: dict[str, str]):
    """The same query on rdflib (slower; for checking results or rdflib-only features)."""
    import pyoxigraph as ox
    import rdflib
    from kg.queries import param_kinds, term_for
    from kg.validate import _to_rdflib
    path = graph_file(source)
    ds = rdflib.Dataset(default_union=True)
    ds.parse(path, format="trig" if path.suffix == ".trig" else "turtle")
    if is_update(sparql):
        raise UpdateRefused("this is a SPARQL Update; it is not run by `kg query`")
    kinds = param_kinds(sparql)
    result = ds.query(sparql, initBindings={k: _to_rdflib(term_for(v, kinds.get(k))) for k, v in params.items()})
    to_ox = lambda t: None if t is None else (ox.NamedNode(str(t)) if isinstance(t, rdflib.URIRef)
                                              else ox.Literal(str(t)))
    if result.type == "ASK":
        return ask_result(bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return ["subject", "predicate", "object"], [[to_ox(t) for t in triple] for triple in result]
    columns = [str(v) for v in result.vars]
    return columns, [[to_ox(row[c]) for c in columns] for row in result]


def update(source, sparql: str) -> tuple[int, int]:
    """Apply a SPARQL Update to the speeches' named graphs and rewrite graph.trig and
    graph.ttl (atomically). Returns the number of quads before and after. The next
    ``kg build`` into the same folder starts again from the speeches."""
    import pyoxigraph as ox
    from kg.graph import write_graph
    path = graph_file(source)
    if path.suffix != ".trig":
        raise FileNotFoundError(f"{path.parent}: updates need graph.trig")
    with _build_lock(path.parent):      # not while a build is writing the same files
        store = ox.Store()
        with open(path, "rb") as f:
            store.bulk_load(f, format=ox.RdfFormat.TRIG)
        before = len(store)
        store.update(sparql)
        quads = sorted(store.quads_for_pattern(None, None, None, None), key=str)
        write_graph(quads, path.parent)
    return before, len(quads)


def stats(source, top: int = 5, index=None) -> dict:
    """Speeches, triples, entities and speeches per type, and the most mentioned entities
    (speeches that are copies of another are not counted)."""
    from collections import Counter
    from kg.analysis import mention_index
    from kg.page_facts import open_facts
    facts = open_facts(source)
    index = index or mention_index(facts)
    entities, speeches, mentioned_by = {}, {}, Counter()
    for doc, ents in index.originals():
        for e in ents:
            if e in index.entities:
                etype = index.entities[e][0]
                entities.setdefault(etype, set()).add(e)
                speeches.setdefault(etype, set()).add(doc)
                mentioned_by[e] += 1
    per_type = {t: {"entities": len(entities[t]), "speeches": len(speeches[t])} for t in entities}
    tops: dict[str, list] = {}
    for e in sorted(mentioned_by, key=lambda e: (-mentioned_by[e], index.entities[e][1], e)):
        etype, label = index.entities[e]
        if len(tops.setdefault(etype, [])) < top:
            tops[etype].append((label, mentioned_by[e]))
    duplicates = sorted((index.ids[copy], index.ids[original], float(similarity))
                        for copy, original, similarity in facts.rows("duplications")
                        if copy in index.ids and original in index.ids)
    return {"speeches": len(index.documents), "triples": facts.triple_count(), "duplicates": duplicates,
            "types": {t: per_type[t] for t in sorted(per_type, key=_type_order)},
            "top": {t: tops[t] for t in sorted(tops, key=_type_order)}}


def _type_order(name: str) -> tuple:
    return (ENTITY_TYPES.index(name) if name in ENTITY_TYPES else len(ENTITY_TYPES), name)


def results_json(columns, rows) -> dict:
    """SPARQL 1.1 Query Results JSON for (columns, rows) as returned by :func:`query`; for
    an ASK (``AskColumns``) the boolean form ``{"head": {}, "boolean": true}``."""
    import pyoxigraph as ox
    if isinstance(columns, AskColumns):
        return {"head": {}, "boolean": bool(rows) and rows[0][0] is not None and rows[0][0].value == "true"}

    def term(t):
        if isinstance(t, ox.NamedNode):
            return {"type": "uri", "value": t.value}
        if isinstance(t, ox.BlankNode):
            return {"type": "bnode", "value": t.value}
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype and t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = t.datatype.value
        return out

    return {"head": {"vars": columns},
            "results": {"bindings": [{c: term(v) for c, v in zip(columns, row) if v is not None}
                                     for row in rows]}}


def diff(old, new) -> dict[str, dict[str, list]]:
    """What a rebuild added and removed (:mod:`kg.changes`): kind ("speeches", "entities",
    "targets", "roles") → {"added": [...], "removed": [...]}, each item a tuple: a
    speech's (identifier,), an entity's (type, label), a target's (label, value and
    unit), a person's (person, role)."""
    from kg.changes import change_sets, compare
    from kg.page_facts import open_facts
    return compare(*(change_sets(open_facts(source)) for source in (old, new)))


def last_changes(source=DEFAULT_OUTPUT) -> tuple[str, str, dict] | None:
    """What the last build into the folder ``source`` changed (as :func:`diff` gives it)
    since the build before it: (when it was made, when that one was, the changes); None
    if no build there has an earlier one to compare with."""
    from kg.cache import CACHE_DIR
    from kg.changes import last_changes as recorded
    return recorded(Path(source) / CACHE_DIR)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
