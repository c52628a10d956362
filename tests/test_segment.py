"""Segmentation: jieba with the project's lexicons, and its POS tags kept between runs."""
import pytest

from kg import segment


def test_lexicon_terms_stay_whole():
    assert "综合保税区" in segment.cut("加快建设临江综合保税区")


TEXT = "临江高新区要加快发展新能源汽车产业，推进综合保税区建设，做好招商引资工作"


def _tags(tok, text=TEXT):
    return [(w.word, w.flag) for w in tok.lcut(text)]


@pytest.fixture
def pos_tokenizer(tmp_path, monkeypatch):
    """Makes a POS tokenizer with the cache folder in tmp_path, each over a fresh jieba
    tokenizer (a POS tokenizer takes the user words' tags from it at its first cut)."""
    monkeypatch.setattr(segment, "_cache_dir", lambda: tmp_path)

    def build():
        segment.tokenizer.cache_clear()
        return segment._pos_tokenizer.__wrapped__()

    yield build
    segment.tokenizer.cache_clear()


def test_pos_tags_are_read_back_from_the_cache_and_survive_a_broken_one(tmp_path, pos_tokenizer):
    build = pos_tokenizer
    first = build()                            # parses jieba's dictionary, writes both caches
    assert isinstance(first.word_tag_tab, dict) and first.word_tag_tab["发展"] == "vn"
    pickled, table = sorted(tmp_path.glob("pos-tags-*"))          # .pickle, .sqlite
    second = build()                           # looks words up in the table
    assert isinstance(second.word_tag_tab, segment.PosTags)
    assert _tags(second) == _tags(first)
    assert ("综合保税区", "n") in _tags(second)               # a lexicon term keeps its user tag
    assert second.word_tag_tab.get("发展") == "vn" and second.word_tag_tab.get("并非一个词", "x") == "x"
    table.write_bytes(b"not a database")
    third = build()                            # a broken table: the pickle, and the table again
    assert isinstance(third.word_tag_tab, dict) and _tags(third) == _tags(first)
    assert isinstance(build().word_tag_tab, segment.PosTags)
    table.unlink()
    pickled.write_bytes(b"not a pickle")
    fourth = build()                           # neither readable: jieba's dictionary again
    assert isinstance(fourth.word_tag_tab, dict) and _tags(fourth) == _tags(first)
    assert pickled.read_bytes() != b"not a pickle" and table.exists()


def test_many_lookups_load_the_whole_table_into_the_tokenizer(pos_tokenizer, monkeypatch):
    build = pos_tokenizer
    first = build()
    _tags(first)                               # the user words' tags join its table
    whole = first.word_tag_tab
    monkeypatch.setattr(segment, "TAG_LOOKUPS_BEFORE_LOADING", 3)
    tok = build()
    lazy = tok.word_tag_tab
    tags = _tags(tok)                          # more than three words: the table is loaded
    assert isinstance(tok.word_tag_tab, dict) and tok.word_tag_tab == whole
    assert tags == _tags(tok) and lazy.get("发展") == "vn"


def test_the_prefix_dictionary_is_read_back_and_a_broken_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setattr(segment, "_cache_dir", lambda: tmp_path)
    build = segment.tokenizer.__wrapped__
    text = "临江高新区要加快发展新能源汽车产业，推进一区多园改革"
    first = build()                          # no cache: jieba builds the dictionary, writes it
    cached = tmp_path / "jieba.cache"
    assert cached.exists()
    second = build()                         # read back from the bytes
    assert second.FREQ == first.FREQ and second.total == first.total
    assert second.lcut(text) == first.lcut(text)
    cached.write_bytes(b"\x00broken")
    third = build()                          # unreadable: jieba builds it again
    assert third.FREQ == first.FREQ and cached.stat().st_size > 1000
