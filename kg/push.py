"""Push a built graph to a SPARQL 1.1 Graph Store Protocol store (Oxigraph, Fuseki,
GraphDB, Virtuoso …): one named graph per speech plus the ontology.

The store URL is the store's Graph Store endpoint (Oxigraph: http://host:7878/store;
Fuseki: http://host:3030/DATASET/data). What was pushed where is remembered in
``DIR/.kg-push/``: a later push replaces only the speeches' graphs that changed and deletes
those of speeches that are gone.
"""
from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ONTOLOGY_GRAPH = "https://w3id.org/kfq-kg/ontology"
STATE_DIR = ".kg-push"


@dataclass
class PushReport:
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


class PushError(RuntimeError):
    pass


def _graphs(out: Path) -> dict[str, bytes]:
    """Graph IRI → its triples as sorted N-Triples (so equal graphs give equal bytes)."""
    import pyoxigraph as ox
    from kg.validate import ontology_dir
    by_graph: dict[str, list] = {}
    for q in ox.parse(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG):
        if isinstance(q.graph_name, ox.NamedNode):
            by_graph.setdefault(q.graph_name.value, []).append(ox.Triple(q.subject, q.predicate, q.object))
    ontology = list(ox.parse(path=str(ontology_dir() / "kfq.ttl"), format=ox.RdfFormat.TURTLE))
    by_graph[ONTOLOGY_GRAPH] = ontology
    return {g: ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES)
            for g, triples in by_graph.items()}


def _state_file(out: Path, store_url: str) -> Path:
    return out / STATE_DIR / (hashlib.sha256(store_url.encode()).hexdigest()[:16] + ".json")


def _send(method: str, store_url: str, graph: str, body: bytes | None = None, timeout: float = 60):
    url = f"{store_url}?{urllib.parse.urlencode({'graph': graph})}"
    headers = {"Content-Type": "application/n-triples"} if body is not None else {}
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as e:
        if method == "DELETE" and e.code == 404:
            return 404                          # already gone
        raise PushError(f"{method} {graph}: the store answered {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        raise PushError(f"cannot reach {store_url}: {e.reason}") from None


def push(out_dir, store_url: str, full: bool = False) -> PushReport:
    """Make the store's speech graphs and ontology graph equal to the build in ``out_dir``."""
    out = Path(out_dir)
    if not (out / "graph.trig").exists():
        raise FileNotFoundError(f"{out}: no graph.trig (run `kg build` first)")
    state_path = _state_file(out, store_url)
    try:
        pushed = {} if full else json.loads(state_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        pushed = {}
    report = PushReport()
    current = {}
    for graph, body in sorted(_graphs(out).items()):
        digest = hashlib.sha256(body).hexdigest()
        current[graph] = digest
        if pushed.get(graph) == digest:
            report.unchanged.append(graph)
            continue
        _send("PUT", store_url, graph, body)
        report.replaced.append(graph)
        pushed[graph] = digest
        _save(state_path, pushed)              # progress survives an interrupted push
    for graph in sorted(set(pushed) - set(current)):
        _send("DELETE", store_url, graph)
        report.deleted.append(graph)
        del pushed[graph]
        _save(state_path, pushed)
    return report


def _save(path: Path, state: dict) -> None:
    import os
    import tempfile
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(state, f, ensure_ascii=False, indent=0, sort_keys=True)
    os.replace(tmp, path)
