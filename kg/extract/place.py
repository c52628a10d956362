"""Named places: provinces, prefecture cities, regions, countries (kg/lexicons/places.tsv).

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
    """County-level names (kg/lexicons/counties.tsv): full and short name → canonical."""
    result = {}
    for row in lexicon.load("counties.tsv"):
        name, short = row[0], row[2] if len(row) > 2 and row[2] else row[0]
        result[name] = short
        result.setdefault(short, short)
    return result


@lru_cache(maxsize=1)
def _matcher() -> lexicon.TermMatcher:
    deictic = set(lexicon.load("place_deictic.txt"))
    names = {name: canonical for name, canonical in counties().items()}
    names.update({name: canonical for name, (kind, canonical) in lexicon.places().items()})
    return lexicon.TermMatcher({name: canonical for name, canonical in names.items()
                                if name not in deictic})


def _attributive(text: str, end: int) -> bool:
    """A name qualifying a doctrine or style (…特色社会主义, …式现代化) is not a place mention."""
    return any(text.startswith(w, end) for w in lexicon.terms("place_attributive.txt", folder="patterns"))


# an anonymised place: placeholders plus an administrative unit (X市, ××镇××村)
ANONYMISED_RE = re.compile(r"(?:[Xx×＊*_＿]+(?:省|市|县|区|镇|乡|村))+")


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    for s in sentences:
        found += [mention(doc, s, m.start(), m.end(), "Place") for m in ANONYMISED_RE.finditer(s.text)]
        found += listed_mentions(doc, s, "Place", max_item=3)   # 孟坝、平泉等小城镇
        for start, end, term, canonical in _matcher().find(s.text):
            if glued_into_word(s.text, start, end) or _attributive(s.text, end):
                continue
            found.append(mention(doc, s, start, end, "Place", canonical=canonical))
    return found
