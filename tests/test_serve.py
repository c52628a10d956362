"""kg serve: SPARQL 1.1 Protocol on loopback, read-only."""
import json
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from kg import api
from kg.serve import serve


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    (root / "s.txt").write_text("临江高新区要发展新能源汽车产业。\n", encoding="utf-8")
    api.build([str(root / "s.txt")], str(root / "out"), html=False)
    server = serve(root / "out", "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", root / "out"
    server.shutdown()
    server.server_close()


def request(url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode("utf-8")


ZONES = ("PREFIX kfq: <https://w3id.org/kfq-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
         "SELECT ?l WHERE { ?z a kfq:Zone ; rdfs:label ?l }")


def test_get_json_results(endpoint):
    base, _ = endpoint
    status, ctype, body = request(base + "/query?" + urllib.parse.urlencode({"query": ZONES}))
    assert status == 200 and ctype.startswith("application/sparql-results+json")
    assert [b["l"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["临江高新区"]


def test_post_sparql_query_with_csv(endpoint):
    base, _ = endpoint
    status, ctype, body = request(base + "/query", ZONES.encode(), {"Content-Type": "application/sparql-query",
                                                                     "Accept": "text/csv"})
    assert status == 200 and ctype.startswith("text/csv") and "临江高新区" in body


def test_updates_are_refused_and_nothing_changes(endpoint):
    base, out = endpoint
    before = (out / "graph.trig").read_bytes()
    form = urllib.parse.urlencode({"update": "DELETE WHERE { ?s ?p ?o }"}).encode()
    assert request(base + "/update", form)[0] == 403
    form = urllib.parse.urlencode({"query": "DELETE WHERE { ?s ?p ?o }"}).encode()
    assert request(base + "/query", form)[0] == 403
    status, _, body = request(base + "/query?" + urllib.parse.urlencode({"query": ZONES}))
    assert "临江高新区" in body and (out / "graph.trig").read_bytes() == before


def test_query_page_and_errors(endpoint):
    base, _ = endpoint
    status, ctype, body = request(base + "/")
    assert status == 200 and "<textarea" in body
    assert request(base + "/query?" + urllib.parse.urlencode({"query": "SELEKT"}))[0] == 400
    assert request(base + "/nowhere")[0] == 404


def test_binds_loopback_by_default():
    import inspect
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"


def test_service_queries_are_refused_and_nothing_is_contacted(endpoint):
    import socket
    base, _ = endpoint
    with socket.socket() as listener:              # a "remote" SPARQL endpoint, on loopback
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        listener.settimeout(0.5)
        remote = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        for q in (f"SELECT * WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}",
                  f"select * {{ ?s ?p ?o .service silent <{remote}> {{ ?a ?b ?c }} }}",
                  f"SELECT * WHERE {{ # a comment\n  Service<{remote}>{{?s ?p ?o}} }}"):
            for status, _, body in (request(base + "/query?" + urllib.parse.urlencode({"query": q})),
                                    request(base + "/query", q.encode(), {"Content-Type": "application/sparql-query"})):
                assert status == 400 and "SERVICE" in body, q
        with pytest.raises(socket.timeout):
            listener.accept()                      # nobody was sent there
    # the word in an IRI, a string, a name or a comment is not federation
    ok = ('SELECT ?service WHERE { BIND("SERVICE <http://x/> {}" AS ?service) '
          '?s <https://w3id.org/kfq-kg/SERVICE> ?o } # SERVICE')
    status, _, body = request(base + "/query?" + urllib.parse.urlencode({"query": ok}))
    assert status == 200 and json.loads(body)["results"]["bindings"] == []


def test_query_errors_are_400_not_500():
    """A query that fails while it runs (results are computed as they are written) is the
    client's error: 400 with the reason, never a 500 with a traceback."""
    import io
    import pyoxigraph as ox
    from kg.serve import make_app

    class Failing:                                  # what a failed evaluation looks like
        variables = []

        def serialize(self, format=None):
            raise OSError("Connection refused (os error 111)")

    class Store:
        def __init__(self, error=None):
            self.error = error

        def query(self, sparql):
            if self.error:
                raise self.error
            return Failing()

    def call(store, query="SELECT * WHERE { ?s ?p ?o }"):
        seen = {}
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/query", "wsgi.input": io.BytesIO(),
                   "QUERY_STRING": urllib.parse.urlencode({"query": query})}
        body = b"".join(make_app(store)(environ, lambda status, headers: seen.setdefault("status", status)))
        return seen["status"], body.decode()

    status, body = call(Store())
    assert status.startswith("400") and "Connection refused" in body
    status, body = call(Store(ValueError("bad value")))
    assert status.startswith("400") and "bad value" in body
    status, _ = call(ox.Store(), "SELECT * WHERE { ?s ?p }")
    assert status.startswith("400")


def test_ask_over_the_endpoint(endpoint):
    base, _ = endpoint
    status, ctype, body = request(base + "/query?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}))
    assert status == 200 and json.loads(body)["boolean"] is True


def test_named_graphs_are_loaded_for_the_first_query_that_names_one(endpoint, monkeypatch):
    from kg.serve import UnionFirst
    _, out = endpoint
    per_graph = "SELECT ?g WHERE { GRAPH ?g { ?s a <https://w3id.org/kfq-kg/ontology#Zone> } }"
    expected = [row[0].value for row in api.query(out, per_graph)[1]]
    loads = []
    real = api.open_store
    monkeypatch.setattr(api, "open_store", lambda source, **kw: loads.append(kw) or real(source, **kw))
    stores = UnionFirst(out)
    assert [len(list(stores.query(ZONES))) for _ in range(2)] == [1, 1]
    assert loads == [{"named_graphs": False}]               # the union alone so far
    assert [r["g"].value for r in stores.query(per_graph)] == expected and len(expected) == 1
    stores.query(per_graph)
    assert loads[1:] == [{}]                                # loaded once, when first needed
