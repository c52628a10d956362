"""Industries and sectors, from the industry lexicon (GB/T 4754-2017, 战略性新兴产业分类 2018).

Labels follow the guideline: a trailing 产业/行业/产业链/产业集群 is dropped where the rest
still names the sector (汽车产业 → 汽车); evaluative categories (主导产业) are left out.
"""
from __future__ import annotations

from functools import lru_cache, partial

from kg import lexicon
from kg.extract.base import glued_into_word, mention
from kg.extract.enumeration import listed_mentions
from kg.model import Document, Mention, Sentence


@lru_cache(maxsize=1)
def _matcher() -> lexicon.TermMatcher:
    generic = _generic_words()
    return lexicon.TermMatcher({t: c for t, c in lexicon.industry_map().items()
                                if t not in generic and c not in generic})


@lru_cache(maxsize=1)
def _context_words() -> tuple[str, ...]:
    return tuple(lexicon.load("industry_context.txt", folder="patterns"))


def _named_as_industry(text: str, matches, i: int) -> bool:
    """A short bare sector word (环保, 物流) counts when a sector word follows it (物流产业),
    or it stands in a list of sectors (新能源、新材料、环保)."""
    start, end, term, canonical = matches[i]
    # a short name of a sector whose label ends in 产业 (二产 → 第二产业) is never an ordinary word
    if len(term) > 2 or term.endswith("业") or (canonical != term and canonical.endswith("产业")):
        return True
    if text.startswith(_context_words(), end):
        return True
    before = matches[i - 1] if i > 0 else None
    after = matches[i + 1] if i + 1 < len(matches) else None
    return bool((before and start - before[1] == 1 and text[before[1]] in "、和及与")
                or (after and after[0] - end == 1 and text[end] in "、和及与"))


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    for s in sentences:
        matches = _matcher().find(s.text)
        for i, (start, end, term, canonical) in enumerate(matches):
            if not glued_into_word(s.text, start, end) and _named_as_industry(s.text, matches, i) \
                    and not s.text.startswith(_facility_words(), end):
                found.append(mention(doc, s, start, end, "Industry", label=canonical, written=term))
        found += listed_mentions(doc, s, "Industry", keep=_sector_item)   # 肉羊、肉牛产业
    return found


SECTOR_NOUN_FLAGS = {"n", "nz", "ng"}


def _sector_item(item, items) -> bool:
    """An item of a list closed by 产业: a sector is named by nouns (肉羊, 苗林), not by a
    clause (有特色的, 培育科技), and is not an evaluative category (主导、特色产业)."""
    from kg.segment import pos_tag
    return item.text not in _generic_words() and not item.text.endswith(_item_stop()) and all(
        flag in SECTOR_NOUN_FLAGS for _, flag in pos_tag(item.text))


_generic_words = partial(lexicon.terms, "industry_generic.txt")


@lru_cache(maxsize=1)
def _facility_words() -> tuple[str, ...]:
    return tuple(lexicon.load("industry_facility.txt", folder="patterns"))


@lru_cache(maxsize=1)
def _item_stop() -> tuple[str, ...]:
    return tuple(lexicon.load("industry_item_stop.txt", folder="patterns"))
