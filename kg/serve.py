"""A read-only SPARQL 1.1 Protocol endpoint over a built graph (pyoxigraph behind WSGI).

    GET/POST /query   SPARQL query (query= parameter, form body, or application/sparql-query)
    GET /             a small query page
Updates are refused (403), and so are queries with a SERVICE clause (400: federation would
make this server send requests to other hosts); a query that fails to parse or to run gets
400. The server binds 127.0.0.1 unless told otherwise.
"""
from __future__ import annotations

import html
import threading
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from kg.sparql_text import uses_keyword

MAX_QUERY_BYTES = 1 << 20
RESULT_TYPES = {          # Accept media type → pyoxigraph results format name
    "application/sparql-results+json": "JSON", "application/json": "JSON",
    "application/sparql-results+xml": "XML", "text/csv": "CSV", "text/tab-separated-values": "TSV",
}
GRAPH_TYPES = {"text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES",
               "application/rdf+xml": "RDF_XML"}

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>kfq-kg SPARQL</title>
<style>body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;max-width:60em}}
textarea{{width:100%;height:14em;font-family:monospace}}</style></head>
<body><h1>kfq-kg SPARQL endpoint</h1><p>{graph} · read-only · results as SPARQL JSON, CSV or TSV</p>
<form method="post" action="query"><textarea name="query">{example}</textarea>
<p><select name="format"><option>json</option><option>csv</option><option>tsv</option></select>
<button type="submit">Run 运行</button></p></form></body></html>"""
EXAMPLE = """PREFIX kfq: <https://w3id.org/kfq-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?zone ?industry WHERE { ?z kfq:focusesOn ?i . ?z rdfs:label ?zone . ?i rdfs:label ?industry }
LIMIT 50"""
FORMAT_PARAM = {"json": "application/sparql-results+json", "csv": "text/csv",
                "tsv": "text/tab-separated-values"}


def has_service(sparql: str) -> bool:
    """Does the query use SERVICE (federation)? (see :mod:`kg.sparql_text`; a doubtful
    case counts as yes: the query is refused, never sent on)"""
    return uses_keyword(sparql, "SERVICE")


def _respond(start_response, status: str, body: bytes, content_type: str):
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                            ("X-Content-Type-Options", "nosniff")])
    return [body]


def _error(start_response, status: str, message: str):
    return _respond(start_response, status, message.encode("utf-8"), "text/plain; charset=utf-8")


def _read_query(environ) -> tuple[str | None, str | None]:
    """(query text, requested format) from a GET or POST request, per SPARQL 1.1 Protocol."""
    params = parse_qs(environ.get("QUERY_STRING", ""))
    if environ["REQUEST_METHOD"] == "POST":
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_QUERY_BYTES)
        body = environ["wsgi.input"].read(length).decode("utf-8", "replace")
        if environ.get("CONTENT_TYPE", "").startswith("application/sparql-query"):
            return body, (params.get("format") or [None])[0]
        params.update(parse_qs(body))
    if "update" in params:
        return None, None
    return (params.get("query") or [None])[0], (params.get("format") or [None])[0]


def _choose(accept: str, table: dict, default: str) -> tuple[str, str]:
    for part in (accept or "").split(","):
        media = part.split(";")[0].strip()
        if media in table:
            return media, table[media]
    return default, table[default]


def make_app(store, graph_name: str = ""):
    """The WSGI application over a store (anything with pyoxigraph's ``query``: a Store, or
    :class:`UnionFirst`), whose default graph is all speeches."""
    import pyoxigraph as ox
    from kg.api import is_update

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if path in ("/", "/index.html") and environ["REQUEST_METHOD"] == "GET":
            page = PAGE.format(graph=html.escape(graph_name), example=html.escape(EXAMPLE))
            return _respond(start_response, "200 OK", page.encode("utf-8"), "text/html; charset=utf-8")
        if path == "/update":
            return _error(start_response, "403 Forbidden", "this endpoint is read-only")
        if path != "/query":
            return _error(start_response, "404 Not Found", "try /query")
        if environ["REQUEST_METHOD"] not in ("GET", "POST"):
            return _error(start_response, "405 Method Not Allowed", "GET or POST")
        sparql, fmt = _read_query(environ)
        if sparql is None:
            return _error(start_response, "400 Bad Request", "give a query= parameter (updates are refused)")
        accept = FORMAT_PARAM.get(fmt or "", environ.get("HTTP_ACCEPT", ""))
        if has_service(sparql):
            if is_update(sparql):
                return _error(start_response, "403 Forbidden", "this endpoint is read-only: updates are refused")
            return _error(start_response, "400 Bad Request",
                          "SERVICE (federated query) is not allowed on this endpoint")
        try:
            result = store.query(sparql)
        except SyntaxError as e:
            if is_update(sparql):
                return _error(start_response, "403 Forbidden", "this endpoint is read-only: updates are refused")
            return _error(start_response, "400 Bad Request", f"SPARQL syntax error: {e}")
        except Exception as e:        # noqa: BLE001 - the query's fault, not the server's
            return _error(start_response, "400 Bad Request", f"query failed: {e}")
        try:              # results are computed lazily, while they are serialised
            if isinstance(result, ox.QueryTriples):
                media, name = _choose(accept, GRAPH_TYPES, "text/turtle")
                body = ox.serialize(result, format=getattr(ox.RdfFormat, name))
            else:
                media, name = _choose(accept, RESULT_TYPES, "application/sparql-results+json")
                body = result.serialize(format=getattr(ox.QueryResultsFormat, name))
        except Exception as e:        # noqa: BLE001
            return _error(start_response, "400 Bad Request", f"query failed: {e}")
        return _respond(start_response, "200 OK", body, f"{media}; charset=utf-8")

    return app


class UnionFirst:
    """The store the endpoint queries: the union alone (graph.ttl) for a query that names
    no graph, and the named graphs with their union, loaded on the first query that needs
    them, otherwise (:func:`kg.api.reads_named_graphs`). At 10,000 speeches the union loads
    in a third of the time and answers the named queries about twice as fast."""

    def __init__(self, source):
        from kg.api import has_union_file, open_store
        self._source, self._all = source, None
        self._union = open_store(source, named_graphs=False)
        if not has_union_file(source):
            self._all = self._union           # one store holds everything already
        self._lock = threading.Lock()

    def query(self, sparql: str):
        from kg.api import open_store, reads_named_graphs
        if not reads_named_graphs(sparql):
            return self._union.query(sparql)
        with self._lock:                       # one load, however many requests wait for it
            if self._all is None:
                self._all = open_store(self._source)
        return self._all.query(sparql)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):      # one line a request, on stderr
        import sys
        sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))


def serve(source, host: str = "127.0.0.1", port: int = 7878):
    """Serve the graph until interrupted."""
    from kg.api import graph_file
    path = graph_file(source)
    server = make_server(host, port, make_app(UnionFirst(source), str(path)),
                         server_class=_ThreadingServer, handler_class=_QuietHandler)
    return server
