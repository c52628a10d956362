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
    """Load the tokenizers now, the POS tags whole: worker processes forked later share them
    (and no SQLite connection crosses the fork)."""
    tokenizer()
    tags = _pos_tokenizer().word_tag_tab
    if isinstance(tags, PosTags):
        tags.load_whole()


@lru_cache(maxsize=1)
def _pos_tokenizer():
    posseg = _import_posseg()

    class CachedTags(posseg.POSTokenizer):
        """jieba reads its 350,000-line dictionary again for the POS tags at every start
        (1.7 s): the tags are read from the cache folder instead (:class:`PosTags`), and
        the dictionary parsed only when the cache is missing or broken."""
        def load_word_tag(self, f):
            tags = PosTags.open(self, _cache_dir())
            if tags is None:
                super().load_word_tag(f)
                PosTags.write(_cache_dir(), self.word_tag_tab)
                return
            f.close()
            self.word_tag_tab = tags

    return CachedTags(tokenizer())


# past this many lookups the whole table (0.1–0.2 s to load) costs less than more lookups
# (about 8 µs each): a rebuild that extracts a few speeches looks up some hundred words,
# 1,000 speeches about ten thousand to a few hundred thousand
TAG_LOOKUPS_BEFORE_LOADING = 20_000


class PosTags:
    """jieba's POS tags of its dictionary's words, for jieba.posseg (which calls only
    ``get`` and ``update``, the latter with the user words), kept in the cache folder in
    two forms: an SQLite table looked up a word at a time, and a pickle of the whole table
    (pickle shares the few distinct tag strings). Past TAG_LOOKUPS_BEFORE_LOADING lookups
    the whole table is loaded and handed to the tokenizer in place of this object."""

    def __init__(self, owner, folder: Path, connection):
        self._owner, self._folder, self._db = owner, folder, connection
        self._known: dict[str, str | None] = {}      # words looked up (None: no tag)
        self._user: dict[str, str] = {}
        self._lookups = 0

    @staticmethod
    def _paths(folder: Path) -> tuple[Path, Path]:
        stem = f"pos-tags-{jieba.__version__}"
        return folder / f"{stem}.sqlite", folder / f"{stem}.pickle"

    @classmethod
    def open(cls, owner, folder: Path):
        """The tags from the cache folder: a PosTags over the table, the whole table if only
        the pickle is readable (the table is written again), or None if neither is."""
        import sqlite3
        table, _ = cls._paths(folder)
        try:
            connection = sqlite3.connect(f"file:{table}?mode=ro", uri=True, check_same_thread=False)
            connection.execute("SELECT tag FROM tags LIMIT 1").fetchall()
            return cls(owner, folder, connection)
        except sqlite3.Error:
            pass
        whole = cls._read_pickle(folder)
        if whole is not None:
            cls.write(folder, whole)
        return whole

    @classmethod
    def _read_pickle(cls, folder: Path) -> dict | None:
        import pickle
        try:
            whole = pickle.loads(cls._paths(folder)[1].read_bytes())
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
            return None
        return whole if isinstance(whole, dict) and whole else None

    @classmethod
    def write(cls, folder: Path, tags: dict) -> None:
        """Both forms of ``tags``, each written to a temporary file and renamed into place."""
        import pickle
        import sqlite3
        table, pickled = cls._paths(folder)
        tmp = pickled.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(tags, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, pickled)
        tmp = table.with_suffix(f".{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        with sqlite3.connect(tmp) as connection:
            connection.execute("CREATE TABLE tags (word TEXT PRIMARY KEY, tag TEXT NOT NULL) WITHOUT ROWID")
            connection.executemany("INSERT INTO tags VALUES (?, ?)", tags.items())
        connection.close()
        os.replace(tmp, table)

    def update(self, tags: dict) -> None:
        self._user.update(tags)

    def get(self, word: str, default=None):
        tag = self._user.get(word)
        if tag is not None:
            return tag
        if word not in self._known:
            self._lookups += 1
            if self._lookups > TAG_LOOKUPS_BEFORE_LOADING:
                return self.load_whole().get(word, default)
            row = self._db.execute("SELECT tag FROM tags WHERE word = ?", (word,)).fetchone()
            self._known[word] = row[0] if row else None
        tag = self._known[word]
        return default if tag is None else tag

    def load_whole(self) -> dict:
        """The whole table (with the user words), now the tokenizer's own."""
        whole = self._read_pickle(self._folder)
        if whole is None:                    # the pickle is gone: the table holds the same
            whole = dict(self._db.execute("SELECT word, tag FROM tags"))
        whole.update(self._user)
        self._db.close()
        self._owner.word_tag_tab = whole
        return whole


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
