"""Programs: named policies, plans, strategies, campaigns, reforms, projects and documents.

Cues, strongest first: a book title 《…》; a quoted name “…” (with its head noun as an alias:
放管服 + “放管服”改革); a name ending in a program head (工业强市战略, 百项技改行动);
a numbered slogan (四个意识, 五加强五提高). Generic activities (招商引资) are left out.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg import lexicon
from kg.extract.base import PLACEHOLDER_RUN, is_cjk, mention
from kg.model import Document, Mention, Sentence
from kg.segment import pos_tag

BOOK_RE = re.compile(r"《([^《》\n]{2,60})》")
QUOTE_RE = re.compile(r"[“\"「『]([^“”\"「」『』\n]{2,40})[”\"」』]")
NUMERALS = "一二三四五六七八九十两双百千万"
# 一 is left out: 一个重要, 一朝一夕 are ordinary phrases, not counted slogans; a numeral
# right before (十九大精神) means a congress, not a slogan
SLOGAN_NUMERALS = "二三四五六七八九十两双百千万"
COUNTED_RE = re.compile(rf"(?<![{NUMERALS}])[{SLOGAN_NUMERALS}](?:个|大|种|项)([\u4e00-\u9fff]{{2}})")
PAIRED_RE = re.compile(rf"(?<![{NUMERALS}])([{SLOGAN_NUMERALS}])([\u4e00-\u9fff]{{1,2}})\1(?=[\u4e00-\u9fff])")
# quotes holding these are speech or emphasis (“要我干”, “能够做什么”), not a name
COLLOQUIAL = re.compile(r"[我你他她吗呢吧啊]|什么|怎样|怎么|有些|还能|但")
QUOTED_GOAL = re.compile(r"力争|争创|争当|晋升")
MAX_MODIFIER_TOKENS = 8
MIN_MODIFIER_CHARS = 4
# jieba POS flags of words that can be part of a program's name: nouns, names, noun-verbs,
# distinguishing words, numerals, abbreviations, idioms
NAME_PART_FLAGS = {"n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "vn", "v", "an", "a", "b", "m", "mq", "j", "l", "i", "eng"}
LEADING_VERB_FLAGS = {"v", "vd", "ad", "d", "a"}
MAX_LABEL_CHARS = 20
MEASURE_WORDS = set("户处个项条座家所台套批名")
CONJUNCTIONS = "和与及"


@lru_cache(maxsize=1)
def _heads() -> lexicon.TermMatcher:
    return lexicon.TermMatcher({t: t for t in lexicon.load("program_heads.txt")})


@lru_cache(maxsize=1)
def _known() -> lexicon.TermMatcher:
    return lexicon.TermMatcher({t: t for t in lexicon.load("programs_known.txt")})


@lru_cache(maxsize=1)
def _head_list() -> tuple[str, ...]:
    return tuple(sorted(lexicon.load("program_heads.txt"), key=len, reverse=True))


@lru_cache(maxsize=1)
def _generic() -> frozenset:
    return frozenset(lexicon.load("program_generic.txt"))


@lru_cache(maxsize=1)
def _left_stop() -> frozenset:
    return frozenset(lexicon.load("program_left_stop.txt", folder="patterns"))


@lru_cache(maxsize=1)
def _counted_stop() -> frozenset:
    return frozenset(lexicon.load("numbered_slogan_stop.txt", folder="patterns"))


def _meaningful(name: str) -> bool:
    core = PLACEHOLDER_RUN.sub("", name)
    return sum(map(is_cjk, core)) >= 2 and name not in _generic()


def _head_after(text: str, pos: int) -> str | None:
    for head in _head_list():
        if text.startswith(head, pos):
            return head
    return None


def _is_ordinary_word(name: str) -> bool:
    """A word of jieba's own dictionary (窗口, 两张皮, 四两拨千斤), not one of our lexicons'."""
    from kg.segment import USER_WORD_FREQ, tokenizer
    return 0 < (tokenizer().FREQ.get(name) or 0) < USER_WORD_FREQ


def _is_emphasis(s: Sentence, m: re.Match, name: str) -> bool:
    """A short quote of an ordinary word or idiom, a manner word (“输血式”), or one
    qualifying a noun (“时时放心不下”的责任感)."""
    return len(name) <= 5 and (_is_ordinary_word(name) or name.endswith("式")
                               or s.text.startswith("的", m.end()))


def _is_goal(name: str) -> bool:
    """A quoted goal (“力争…进入前三名”, “争创国家级”) is a target, not an initiative's name."""
    return bool(QUOTED_GOAL.search(name))


