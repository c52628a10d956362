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
def _matcher() -> lexicon.TermMatcher:
    deictic = set(lexicon.load("place_deictic.txt"))
    return lexicon.TermMatcher({name: canonical for name, (kind, canonical) in lexicon.places().items()
                                if name not in deictic})


# an anonymised place: placeholders plus an administrative unit (X市, ××镇××村)
ANONYMISED_RE = re.compile(r"(?:[Xx×＊*_＿]+(?:省|市|县|区|镇|乡|村))+")


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    for s in sentences:
        found += [mention(doc, s, m.start(), m.end(), "Place") for m in ANONYMISED_RE.finditer(s.text)]
        found += listed_mentions(doc, s, "Place", max_item=3)   # 孟坝、平泉等小城镇
        for start, end, term, canonical in _matcher().find(s.text):
            if glued_into_word(s.text, start, end):
                continue
            found.append(mention(doc, s, start, end, "Place", canonical=canonical))
    return found
