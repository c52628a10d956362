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
