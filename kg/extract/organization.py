"""Organisations: government and party bodies from the lexicon, and bodies named before a
head (…公司, …银行, …领导小组, …部门; kg/lexicons/org_suffixes.txt). Generic plurals
(各部门, 企业) are left out."""
from __future__ import annotations

import re
from functools import lru_cache, partial

from kg import lexicon
from kg.extract.base import glued_into_word, mention
from kg.extract.enumeration import listed_mentions
from kg.segment import pos_tag
from kg.model import Document, Mention, Sentence

MAX_NAME_CHARS = 10
HIDDEN_BEFORE = re.compile(r"[Xx×＊*_＿]+$")
# POS flags of words that can name a body: nouns, place and proper names, abbreviations
NAME_PART_FLAGS = ("n", "j", "eng", "a", "b")
# a body set up for a task is named after it, verbs included (创建文明城市|领导小组)
TASK_NAME_FLAGS = ("v",)


@lru_cache(maxsize=1)
def _matcher() -> lexicon.TermMatcher:
    generic = set(lexicon.load("org_generic.txt"))
    return lexicon.TermMatcher({t: t for t in lexicon.load("organizations.txt") if t not in generic})


@lru_cache(maxsize=1)
def _company_stop() -> frozenset:
    """Words that end a company name on its left: generic bodies, verbs, function words."""
    return frozenset(lexicon.load("org_generic.txt")) | frozenset(
        lexicon.load("program_left_stop.txt", folder="patterns"))


_task_heads = partial(lexicon.terms, "org_task_heads.txt")
_task_stop = partial(lexicon.terms, "org_task_stop.txt", folder="patterns")


@lru_cache(maxsize=1)
def _heads() -> lexicon.TermMatcher:
    return lexicon.TermMatcher({t: t for t in lexicon.load("org_suffixes.txt")})


def _headed(doc: Document, s: Sentence) -> list[Mention]:
    """A body named by the nouns right before its head: 依托中盛公司 → 中盛公司,
    整治河道环境领导小组, 甘肃银行. A bare or generic head (有关部门) is left out."""
    found = []
    for h_start, h_end, head, _ in _heads().find(s.text):
        words = pos_tag(s.text[max(0, h_start - MAX_NAME_CHARS):h_start])
        start, taken = h_start, 0
        task = head in _task_heads()
        flags = NAME_PART_FLAGS + TASK_NAME_FLAGS if task else NAME_PART_FLAGS
        for word, flag in reversed(words):
            # a noun of the task stays in its name (基层|党建工作领导小组)
            stop = word in _company_stop() and not (task and flag.startswith("n"))
            if taken == (4 if task else 3) or not flag.startswith(flags) or stop \
                    or _heads().find(word) or (task and word in _task_stop()):
                break
            start, taken = start - len(word), taken + 1
        name = s.text[start:h_end]
        if h_start - start >= 2 and name not in _company_stop():
            found.append(mention(doc, s, start, h_end, "Organization"))
    return found


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    for s in sentences:
        for start, end, term, _ in _matcher().find(s.text):
            if not glued_into_word(s.text, start, end):
                # an anonymised body keeps its placeholder (x省委): it is that place's body
                hidden = HIDDEN_BEFORE.search(s.text[max(0, start - 8):start])
                start -= len(hidden.group()) if hidden else 0
                found.append(mention(doc, s, start, end, "Organization"))
        found += _headed(doc, s)
        # 商务、林业、人社等部门: departments or firms named before their kind
        found += listed_mentions(doc, s, "Organization", keep=_body_item)
    return found


def _body_item(item, items) -> bool:
    """A listed body is named, not generic (企业、高校等单位 lists kinds of bodies)."""
    return item.text not in _company_stop()
