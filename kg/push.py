"""Push a built graph to a SPARQL 1.1 Graph Store Protocol store (Oxigraph, Fuseki,
GraphDB, Virtuoso …): one named graph per speech, the ontology, and the build's provenance
(build.ttl: the run, the speeches it used, each speech's ``prov:wasGeneratedBy``).

The store URL is the store's Graph Store endpoint (Oxigraph: http://host:7878/store;
Fuseki: http://host:3030/DATASET/data). What was pushed where is remembered in
``DIR/.kg-push/`` (keyed by the normalised store URL): a later push replaces only the
speeches' graphs that changed and deletes those of speeches that are gone. With ``full``
every graph is sent again and the store itself is asked (through its SPARQL query
endpoint) which speech graphs it holds, so those the build no longer has are deleted even
when the local state is lost or was written by another machine.
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
BUILD_GRAPH = "https://w3id.org/kfq-kg/build"
DOC_PREFIX = "https://w3id.org/kfq-kg/doc/"
STATE_DIR = ".kg-push"
DEFAULT_PORTS = {"http": 80, "https": 443}
# a speech graph always says `<doc> a kfq:Document`, which stores answer from a type index
STORE_SPEECH_GRAPHS = """SELECT DISTINCT ?g WHERE {
  GRAPH ?g { ?d a <https://w3id.org/kfq-kg/ontology#Document> }
  FILTER(STRSTARTS(STR(?g), "%s"))
}""" % DOC_PREFIX
# Graph Store endpoint path ending → the same store's SPARQL query endpoint
QUERY_ENDPOINTS = (("/store", "/query"),                    # Oxigraph
                   ("/data", "/query"),                     # Fuseki /DATASET/data
                   ("/rdf-graphs/service", ""),             # GraphDB / RDF4J repository
                   ("/sparql-graph-crud-auth", "/sparql"),  # Virtuoso
                   ("/sparql-graph-crud", "/sparql"))


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
    if (out / "build.ttl").exists():           # provenance: changes with every build, and is small
        by_graph[BUILD_GRAPH] = list(ox.parse(path=str(out / "build.ttl"), format=ox.RdfFormat.TURTLE))
    return {g: ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES)
            for g, triples in by_graph.items()}


def normalise_store_url(store_url: str) -> str:
    """One spelling per store: scheme and host in lower case, no default port, no trailing
    slash (``HTTP://Host:80/store/`` → ``http://host/store``)."""
    parts = urllib.parse.urlsplit(store_url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise PushError(f"{store_url!r}: give the store's http(s) URL, e.g. http://127.0.0.1:7878/store")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"                      # IPv6 literal
    try:
        port = parts.port
    except ValueError:
        raise PushError(f"{store_url!r}: bad port") from None
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username or parts.password:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    path = parts.path.rstrip("/") or "/"
    return urllib.parse.urlunsplit((scheme, netloc, path, parts.query, ""))


def query_endpoint(store_url: str) -> str:
    """The SPARQL query endpoint beside a Graph Store endpoint (see QUERY_ENDPOINTS)."""
    parts = urllib.parse.urlsplit(normalise_store_url(store_url))
    for ending, replacement in QUERY_ENDPOINTS:
        if parts.path.endswith(ending):
            path = parts.path[: -len(ending)] + replacement
            return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path or "/", "", ""))
    raise PushError(f"{store_url}: cannot tell the store's SPARQL query endpoint from this URL "
                    "(give query_url)")


def store_speech_graphs(query_url: str, timeout: float = 120) -> set[str]:
    """The speech graphs (``…/doc/…`` IRIs) the store holds, asked over SPARQL 1.1 Protocol."""
    data = urllib.parse.urlencode({"query": STORE_SPEECH_GRAPHS}).encode()
    request = urllib.request.Request(query_url, data=data, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            results = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        raise PushError(f"asking {query_url} for its speech graphs: the store answered {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        raise PushError(f"cannot reach {query_url}: {e.reason}") from None
    except ValueError:
        raise PushError(f"{query_url} did not answer with SPARQL JSON results") from None
    return {b["g"]["value"] for b in results.get("results", {}).get("bindings", [])
            if b.get("g", {}).get("type") == "uri" and b["g"]["value"].startswith(DOC_PREFIX)}


def _state_file(out: Path, store_url: str) -> Path:
    key = normalise_store_url(store_url)
    return out / STATE_DIR / (hashlib.sha256(key.encode()).hexdigest()[:16] + ".json")


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


def push(out_dir, store_url: str, full: bool = False, query_url: str | None = None) -> PushReport:
    """Make the store's speech graphs, ontology graph and build graph equal to the build in
    ``out_dir``. With ``full``, every graph is sent and the store's own list of speech graphs
    (from ``query_url``, by default the query endpoint beside ``store_url``) decides which
    to delete."""
    out = Path(out_dir)
    if not (out / "graph.trig").exists():
        raise FileNotFoundError(f"{out}: no graph.trig (run `kg build` first)")
    store_url = normalise_store_url(store_url)
    state_path = _state_file(out, store_url)
    try:
        pushed = json.loads(state_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        pushed = {}
    if full:
        in_store = store_speech_graphs(query_url or query_endpoint(store_url))
        pushed = {g: None for g in sorted(set(pushed) | in_store)}     # None: send again
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
