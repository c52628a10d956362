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
from kg.push import ONTOLOGY_GRAPH, push

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
    assert len(first.replaced) == 3 and ONTOLOGY_GRAPH in first.replaced
    assert graphs(server) == {"https://w3id.org/kfq-kg/doc/a", "https://w3id.org/kfq-kg/doc/b", ONTOLOGY_GRAPH}

    (src / "a.txt").write_text("临江高新区要发展氢能产业。\n", encoding="utf-8")
    (src / "b.txt").unlink()
    api.build([str(src)], str(out), html=False)
    second = push(out, server + "/store")
    assert second.replaced == ["https://w3id.org/kfq-kg/doc/a"]
    assert second.deleted == ["https://w3id.org/kfq-kg/doc/b"]
    assert second.unchanged == [ONTOLOGY_GRAPH]
    assert graphs(server) == {"https://w3id.org/kfq-kg/doc/a", ONTOLOGY_GRAPH}


def test_unreachable_store_is_a_clear_error(tmp_path):
    from kg.push import PushError
    (tmp_path / "a.txt").write_text(SPEECHES["a.txt"], encoding="utf-8")
    api.build([str(tmp_path / "a.txt")], str(tmp_path / "out"), html=False)
    with pytest.raises(PushError, match="cannot reach"):
        push(tmp_path / "out", f"http://127.0.0.1:{free_port()}/store")