def _book_titles(doc, s) -> list[Mention]:
    return [mention(doc, s, m.start(), m.end(), "Program", label=m.group(1))
            for m in BOOK_RE.finditer(s.text) if _meaningful(m.group(1))]


def _quoted(doc, s) -> list[Mention]:
    """A quoted name is a program when something says so: a program head after it
    (“放管服”改革), a verb of carrying out before it (实施“…”), a numeral in it (“五个遍访”),
    or parallel clauses (“保增长、保民生、保稳定”). Other quotes are emphasis or metaphor
    (“保护伞”, “一把手”)."""
    found = []
    for m in QUOTE_RE.finditer(s.text):
        name = m.group(1)
        head = _head_after(s.text, m.end())
        if not _meaningful(name) or COLLOQUIAL.search(name) or name in _other_types() \
                or _is_goal(name):
            continue
        named = head or _carried_out(s.text, m.start()) or _followed_by_program_word(s.text, m.end()) \
            or _in_quote_list(s.text, m)
        if not (named or (_slogan_shaped(name) and not _is_emphasis(s, m, name))):
            continue
        parts = _standalone_parts(name, bool(head))
        if parts:
            found += [mention(doc, s, m.start(1) + at, m.start(1) + at + len(part), "Program")
                      for at, part in parts]
            continue
        end = m.end() + len(head) if head else m.end()
        alias = name + head if head else None
        found.append(mention(doc, s, m.start(), end, "Program", label=name, alias=alias))
    return found


def _standalone_parts(name: str, headed: bool) -> list[tuple[int, str]]:
    """A compound quoted slogan split where each half stands alone (guideline): the halves of
    a named strategy (“工业强县、产业富民”战略), or numbered slogans side by side
    (“一区四园、一线八域”). Short parallel clauses (“保增长、保民生”) stay whole."""
    parts, at = [], 0
    for part in name.split("、"):
        parts.append((at, part))
        at += len(part) + 1
    if len(parts) < 2:
        return []
    numbered = all(sum(c in NUMERALS for c in p) >= 2 for _, p in parts)
    if (headed and all(len(p) >= 4 for _, p in parts)) or numbered:
        return parts
    return []


@lru_cache(maxsize=1)
def _other_types() -> frozenset:
    """Names the lexicons give another type: a quoted “林下经济” is an industry, “园中园" a zone."""
    return frozenset(lexicon.industry_map()) | frozenset(lexicon.load("roles.txt")) | frozenset(
        lexicon.load("organizations.txt")) | frozenset(lexicon.places()) | frozenset(
        lexicon.load("zone_designations.txt"))


def _carried_out(text: str, quote_start: int) -> bool:
    before = text[max(0, quote_start - 4):quote_start]
    return any(before.endswith(v) for v in _action_verbs())


def _followed_by_program_word(text: str, pos: int) -> bool:
    return any(text.startswith(w, pos) for w in _quote_followers())


def _in_quote_list(text: str, m: re.Match) -> bool:
    """“三严三实”“忠诚干净担当”“四有”: a run of quoted slogans side by side."""
    return (m.start() > 0 and text[m.start() - 1] in "”、") or text.startswith(("“", "、“"), m.end())


@lru_cache(maxsize=1)
def _quote_followers() -> tuple[str, ...]:
    return tuple(lexicon.load("program_quote_followers.txt", folder="patterns"))


def _slogan_shaped(name: str) -> bool:
    parts = [p for p in re.split(r"[、，,]", name) if p]
    return bool(re.search(rf"[{SLOGAN_NUMERALS}0-9]", name)) and len(name) >= 3 or \
        (len(parts) >= 2 and all(len(p) >= 2 for p in parts) and len(name) <= 30)


@lru_cache(maxsize=1)
def _setup_verbs() -> frozenset:
    return frozenset(lexicon.load("program_setup_verbs.txt", folder="patterns"))


