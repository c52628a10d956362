"""Organisations: government and party bodies from the lexicon, and companies by their head
(…公司, …集团). Generic plurals (各部门, 企业) are left out."""
from __future__ import annotations

import re
from functools import lru_cache

from kg import lexicon
from kg.extract.base import glued_into_word, mention
from kg.segment import pos_tag
from kg.model import Document, Mention, Sentence

COMPANY_HEAD_RE = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|公司|集团)")
MAX_COMPANY_NAME = 10


@lru_cache(maxsize=1)
def _matcher() -> lexicon.TermMatcher:
    generic = set(lexicon.load("org_generic.txt"))
    return lexicon.TermMatcher({t: t for t in lexicon.load("organizations.txt") if t not in generic})


@lru_cache(maxsize=1)
def _company_stop() -> frozenset:
    """Words that end a company name on its left: generic bodies, verbs, function words."""
    return frozenset(lexicon.load("org_generic.txt")) | frozenset(
        lexicon.load("program_left_stop.txt", folder="patterns"))


def _companies(doc: Document, s: Sentence) -> list[Mention]:
    """…公司/…集团 named by the nouns right before the head (依托中盛公司 → 中盛公司)."""
    found = []
    for m in COMPANY_HEAD_RE.finditer(s.text):
        lo = max(0, m.start() - MAX_COMPANY_NAME)
        words = pos_tag(s.text[lo:m.start()])
        start, taken = m.start(), 0
        for word, flag in reversed(words):
            if taken == 3 or not (flag[0] in "nj" or flag in ("eng", "a", "b")) or word in _company_stop():
                break
            start, taken = start - len(word), taken + 1
        if m.start() - start >= 2:
            found.append(mention(doc, s, start, m.end(), "Organization"))
    return found


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    for s in sentences:
        for start, end, term, _ in _matcher().find(s.text):
            if not glued_into_word(s.text, start, end):
                found.append(mention(doc, s, start, end, "Organization"))
        found += _companies(doc, s)
    return found
