"""Development zones: designations as written (综合保税区, 省级开发区) and named zones made of
a name plus a zone head (青川经济技术开发区, X产业园, 市开发区). A bare head used as a
category (开发区, 园区) is generic and left out."""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

from kg import lexicon
from kg.extract.base import PLACEHOLDER_RUN, is_cjk, mention
from kg.model import Document, Mention, Sentence

ADMIN_PREFIXES = ("市", "县", "区", "省", "州", "镇")   # 市开发区: the city's own zone
NAME_FREQ_LIMIT = 100     # jieba frequency above which a word is ordinary, not a name part
MAX_NAME_CHARS = 12


@lru_cache(maxsize=1)
def _heads() -> lexicon.TermMatcher:
    terms = set(lexicon.load("zone_suffixes.txt")) | set(lexicon.load("zone_designations.txt"))
    return lexicon.TermMatcher({t: t for t in terms})


@lru_cache(maxsize=1)
def _designations() -> frozenset:
    return frozenset(lexicon.load("zone_designations.txt"))


@lru_cache(maxsize=1)
def _generic() -> frozenset:
    return frozenset(lexicon.load("zone_generic.txt"))


@lru_cache(maxsize=1)
def _places() -> dict:
    return lexicon.places()


def _name_start(s: Sentence, head_start: int, tokens) -> int:
    """Extend left from a zone head over name parts: place names, placeholders, proper
    nouns jieba does not know; a lone 市/县 right before the head (市开发区)."""
    from kg.segment import tokenizer
    freq = tokenizer().FREQ
    start = head_start
    for word, ws, we in reversed(tokens):
        if we > start:
            continue
        if we < start or head_start - ws > MAX_NAME_CHARS:
            break
        if PLACEHOLDER_RUN.fullmatch(word) or word in _places():
            start = ws
        elif len(word) >= 2 and all(is_cjk(c) for c in word) and (freq.get(word) or 0) <= NAME_FREQ_LIMIT:
            start = ws
        else:
            break
    if start == head_start and head_start > 0 and s.text[head_start - 1] in ADMIN_PREFIXES:
        before = s.text[head_start - 2] if head_start > 1 else ""
        if not is_cjk(before) or before in "全各本我该":
            return head_start if before in "全各本该" else head_start - 1
    return start


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    from kg.segment import tokens_with_offsets
    found = []
    for s in sentences:
        heads = _heads().find(s.text)
        if not heads:
            continue
        tokens = tokens_with_offsets(s.text)
        for start, end, term, _ in heads:
            name_start = _name_start(s, start, tokens)
            if name_start < start:
                found.append(mention(doc, s, name_start, end, "Zone"))
            elif term in _designations() and term not in _generic():
                found.append(mention(doc, s, start, end, "Zone"))
    return found


def subject_zone(mentions: list[Mention]) -> tuple[str, str] | None:
    """The speech's own zone: an anonymised one (X开发区) if any, else the most mentioned."""
    zones = Counter(m.key for m in mentions if m.type == "Zone")
    if not zones:
        return None
    anonymised = [k for k in zones if PLACEHOLDER_RUN.search(k[1])]
    return max(anonymised or zones, key=lambda k: (zones[k], k))
