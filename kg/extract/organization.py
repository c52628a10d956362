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


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    """Names of one body used interchangeably (kg/lexicons/org_aliases.tsv) → canonical."""
    return {row[0]: row[1] for row in lexicon.load("org_aliases.tsv") if isinstance(row, tuple)}


def _glued_head(text: str, end: int) -> bool:
    """The name's last character starts a head word (宣传部|门 reads 宣传|部门)."""
    return end < len(text) and text[end - 1:end + 1] in lexicon.terms("org_suffixes.txt")


def _bracketed_alias(found: list[Mention], text: str, offset: int) -> None:
    """A second name in brackets right after a body's name is the same body
    (党校（行政学院）: one institution, two names): it takes the first one's canonical."""
    by_end = {m.end - offset: m for m in found}
    for m in found:
        s = m.start - offset
        if s > 0 and text[s - 1] in "(（" and text[m.end - offset:m.end - offset + 1] in (")", "）"):
            outer = by_end.get(s - 1)
            if outer is not None and outer is not m:
                m.attrs["canonical"] = outer.attrs.get("canonical") or outer.label


QUOTED_RE = re.compile(r"[“”\"「]([\u4e00-\u9fff]{3,%d})[”“\"」]" % MAX_NAME_CHARS)


def _quoted(doc: Document, s: Sentence) -> list[Mention]:
    """A quoted name that ends in a body's head (“江北自修学院”, “临川实业集团”) names that
    body, whatever words it is made of."""
    found = []
    for m in QUOTED_RE.finditer(s.text):
        name = m.group(1)
        # a head that is also a generic body (部门, 公司) may close a metaphor (“服务部门”)
        heads = [h for h in lexicon.terms("org_suffixes.txt") if name.endswith(h)
                 and len(name) > len(h) + 1 and h not in lexicon.terms("org_generic.txt")]
        if heads and name not in _company_stop():
            found.append(mention(doc, s, m.start(1), m.end(1), "Organization"))
    return found


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    for s in sentences:
        mine = []
        for start, end, term, _ in _matcher().find(s.text):
            if not glued_into_word(s.text, start, end):
                if _glued_head(s.text, end):
                    end += 1
                # an anonymised body keeps its placeholder (x省委): it is that place's body
                hidden = HIDDEN_BEFORE.search(s.text[max(0, start - 8):start])
                start -= len(hidden.group()) if hidden else 0
                mine.append(mention(doc, s, start, end, "Organization",
                                    canonical=_aliases().get(s.text[start:end])))
        _bracketed_alias(mine, s.text, s.start)
        found += mine
        found += _headed(doc, s)
        if "“" in s.text or "”" in s.text or '"' in s.text or "「" in s.text:
            found += _quoted(doc, s)
        # 商务、林业、人社等部门: departments or firms named before their kind
        found += listed_mentions(doc, s, "Organization", keep=_body_item)
    return found


def _body_item(item, items) -> bool:
    """A listed body is named, not generic (企业、高校等单位 lists kinds of bodies)."""
    return item.text not in _company_stop()
