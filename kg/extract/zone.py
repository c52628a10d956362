"""Development zones: designations as written (综合保税区, 省级开发区) and named zones made of
a name plus a zone head (青川经济技术开发区, X产业园, 市开发区). A bare head used as a
category (开发区, 园区) is generic and left out."""
from __future__ import annotations

from collections import Counter
from functools import lru_cache, partial

from kg import lexicon
from kg.extract.base import PLACEHOLDER_RUN, mention
from kg.extract.enumeration import listed_mentions
from kg.model import Document, Mention, Sentence
from kg.segment import pos_tag

ADMIN_PREFIXES = ("市", "县", "区", "州", "镇")   # 市开发区: the city's own zone
PORT_AREA = "港区"
MAX_NAME_CHARS = 12
MAX_NAME_TOKENS = 3
# jieba POS flags of words that can be part of a zone's name
NAME_PART_FLAGS = {"n", "ns", "nz", "nt", "nrt", "j", "b", "an", "eng", "vn"}
LEADING_EXCLUDED_FLAGS = {"vn", "v"}


@lru_cache(maxsize=1)
def _heads() -> lexicon.TermMatcher:
    terms = set(lexicon.load("zone_suffixes.txt")) | set(lexicon.load("zone_designations.txt"))
    return lexicon.TermMatcher({t: t for t in terms})


_designations = partial(lexicon.terms, "zone_designations.txt")


@lru_cache(maxsize=1)
def _ranks() -> tuple[str, ...]:
    return tuple(sorted(lexicon.load("zone_ranks.txt", folder="patterns"), key=len, reverse=True))


def _rank_start(text: str, head_start: int) -> int:
    """处级开发区, 省级以上开发区: a rank written right before the head names a class of zone."""
    before = text[max(0, head_start - 6):head_start]
    rank = next((r for r in _ranks() if before.endswith(r)), "")
    return head_start - len(rank)


_generic = partial(lexicon.terms, "zone_generic.txt")


@lru_cache(maxsize=1)
def _stop() -> frozenset:
    return frozenset(lexicon.load("program_left_stop.txt", folder="patterns")) | frozenset(
        lexicon.load("zone_left_stop.txt", folder="patterns")) | frozenset(
        lexicon.load("zone_not_name.txt", folder="patterns")) | frozenset(lexicon.load("place_deictic.txt"))


_name_verbs = partial(lexicon.terms, "zone_name_verbs.txt", folder="patterns")


@lru_cache(maxsize=1)
def _places() -> dict:
    return lexicon.places()


def _name_start(s: Sentence, head_start: int) -> int:
    """Extend left from a zone head over name parts: place names, placeholders, proper and
    common nouns (青川, 省际合作, 专业); a noun-verb may stand inside the name (合作) but
    not lead it (研判开发区, 发展开发区)."""
    words, past_place = [], False
    for word, flag in reversed(pos_tag(s.text[max(0, head_start - MAX_NAME_CHARS):head_start])):
        placeholder = PLACEHOLDER_RUN.fullmatch(word) is not None
        # 开发开放先导区: a verb of a zone type's name stands inside it, after its place
        inner_verb = word in _name_verbs() and all(w in _name_verbs() for w, _, _ in words)
        if len(words) == MAX_NAME_TOKENS or word in _stop() or not (
                placeholder or word in _places() or flag in NAME_PART_FLAGS or inner_verb):
            break
        if not placeholder and len(word) < 2:
            break
        if flag == "vn" and words and not inner_verb:
            break           # 合作园区, but not 研究青川开发区: an action only right before the head
        is_place = flag == "ns" or word in _places()
        if past_place and not (placeholder or is_place or flag == "j"):
            break           # 江苏苏州工业园区, but not 专题研究青川经开区: left of its place, only
                            # places (or an abbreviation) belong to a zone's name
        past_place = past_place or is_place
        words.append((word, "v" if inner_verb else flag, placeholder))
    while words and words[-1][1] in LEADING_EXCLUDED_FLAGS and not words[-1][2]:
        words.pop()
    if any(w.endswith("型") and len(w) > 2 for w, _, _ in words):
        return head_start   # 资源节约型园区, 外向型园区: a description of a kind of zone, not a name
    start = head_start - sum(len(w) for w, _, _ in words)
    if start == head_start:
        return _admin_prefix(s.text, head_start)
    return start


def _port_start(text: str, head_start: int) -> int | None:
    """Where the port's name starts before 港区 (临江港综合港区, 南港港|散货港区): the
    words back to one ending in 港, and the name before a bare 港; None without a port."""
    lo = max(0, head_start - 10)
    words = pos_tag(text[lo:head_start])
    pos, taken = head_start, 0
    for i in range(len(words) - 1, -1, -1):
        word, flag = words[i]
        if taken == 3 or not (flag.startswith(("n", "j", "v", "b")) and is_cjk_word(word)):
            return None
        pos, taken = pos - len(word), taken + 1
        if word.endswith("港"):
            if word == "港":
                if i == 0 or not words[i - 1][1].startswith("n") or len(words[i - 1][0]) < 2:
                    return None
                pos -= len(words[i - 1][0])
            return pos
    return None


def is_cjk_word(word: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in word)


def _admin_prefix(text: str, head_start: int) -> int:
    """市开发区, 县开发区: a lone 市/县 standing as its own word right before the head."""
    if head_start == 0 or text[head_start - 1] not in ADMIN_PREFIXES:
        return head_start
    from kg.segment import tokens_with_offsets
    lo = max(0, head_start - 4)
    for word, ws, we in tokens_with_offsets(text[lo:head_start]):
        if we + lo == head_start:
            return head_start - 1 if word == text[head_start - 1] else head_start
    return head_start


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    for s in sentences:
        for start, end, term, _ in _heads().find(s.text):
            name_start = min(_name_start(s, start), _rank_start(s.text, start))
            port_start = _port_start(s.text, start) if term == PORT_AREA else None
            if port_start is not None:
                # 临江港综合港区: a port's own area is a named area (a Place), not a zone
                found.append(mention(doc, s, port_start, end, "Place"))
            elif name_start < start:
                # 县工业集中区: a designation with a bare administrative level is that designation
                bare_level = start - name_start == 1 and s.text[name_start] in ADMIN_PREFIXES
                canonical = term if bare_level and term in _designations() else None
                found.append(mention(doc, s, name_start, end, "Zone", canonical=canonical))
            elif term in _designations() and term not in _generic():
                found.append(mention(doc, s, start, end, "Zone"))
        # 中日、中韩等国际合作园区: zones named by their partners; 化工、医药等园区 lists
        # the industries of parks, not parks
        found += listed_mentions(doc, s, "Zone", keep=lambda item, _: item.text not in lexicon.industry_map())
    return found


def subject_zone(mentions: list[Mention]) -> tuple[str, str] | None:
    """The speech's own zone: an anonymised one (X开发区) if any, else the most mentioned."""
    zones = Counter(m.key for m in mentions if m.type == "Zone")
    if not zones:
        return None
    anonymised = [k for k in zones if PLACEHOLDER_RUN.search(k[1])]
    return max(anonymised or zones, key=lambda k: (zones[k], k))
