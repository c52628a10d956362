from kg import lexicon
from kg.segment import cut, tokens_with_offsets


def test_every_lexicon_names_its_source():
    for folder in lexicon.DATA_FOLDERS:
        for path in sorted((lexicon.PACKAGE_DIR / folder).glob("*")):
            if path.suffix in (".txt", ".tsv"):
                assert path.read_text(encoding="utf-8").startswith("# source:"), path.name


def test_industry_map_follows_the_guideline():
    m = lexicon.industry_map()
    assert m["汽车产业"] == "汽车" and m["生物医药产业"] == "生物医药"
    assert m["制造业"] == "制造业"
    assert len(m) > 400


def test_places_have_full_and_short_names_but_no_single_characters():
    p = lexicon.places()
    assert p["吉林省"][1] == p["吉林"][1] == "吉林"
    assert "常德市" in p and "长三角" in p
    assert all(len(name) >= 2 for name in p)


def test_matcher_is_leftmost_longest():
    m = lexicon.TermMatcher({"新能源": 1, "新能源汽车": 2, "汽车": 3, "汽车产业": 4})
    assert [(a, b, t) for a, b, t, _ in m.find("发展新能源汽车产业")] == [(2, 7, "新能源汽车")]
    assert lexicon.TermMatcher({}).find("任何文本") == []


def test_segmenter_keeps_lexicon_terms_whole():
    assert "经济技术开发区" in cut("青川经济技术开发区") or "青川经济技术开发区" in cut("青川经济技术开发区")
    tokens = tokens_with_offsets("发展跨境电商产业")
    assert "".join(t for t, _, _ in tokens) == "发展跨境电商产业"
    assert all("发展跨境电商产业"[s:e] == t for t, s, e in tokens)


def test_lexicon_version_changes_with_the_files(tmp_path, monkeypatch):
    (tmp_path / "lexicons").mkdir()
    (tmp_path / "lexicons" / "roles.txt").write_text("# source: test\n市长\n", encoding="utf-8")
    monkeypatch.setattr(lexicon, "PACKAGE_DIR", tmp_path)
    before = lexicon.lexicon_version()
    (tmp_path / "lexicons" / "roles.txt").write_text("# source: test\n市长\n县长\n", encoding="utf-8")
    assert lexicon.lexicon_version() != before
