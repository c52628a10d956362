"""kg push against a real Oxigraph server (the `oxigraph` package) started on loopback."""
import os
import shutil
import socket
import sys
from pathlib import Path
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from kg import api
from kg.push import BUILD_GRAPH, ONTOLOGY_GRAPH, push

_beside_python = Path(sys.executable).with_name("oxigraph")
OXIGRAPH = shutil.which("oxigraph") or (str(_beside_python) if _beside_python.exists() else None)
# CI installs the server (`pip install -e '.[test]'`) and must run these; elsewhere they skip
pytestmark = pytest.mark.skipif(OXIGRAPH is None and not os.environ.get("CI"),
                                reason="the oxigraph server is not installed")

SPEECHES = {"a.txt": "临江高新区要发展新能源汽车产业。\n", "b.txt": "青川经开区要发展生物医药产业。\n"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def graphs(base):
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    req = urllib.request.Request(base + "/query?" + urllib.parse.urlencode({"query": q}),
                                 headers={"Accept": "text/csv"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return set(r.read().decode().split()[1:])


def test_push_then_push_only_what_changed(tmp_path, server):
    src = tmp_path / "in"
    src.mkdir()
    for name, text in SPEECHES.items():
        (src / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    api.build([str(src)], str(out), html=False)
    first = push(out, server + "/store")
    assert len(first.replaced) == 4 and {ONTOLOGY_GRAPH, BUILD_GRAPH} <= set(first.replaced)
    assert graphs(server) == {"https://w3id.org/kfq-kg/doc/a", "https://w3id.org/kfq-kg/doc/b",
                              ONTOLOGY_GRAPH, BUILD_GRAPH}

    (src / "a.txt").write_text("临江高新区要发展氢能产业。\n", encoding="utf-8")
    (src / "b.txt").unlink()
    api.build([str(src)], str(out), html=False)
    second = push(out, server + "/store")
    assert second.replaced == [BUILD_GRAPH, "https://w3id.org/kfq-kg/doc/a"]
    assert second.deleted == ["https://w3id.org/kfq-kg/doc/b"]
    assert second.unchanged == [ONTOLOGY_GRAPH]
    assert graphs(server) == {"https://w3id.org/kfq-kg/doc/a", ONTOLOGY_GRAPH, BUILD_GRAPH}


def test_unreachable_store_is_a_clear_error(tmp_path):
    from kg.push import PushError
    (tmp_path / "a.txt").write_text(SPEECHES["a.txt"], encoding="utf-8")
    api.build([str(tmp_path / "a.txt")], str(tmp_path / "out"), html=False)
    with pytest.raises(PushError, match="cannot reach"):
        push(tmp_path / "out", f"http://127.0.0.1:{free_port()}/store")


DOC = "https://w3id.org/kfq-kg/doc/"
THREE = {"a.txt": "临江高新区要发展新能源汽车产业。\n", "b.txt": "青川经开区要发展生物医药产业。\n",
         "c.txt": "东湖新区要发展集成电路产业。\n"}


def select(base, query):
    req = urllib.request.Request(base + "/query?" + urllib.parse.urlencode({"query": query}),
                                 headers={"Accept": "text/csv"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read().decode().splitlines()[1:]


def graph_triples(base, graph):
    return sorted(select(base, "SELECT ?s ?p ?o WHERE { GRAPH <%s> { ?s ?p ?o } }" % graph))


def build_three(tmp_path, texts):
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    for f in src.iterdir():
        f.unlink()
    for name, text in texts.items():
        (src / name).write_text(text, encoding="utf-8")
    api.build([str(src)], str(tmp_path / "out"), html=False)
    return tmp_path / "out"


def test_changing_one_of_three_speeches_replaces_only_its_graph(tmp_path, server):
    out = build_three(tmp_path, THREE)
    first = push(out, server + "/store")
    assert set(first.replaced) == {DOC + "a", DOC + "b", DOC + "c", ONTOLOGY_GRAPH, BUILD_GRAPH}
    before = {g: graph_triples(server, g) for g in (DOC + "a", DOC + "c")}
    # the run-dependent link is in the build graph, not in the speeches' graphs
    assert not any("wasGeneratedBy" in t for ts in before.values() for t in ts)
    assert len(select(server, "SELECT ?d WHERE { GRAPH <%s> { ?d <http://www.w3.org/ns/prov#wasGeneratedBy> ?r } }"
                      % BUILD_GRAPH)) == 3

    out = build_three(tmp_path, {**THREE, "b.txt": "青川经开区要发展氢能产业。\n"})
    second = push(out, server + "/store")
    assert [g for g in second.replaced if g.startswith(DOC)] == [DOC + "b"]
    assert second.replaced == [BUILD_GRAPH, DOC + "b"]
    assert second.unchanged == [DOC + "a", DOC + "c", ONTOLOGY_GRAPH]
    assert second.deleted == []
    assert {g: graph_triples(server, g) for g in (DOC + "a", DOC + "c")} == before
    b_text = " ".join(graph_triples(server, DOC + "b"))
    assert "氢能" in b_text and "生物医药" not in b_text


def test_store_url_spellings_share_one_state(tmp_path, server):
    from kg.push import normalise_store_url
    assert normalise_store_url("HTTP://LocalHost:80/store/") == "http://localhost/store"
    assert normalise_store_url("https://Example.ORG:443/ds/data//") == "https://example.org/ds/data"
    assert normalise_store_url("http://127.0.0.1:7878/store") == "http://127.0.0.1:7878/store"
    out = build_three(tmp_path, THREE)
    assert len(push(out, server + "/store").replaced) == 5
    again = push(out, server.replace("http://", "HTTP://") + "/store/")
    assert again.replaced == [] and len(again.unchanged) == 5
    assert len(list((out / ".kg-push").glob("*.json"))) == 1


def test_full_push_deletes_speech_graphs_the_store_has_but_the_build_lacks(tmp_path, server):
    out = build_three(tmp_path, THREE)
    push(out, server + "/store")
    other = "http://example.org/not-ours"       # a graph kg did not write: left alone
    req = urllib.request.Request(server + "/store?" + urllib.parse.urlencode({"graph": other}),
                                 data=b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n",
                                 method="PUT", headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(req, timeout=10).close()
    import shutil as _shutil
    _shutil.rmtree(out / ".kg-push")            # the local state is lost (or another machine pushes)
    out = build_three(tmp_path, {k: v for k, v in THREE.items() if k != "c.txt"})

    assert push(out, server + "/store").deleted == []     # without --full: nothing known to delete
    assert DOC + "c" in graphs(server)
    report = push(out, server + "/store", full=True)
    assert report.deleted == [DOC + "c"]
    assert set(report.replaced) == {DOC + "a", DOC + "b", ONTOLOGY_GRAPH, BUILD_GRAPH}
    assert graphs(server) == {DOC + "a", DOC + "b", ONTOLOGY_GRAPH, BUILD_GRAPH, other}


def test_full_push_without_a_query_endpoint_is_a_clear_error(tmp_path):
    from kg.push import PushError, query_endpoint
    assert query_endpoint("http://h:7878/store/") == "http://h:7878/query"
    assert query_endpoint("http://h:3030/ds/data") == "http://h:3030/ds/query"
    assert query_endpoint("http://h:7200/repositories/kg/rdf-graphs/service") == "http://h:7200/repositories/kg"
    (tmp_path / "a.txt").write_text(SPEECHES["a.txt"], encoding="utf-8")
    api.build([str(tmp_path / "a.txt")], str(tmp_path / "out"), html=False)
    with pytest.raises(PushError, match="query endpoint"):
        push(tmp_path / "out", f"http://127.0.0.1:{free_port()}/gsp", full=True)
