"""A hostile corpus, generated here: every bad file gets a one-line reason, the rest builds,
outputs stay parseable and valid, and a killed build leaves the previous outputs whole."""
import os
import signal
import subprocess
import sys
import time

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import main
from kg.validate import validate

GOOD = "在临江高新区推进会上的讲话\n同志们：\n临江高新区要发展新能源汽车产业，力争营业收入500亿元以上。\n"
HOSTILE_NAMES = ('深入推进“<script>恶意</script>”改革，贯彻《关于"双\\引"号的意见》，'
                 '开展“换\n行”工程，落实“表情😀工程”，推进“控\x07制”计划。')


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    src = root / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "blank.txt").write_text("  \n\t\n", encoding="utf-8")
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (src / "truncated.txt").write_bytes(GOOD.encode("utf-8") + "园".encode("utf-8")[:2])
    (src / "gbk.txt").write_bytes(GOOD.encode("gbk"))
    (src / "utf16.txt").write_bytes(GOOD.encode("utf-16"))
    (src / "page.html").write_text("<html><script>alert('x')</script><body><div><p>" + GOOD
                                   + "<p><b>未闭合</div></span>", encoding="utf-8")
    (src / "fake.docx").write_bytes(b"this is not a zip file")
    (src / "名字 有空格 #1 “引号”.txt").write_text(GOOD, encoding="utf-8")
    (src / "it's \"ascii\" quoted.txt").write_text(GOOD, encoding="utf-8")
    (src / "hostile.txt").write_text("讲话\n" + HOSTILE_NAMES + "\n", encoding="utf-8")
    (src / "longline.txt").write_text("园区发展新能源汽车产业" * 30000, encoding="utf-8")
    out = root / "out"
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out), "-j", "1"])
    return src, out, result


def test_no_traceback_and_one_line_per_bad_file(hostile):
    src, out, result = hostile
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    bad = {"empty.txt": "empty", "blank.txt": "empty", "image.txt": "binary", "fake.docx": "zip"}
    for name, reason in bad.items():
        assert any(name in w and reason in w for w in warnings), (name, warnings)
    assert len(warnings) == len(bad)
    assert result.exit_code == 1


def test_every_good_file_is_built(hostile):
    src, out, _ = hostile
    g = rdflib.Graph().parse(out / "graph.ttl")
    ids = {str(o) for o in g.objects(None, rdflib.DCTERMS.identifier)}
    assert ids == {"truncated", "gbk", "utf16", "page", "名字 有空格 #1 “引号”", 'it\'s "ascii" quoted',
                   "hostile", "longline"}


def test_hostile_names_survive_in_every_output(hostile):
    _, out, _ = hostile
    g = rdflib.Graph().parse(out / "graph.ttl")
    labels = {str(o) for o in g.objects(None, rdflib.RDFS.label)}
    assert "<script>恶意</script>" in labels
    assert '关于"双\\引"号的意见' in labels
    assert "表情😀工程" in labels
    # a control character or a line break never gets into a label (“控\x07制” is 控制)
    assert "控制" in labels
    assert not any(ch in label for label in labels for ch in "\x07\n\r")
    store = ox.Store()
    store.load(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG)
    assert len(store) > 0
    ds = rdflib.Dataset()
    ds.parse(out / "graph.trig", format="trig")
    assert validate(out / "graph.ttl") == (True, [])
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert "<script>恶意</script>" not in html


def _build_cmd(src, out):
    return [sys.executable, "-m", "kg.cli", "build", str(src), "-o", str(out), "-j", "1", "--no-validate"]


