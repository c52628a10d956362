"""jieba's two dictionary tables, kept in the cache folder so that a build need not load
them whole: the prefix frequencies (``Tokenizer.FREQ``: 500,000 entries, 0.2–0.3 s to
load) and the POS tags (``POSTokenizer.word_tag_tab``: 350,000, 0.1–0.2 s).

A rebuild that extracts a few speeches looks up a few thousand words, so each table is an
SQLite table looked up a word at a time (about 8 µs a word, each answer kept), over the
entries this build set itself (the lexicons' user words); past LOOKUPS_BEFORE_LOADING
lookups the whole table is loaded and put in the tokenizer in its place. jieba reads the
tables with ``in``, ``[]`` and ``get`` and writes them with ``[]=`` and ``update``.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import sqlite3
from pathlib import Path

import jieba

# past this many lookups loading the whole table costs less than looking up more words
LOOKUPS_BEFORE_LOADING = 20_000
_ABSENT = object()


class LazyTable:
    """A dictionary table of ``owner`` (its attribute ``attribute``) read from SQLite a key
    at a time; ``load_whole()`` gives the whole table, which then replaces this object."""

    def __init__(self, owner, attribute: str, connection, load_whole, overlay: dict | None = None):
        self._owner, self._attribute, self._db, self._load_whole = owner, attribute, connection, load_whole
        self._overlay = dict(overlay or {})        # entries set here, before the table's
        self._known: dict = {}                      # keys looked up (_ABSENT: not in the table)
        self._lookups = 0
        self._whole = None

    def _value(self, key):
        value = self._overlay.get(key, _ABSENT)
        if value is not _ABSENT:
            return value
        if self._whole is not None:
            return self._whole.get(key, _ABSENT)
        value = self._known.get(key, _ABSENT)
        if value is _ABSENT and key not in self._known:
            self._lookups += 1
            if self._lookups > LOOKUPS_BEFORE_LOADING:
                return self.load_whole().get(key, _ABSENT)
            row = self._db.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
            value = self._known[key] = row[0] if row else _ABSENT
        return value

    def get(self, key, default=None):
        value = self._value(key)
        return default if value is _ABSENT else value

    def __contains__(self, key) -> bool:
        return self._value(key) is not _ABSENT

    def __getitem__(self, key):
        value = self._value(key)
        if value is _ABSENT:
            raise KeyError(key)
        return value

    def __setitem__(self, key, value) -> None:
        self._overlay[key] = value
        if self._whole is not None:
            self._whole[key] = value

    def update(self, entries: dict) -> None:
        for key, value in entries.items():
            self[key] = value

    def load_whole(self) -> dict:
        """The whole table with the entries set here, now the owner's own."""
        if self._whole is None:
            whole = self._load_whole()
            if whole is None:                 # its other form is gone: the table holds the same
                whole = dict(self._db.execute("SELECT key, value FROM entries"))
            whole.update(self._overlay)
            self._whole = whole
            self._db.close()
            setattr(self._owner, self._attribute, whole)
        return self._whole


def open_table(path: Path):
    """A read-only connection to a table written by :func:`write_table`, or None."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        connection.execute("SELECT value FROM entries LIMIT 1").fetchall()
        return connection
    except sqlite3.Error:
        return None


def write_table(path: Path, entries: dict) -> None:
    """``entries`` as an SQLite table, written beside ``path`` and renamed into place (a
    cache: if it cannot be written, the next run loads the tables whole again)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.unlink(missing_ok=True)
        with sqlite3.connect(tmp) as connection:
            connection.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, value) WITHOUT ROWID")
            connection.executemany("INSERT INTO entries VALUES (?, ?)", entries.items())
        connection.close()
        os.replace(tmp, path)
    except (OSError, sqlite3.Error):
        tmp.unlink(missing_ok=True)