@lru_cache(maxsize=1)
def _action_verbs() -> tuple[str, ...]:
    return tuple(lexicon.load("program_action_verbs.txt", folder="patterns"))


def _is_stop(word: str) -> bool:
    """A stop word, or a compound jieba made of one (全面落实, 不断完善, 科学编制)."""
    if word in _left_stop():
        return True
    return len(word) >= 3 and (word[:2] in _left_stop() or word[-2:] in _left_stop())


def _headed(doc, s) -> list[Mention]:
    """Names ending in a program head (工业强市战略, 百项技改行动): the head plus the content
    words right before it, up to a stop word; a verb may stand inside the name (县域突破战略)
    but not at its start (完善…机制). A short or plain modifier (经济战略, 培训规划) makes a
    generic activity, not a name."""
    found = []
    for start, end, head, _ in _heads().find(s.text):
        if start > 0 and s.text[start - 1] in "”\"」』》":
            continue       # the quoted/titled name before it is handled above
        words, after_stop_word = [], False
        window_start = max(0, start - MAX_LABEL_CHARS)
        for word, flag in reversed(pos_tag(s.text[window_start:start])):
            if _is_stop(word):
                after_stop_word = word in _action_verbs() or word in _setup_verbs()
                break
            if len(words) == MAX_MODIFIER_TOKENS or flag not in NAME_PART_FLAGS \
                    or not all(is_cjk(c) or c.isdigit() for c in word):
                break
            if len(word) > 1 and word[0] in CONJUNCTIONS:
                words.append((word[1:], flag))      # 工业强县|和三大战略: the name is 三大战略
                break
            words.append((word, flag))
        # 完善/创新/激活 …机制: a verb phrase, not a name; but right after a verb of carrying
        # out or setting up (推进|收入分配制度改革, 完善|涉油矛盾纠纷调处工作机制) a two-character
        # verb starts the name
        while words and ((words[-1][1] in LEADING_VERB_FLAGS
                          and not (after_stop_word and len(words[-1][0]) >= 2))
                         or _leading_filler(words[-1][0])):
            words.pop()
        if window_start > 0 and words and start - sum(len(w) for w, _ in words) == window_start:
            words.pop()         # the window's first word may be cut (近平|新时代…): not the name's
        modifier = "".join(w for w, _ in reversed(words))
        name_start = start - len(modifier)
        numbered = any(c.isdigit() or c in NUMERALS for c in modifier)
        # a compound head (体制改革, 实践活动) is itself distinctive: a short modifier will do
        enough = MIN_MODIFIER_CHARS if len(head) < 4 else 2
        if (len(modifier) >= enough or (numbered and len(modifier) >= 2)) \
                and _meaningful(s.text[name_start:end]) and modifier not in _generic():
            found.append(mention(doc, s, name_start, end, "Program"))
    return found


def _leading_filler(word: str) -> bool:
    """A measure word after a count (5处|集中供水工程) does not start a name."""
    return word in MEASURE_WORDS


def _numbered(doc, s) -> list[Mention]:
    """Numbered slogans: 五加强五提高, 三学三争, 两高两服务 (the second half ends where a
    word ends), and counted ones: 四个意识, 两个维护."""
    found = []
    for m in PAIRED_RE.finditer(s.text):
        for size in (1, 2):
            end = m.end() + size
            if end <= len(s.text) and _word_ends_at(s.text, end):
                found.append(mention(doc, s, m.start(), end, "Program"))
                break
    for m in COUNTED_RE.finditer(s.text):
        if m.group(1) not in _counted_stop() and (m.end() == len(s.text) or not is_cjk(s.text[m.end()])
                                                  or s.text[m.end()] in "的和与及"):
            found.append(mention(doc, s, m.start(), m.end(), "Program"))
    return found


def _word_ends_at(text: str, pos: int) -> bool:
    if pos == len(text) or not is_cjk(text[pos]):
        return True
    from kg.segment import tokens_with_offsets
    lo = max(0, pos - 4)
    return any(e + lo == pos for _, _, e in tokens_with_offsets(text[lo:pos + 4]))


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    for s in sentences:
        found += _book_titles(doc, s) + _quoted(doc, s) + _numbered(doc, s)
        found += [mention(doc, s, a, b, "Program") for a, b, _, _ in _known().find(s.text)]
        found += _headed(doc, s)
    return found
