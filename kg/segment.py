"""jieba segmentation with the project's lexicons as a user dictionary."""
from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

import jieba

from kg import lexicon
from kg.memo import speech_cache

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


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.tmp_dir = str(_cache_dir())
    if not _load_prefix_dict(tok):
        tok.initialize()             # builds the prefix dictionary and writes jieba.cache
    for name, tag in USER_FILES.items():
        for row in lexicon.load(name):
            term = row[0] if isinstance(row, tuple) else row
            if 2 <= len(term) <= 20:
                tok.add_word(term, USER_WORD_FREQ, tag)
    return tok


def _load_prefix_dict(tok: jieba.Tokenizer) -> bool:
    """Load jieba's cached prefix dictionary (``jieba.cache``, written by its first
    ``initialize``) the way jieba would, but from the file's bytes at once: jieba's
    ``marshal.load`` on the open file reads it one object at a time (0.7–0.9 s of every
    start, against 0.25 s). False if there is no usable cache."""
    import marshal
    if tok.dictionary != jieba.DEFAULT_DICT:
        return False
    try:
        freq, total = marshal.loads((Path(tok.tmp_dir) / "jieba.cache").read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return False
    if not isinstance(freq, dict) or not freq:
        return False
    tok.FREQ, tok.total, tok.initialized = freq, total, True
    return True


def cut(text: str) -> list[str]:
    return tokenizer().lcut(text)


def tokens_with_offsets(text: str) -> list[tuple[str, int, int]]:
    out, pos = [], 0
    for word in tokenizer().lcut(text):
        out.append((word, pos, pos + len(word)))
        pos += len(word)
    return out


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
    """Load the tokenizers now: worker processes forked later share them."""
    tokenizer()
    _pos_tokenizer()


@lru_cache(maxsize=1)
def _pos_tokenizer():
    posseg = _import_posseg()

    class CachedTags(posseg.POSTokenizer):
        """jieba reads its 350,000-line dictionary again for the POS tags at every start
        (1.7 s); keep the tags in a pickle beside jieba's own cache (0.3 s to load: pickle
        shares the few distinct tag strings, marshal would take 1.1 s)."""
        def load_word_tag(self, f):
            import pickle
            path = _cache_dir() / f"pos-tags-{jieba.__version__}.pickle"
            try:
                with open(path, "rb") as cached:
                    self.word_tag_tab = pickle.load(cached)
                f.close()
                return
            except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
                pass
            super().load_word_tag(f)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as out:
                pickle.dump(self.word_tag_tab, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)

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
