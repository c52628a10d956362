"""Organisations: government and party bodies from the lexicon, and companies by their head
(…公司, …集团). Generic plurals (各部门, 企业) are left out."""
from __future__ import annotations

import re
from functools import lru_cache

from kg import lexicon
from kg.extract.base import glued_into_word, mention
from kg.extract.person import _starts_after_boundary
from kg.model import Document, Mention, Sentence

COMPANY_RE = re.compile(r"[\u4e00-\u9fffA-Za-z]{2,8}?(?:股份有限公司|有限责任公司|有限公司|公司|集团)")


@lru_cache(maxsize=1)
def _matcher() -> lexicon.TermMatcher:
    generic = set(lexicon.load("org_generic.txt"))
    return lexicon.TermMatcher({t: t for t in lexicon.load("organizations.txt") if t not in generic})


@lru_cache(maxsize=1)
def _company_stop() -> frozenset:
    return frozenset(lexicon.load("org_generic.txt"))


def _companies(doc: Document, s: Sentence) -> list[Mention]:
    found = []
    for m in COMPANY_RE.finditer(s.text):
        # shortest name after a word boundary: 支持格林美公司 → 格林美公司
        for start in range(m.end() - 4, m.start() - 1, -1):
            name = s.text[start:m.end()]
            if _starts_after_boundary(s.text, start) and name not in _company_stop():
                found.append(mention(doc, s, start, m.end(), "Organization"))
                break
    return found


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    for s in sentences:
        for start, end, term, _ in _matcher().find(s.text):
            if not glued_into_word(s.text, start, end):
                found.append(mention(doc, s, start, end, "Organization"))
        found += _companies(doc, s)
    return found
