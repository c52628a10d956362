"""Incremental rebuilds: cache reuse, removal, invalidation, corruption, determinism."""
import json
import shutil
import sqlite3
from contextlib import closing

import pytest

from kg import api, cache, state
from kg.read import read_inputs

SPEECHES = {
    "a.txt": "在临江高新区推进会上的讲话\n临江高新区要发展新能源汽车产业，力争营业收入500亿元以上。\n",
    "b.txt": "在青川经开区工作会上的讲话\n青川经开区要推进“审管联”改革，做强生物医药产业。\n",
    "c.txt": "在综合保税区调度会上的讲话\n综合保税区要发展跨境电商，确保进出口额达到30亿美元。\n",
}


def corpus(root, names=SPEECHES):
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        (root / name).write_text(SPEECHES[name], encoding="utf-8")
    return root


def entries_db(out):
    return closing(sqlite3.connect(out / cache.CACHE_DIR / cache.ENTRIES_FILE))


def entries(out) -> dict:
    """The cache's entries: speech id → the extraction's JSON."""
    with entries_db(out) as db:
        return dict(db.execute("SELECT id, data FROM entries"))


def outputs(out):
    return {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.trig")}


def test_rebuild_reuses_unchanged_speeches(tmp_path):
    src = corpus(tmp_path / "in")
    first = api.build([str(src)], str(tmp_path / "out"), html=False)
    assert (first.extracted, first.reused) == (3, 0)
    (src / "a.txt").write_text(SPEECHES["a.txt"].replace("500", "600"), encoding="utf-8")
    second = api.build([str(src)], str(tmp_path / "out"), html=False)
    assert (second.extracted, second.reused) == (1, 2)
    again = api.build([str(src)], str(tmp_path / "out"), html=False, full=True)
    assert (again.extracted, again.reused) == (3, 0)


def test_incremental_output_equals_a_fresh_full_build(tmp_path):
    src = corpus(tmp_path / "in", ["a.txt", "b.txt"])
    api.build([str(src)], str(tmp_path / "inc"), html=False)
    corpus(src, ["c.txt"])
    api.build([str(src)], str(tmp_path / "inc"), html=False)
    api.build([str(src)], str(tmp_path / "full"), html=False, full=True)
    assert outputs(tmp_path / "inc") == outputs(tmp_path / "full")


def test_a_moved_corpus_is_not_extracted_again_but_its_sources_follow(tmp_path):
    src = corpus(tmp_path / "in")
    api.build([str(src)], str(tmp_path / "out"), html=False)
    moved = tmp_path / "elsewhere"
    src.rename(moved)
    again = api.build([str(moved)], str(tmp_path / "out"), html=False)
    assert (again.extracted, again.reused) == (0, 3)
    text = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert str(moved / "a.txt") in text and str(src / "a.txt") not in text
    api.build([str(moved)], str(tmp_path / "full"), html=False, full=True)
    assert outputs(tmp_path / "out") == outputs(tmp_path / "full")


def test_file_order_does_not_change_the_output(tmp_path):
    one = corpus(tmp_path / "one")
    api.build([str(one / n) for n in ("a.txt", "b.txt", "c.txt")], str(tmp_path / "o1"), html=False)
    api.build([str(one / n) for n in ("c.txt", "a.txt", "b.txt")], str(tmp_path / "o2"), html=False)
    assert outputs(tmp_path / "o1") == outputs(tmp_path / "o2")


def test_removed_speech_disappears_everywhere(tmp_path):
    src = corpus(tmp_path / "in")
    out = tmp_path / "out"
    api.build([str(src)], str(out), html=False)
    (src / "c.txt").unlink()
    api.build([str(src)], str(out), html=False)
    text = (out / "graph.trig").read_text(encoding="utf-8")
    assert "综合保税区" not in text and "跨境电商" not in text
    assert sorted(entries(out)) == ["a", "b"]


def test_pipeline_change_re_extracts_everything(tmp_path, monkeypatch):
    src = corpus(tmp_path / "in")
    api.build([str(src)], str(tmp_path / "out"), html=False)
    monkeypatch.setattr(cache, "pipeline_version", lambda: "a-new-lexicon")
    report = api.build([str(src)], str(tmp_path / "out"), html=False)
    assert (report.extracted, report.reused) == (3, 0)


def test_corrupt_cache_is_detected_and_rebuilt(tmp_path):
    src = corpus(tmp_path / "in")
    out = tmp_path / "out"
    api.build([str(src)], str(out), html=False)
    good = outputs(out)
    with entries_db(out) as db, db:
        db.execute("UPDATE entries SET data = ? WHERE id = 'a'", (b'{"sentences": [',))
        db.execute("UPDATE entries SET data = ? WHERE id = 'b'", (b"\x00\xff garbage",))
    (out / cache.CACHE_DIR / state.STATE_FILE).write_text('{"format": 1, "dig', encoding="utf-8")
    report = api.build([str(src)], str(out), html=False)
    assert (report.extracted, report.reused) == (2, 1)
    assert outputs(out) == good
    shutil.rmtree(out / cache.CACHE_DIR)
    assert api.build([str(src)], str(out), html=False).extracted == 3


def test_an_entries_file_that_is_no_database_is_replaced(tmp_path):
    src = corpus(tmp_path / "in")
    out = tmp_path / "out"
    api.build([str(src)], str(out), html=False)
    good = outputs(out)
    (out / cache.CACHE_DIR / cache.ENTRIES_FILE).write_bytes(b"\x00\xff not a database " * 100)
    state.forget(out)
    report = api.build([str(src)], str(out), html=False)
    assert (report.extracted, report.reused) == (3, 0)
    assert outputs(out) == good
    assert sorted(entries(out)) == ["a", "b", "c"]          # the file is a database again
    state.forget(out)
    assert api.build([str(src)], str(out), html=False).reused == 3


def test_entries_of_an_earlier_version_a_file_a_speech_are_removed(tmp_path):
    src = corpus(tmp_path / "in")
    out = tmp_path / "out"
    api.build([str(src)], str(out), html=False)
    old_entry = out / cache.CACHE_DIR / ("0" * 32 + ".json")
    old_entry.write_text('{"version": "old"}', encoding="utf-8")
    state.forget(out)
    api.build([str(src)], str(out), html=False)
    assert not old_entry.exists() and (out / cache.CACHE_DIR / state.STATE_FILE).exists()


@pytest.mark.parametrize("rows, fields, lost", [("mentions", cache.MENTION_FIELDS, "surface"),
                                                 ("relations", cache.RELATION_FIELDS, "predicate")])
def test_cache_entry_whose_rows_lack_a_field_is_extracted_again(tmp_path, rows, fields, lost):
    src = corpus(tmp_path / "in", ["a.txt"])
    out = tmp_path / "out"
    api.build([str(src)], str(out), html=False)
    good = outputs(out)
    data = json.loads(entries(out)["a"])
    assert data[rows]
    del data[rows][0][fields.index(lost)]       # valid JSON, right version
    with entries_db(out) as db, db:
        db.execute("UPDATE entries SET data = ? WHERE id = 'a'", (json.dumps(data, ensure_ascii=False).encode(),))
    state.forget(out)                    # (else nothing is read: the files are up to date)
    report = api.build([str(src)], str(out), html=False)
    assert (report.extracted, report.reused) == (1, 0)
    assert outputs(out) == good


def test_two_files_with_one_stem_give_the_same_build_in_any_order(tmp_path):
    (tmp_path / "d1").mkdir()
    (tmp_path / "d2").mkdir()
    (tmp_path / "d1" / "x.txt").write_text(SPEECHES["a.txt"], encoding="utf-8")
    (tmp_path / "d2" / "x.txt").write_text(SPEECHES["b.txt"], encoding="utf-8")
    first = api.build([str(tmp_path / "d1"), str(tmp_path / "d2")], str(tmp_path / "o1"), html=False)
    second = api.build([str(tmp_path / "d2"), str(tmp_path / "d1")], str(tmp_path / "o2"), html=False)
    assert outputs(tmp_path / "o1") == outputs(tmp_path / "o2")
    [problem] = [p for p in first.problems if "x.txt" in p.source]
    assert problem.source.endswith("d2/x.txt") and "d1/x.txt" in problem.reason
    assert [p.source for p in second.problems] == [problem.source]


def test_pages_of_a_build_equal_pages_made_from_its_files(tmp_path):
    """A build makes its pages from the graph in memory; they must be what the files give."""
    from kg.report import render_report
    src = corpus(tmp_path / "in")
    out = tmp_path / "out"
    api.build([str(src)], str(out))
    api.render_view(out, tmp_path / "view.html", max_nodes=api.DEFAULT_VIEW_NODES)
    render_report(out, tmp_path / "report.html")
    assert (tmp_path / "view.html").read_bytes() == (out / "graph.html").read_bytes()
    assert (tmp_path / "report.html").read_bytes() == (out / "report.html").read_bytes()


def _pages(out):
    return {page: (out / page).read_bytes() for page in ("graph.html", "report.html")}


def test_a_rebuild_makes_its_pages_from_kept_rows_alike(tmp_path, monkeypatch):
    """A rebuild reads the unchanged speeches' page rows from the cache; its pages are what
    a fresh build gives and what the files give."""
    from kg import page_facts
    from kg.report import render_report
    src, out = corpus(tmp_path / "in", ["a.txt", "b.txt"]), tmp_path / "out"
    api.build([str(src)], str(out))
    chunks_before = _shared_chunk_keys(out)
    made = []                                    # the kinds of rows made, a speech's or a chunk's each
    real = page_facts.speech_rows
    monkeypatch.setattr(page_facts, "speech_rows", lambda triples, names: made.append(names) or real(triples, names))
    corpus(src, ["c.txt"])                                                     # a speech comes
    (src / "d.txt").write_text(SPEECHES["a.txt"], encoding="utf-8")           # and a copy of one
    report = api.build([str(src)], str(out))
    assert [(d.document, d.original) for d in report.duplicates] == [("d", "a")]
    # the rows of a and b were kept, of both kinds; of the shared triples, only the new chunks' made
    entity_rows = tuple(page_facts.ENTITY_PATTERNS)
    assert sorted(n for n in made if n != entity_rows) == sorted([page_facts.CONTENT_PATTERNS,
                                                                  page_facts.DOCUMENT_PATTERNS] * 2)
    new_chunks = _shared_chunk_keys(out) - chunks_before
    assert made.count(entity_rows) == len(new_chunks) and 0 < len(new_chunks) < len(_shared_chunk_keys(out))
    api.build([str(src)], str(tmp_path / "fresh"), full=True)
    assert _pages(out) == _pages(tmp_path / "fresh")
    api.render_view(out, tmp_path / "view.html", max_nodes=api.DEFAULT_VIEW_NODES)
    render_report(out, tmp_path / "report.html")
    assert (tmp_path / "view.html").read_bytes() == (out / "graph.html").read_bytes()
    assert (tmp_path / "report.html").read_bytes() == (out / "report.html").read_bytes()
    (out / cache.CACHE_DIR / page_facts.ROWS_FILE).write_text("{not json", encoding="utf-8")
    made.clear()
    state.forget(out)                    # (else nothing is read: the files are up to date)
    api.build([str(src)], str(out))
    assert len(made) == 8 and _pages(out) == _pages(tmp_path / "fresh")      # unreadable: made again
    (out / cache.CACHE_DIR / page_facts.SHARED_ROWS_FILE).write_text("[1, 2", encoding="utf-8")
    made.clear()
    state.forget(out)
    api.build([str(src)], str(out))
    assert made == [entity_rows] * len(_shared_chunk_keys(out)) and _pages(out) == _pages(tmp_path / "fresh")


def test_a_cut_short_rows_file_is_made_again_and_the_old_json_rows_go(tmp_path, monkeypatch):
    """A rows file with this version's first line but cut short (a full disk) is made
    again, not half read; the JSON rows files of earlier versions are removed."""
    from kg import page_facts
    src, out = corpus(tmp_path / "in", ["a.txt", "b.txt"]), tmp_path / "out"
    api.build([str(src)], str(out))
    folder = out / cache.CACHE_DIR
    rows_file = folder / page_facts.ROWS_FILE
    whole = rows_file.read_bytes()
    rows_file.write_bytes(whole[:len(whole) // 2])
    for name in page_facts.OLD_ROWS_FILES:
        (folder / name).write_text('{"version": "x"}\n', encoding="utf-8")
    made = []
    real = page_facts.speech_rows
    monkeypatch.setattr(page_facts, "speech_rows", lambda triples, names: made.append(names) or real(triples, names))
    pages = _pages(out)
    state.forget(out)
    api.build([str(src)], str(out))
    assert made.count(page_facts.CONTENT_PATTERNS) == 2 and _pages(out) == pages
    assert rows_file.read_bytes() == whole
    assert not any((folder / name).exists() for name in page_facts.OLD_ROWS_FILES)


def test_every_step_of_a_week_of_changes_equals_a_fresh_full_build(tmp_path):
    """A copy whose name sorts first becomes the original of two speeches already built, one
    of them a copy of the other till then (their duplications are made again, their own
    blocks copied), a speech is edited, one is renamed, the new copy goes again: after each
    rebuild, all four files are a full build's."""
    src, out = corpus(tmp_path / "in"), tmp_path / "out"
    (src / "d.txt").write_text(SPEECHES["a.txt"], encoding="utf-8")
    api.build([str(src)], str(out))
    steps = [
        lambda: (src / "0a.txt").write_text(SPEECHES["a.txt"], encoding="utf-8"),
        lambda: (src / "b.txt").write_text(SPEECHES["b.txt"] + "会议由张建华主任主持，园区要发展氢能产业。\n",
                                           encoding="utf-8"),
        lambda: (src / "c.txt").rename(src / "e.txt"),
        lambda: (src / "0a.txt").unlink(),
    ]
    copies = []
    for step, change in enumerate(steps):
        change()
        report = api.build([str(src)], str(out))
        copies.append([(d.document, d.original) for d in report.duplicates])
        api.build([str(src)], str(tmp_path / f"full{step}"), full=True)
        assert {**outputs(out), **_pages(out)} == {**outputs(tmp_path / f"full{step}"), **_pages(tmp_path / f"full{step}")}
    assert copies == [[("a", "0a"), ("d", "0a")]] * 3 + [[("d", "a")]]


def _shared_chunk_keys(out) -> set[str]:
    from kg.blocks import INDEX_NAME
    return {key for key, _, _ in json.loads((out / cache.CACHE_DIR / INDEX_NAME).read_text(encoding="utf-8"))["shared"]}


def test_the_build_facts_count_the_triples_of_the_union(tmp_path):
    from kg import page_facts
    src, out = corpus(tmp_path / "in"), tmp_path / "out"
    (src / "d.txt").write_text(SPEECHES["a.txt"], encoding="utf-8")
    api.build([str(src)], str(out))
    for kept in (False, True):                     # rows made afresh, then the kept ones
        rows = page_facts.SpeechRows(out / cache.CACHE_DIR, reuse=kept)
        api._build_graph(*read_inputs([str(src)]), out, 1, False, False, None, rows)
        assert rows.reused == (4 if kept else 0)
        facts = rows.facts()
        assert facts.triple_count() == len(api.open_union(out))
        assert api.stats(facts) == api.stats(out)


def test_the_pipeline_version_covers_every_module_the_extractors_import():
    """A change to code that shapes an extraction must re-extract: every kg module that
    kg/extract/ imports (and those import in turn) is in the hashed list."""
    import ast
    from kg import cache
    package = cache.PACKAGE_DIR
    todo, seen = sorted((package / "extract").glob("*.py")), set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module else
                     [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            if isinstance(node, ast.ImportFrom) and node.module == "kg":
                names = [f"kg.{a.name}" for a in node.names]
            for name in names:
                if name.startswith("kg.") and not name.startswith("kg.extract"):
                    todo.append(package / (name.split(".")[1] + ".py"))
    outside = {p.name for p in seen if p.parent == package}
    assert outside <= set(cache.EXTRACTION_MODULES), outside - set(cache.EXTRACTION_MODULES)
    assert "lexicon.py" in outside                # the check sees through `from kg import lexicon`


def test_cache_json_keeps_what_orjson_refuses():
    """Integers past 64 bits and lone surrogates (a file read with surrogateescape) go
    through json instead, and read back as written."""
    for data in ({"amount": 10**30, "text": "园区"}, ["碎\udcff片", 1.5, None]):
        assert cache.loads(cache.dumps(data)) == data
    assert cache.loads(cache.dumps({"a": [1, "二"]})) == {"a": [1, "二"]}


def test_a_build_stopped_part_way_keeps_the_speeches_it_extracted(tmp_path, monkeypatch):
    src, out = corpus(tmp_path / "in"), tmp_path / "out"
    api.build([str(src)], str(tmp_path / "whole"), html=False)
    extract_one = api._extract_one

    def stopped_at_c(doc):
        if doc.id == "c":
            raise KeyboardInterrupt          # Ctrl-C while the third speech is extracted
        return extract_one(doc)

    monkeypatch.setattr(api, "SAVE_EXTRACTIONS_EVERY_S", 0)
    monkeypatch.setattr(api, "_extract_one", stopped_at_c)
    with pytest.raises(KeyboardInterrupt):
        api.build([str(src)], str(out), html=False, jobs=1)
    assert sorted(entries(out)) == ["a", "b"] and not (out / "graph.ttl").exists()
    monkeypatch.setattr(api, "_extract_one", extract_one)
    report = api.build([str(src)], str(out), html=False, jobs=1)
    assert (report.extracted, report.reused) == (1, 2)
    assert outputs(out) == outputs(tmp_path / "whole")


def test_an_entries_file_that_cannot_be_read_just_now_is_kept(tmp_path, monkeypatch):
    """A locked or unreadable file (another program holds it, the disk is full) is no
    corrupt one: its entries are not deleted; the speeches are extracted again."""
    src = corpus(tmp_path / "in")
    out = tmp_path / "out"
    api.build([str(src)], str(out), html=False)
    kept = entries(out)
    docs, _ = read_inputs([str(src)])
    fresh = api.extract_all(docs[:1])

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(cache.sqlite3, "connect", locked)
    assert cache.load_many(out, docs) == {d.id: None for d in docs}
    assert cache.prune(out, []) == 0
    with pytest.raises(sqlite3.OperationalError):
        cache.store_many(out, fresh)
    monkeypatch.undo()
    assert entries(out) == kept
