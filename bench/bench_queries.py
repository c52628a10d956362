"""Named-query benchmark: pyoxigraph against rdflib on a synthetic corpus graph.

    python bench/bench_queries.py --speeches 10000 --jobs 2

Builds N synthetic speeches (bench_build.make_corpus), then runs every query of the
library (ontology/queries) three times on each engine and reports the median seconds and
the rdflib/pyoxigraph ratio. An rdflib run that takes longer than --timeout is stopped
and reported as such. Goal: < 1 s per query with pyoxigraph at 10,000 speeches.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
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


def _rdflib_worker(graph_path, text, params, queue):
    import rdflib
    from kg.queries import term_for
    from kg.validate import _to_rdflib
    ds = rdflib.Dataset(default_union=True)
    ds.parse(graph_path, format="trig")
    bindings = {k: _to_rdflib(term_for(v)) for k, v in params.items()}
    queue.put(median_seconds(lambda: list(ds.query(text, initBindings=bindings))))


def rdflib_seconds(graph_path: Path, text: str, params: dict, timeout: float) -> float | None:
    queue = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_rdflib_worker, args=(str(graph_path), text, params, queue))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        return None
    return queue.get() if not queue.empty() else None


def main():
    from bench_build import make_corpus
    from kg import api, queries
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--speeches", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120, help="seconds allowed per rdflib query")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
        make_corpus(corpus, args.speeches)
        t = time.perf_counter()
        api.build([str(corpus)], str(out), jobs=args.jobs, html=False, validate_shapes=False)
        print(json.dumps({"speeches": args.speeches, "build_s": round(time.perf_counter() - t, 1)}), flush=True)
        store = api.open_store(out)
        print(json.dumps({"triples": len(store)}), flush=True)
        for name, q in queries.library().items():
            params = sample_params(name)
            text = queries.bind_values(q.text, params)
            ox_s = median_seconds(lambda: list(store.query(text)))
            rdf_s = rdflib_seconds(out / "graph.trig", q.text, params, args.timeout)
            print(json.dumps({"query": name, "oxigraph_s": round(ox_s, 4),
                              "rdflib_s": round(rdf_s, 3) if rdf_s is not None else f">{args.timeout}",
                              "rdflib_over_oxigraph": round(rdf_s / ox_s, 1) if rdf_s else None},
                             ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
