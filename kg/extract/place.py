"""Named places: provinces, prefecture cities, regions, countries (kg/lexicons/places.tsv),
counties (kg/lexicons/counties.tsv; a short name such as 镇原 only where the speech also
writes the full name 镇原县 or where a place's noun follows it, 镇原人民, since many short
names are also ordinary words).

Labelled as written (吉林省 and 吉林 both occur; linking merges them by their canonical
name). Deictic areas (全省, 我市) are not in the lexicon and so never found. A place that
only occurs inside a longer name (常德 in 常德经开区) loses to that name in overlap resolution.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg import lexicon
from kg.extract.base import glued_into_word, mention
from kg.extract.enumeration import listed_mentions
from kg.model import Document, Mention, Sentence


@lru_cache(maxsize=1)
def counties() -> dict[str, str]:
    """County-level full names (kg/lexicons/counties.tsv) → short name (the canonical)."""
    return {row[0]: row[2] if len(row) > 2 and row[2] else row[0] for row in lexicon.load("counties.tsv")}


@lru_cache(maxsize=1)
def _matcher() -> lexicon.TermMatcher:
    deictic = set(lexicon.load("place_deictic.txt"))
    return lexicon.TermMatcher({name: canonical for name, (kind, canonical) in lexicon.places().items()
                                if name not in deictic})


# the last character of a county-level full name (镇原县, 翁牛特旗, 宁城县, 七星关区)
COUNTY_END_RE = re.compile("[县旗市区]")


@lru_cache(maxsize=1)
def _county_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(n) for n in counties()}, reverse=True))


@lru_cache(maxsize=1)
def _county_tails() -> frozenset:
    return frozenset(name[-2:] for name in counties())


def _county_spans(text: str) -> list[tuple[int, int, str]]:
    """County full names, found from their last character: 2,600 names in the place matcher
    would make it three times slower (a wider automaton), and these end in four characters."""
    spans = []
    for m in COUNTY_END_RE.finditer(text):
        end = m.end()
        if text[end - 2:end] not in _county_tails():
            continue            # most 市/区 end other words (全市, 园区)
        for length in _county_lengths():
            if end - length >= 0 and text[end - length:end] in counties():
                spans.append((end - length, end, text[end - length:end]))
                break
    return spans


@lru_cache(maxsize=1)
def _short_names() -> dict[str, str]:
    return {short: short for name, short in counties().items() if short != name}


@lru_cache(maxsize=1)
def _collocation_re() -> re.Pattern:
    words = sorted(lexicon.terms("place_collocations.txt", folder="patterns"), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


def _collocated_shorts(text: str) -> list[tuple[int, int, str]]:
    """翁牛特人民, 镇原大地: a county's short name right before a place's noun."""
    spans = []
    for m in _collocation_re().finditer(text):
        for length in (4, 3, 2):
            start = m.start() - length
            if start >= 0 and text[start:m.start()] in _short_names():
                spans.append((start, m.start(), text[start:m.start()]))
                break
    return spans


def _short_spans(text: str, shorts: dict[str, str]) -> list[tuple[int, int, str]]:
    spans = []
    for short in shorts:
        at = text.find(short)
        while at >= 0:
            spans.append((at, at + len(short), short))
            at = text.find(short, at + len(short))
    return spans


def _attributive(text: str, end: int) -> bool:
    """A name qualifying a doctrine or style (…特色社会主义, …式现代化) is not a place mention."""
    return any(text.startswith(w, end) for w in lexicon.terms("place_attributive.txt", folder="patterns"))


# an anonymised place: placeholders plus an administrative unit (X市, ××镇××村)
ANONYMISED_RE = re.compile(r"(?:[Xx×＊*_＿]+(?:省|市|县|区|镇|乡|村))+")


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    shorts: dict[str, str] = {}        # short names of the counties this speech names in full
    for s in sentences:
        found += [mention(doc, s, m.start(), m.end(), "Place") for m in ANONYMISED_RE.finditer(s.text)]
        found += listed_mentions(doc, s, "Place", max_item=3)   # 孟坝、平泉等小城镇
        for start, end, term, canonical in _matcher().find(s.text):
            if glued_into_word(s.text, start, end) or _attributive(s.text, end):
                continue
            found.append(mention(doc, s, start, end, "Place", canonical=canonical))
        for start, end, name in _county_spans(s.text):
            short = counties()[name]
            found.append(mention(doc, s, start, end, "Place", canonical=short))
            if short != name:
                shorts[short] = short
        # 翁牛特人民: a county's short name right before a place's noun
        found += _short_mentions(doc, s, _collocated_shorts(s.text))
    # 镇原县 … 镇原的: a county's short name counts in a speech that names it in full
    if shorts:
        for s in sentences:
            found += _short_mentions(doc, s, _short_spans(s.text, shorts))
    return found


def _short_mentions(doc: Document, s: Sentence, spans) -> list[Mention]:
    return [mention(doc, s, start, end, "Place", canonical=short) for start, end, short in spans
            if not glued_into_word(s.text, start, end) and not _attributive(s.text, end)]