def test_sigkill_leaves_previous_outputs_whole(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(12):
        (src / f"s{i}.txt").write_text(GOOD * 40 + f"第{i}篇。\n", encoding="utf-8")
    out = tmp_path / "out"
    subprocess.run(_build_cmd(src, out), check=True, capture_output=True)
    before = {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.trig")}
    (src / "new.txt").write_text(GOOD.replace("临江", "青川"), encoding="utf-8")
    for delay in (0.3, 0.8, 1.5, 2.5):
        proc = subprocess.Popen(_build_cmd(src, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for name in ("graph.ttl", "graph.trig"):
            data = (out / name).read_bytes()
            assert data == before[name] or len(data) > 0
            fmt = ox.RdfFormat.TRIG if name.endswith("trig") else ox.RdfFormat.TURTLE
            assert sum(1 for _ in ox.parse(data, format=fmt)) > 0
        before = {name: (out / name).read_bytes() for name in before}
    assert not [p for p in os.listdir(out) if p.endswith(".tmp") and not p.startswith(".")]


def test_a_speech_that_breaks_an_extractor_is_left_out_and_named(tmp_path, monkeypatch):
    """An extractor bug met by one speech's text costs that speech, not the build."""
    from kg.extract import zone
    real = zone.extract

    def breaks_on_marker(doc, sentences):
        if "触发故障" in doc.text:
            raise ValueError("unexpected text")
        return real(doc, sentences)

    monkeypatch.setattr(zone, "extract", breaks_on_marker)
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    (src / "bad.txt").write_text(GOOD + "这句话会触发故障。\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    [line] = [l for l in result.output.splitlines() if "bad.txt" in l]
    assert "extraction failed" in line and "ValueError" in line
    graph = rdflib.Dataset()
    graph.parse(out / "graph.trig", format="trig")
    ids = {str(o) for _, _, o, _ in graph.quads((None, rdflib.DCTERMS.identifier, None, None))}
    assert "good" in ids and "bad" not in ids


def test_temp_files_of_a_killed_build_are_removed_by_the_next(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    (out / ".kg-cache").mkdir(parents=True)
    stale = [out / ".graph.trig.k1ll3d.tmp", out / ".kg-cache" / "tmpq8x2.tmp"]
    for path in stale:
        path.write_text("half-written", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out), "-j", "1", "--no-validate"])
    assert result.exit_code == 0, result.output
    assert not any(path.exists() for path in stale)
    assert (out / "graph.trig").stat().st_size > 0


def test_a_50_mb_speech_is_refused_by_name_within_bounded_memory(tmp_path):
    """A 50 MB "speech" is a dump, not a speech: it is named and left out at once, the rest
    is built, and the build's peak memory stays that of reading the file."""
    import json
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    line = "园区发展新能源汽车产业，力争营业收入五百亿元以上。\n".encode("utf-8")
    with open(src / "huge.txt", "wb") as f:
        f.write("在临江高新区工作会议上的讲话\n".encode("utf-8"))
        f.write(line * (50 * 2**20 // len(line)))
    out = tmp_path / "out"
    # the build runs under a wrapper process of its own, so that its peak RSS is not mixed
    # with that of other children this test session has had
    wrapper = ("import json, resource, subprocess, sys; r = subprocess.run(sys.argv[1:], "
               "capture_output=True, text=True); print(json.dumps([r.returncode, r.stdout, r.stderr, "
               "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))")
    measured = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "kg.cli", "build",
                               str(src), "-o", str(out), "-j", "1", "--no-validate"],
                              capture_output=True, text=True, timeout=300)
    returncode, stdout, stderr, peak_mb = json.loads(measured.stdout)
    run = subprocess.CompletedProcess([], returncode, stdout, stderr)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    [line] = [l for l in run.stderr.splitlines() if "huge.txt" in l]
    assert "too long for one speech" in line
    assert "speeches read: 1" in run.stdout
    assert peak_mb < 1500, f"peak RSS {peak_mb:.0f} MB"


def test_a_build_gives_back_the_garbage_collector_as_it_found_it(tmp_path, monkeypatch):
    """The build turns cycle collection off while it runs (kg.api): on again afterwards,
    also when the build fails, and left off for a caller who had turned it off."""
    import gc
    from kg import api, read
    (tmp_path / "s.txt").write_text(GOOD, encoding="utf-8")
    seen = []
    real = read.read_inputs
    monkeypatch.setattr(read, "read_inputs", lambda inputs: seen.append(gc.isenabled()) or real(inputs))
    api.build([str(tmp_path / "s.txt")], str(tmp_path / "out"), html=False, validate_shapes=False)
    assert seen == [False] and gc.isenabled()
    monkeypatch.setattr(read, "read_inputs", lambda inputs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        api.build([str(tmp_path / "s.txt")], str(tmp_path / "out2"))
    assert gc.isenabled()
    gc.disable()
    try:
        monkeypatch.setattr(read, "read_inputs", real)
        api.build([str(tmp_path / "s.txt")], str(tmp_path / "out3"), html=False, validate_shapes=False)
        assert not gc.isenabled()
    finally:
        gc.enable()