def write_bytes(path: Path, data: bytes) -> None:
    """``data`` written beside ``path`` and renamed into place (a cache, as write_table)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def read_pickle(path: Path):
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, IndexError):
        return None


# ------------------------------------------------------------------ the POS tags

def _tag_paths(folder: Path) -> tuple[Path, Path]:
    stem = f"pos-tags-{jieba.__version__}"
    return folder / f"{stem}.sqlite", folder / f"{stem}.pickle"


def open_pos_tags(owner, folder: Path):
    """``owner``'s (a POSTokenizer's) tags from the cache folder: a LazyTable, the whole
    table if only its pickle is readable (the SQLite table is written again), or None."""
    table, pickled = _tag_paths(folder)
    connection = open_table(table)
    if connection is not None:
        return LazyTable(owner, "word_tag_tab", connection, lambda: _whole_dict(pickled))
    whole = _whole_dict(pickled)
    if whole is not None:
        write_table(table, whole)
    return whole


def write_pos_tags(folder: Path, tags: dict) -> None:
    """Both forms of jieba's POS tags (the pickle shares the few distinct tag strings)."""
    table, pickled = _tag_paths(folder)
    write_bytes(pickled, pickle.dumps(tags, protocol=pickle.HIGHEST_PROTOCOL))
    write_table(table, tags)


def _whole_dict(path: Path) -> dict | None:
    whole = read_pickle(path)
    return whole if isinstance(whole, dict) and whole else None


# ------------------------------------------------------------------ the prefix frequencies

def _prefix_table(folder: Path) -> Path:
    return folder / f"prefix-freq-{jieba.__version__}.sqlite"


def _user_words_path(folder: Path, words: list[tuple[str, int, str]]) -> Path:
    digest = hashlib.blake2b(repr((jieba.__version__, words)).encode("utf-8", "surrogatepass"), digest_size=12)
    return folder / f"user-words-{digest.hexdigest()}.pickle"


def attach_prefix_table(tok: jieba.Tokenizer, folder: Path, words: list[tuple[str, int, str]]) -> bool:
    """Give ``tok`` jieba's prefix frequencies as a LazyTable, with ``words`` (term, freq,
    tag) added as :func:`record_user_words` recorded them. False if either is missing."""
    connection = open_table(_prefix_table(folder))
    if connection is None:
        return False
    added = read_pickle(_user_words_path(folder, words))
    if not (isinstance(added, tuple) and len(added) == 3):
        connection.close()
        return False
    overlay, total, tags = added
    tok.FREQ = LazyTable(tok, "FREQ", connection, lambda: _jieba_cache(tok), overlay)
    tok.total, tok.user_word_tag_tab, tok.initialized = total, dict(tags), True
    return True


def write_prefix_table(folder: Path, freq: dict) -> None:
    """jieba's own prefix frequencies (before any user word) as the SQLite table, unless
    it is there already."""
    path = _prefix_table(folder)
    connection = open_table(path)
    if connection is None:
        write_table(path, freq)
    else:
        connection.close()


def record_user_words(tok: jieba.Tokenizer, folder: Path, words: list[tuple[str, int, str]]) -> None:
    """Add ``words`` to ``tok`` (whose FREQ is jieba's whole table) and keep what they
    changed: the entries of each term and its prefixes, the total, the POS tags."""
    touched = set()
    for term, freq, tag in words:
        tok.add_word(term, freq, tag)
        touched.update(term[:i] for i in range(1, len(term) + 1))
    overlay = {key: tok.FREQ[key] for key in touched}
    write_bytes(_user_words_path(folder, words),
                pickle.dumps((overlay, tok.total, dict(tok.user_word_tag_tab)), protocol=pickle.HIGHEST_PROTOCOL))


def read_jieba_cache(tok: jieba.Tokenizer) -> tuple[dict, int] | None:
    """jieba's cached prefix dictionary (``jieba.cache``, written by its first
    ``initialize``) read the way jieba would, but from the file's bytes at once: jieba's
    ``marshal.load`` on the open file reads it one object at a time (0.7–0.9 s, against
    0.25 s). None if there is no usable cache."""
    if tok.dictionary != jieba.DEFAULT_DICT:
        return None
    try:
        freq, total = marshal.loads((Path(tok.tmp_dir) / "jieba.cache").read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return (freq, total) if isinstance(freq, dict) and freq else None


def _jieba_cache(tok: jieba.Tokenizer) -> dict | None:
    cached = read_jieba_cache(tok)
    return cached and cached[0]
