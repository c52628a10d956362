"""One loader for the folder of dictionaries (kg/lexicons, kg/patterns) and a fast matcher.

Data files hold one term a line, or TSV; lines starting with # are comments (each file
names its source at the top).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import ahocorasick

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_FOLDERS = ("lexicons", "patterns")


@lru_cache(maxsize=None)
def load(name: str, folder: str = "lexicons") -> list:
    """Terms of one data file; TSV lines become tuples. A missing file is an empty list."""
    path = PACKAGE_DIR / folder / name
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append(tuple(c.strip() for c in line.split("\t")) if "\t" in line else line.strip())
    return rows


@lru_cache(maxsize=None)
def terms(*names: str, folder: str = "lexicons") -> frozenset:
    """The terms of one or more data files in ``folder`` as one set (cached): what most
    rules ask of a word list, "is this word in it?"."""
    return frozenset(t for name in names for t in load(name, folder))


def lexicon_version() -> str:
    """A hash of every data file: caches keyed by it are invalidated when a lexicon changes."""
    h = hashlib.sha256()
    for folder in DATA_FOLDERS:
        for path in sorted((PACKAGE_DIR / folder).glob("*")):
            if path.is_file():
                h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


class TermMatcher:
    """Leftmost-longest, non-overlapping matches of many terms (Aho-Corasick).

    Every match is taken from ``iter`` and the longest kept here, not from pyahocorasick's
    own ``iter_long``, which has been known to miss matches (its issues #133, #185, #224)."""

    def __init__(self, terms: dict):
        self._automaton = ahocorasick.Automaton()
        for term, payload in terms.items():
            if term:
                self._automaton.add_word(term, (term, payload))
        self._empty = not terms
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[tuple[int, int, str, object]]:
        if self._empty:
            return []
        candidates = [(end_index - len(term) + 1, end_index + 1, term, payload)
                      for end_index, (term, payload) in self._automaton.iter(text)]
        if len(candidates) < 2:
            return candidates          # (most sentences match no term of a lexicon, or one)
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        result, last_end = [], 0
        for c in candidates:
            if c[0] >= last_end:
                result.append(c)
                last_end = c[1]
        return result


@lru_cache(maxsize=1)
def industry_map() -> dict[str, str]:
    return {row[0]: row[1] if len(row) > 1 and row[1] else row[0]
            for row in (r if isinstance(r, tuple) else (r,) for r in load("industries.tsv"))}


@lru_cache(maxsize=1)
def places() -> dict[str, tuple[str, str]]:
    """name → (kind, canonical short name); full and ≥2-char short names are both keys."""
    result = {}
    for row in load("places.tsv"):
        row = row if isinstance(row, tuple) else (row,)
        name, kind = row[0], row[1] if len(row) > 1 else ""
        short = row[2] if len(row) > 2 and row[2] else name
        result[name] = (kind, short)
        if len(short) >= 2:
            result.setdefault(short, (kind, short))
    return result
