"""A build with nothing new writes nothing (kg.state): same speeches, same code, files as
the last build left them."""
import os

from click.testing import CliRunner

from kg import api, cache, state
from kg.cli import main

SPEECHES = {
    "a.txt": "在临江高新区推进会上的讲话\n临江高新区要发展新能源汽车产业，力争营业收入500亿元以上。\n",
    "b.txt": "在青川经开区工作会上的讲话\n青川经开区要推进“审管联”改革，做强生物医药产业。\n",
}
OUTPUTS = ("graph.ttl", "graph.trig", "build.ttl", "graph.html", "report.html")


def corpus(root):
    root.mkdir(parents=True, exist_ok=True)
    for name, text in SPEECHES.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "a-copy.txt").write_text(SPEECHES["a.txt"], encoding="utf-8")
    return root


def written(out):
    """Each output's bytes and inode, mtime: a file written again (even to the same bytes) differs."""
    return {name: ((out / name).read_bytes(), (out / name).stat().st_ino, (out / name).stat().st_mtime_ns)
            for name in OUTPUTS}


def test_a_build_with_nothing_new_writes_nothing_and_reports_the_last_build(tmp_path):
    src, out = corpus(tmp_path / "in"), tmp_path / "out"
    first = api.build([str(src)], str(out))
    before = written(out)
    again = api.build([str(src)], str(out))
    assert again.up_to_date and not first.up_to_date
    assert written(out) == before
    assert (again.documents, again.reused, again.extracted) == (3, 3, 0)
    assert again.entities_per_type == first.entities_per_type
    assert again.duplicates == first.duplicates == [again.duplicates[0]]      # a-copy repeats a
    assert again.outputs == []


def test_a_changed_speech_code_option_or_output_file_makes_a_real_build(tmp_path, monkeypatch):
    src, out = corpus(tmp_path / "in"), tmp_path / "out"
    api.build([str(src)], str(out))
    (src / "b.txt").write_text(SPEECHES["b.txt"].replace("生物医药", "集成电路"), encoding="utf-8")
    changed = api.build([str(src)], str(out))
    assert not changed.up_to_date and (changed.extracted, changed.reused) == (1, 2)
    assert "集成电路" in (out / "graph.ttl").read_text(encoding="utf-8")
    assert api.build([str(src)], str(out)).up_to_date
    (out / "graph.html").unlink()                                   # a page gone
    assert not api.build([str(src)], str(out)).up_to_date and (out / "graph.html").exists()
    os.utime(out / "graph.ttl", ns=(1, 1))                          # a file touched by another writer
    assert not api.build([str(src)], str(out)).up_to_date
    assert not api.build([str(src)], str(out), full=True).up_to_date
    assert not api.build([str(src)], str(out), html=False).up_to_date     # another kind of build
    assert not api.build([str(src)], str(out)).up_to_date
    monkeypatch.setattr(state, "code_version", lambda: "another-version")
    assert not api.build([str(src)], str(out)).up_to_date
    src.rename(tmp_path / "moved")                                  # dcterms:source changes
    assert not api.build([str(tmp_path / "moved")], str(out)).up_to_date


def test_problems_are_reported_again_when_nothing_changed(tmp_path, monkeypatch):
    src, out = corpus(tmp_path / "in"), tmp_path / "out"
    (src / "broken.txt").write_bytes(b"")
    from kg import extract
    real = extract.extract_document

    def failing(doc):
        if doc.id == "b":
            raise ValueError("a rule tripped")
        return real(doc)
    monkeypatch.setattr(extract, "extract_document", failing)
    first = api.build([str(src)], str(out))
    again = api.build([str(src)], str(out))
    assert again.up_to_date
    assert sorted(map(str, again.problems)) == sorted(map(str, first.problems))
    assert any("broken.txt" in p.source for p in again.problems)
    assert any("a rule tripped" in p.reason for p in again.problems)
    assert again.documents == first.documents == 2


def test_the_cli_says_the_build_is_up_to_date(tmp_path):
    src, out = corpus(tmp_path / "in"), tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(main, ["build", str(src), "-o", str(out), "-j", "1"])
    assert first.exit_code == 0 and "wrote:" in first.output and "up to date" not in first.output
    again = runner.invoke(main, ["build", str(src), "-o", str(out), "-j", "1"])
    assert again.exit_code == 0, again.output
    assert "up to date" in again.output and "wrote:" not in again.output
    assert "extracted 0, reused 3" in again.output and "duplicate: a-copy repeats a" in again.output


def test_the_record_sits_beside_the_speech_entries_without_being_one(tmp_path):
    src, out = corpus(tmp_path / "in"), tmp_path / "out"
    api.build([str(src)], str(out))
    assert (out / cache.CACHE_DIR / state.STATE_FILE).exists()
    assert cache.prune(out, ["a", "b", "a-copy"]) == 0


def test_a_store_loaded_from_the_files_as_they_are_is_not_loaded_again(tmp_path):
    src, out, store = corpus(tmp_path / "in"), tmp_path / "out", tmp_path / "store"
    first = api.build([str(src)], str(out), store_dir=str(store))
    assert str(store) in first.outputs and api.store_is_current(out, store)
    again = api.build([str(src)], str(out), store_dir=str(store))
    assert again.up_to_date and again.outputs == []
    (src / "b.txt").write_text(SPEECHES["b.txt"].replace("生物医药", "集成电路"), encoding="utf-8")
    changed = api.build([str(src)], str(out), store_dir=str(store))
    assert str(store) in changed.outputs and api.store_is_current(out, store)
    [[n]] = api.open_store(store).query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> \"集成电路\"@zh }")
    assert int(n.value) >= 1
    (store / api.STORE_MARKER).write_text("an Oxigraph store written by kg build --store\n", encoding="utf-8")
    assert not api.store_is_current(out, store)                 # an older store's marker


def test_the_folder_named_another_way_is_still_up_to_date(tmp_path, monkeypatch):
    src = corpus(tmp_path / "in")
    monkeypatch.chdir(tmp_path)
    api.build(["in"], "out")
    monkeypatch.chdir(tmp_path / "in")
    assert api.build([str(src)], "../out").up_to_date is False      # the sources' paths differ
    monkeypatch.chdir(tmp_path)
    assert api.build([str(src)], "out").up_to_date                     # the same folder, named from elsewhere


def test_a_file_name_that_is_no_utf8_is_recorded_too(tmp_path):
    import os
    src, out = corpus(tmp_path / "in"), tmp_path / "out"
    with open(os.path.join(os.fsencode(src), b"\xff\xfe-speech.txt"), "wb") as f:
        f.write(SPEECHES["b.txt"].replace("青川", "南港").encode("utf-8"))
    first = api.build([str(src)], str(out))
    assert first.documents == 4
    again = api.build([str(src)], str(out))
    assert again.up_to_date and again.documents == 4
