"""jieba segmentation with the project's lexicons as a user dictionary."""
from __future__ import annotations

import logging
import sys
from functools import lru_cache
from pathlib import Path


def _import_jieba():
    """jieba imports pkg_resources (0.1 s of every start, and deprecated) only to open its
    own data files, and opens them by path when that import fails: it fails for that
    moment."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba
        return jieba
    sys.modules["pkg_resources"] = None        # None in sys.modules: the import raises
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


jieba = _import_jieba()

from kg import jieba_tables, lexicon, pos_hmm  # noqa: E402 - after jieba, imported as above
from kg.memo import speech_cache  # noqa: E402

USER_WORD_FREQ = 100000      # high enough that lexicon terms stay whole
# lexicon files loaded as jieba user words, with the POS tag their words get (without one,
# jieba.posseg tags a user word x, "not a word", and rules reading POS would stop at it)
USER_FILES = {"industries.tsv": "n", "places.tsv": "ns", "zone_suffixes.txt": "n",
              "zone_designations.txt": "n", "roles.txt": "n", "organizations.txt": "nt",
              "program_heads.txt": "n"}


def _cache_dir() -> Path:
    cache = Path.home() / ".cache" / "kfq-kg"
    cache.mkdir(parents=True, exist_ok=True)
    return cache


def user_words() -> list[tuple[str, int, str]]:
    """The lexicon terms jieba gets as user words: (term, frequency, POS tag), in order."""
    words = []
    for name, tag in USER_FILES.items():
        for row in lexicon.load(name):
            term = row[0] if isinstance(row, tuple) else row
            if 2 <= len(term) <= 20:
                words.append((term, USER_WORD_FREQ, tag))
    return words


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    """jieba's tokenizer with the lexicons' words; its prefix frequencies looked up in the
    cache folder (:mod:`kg.jieba_tables`), made there on the first run and after a lexicon
    change."""
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.tmp_dir = str(_cache_dir())
    words = user_words()
    if jieba_tables.attach_prefix_table(tok, _cache_dir(), words):
        return tok
    cached = jieba_tables.read_jieba_cache(tok)
    if cached:
        tok.FREQ, tok.total = cached
        tok.initialized = True
    else:
        tok.initialize()             # builds the prefix dictionary and writes jieba.cache
    jieba_tables.write_prefix_table(_cache_dir(), tok.FREQ)
    jieba_tables.record_user_words(tok, _cache_dir(), words)
    return tok


def cut(text: str) -> list[str]:
    return tokenizer().lcut(text)


@speech_cache(maxsize=4096)
def tokens_with_offsets(text: str) -> tuple[tuple[str, int, int], ...]:
    """(word, start, end) of each word jieba cuts ``text`` into. For the few characters
    around a match that a rule checks (cached: copies of a speech, and the phrases that
    recur across speeches, ask for the same windows again)."""
    out, pos = [], 0
    for word in tokenizer().lcut(text):
        out.append((word, pos, pos + len(word)))
        pos += len(word)
    return tuple(out)


def _import_posseg():
    """jieba.posseg makes a default POS tokenizer when imported, reading jieba's whole
    dictionary for tags (1.5 s) for a tokenizer this project never uses: point jieba's
    default tokenizer at an empty dictionary for that moment (it is not initialised by it)."""
    import importlib
    import sys
    if "jieba.posseg" not in sys.modules:
        empty = _cache_dir() / "empty-dictionary.txt"
        empty.touch()
        saved, jieba.dt.dictionary = jieba.dt.dictionary, str(empty)
        try:
            importlib.import_module("jieba.posseg")
        finally:
            jieba.dt.dictionary = saved
    return sys.modules["jieba.posseg"]


def warm_up() -> None:
    """Load the tokenizers now, their tables whole, and the POS decoder's arrays: worker
    processes forked later share them (and no SQLite connection crosses the fork)."""
    for table in (tokenizer().FREQ, _pos_tokenizer().word_tag_tab):
        if isinstance(table, jieba_tables.LazyTable):
            table.load_whole()
    pos_hmm.load()


@lru_cache(maxsize=1)
def _pos_tokenizer():
    posseg = _import_posseg()

    class CachedTags(posseg.POSTokenizer):
        """jieba reads its 350,000-line dictionary again for the POS tags at every start
        (1.7 s): the tags are read from the cache folder instead
        (:func:`kg.jieba_tables.open_pos_tags`), and the dictionary parsed only when that
        cache is missing or broken."""
        def load_word_tag(self, f):
            tags = jieba_tables.open_pos_tags(self, _cache_dir())
            if tags is None:
                super().load_word_tag(f)
                jieba_tables.write_pos_tags(_cache_dir(), self.word_tag_tab)
                return
            f.close()
            self.word_tag_tab = tags

        def _POSTokenizer__cut(self, sentence):
            """jieba's ``__cut`` (a run of unknown characters, tagged by the HMM) with the
            HMM decoded by :func:`kg.pos_hmm.viterbi`: the same tags, in a fifth of the time."""
            _, states = pos_hmm.viterbi(sentence)
            begin, next_i = 0, 0
            for i, char in enumerate(sentence):
                position, tag = states[i]
                if position == "B":
                    begin = i
                elif position == "E":
                    yield posseg.pair(sentence[begin:i + 1], tag)
                    next_i = i + 1
                elif position == "S":
                    yield posseg.pair(char, tag)
                    next_i = i + 1
            if next_i < len(sentence):
                yield posseg.pair(sentence[next_i:], states[next_i][1])

    return CachedTags(tokenizer())


@speech_cache(maxsize=4096)
def _pos_tag(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((w.word, w.flag) for w in _pos_tokenizer().lcut(text))


def pos_tag(text: str) -> list[tuple[str, str]]:
    """(word, flag) pairs; 6× slower than cut, so only for the short spans a rule needs
    (cached: boilerplate and repeated phrases are tagged once)."""
    return list(_pos_tag(text))


def word_tag(word: str) -> str | None:
    """jieba's dictionary POS tag of a word (None for words it does not know)."""
    return _pos_tokenizer().word_tag_tab.get(word)
