"""Named-query benchmark: pyoxigraph against rdflib on a synthetic corpus graph.

    python bench/bench_queries.py --speeches 10000 --rdflib-max-speeches 200 --jobs 2

Builds N synthetic speeches (bench_build.make_corpus) and runs every query of the library
(ontology/queries) --repeats times on each engine, reporting the median seconds. Each
engine parses or loads the graph once; that time is reported on its own and is not part of
any query's time. rdflib is slow enough that it is measured on the first
--rdflib-max-speeches speeches only (the same corpus, cut short) when N is larger; the
rdflib/pyoxigraph ratio is then taken with pyoxigraph on that same smaller graph, and
every line says which size it was measured at. An rdflib query that runs longer than
--timeout (counted from the start of that query, after parsing) is stopped and reported as
such. Goal: < 1 s per query with pyoxigraph at 10,000 speeches.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def sample_params(name: str) -> dict:
    return {"speeches_mentioning": {"entity": "新能源汽车"}, "co_mentioned_industries": {"industry": "新能源汽车"}
            }.get(name, {})


def median_seconds(run, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def emit(record: dict) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def build(corpus: Path, out: Path, jobs: int) -> float | None:
    """Build ``corpus`` into ``out`` unless a graph is there already; seconds, or None if reused."""
    from kg import api
    if (out / "graph.trig").exists():
        return None
    t = time.perf_counter()
    api.build([str(corpus)], str(out), jobs=jobs, html=False, validate_shapes=False)
    return time.perf_counter() - t


def oxigraph_run(out: Path, repeats: int) -> tuple[float, int, dict[str, float], dict[str, float]]:
    """(load seconds, triples, {query: median seconds to Python rows}, {query: median
    seconds to SPARQL JSON}) on pyoxigraph, each query on the store `kg query` gives it
    (the union alone unless it reads named graphs: kg.api.reads_named_graphs)."""
    import pyoxigraph as ox
    from kg import api, queries
    library = queries.library()
    t = time.perf_counter()
    stores = {False: api.open_store(out, named_graphs=False)}
    if any(api.reads_named_graphs(q.text) for q in library.values()):
        stores[True] = api.open_store(out)
    load_s = time.perf_counter() - t
    rows, native = {}, {}
    for name, q in library.items():
        text = queries.bind_values(q.text, sample_params(name))
        store = stores[api.reads_named_graphs(q.text)]
        rows[name] = median_seconds(lambda: list(store.query(text)), repeats)
        native[name] = median_seconds(
            lambda: store.query(text).serialize(format=ox.QueryResultsFormat.JSON), repeats)
    return load_s, len(stores[False]), rows, native


_DATASET = None          # the parsed rdflib graph, inherited by each forked query process


def _rdflib_query(text, bindings, repeats, queue):
    queue.put(median_seconds(lambda: list(_DATASET.query(text, initBindings=bindings)), repeats))


def rdflib_run(out: Path, repeats: int, timeout: float) -> tuple[float, dict[str, float | None]]:
    """(parse seconds, {query: median seconds or None when it ran out of time}) on rdflib.

    The graph is parsed once, here; each query then runs in a forked copy of this process
    (sharing the parsed graph, nothing is parsed again) that is stopped after ``timeout``
    seconds."""
    global _DATASET
    import rdflib
    from kg import queries
    from kg.validate import _to_rdflib
    t = time.perf_counter()
    _DATASET = rdflib.Dataset(default_union=True)
    _DATASET.parse(out / "graph.trig", format="trig")
    parse_s = time.perf_counter() - t
    fork = multiprocessing.get_context("fork")
    times = {}
    for name, q in queries.library().items():
        params = sample_params(name)
        kinds = queries.param_kinds(q.text)
        bindings = {k: _to_rdflib(queries.term_for(v, kinds.get(k))) for k, v in params.items()}
        queue = fork.Queue()
        proc = fork.Process(target=_rdflib_query, args=(q.text, bindings, repeats, queue))
        proc.start()
        try:
            times[name] = queue.get(timeout=timeout)    # the clock starts with the query
        except Exception:                               # queue.Empty: out of time
            times[name] = None
        proc.terminate()
        proc.join()
    _DATASET = None
    return parse_s, times


def _ratio(slow, fast):
    return round(slow / fast, 1) if slow is not None and fast else None


def main():
    from bench_build import make_corpus
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--speeches", type=int, default=1000)
    ap.add_argument("--rdflib-max-speeches", type=int, default=200,
                    help="measure rdflib on at most this many speeches (0: skip rdflib)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=120,
                    help="seconds allowed per rdflib query (counted after parsing)")
    ap.add_argument("--workdir", help="keep the corpora and graphs here and reuse them (default: a temporary folder)")
    args = ap.parse_args()
    tmp = None if args.workdir else tempfile.TemporaryDirectory()
    work = Path(args.workdir or tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    try:
        n = args.speeches
        corpus, out = work / f"corpus{n}", work / f"out{n}"
        if not corpus.exists():
            make_corpus(corpus, n)
        build_s = build(corpus, out, args.jobs)
        emit({"speeches": n, "build_s": round(build_s, 1) if build_s is not None else "reused"})
        load_s, triples, ox_times, ox_native = oxigraph_run(out, args.repeats)
        emit({"engine": "oxigraph", "speeches": n, "triples": triples, "load_s": round(load_s, 2)})

        m = min(n, args.rdflib_max_speeches)
        rdf_times, ox_small = {}, ox_times
        if m > 0:
            small_out = out
            if m < n:                   # the first m speeches of the same corpus
                small, small_out = work / f"corpus{n}-first{m}", work / f"out{n}-first{m}"
                if not small.exists():
                    small.mkdir()
                    for f in sorted(corpus.iterdir())[:m]:
                        shutil.copy(f, small / f.name)
                build(small, small_out, args.jobs)
                small_load, small_triples, ox_small, _ = oxigraph_run(small_out, args.repeats)
                emit({"engine": "oxigraph", "speeches": m, "triples": small_triples,
                      "load_s": round(small_load, 2)})
            parse_s, rdf_times = rdflib_run(small_out, args.repeats, args.timeout)
            emit({"engine": "rdflib", "speeches": m, "parse_s": round(parse_s, 2)})

        for name in ox_times:
            rdf_s = rdf_times.get(name)
            record = {"query": name, f"oxigraph_s@{n}": round(ox_times[name], 4),
                      f"oxigraph_json_s@{n}": round(ox_native[name], 4)}
            if m > 0:
                if m < n:
                    record[f"oxigraph_s@{m}"] = round(ox_small[name], 4)
                record[f"rdflib_s@{m}"] = round(rdf_s, 3) if rdf_s is not None else f">{args.timeout:g}"
                record[f"rdflib_over_oxigraph@{m}"] = _ratio(rdf_s, ox_small[name])
            emit(record)

        summary = {"speeches": n, "queries": len(ox_times),
                   "oxigraph_median_s": round(statistics.median(ox_times.values()), 4),
                   "oxigraph_max_s": round(max(ox_times.values()), 4),
                   "oxigraph_under_1s": sum(s < 1 for s in ox_times.values()),
                   "oxigraph_json_max_s": round(max(ox_native.values()), 4)}
        ratios = [r for name in ox_times if (r := _ratio(rdf_times.get(name), ox_small[name])) is not None]
        if m > 0:
            summary.update({"rdflib_speeches": m,
                            "rdflib_median_s": round(statistics.median(
                                [s if s is not None else float("inf") for s in rdf_times.values()]), 3),
                            "rdflib_timeouts": sum(s is None for s in rdf_times.values()),
                            "ratio_median": round(statistics.median(ratios), 1) if ratios else None,
                            "ratio_min": min(ratios, default=None), "ratio_max": max(ratios, default=None)})
        emit({"summary": summary})
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
