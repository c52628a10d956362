"""Industries and sectors, from the industry lexicon (GB/T 4754-2017, 战略性新兴产业分类 2018).

Labels follow the guideline: a trailing 产业/行业/产业链/产业集群 is dropped where the rest
still names the sector (汽车产业 → 汽车); evaluative categories (主导产业) are left out.
"""
from __future__ import annotations

from functools import lru_cache

from kg import lexicon
from kg.extract.base import glued_into_word, mention
from kg.model import Document, Mention, Sentence


@lru_cache(maxsize=1)
def _matcher() -> lexicon.TermMatcher:
    generic = set(lexicon.load("industry_generic.txt"))
    return lexicon.TermMatcher({t: c for t, c in lexicon.industry_map().items()
                                if t not in generic and c not in generic})


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    for s in sentences:
        for start, end, term, canonical in _matcher().find(s.text):
            if not glued_into_word(s.text, start, end):
                found.append(mention(doc, s, start, end, "Industry", label=canonical, written=term))
    return found
