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
from kg.model import Document, Mention, Sentence


@lru_cache(maxsize=1)
def _matcher() -> lexicon.TermMatcher:
    deictic = set(lexicon.load("place_deictic.txt"))
    return lexicon.TermMatcher({name: canonical for name, (kind, canonical) in lexicon.places().items()
                                if name not in deictic})


# an anonymised place: placeholders plus an administrative unit (X市, ××镇××村)
ANONYMISED_RE = re.compile(r"(?:[Xx×＊*_＿]+(?:省|市|县|区|镇|乡|村))+")
# a list of short names closed by 等 and the kind of place they are (孟坝、平泉、新集等小城镇)
LISTED_RE = re.compile(r"((?:[\u4e00-\u9fff]{2,3}、)+[\u4e00-\u9fff]{2,3})等(?:\d+个)?(?:小城镇|乡镇|重点镇|镇|乡|村|县|市|地区|省份|城市)")


FUNCTION_CHARS = set("了的在和与及是对把从向到为以")


def _listed(doc: Document, s: Sentence) -> list[Mention]:
    found = []
    for m in LISTED_RE.finditer(s.text):
        pos = m.start(1)
        for i, name in enumerate(m.group(1).split("、")):
            skip = 1 if i == 0 and len(name) == 3 and name[0] in FUNCTION_CHARS else 0
            found.append(mention(doc, s, pos + skip, pos + len(name), "Place"))
            pos += len(name) + 1
    return found


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    for s in sentences:
        found += [mention(doc, s, m.start(), m.end(), "Place") for m in ANONYMISED_RE.finditer(s.text)]
        found += _listed(doc, s)
        for start, end, term, canonical in _matcher().find(s.text):
            if glued_into_word(s.text, start, end):
                continue
            found.append(mention(doc, s, start, end, "Place", canonical=canonical))
    return found
