"""Each CLI command on a small corpus written by the test."""
import json

import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import main

SPEECH = """在临江高新区招商工作会议上的讲话
同志们：
今年，临江高新区要坚定实施“工业强区”战略，重点发展新能源汽车产业和生物医药产业。
力争2025年实现营业收入500亿元以上，实际利用外资1.5亿美元。
感谢建华市长对园区工作的支持。全市要主动融入长三角，加强与苏州的合作。
"""

COLLECTION = """开发区工作讲话汇编(优秀2篇)
开发区工作讲话篇一
今年青川经济技术开发区要推进“审管联”改革，发展跨境电商。
开发区工作讲话篇二
临江高新区要深化“一区多园”改革，做强高端装备制造产业。
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "speech.txt").write_text(SPEECH, encoding="utf-8")
    (corpus / "collection.txt").write_text(COLLECTION, encoding="gb18030")
    (corpus / "notes.pdf").write_bytes(b"%PDF-1.4 not a speech")
    out = root / "out"
    result = CliRunner().invoke(main, ["build", str(corpus), "-o", str(out), "-j", "1"])
    return result, out


def test_build_writes_outputs_and_reports_skips(built):
    result, out = built
    assert result.exit_code == 1, result.output        # the .pdf was skipped
    assert "notes.pdf" in result.output
    assert "speeches read: 3" in result.output
    for name in ("graph.ttl", "graph.trig", "build.ttl", "graph.html"):
        assert (out / name).stat().st_size > 0
    g = rdflib.Graph().parse(out / "graph.ttl")
    kfq = rdflib.Namespace("https://w3id.org/kfq-kg/ontology#")
    ids = {str(o) for o in g.objects(None, rdflib.DCTERMS.identifier)}
    assert ids == {"speech", "collection#1", "collection#2"}
    assert len(set(g.subjects(rdflib.RDF.type, kfq.Document))) == 3


def test_query_csv_and_json(built):
    _, out = built
    q = ("PREFIX kfq: <https://w3id.org/kfq-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
         "SELECT ?label WHERE { ?z a kfq:Zone ; rdfs:label ?label } ORDER BY ?label")
    r = CliRunner().invoke(main, ["query", q, "-g", str(out), "--format", "csv"])
    assert r.exit_code == 0, r.output
    labels = r.output.splitlines()[1:]
    assert "临江高新区" in labels and "青川经济技术开发区" in labels
    r = CliRunner().invoke(main, ["query", q, "-g", str(out), "--format", "json"])
    data = json.loads(r.output)
    assert data["head"]["vars"] == ["label"]
    assert {b["label"]["value"] for b in data["results"]["bindings"]} >= {"临江高新区"}


def test_query_refuses_update_unless_asked(built, tmp_path):
    import shutil
    _, out = built
    r = CliRunner().invoke(main, ["query", "DELETE WHERE { ?s ?p ?o }", "-g", str(out)])
    assert r.exit_code == 2 and "--update" in r.output
    assert (out / "graph.trig").stat().st_size > 0
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    delete_zones = ("PREFIX kfq: <https://w3id.org/kfq-kg/ontology#> "
                    "DELETE { GRAPH ?g { ?z ?p ?o } } WHERE { GRAPH ?g { ?z a kfq:Zone ; ?p ?o } }")
    r = CliRunner().invoke(main, ["query", delete_zones, "-g", str(copy), "--update"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["query", "PREFIX kfq: <https://w3id.org/kfq-kg/ontology#> "
                                  "SELECT ?z WHERE { ?z a kfq:Zone }", "-g", str(copy), "--format", "csv"])
    assert r.output.strip() == "z"


def test_stats_counts_types(built):
    _, out = built
    r = CliRunner().invoke(main, ["stats", "-g", str(out)])
    assert r.exit_code == 0, r.output
    assert "speeches: 3" in r.output
    assert "Zone" in r.output and "Industry" in r.output


def test_validate_conforms(built):
    _, out = built
    r = CliRunner().invoke(main, ["validate", "-g", str(out)])
    assert r.exit_code == 0, r.output
    assert "conforms" in r.output


def test_viz_entity_view(built, tmp_path):
    _, out = built
    target = tmp_path / "car.html"
    r = CliRunner().invoke(main, ["viz", "-g", str(out), "--entity", "新能源汽车", "-o", str(target)])
    assert r.exit_code == 0, r.output
    assert "新能源汽车" in target.read_text(encoding="utf-8")


def test_missing_graph_is_a_clear_error(tmp_path):
    r = CliRunner().invoke(main, ["stats", "-g", str(tmp_path / "nowhere")])
    assert r.exit_code == 2
    assert "nowhere" in r.output


def test_version():
    r = CliRunner().invoke(main, ["--version"])
    assert r.exit_code == 0 and "kg" in r.output


def test_second_build_into_the_same_folder_refuses(tmp_path):
    import fcntl
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "in.txt").write_text("园区要发展物流产业。", encoding="utf-8")
    with open(out / ".kg-build.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        r = CliRunner().invoke(main, ["build", str(tmp_path / "in.txt"), "-o", str(out)])
    assert r.exit_code == 2
    assert "another kg build" in r.output
    assert not (out / "graph.ttl").exists()


def test_diff_reports_what_a_rebuild_added_and_removed(built, tmp_path):
    out = built[1]
    new_corpus = tmp_path / "corpus"
    new_corpus.mkdir()
    (new_corpus / "speech.txt").write_text(SPEECH.replace("生物医药产业", "氢能产业").replace("建华", "振宇"),
                                           encoding="utf-8")
    new_out = tmp_path / "out"
    CliRunner().invoke(main, ["build", str(new_corpus), "-o", str(new_out), "-j", "1"])
    r = CliRunner().invoke(main, ["diff", str(out), str(new_out)])
    assert r.exit_code == 0, r.output
    assert "+ Industry · 氢能" in r.output and "- Industry · 生物医药" in r.output
    assert "- collection#1" in r.output
    assert "+ 振宇 · 市长" in r.output and "- 建华 · 市长" in r.output


def test_build_into_an_on_disk_store_and_query_it(tmp_path):
    (tmp_path / "in.txt").write_text("临江高新区要发展物流产业。\n", encoding="utf-8")
    store = tmp_path / "store"
    r = CliRunner().invoke(main, ["build", str(tmp_path / "in.txt"), "-o", str(tmp_path / "out"),
                                  "--store", str(store), "-j", "1"])
    assert r.exit_code == 0, r.output
    (tmp_path / "out" / "graph.trig").unlink()         # the store alone answers
    r = CliRunner().invoke(main, ["query", "--name", "entities_by_type", "-g", str(store), "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert "Zone" in r.output and "Industry" in r.output


def test_refused_update_is_never_run(built):
    """Telling an update from a query must not carry it out: a LOAD would fetch its URL."""
    import socket
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        r = CliRunner().invoke(main, ["query", f"LOAD <http://127.0.0.1:{port}/x>", "-g", str(built[1])])
        assert r.exit_code == 2 and "--update" in r.output
        with pytest.raises(socket.timeout):
            listener.accept()
    finally:
        listener.close()


def test_query_sees_the_build_provenance(built):
    r = CliRunner().invoke(main, ["query", "ASK { ?d <http://www.w3.org/ns/prov#wasGeneratedBy> ?run }",
                                  "-g", str(built[1])])
    assert r.exit_code == 0 and "true" in r.output


def test_update_waits_for_no_build(built, tmp_path):
    """`kg query --update` rewrites graph files: not while a build holds the folder."""
    import fcntl
    import shutil
    copy = tmp_path / "copy"
    shutil.copytree(built[1], copy)
    before = (copy / "graph.trig").read_bytes()
    with open(copy / ".kg-build.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        r = CliRunner().invoke(main, ["query", "DELETE WHERE { ?s ?p ?o }", "-g", str(copy), "--update"])
    assert r.exit_code == 2 and "another kg build" in r.output
    assert (copy / "graph.trig").read_bytes() == before


def test_build_summary_names_at_most_twenty_copies(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = "在临江高新区推进会上的讲话\n" + "临江高新区要发展新能源汽车产业，力争营业收入500亿元以上。" * 4 + "\n"
    for k in range(23):
        (src / f"copy{k:02}.txt").write_text(text, encoding="utf-8")
    r = CliRunner().invoke(main, ["build", str(src), "-o", str(tmp_path / "out"), "--no-validate", "-j", "1"])
    assert r.exit_code == 0, r.output
    assert sum(line.startswith("  duplicate:") for line in r.output.splitlines()) == 20
    assert "… and 2 more duplicate speeches" in r.output


def three_speeches(folder):
    folder.mkdir()
    for k, zone in enumerate(["临江高新区", "青川经开区", "白沙工业园区"]):
        (folder / f"s{k}.txt").write_text(f"在{zone}推进会上的讲话\n{zone}要发展新能源汽车产业。\n", encoding="utf-8")
    return folder


def test_build_stopped_by_ctrl_c_says_the_next_build_carries_on(tmp_path, monkeypatch):
    from kg import api
    src, out = three_speeches(tmp_path / "in"), tmp_path / "out"
    extract_one = api._extract_one

    def ctrl_c_at_the_third(doc):
        if doc.id == "s2":
            raise KeyboardInterrupt
        return extract_one(doc)

    monkeypatch.setattr(api, "SAVE_EXTRACTIONS_EVERY_S", 0)
    monkeypatch.setattr(api, "_extract_one", ctrl_c_at_the_third)
    args = ["build", str(src), "-o", str(out), "--no-validate", "-j", "1"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 130 and "the next kg build carries on" in r.output
    assert not (out / "graph.ttl").exists()
    monkeypatch.setattr(api, "_extract_one", extract_one)
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and "extracted 1, reused 2" in again.output, again.output


def test_build_progress_names_every_stage_in_order(tmp_path):
    from kg import api
    calls = []
    api.build([str(three_speeches(tmp_path / "in"))], str(tmp_path / "out"), jobs=1,
              progress=lambda done, total, stage: calls.append((stage, done, total)))
    assert list(dict.fromkeys(stage for stage, _, _ in calls)) == list(api.STAGES)
    for stage in ("extracting", "writing graph files"):         # speech by speech, to the last
        steps = [(done, total) for s, done, total in calls if s == stage]
        assert steps[-1] == (3, 3) and [d for d, _ in steps] == sorted(d for d, _ in steps)
    assert [(done, total) for s, done, total in calls if s == "linking"] == [(0, 1), (1, 1)]


def test_build_shows_a_bar_a_stage_on_a_terminal_only(tmp_path):
    import io
    from kg import api
    from kg.cli import _progress_bar

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    src, screen = three_speeches(tmp_path / "in"), Terminal()
    with _progress_bar(screen) as advance:
        api.build([str(src)], str(tmp_path / "out"), jobs=1, progress=advance)
    lines = [line.rsplit("\r", 1)[-1] for line in screen.getvalue().split("\n") if line]
    assert [line.split("  ")[0].split("\x1b[?25l")[-1] for line in lines] == list(api.STAGES)
    assert "3/3" in lines[0] and "3/3" in lines[3]
    with _progress_bar(io.StringIO()) as advance:                # a file or a pipe: quiet
        assert advance is None
