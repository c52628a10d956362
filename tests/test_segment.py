"""Segmentation: jieba with the project's lexicons, and its POS tags kept between runs."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import jieba_tables, pos_hmm, segment


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
    assert isinstance(second.word_tag_tab, jieba_tables.LazyTable)
    assert _tags(second) == _tags(first)
    assert ("综合保税区", "n") in _tags(second)               # a lexicon term keeps its user tag
    assert second.word_tag_tab.get("发展") == "vn" and second.word_tag_tab.get("并非一个词", "x") == "x"
    table.write_bytes(b"not a database")
    third = build()                            # a broken table: the pickle, and the table again
    assert isinstance(third.word_tag_tab, dict) and _tags(third) == _tags(first)
    assert isinstance(build().word_tag_tab, jieba_tables.LazyTable)
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
    monkeypatch.setattr(jieba_tables, "LOOKUPS_BEFORE_LOADING", 3)
    tok = build()
    lazy = tok.word_tag_tab
    tags = _tags(tok)                          # more than three words: the table is loaded
    assert isinstance(tok.word_tag_tab, dict) and tok.word_tag_tab == whole
    assert tags == _tags(tok) and lazy.get("发展") == "vn"


def test_the_prefix_table_is_looked_up_lazily_and_broken_caches_are_rebuilt(tmp_path, monkeypatch):
    from kg import jieba_tables
    monkeypatch.setattr(segment, "_cache_dir", lambda: tmp_path)
    build = segment.tokenizer.__wrapped__
    text = "临江高新区要加快发展新能源汽车产业，推进一区多园改革，建设综合保税区"
    first = build()                          # no cache: jieba builds the dictionary, writes the tables
    assert isinstance(first.FREQ, dict) and (tmp_path / "jieba.cache").exists()
    expected = first.lcut(text)
    assert "综合保税区" in expected
    second = build()                         # the SQLite table, and the user words as recorded
    assert isinstance(second.FREQ, jieba_tables.LazyTable)
    assert second.lcut(text) == expected and second.total == first.total
    assert second.FREQ["综合保税区"] == segment.USER_WORD_FREQ and "综合保" in second.FREQ
    assert second.FREQ.get("并非词语") is None and "并非词语" not in second.FREQ
    assert second.FREQ.load_whole() == first.FREQ and second.FREQ == first.FREQ     # now a dict
    [table] = tmp_path.glob("prefix-freq-*.sqlite")
    table.write_bytes(b"\x00broken")
    third = build()                          # a broken table: the whole dictionary, the table again
    assert isinstance(third.FREQ, dict) and third.lcut(text) == expected
    assert isinstance(build().FREQ, jieba_tables.LazyTable)
    (tmp_path / "jieba.cache").write_bytes(b"\x00broken")
    for recorded in tmp_path.glob("user-words-*"):
        recorded.unlink()
    fourth = build()                         # nothing usable: jieba builds its dictionary again
    assert fourth.FREQ == first.FREQ and (tmp_path / "jieba.cache").stat().st_size > 1000


def test_a_lexicon_change_records_its_user_words_again(tmp_path, monkeypatch):
    from kg import jieba_tables
    monkeypatch.setattr(segment, "_cache_dir", lambda: tmp_path)
    build = segment.tokenizer.__wrapped__
    build()
    words = segment.user_words()
    monkeypatch.setattr(segment, "user_words", lambda: words + [("青川氢能谷", segment.USER_WORD_FREQ, "n")])
    tok = build()                            # other user words: not the recorded ones
    assert isinstance(tok.FREQ, dict) and "青川氢能谷" in tok.lcut("建设青川氢能谷")
    tok = build()
    assert isinstance(tok.FREQ, jieba_tables.LazyTable) and "青川氢能谷" in tok.lcut("建设青川氢能谷")


def test_many_lookups_load_the_whole_prefix_table(tmp_path, monkeypatch):
    from kg import jieba_tables
    monkeypatch.setattr(segment, "_cache_dir", lambda: tmp_path)
    build = segment.tokenizer.__wrapped__
    whole = build().FREQ
    monkeypatch.setattr(jieba_tables, "LOOKUPS_BEFORE_LOADING", 5)
    tok = build()
    words = tok.lcut("临江高新区要加快发展新能源汽车产业")
    assert isinstance(tok.FREQ, dict) and tok.FREQ == whole and tok.lcut("临江高新区要加快发展新能源汽车产业") == words


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch):
    from kg import jieba_tables
    real = jieba_tables.sqlite3.connect

    def refusing(target, *args, **kwargs):          # a full disk, a read-only home
        if not str(target).startswith("file:"):
            raise jieba_tables.sqlite3.OperationalError("unable to open database file")
        return real(target, *args, **kwargs)

    def full_disk(self, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(segment, "_cache_dir", lambda: tmp_path)
    monkeypatch.setattr(jieba_tables.sqlite3, "connect", refusing)
    monkeypatch.setattr(jieba_tables.Path, "write_bytes", full_disk)
    tok = segment.tokenizer.__wrapped__()
    assert isinstance(tok.FREQ, dict) and "综合保税区" in tok.lcut("建设综合保税区")
    assert not list(tmp_path.glob("*.sqlite")) and not list(tmp_path.glob(".*.tmp"))


# runs of characters jieba's dictionary does not hold, as POS tagging meets them: names,
# rare characters, a lone character, runs with digits and letters between them; 滘, 镪 and 氹
# are missing from jieba's table of which states a character may take (so any may)
UNKNOWN_RUNS = ["青川", "要站在", "是国忠", "瀚澍", "鄞", "和省", "臻鑫汇智", "2025年镪溧", "滘氹珲AB"]
HAN = "开发区园区要把青川临江新能源汽车产业发展鑫澍滘珲镪氹鄞溧智汇臻瀚"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=HAN, min_size=1, max_size=14) | st.sampled_from(UNKNOWN_RUNS))
def test_the_pos_decoder_gives_jiebas_own_answer(run):
    """kg.pos_hmm decodes jieba's POS HMM: the same states and the same probability (to
    the bit) as jieba's decoder, for any run it is given."""
    from jieba.posseg import char_state_tab, prob_emit, prob_start, prob_trans, viterbi
    for text in filter(None, pos_hmm_blocks(run)):
        assert pos_hmm.viterbi(text) == viterbi(text, char_state_tab.P, prob_start.P, prob_trans.P, prob_emit.P)


def pos_hmm_blocks(run: str) -> list[str]:
    """The blocks jieba hands its POS decoder: the run split at what is not Chinese."""
    from jieba.posseg import re_han_detail
    return [b for b in re_han_detail.split(run) if re_han_detail.match(b)]


def test_pos_tags_of_unknown_runs_are_jiebas():
    """Tagging through the faster decoder changes no word and no tag of jieba's."""
    import jieba.posseg
    ours = segment._pos_tokenizer()
    theirs = jieba.posseg.POSTokenizer(segment.tokenizer())
    theirs.word_tag_tab = ours.word_tag_tab
    text = "，".join(UNKNOWN_RUNS) + "。青川鑫澍产业园要站在新起点上，是国忠同志讲的。"
    assert [(w.word, w.flag) for w in ours.lcut(text)] == [(w.word, w.flag) for w in theirs.lcut(text)]
