"""Segmentation: jieba with the project's lexicons, and its POS tags kept between runs."""
from kg import segment


def test_lexicon_terms_stay_whole():
    assert "综合保税区" in segment.cut("加快建设临江综合保税区")


def test_pos_tags_are_read_back_from_the_cache_and_survive_a_corrupt_one(tmp_path, monkeypatch):
    monkeypatch.setattr(segment, "_cache_dir", lambda: tmp_path)
    build = segment._pos_tokenizer.__wrapped__
    first = build()                                   # parses jieba's dictionary, writes the cache
    [cached] = tmp_path.glob("pos-tags-*")
    second = build()                                  # reads the cache
    assert second.word_tag_tab == first.word_tag_tab and second.word_tag_tab["发展"] == "vn"
    cached.write_bytes(b"not a pickle")
    third = build()                                   # a corrupt cache is rebuilt
    assert third.word_tag_tab == first.word_tag_tab
    assert cached.read_bytes() != b"not a pickle"


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
