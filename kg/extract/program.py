"""Programs: named policies, plans, strategies, campaigns, reforms, projects and documents.

Cues, strongest first: a book title 《…》; a quoted name “…” (with its head noun as an alias:
放管服 + “放管服”改革); a name ending in a program head (工业强市战略, 百项技改行动);
a numbered slogan (四个意识, 五加强五提高). Generic activities (招商引资) are left out.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache, partial

from kg import lexicon
from kg.extract.enumeration import _CJK_BUT_LIST_WORDS
from kg.extract.base import PLACEHOLDER_RUN, is_cjk, is_placeholder, mention
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
# a number of things counted inside a quote (“236个示范村”) is a quantity, not a name
COUNTED_THINGS = re.compile(r"[0-9]+(?:个|户|家|处|名|人|所|座|条|项)")
MEETING_ENDS = ("两会", "全会", "大会", "会议")
SHORT_TITLE_CHARS = 4
MAX_MODIFIER_TOKENS = 8
MIN_MODIFIER_CHARS = 4
WEAK_HEAD_MODIFIER_CHARS = 5
# jieba POS flags of words that can be part of a program's name: nouns, names, noun-verbs,
# distinguishing words, numerals, abbreviations, idioms
NAME_PART_FLAGS = {"n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "vn", "v", "an", "a", "b", "m", "mq", "j", "l", "i", "eng"}
LEADING_VERB_FLAGS = {"v", "vd", "ad", "d", "a"}
# adverbial words that stand inside a name but do not start it (经费|公开|制度)
INNER_FLAGS = {"ad", "vd"}
MAX_LABEL_CHARS = 20
MEASURE_WORDS = set("户处个项条座家所台套批名")
# a count before a name (6处…工程, 五项制度); round hundreds and thousands (百项技改行动,
# 千村美丽) make slogans, not counts
COUNT_START = re.compile(rf"(?:[0-9]+|[一二三四五六七八九十两]+)[{''.join(sorted(MEASURE_WORDS))}]")
CONJUNCTIONS = "和与及"
PARTY_OF = "党的"
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


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
def _head_continuations() -> tuple[str, ...]:
    return tuple(lexicon.load("program_head_continuations.txt", folder="patterns"))


_weak_heads = partial(lexicon.terms, "program_weak_heads.txt")
_generic = partial(lexicon.terms, "program_generic.txt")
_left_stop = partial(lexicon.terms, "program_left_stop.txt", folder="patterns")
_counted_stop = partial(lexicon.terms, "numbered_slogan_stop.txt", folder="patterns")


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
    qualifying a noun (“件件有回音”的作风)."""
    return len(name) <= 5 and (_is_ordinary_word(name) or name.endswith("式")
                               or s.text.startswith("的", m.end()))


def _is_goal(name: str) -> bool:
    """A quoted goal (“力争…进入前三名”, “争创国家级”) is a target, not an initiative's name."""
    return bool(QUOTED_GOAL.search(name))


def _book_titles(doc, s) -> list[Mention]:
    """《关于…的意见》, and short titles that name a document (《规划》, 《条例》: the plan the
    speech is about); a short title without a document word is a book or paper (《易经》)."""
    found = []
    for m in BOOK_RE.finditer(s.text):
        title = m.group(1)
        if sum(map(is_cjk, PLACEHOLDER_RUN.sub("", title))) < 2:
            continue
        if len(title) <= SHORT_TITLE_CHARS and not title.endswith(_document_heads()):
            continue
        found.append(mention(doc, s, m.start(), m.end(), "Program", label=title))
    return found


@lru_cache(maxsize=1)
def _document_heads() -> tuple[str, ...]:
    return tuple(lexicon.load("program_document_heads.txt"))


def _quoted(doc, s) -> list[Mention]:
    """A quoted name is a program when something says so: a program head after it
    (“放管服”改革), a verb of carrying out before it (实施“…”), a numeral in it (“五个遍访”),
    or parallel clauses (“抓项目、强产业、优服务”). Other quotes are emphasis or metaphor
    (“保护伞”, “一把手”)."""
    found = []
    matches = list(QUOTE_RE.finditer(s.text))
    runs = _quote_runs(matches)
    for m in matches:
        name = m.group(1)
        head = _head_after(s.text, m.end())
        if is_placeholder(name):
            found += _hidden_quoted(doc, s, m, head)
            continue
        longer = None if head else _headed_after_quote(s.text, m.end())
        code = name.isdigit() and len(name) >= 2 and bool(head or longer)   # “147”…行动
        if not (_meaningful(name) or code) or COLLOQUIAL.search(name) or _speech_re().search(name) \
                or name in _other_types() \
                or _is_goal(name) or _not_a_name(name) or _is_problem(s.text, runs[m.start()]) \
                or _is_guidance(s.text, m, name):
            continue
        named = head or longer or _carried_out(s.text, m.start()) \
            or _followed_by_program_word(s.text, m.end()) or _in_quote_list(s.text, m)
        if not (named or (_slogan_shaped(name) and not _is_emphasis(s, m, name))):
            continue
        parts = _standalone_parts(name, bool(head))
        if parts:
            found += [mention(doc, s, m.start(1) + at, m.start(1) + at + len(part), "Program")
                      for at, part in parts]
            continue
        end = m.end() + len(head) if head else m.end()
        alias = name + head if head else None
        if longer:      # “一园三区”生态茶旅融合示范工程: the name with its head is an alias
            end, alias = longer, s.text[m.start():longer]
        found.append(mention(doc, s, m.start(), end, "Program", label=name, alias=alias))
    return found


@lru_cache(maxsize=1)
def _speech_re() -> re.Pattern:
    patterns = lexicon.load("program_quote_speech.txt", folder="patterns")
    return re.compile("|".join(f"^(?:{p})" for p in patterns) or r"(?!)")


def _quote_runs(matches: list[re.Match]) -> dict[int, tuple[int, int]]:
    """For each quote's start, the span of the run of quotes it stands in (“甲”“乙”, “甲”、“乙”)."""
    runs, group = {}, []
    for m in matches + [None]:
        if m is not None and group and group[-1].end() <= m.start() and \
                m.string[group[-1].end():m.start()] in ("", "、", ",", "，"):
            group.append(m)
            continue
        for g in group:
            runs[g.start()] = (group[0].start(), group[-1].end())
        group = [m] if m is not None else []
    return runs


def _not_a_name(name: str) -> bool:
    """A manner word (“参与式”; a counted “一站式” is a name), counted things (“236个示范村”),
    or a meeting (“两会”: meetings fit no type)."""
    numbered = any(c in NUMERALS or c.isdigit() for c in name)
    return (name.endswith("式") and not numbered) or bool(COUNTED_THINGS.search(name)) \
        or name.endswith(MEETING_ENDS)


def _is_problem(text: str, run: tuple[int, int]) -> bool:
    """A quoted problem: 不能搞“…”, 破解“…”, “…”的现象, “…”两个难题 (program_problem_context)."""
    ctx = _quote_context()
    if text[max(0, run[0] - 4):run[0]].endswith(ctx["before"]):
        return True
    return bool(ctx["after"].match(text, run[1]))


def _is_guidance(text: str, m: re.Match, name: str) -> bool:
    """按照“企业增效、群众受益”的要求: plain clauses named as a requirement or principle."""
    parts = [p for p in re.split(r"[、，,]", name) if p]
    # a counted clause (两年起步、三年见效) makes a slogan: not 百 of 百姓
    if len(parts) < 2 or any(p[0] in "一二三四五六七八九十两双" or p[0].isdigit() for p in parts):
        return False
    ctx = _quote_context()
    return text[max(0, m.start() - 2):m.start()] in ctx["guidance_before"] and \
        text.startswith(ctx["guidance_after"], m.end())


@lru_cache(maxsize=1)
def _quote_context() -> dict:
    import yaml
    path = lexicon.PACKAGE_DIR / "patterns" / "program_problem_context.yaml"
    with path.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    after = "|".join(map(re.escape, data["after"]))
    return {"before": tuple(data["before"]),
            "after": re.compile(rf"的?(?:[{NUMERALS}0-9]+(?:个|大|种|项|类))?(?:{after})"),
            "guidance_before": frozenset(data["guidance_before"]),
            "guidance_after": tuple(data["guidance_after"])}


def _quick_tags(text: str) -> list[tuple[str, str]]:
    """(word, flag) from a plain cut and jieba's dictionary tags: for the rules added on
    quotes and lists, where tagging with jieba.posseg would cost 6× a cut. An unknown word
    of Chinese characters counts as a noun (a name), digits as a numeral."""
    from kg.segment import cut, word_tag
    out = []
    for w in cut(text):
        tag = word_tag(w)
        if tag is None:
            tag = "m" if w.isdigit() else "n" if all(map(is_cjk, w)) else "x"
        out.append((w, tag))
    return out


def _hidden_quoted(doc, s, m, head) -> list[Mention]:
    """A quoted placeholder (“xx”专项整治, “xx”建设): a name the publisher hid, shown to be an
    initiative by the head or program word after it; labelled with that word."""
    word = head or next((w for w in _quote_followers() if s.text.startswith(w, m.end())), None)
    if not word:
        return []
    return [mention(doc, s, m.start(), m.end() + len(word), "Program")]


def _headed_after_quote(text: str, pos: int) -> int | None:
    """End of a program head reached from a closing quote through content words only
    (“258”生态林业提升行动, “四零”承诺服务制度), or None."""
    window = CJK_RUN.match(text, pos, pos + MAX_LABEL_CHARS)
    # most quotes have no head after them: look for one before tagging words (6× a cut)
    if not window or not _heads().find(window.group()):
        return None
    window = window.group()
    at = pos
    for word, flag in _quick_tags(window)[:MAX_MODIFIER_TOKENS]:
        if at > pos:
            head = _head_after(text, at)
            if head:
                return at + len(head)
        inner = at > pos and flag in INNER_FLAGS         # 经费|公开|制度: an adverb inside
        if not (flag in NAME_PART_FLAGS or inner) or not all(map(is_cjk, word)) or _is_stop(word):
            return None
        at += len(word)
    return None


def _standalone_parts(name: str, headed: bool) -> list[tuple[int, str]]:
    """A compound quoted slogan split where each half stands alone (guideline): the halves of
    a named strategy (“文旅兴市、生态立县”战略), or numbered slogans side by side
    (“一核两带、三廊九片”). Short parallel clauses (“保增长、保民生”) stay whole."""
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
    """“勤学笃行”“清廉为民”“三个敢于”: a run of quoted slogans side by side."""
    return (m.start() > 0 and text[m.start() - 1] in "”、") or text.startswith(("“", "、“"), m.end())


@lru_cache(maxsize=1)
def _quote_followers() -> tuple[str, ...]:
    return tuple(lexicon.load("program_quote_followers.txt", folder="patterns"))


def _slogan_shaped(name: str) -> bool:
    parts = [p for p in re.split(r"[、，,]", name) if p]
    return bool(re.search(rf"[{SLOGAN_NUMERALS}0-9]", name)) and len(name) >= 3 or \
        (len(parts) >= 2 and all(len(p) >= 2 for p in parts) and len(name) <= 30)


_setup_verbs = partial(lexicon.terms, "program_setup_verbs.txt", folder="patterns")


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
        if s.text.startswith(_head_continuations(), end):
            continue       # 师资考核评价|体系: the head only qualifies the next noun
        words, after_stop_word, hidden = [], False, False
        window_start = max(0, start - MAX_LABEL_CHARS)
        for word, flag in reversed(pos_tag(s.text[window_start:start])):
            if PLACEHOLDER_RUN.fullmatch(word):
                hidden = True       # **新时代…学习教育: the publisher hid the name's start
                words.append((word, "x"))
                continue
            if hidden:
                break
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
        # out or setting up (推进|采购管理制度改革, 完善|涉企投诉调处工作机制) a two-character
        # verb starts the name
        if hidden:
            shown = [w for w, f in words if f != "x"]
            if shown and shown[-1][0] in MEASURE_WORDS:
                while words and words[-1][1] == "x":
                    words.pop()     # xx户|庭院环境改造工程: a hidden count, not a hidden name
                hidden = False
        while words and not hidden and ((words[-1][1] in LEADING_VERB_FLAGS
                          and not (after_stop_word and len(words[-1][0]) >= 2))
                         or _leading_filler(words[-1][0])):
            words.pop()
        if window_start > 0 and words and start - sum(len(w) for w, _ in words) == window_start:
            words.pop()         # the window's first word may be cut (近平|新时代…): not the name's
        if words and COUNT_START.match(words[-1][0] + "".join(w for w, _ in reversed(words[:-1]))):
            continue            # 6处|农村安全饮水工程, 五项制度: a number of projects, no name
        modifier = "".join(w for w, _ in reversed(words))
        name_start = start - len(modifier)
        # a lone 一 is a determiner (这一经济战略), not a count (一月一调度)
        numbered = any(c.isdigit() or c in SLOGAN_NUMERALS for c in modifier) or modifier.count("一") >= 2
        content = PLACEHOLDER_RUN.sub("", _without_scope_words(modifier))
        # a compound head (体制改革, 实践活动) is itself distinctive: a short modifier will do
        enough = MIN_MODIFIER_CHARS if len(head) < 4 else 2
        if head in _weak_heads():
            enough = WEAK_HEAD_MODIFIER_CHARS    # 城市管理|机制: two plain words, no name
        if (len(content) >= enough or (numbered and len(content) >= 2)) \
                and _meaningful(s.text[name_start:end]) and modifier not in _generic():
            name_start = _conjunct_start(s.text, name_start, modifier)
            if s.text.endswith(PARTY_OF, 0, name_start):
                name_start -= len(PARTY_OF)     # 党的|政治建设专题学习活动: the party's own
            found.append(mention(doc, s, name_start, end, "Program"))
    return found


def _without_scope_words(modifier: str) -> str:
    """The modifier less a leading word of scope or period (年度|削减计划: 削减 is left)."""
    for word in _scope_words():
        if modifier.startswith(word):
            return modifier[len(word):]
    return modifier


_scope_words = partial(lexicon.terms, "program_scope_words.txt", folder="patterns")


def _conjunct_start(text: str, name_start: int, modifier: str) -> int:
    """山羊、奶牛产业发展规划, 人才兴企、人才强县行动: a short item or one of the same make
    listed before the modifier shares its head, and the name holds both; two full names
    side by side (千村美化、百园提质行动) stay apart."""
    if name_start < 3 or text[name_start - 1] != "、":
        return name_start
    item, at, nouns = "", name_start - 1, True
    for word, flag in reversed(_quick_tags(text[max(0, at - 6):at])):
        if _is_stop(word) or flag not in NAME_PART_FLAGS or not all(map(is_cjk, word)) \
                or len(item) + len(word) > 4:
            break
        item, nouns = word + item, nouns and flag[0] in "nj"
    if len(item) < 2 or _heads().find(item):
        return name_start       # 督查制、|项目…工作制: the item before is a name of its own
    if (len(item) <= 3 and nouns) or item[:2] == modifier[:2]:
        return at - len(item)
    return name_start


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


# a listed item: Chinese characters (less the list's own 等 and 的), digits and placeholders
# (云岭乳业5万吨生产线, xx二中宿舍楼)
LIST_ITEM = "[" + _CJK_BUT_LIST_WORDS + "0-9XxX×*＊_]{2,%d}" % MAX_LABEL_CHARS
LIST_COUNT = r"(?:[0-9]+|[一二三四五六七八九十两]+)(?:个|项|批|大)"


@lru_cache(maxsize=1)
def _list_re() -> re.Pattern:
    kinds = "|".join(map(re.escape, lexicon.load("program_list_closers.txt", folder="patterns")))
    return re.compile(rf"((?:{LIST_ITEM}、)+{LIST_ITEM})(?=等(?:{LIST_COUNT})?[\u4e00-\u9fff]{{0,4}}?(?:{kinds}))")


def _listed(doc, s) -> list[Mention]:
    """Items of a list closed by its kind: 甲路改造、乙桥、丙厂搬迁等重点项目 (each item
    names a project), 甲补贴、乙救助等惠民政策. Items another type's lexicon knows
    (industries, places, bodies, zones) or generic activities are left out."""
    if "、" not in s.text or "等" not in s.text:
        return []
    found = []
    for m in _list_re().finditer(s.text):
        pos, items = m.start(1), []
        for name in m.group(1).split("、"):
            items += _conjoined(pos, name)
            pos += len(name) + 1
        first_start, first_end = items[0]
        items[0] = (_name_start(s.text, first_start, first_end), first_end)
        for start, end in items:
            if _list_item_ok(s.text[start:end]):
                found.append(mention(doc, s, start, end, "Program"))
    return found


def _conjoined(pos: int, name: str) -> list[tuple[int, int]]:
    """甲改造及乙工程: two items joined by 和/及/与, when both halves are names."""
    for at, ch in enumerate(name):
        if ch in CONJUNCTIONS and at >= 2 and len(name) - at - 1 >= 2:
            return [(pos, pos + at), (pos + at + 1, pos + len(name))]
    return [(pos, pos + len(name))]


def _name_start(text: str, start: int, end: int) -> int:
    """The first item of a list may hold the verb before the list (推进|部门预算,
    实施好|县城供水改扩建): it starts after the last stop word, without a leading verb."""
    words = _quick_tags(text[start:end])
    kept, after_verb = [], False
    for word, flag in reversed(words):
        if _is_stop(word) or word in _action_verbs():
            # right after a verb of carrying out, a two-character verb starts the item
            # (推进|预算公开), as in a headed name
            after_verb = _is_action(word)
            break
        kept.append((word, flag))
    while len(kept) > 1 and ((kept[-1][1] in LEADING_VERB_FLAGS
                              and not (after_verb and len(kept[-1][0]) >= 2))
                             or _leading_filler(kept[-1][0])):
        kept.pop()
    return end - sum(len(w) for w, _ in kept)


def _is_action(word: str) -> bool:
    """A verb of carrying out or setting up, or a compound ending in one (全面推进)."""
    verbs = set(_action_verbs()) | _setup_verbs()
    return word in verbs or (len(word) >= 3 and word[-2:] in verbs)


def _list_item_ok(item: str) -> bool:
    """A listed item names a project unless another type knows it, it ends in a body's or
    zone's head, or it is a word of jieba's own dictionary for a kind of facility (敬老院,
    体育馆): 甲镇敬老院 names one. Dictionary words for a kind of work (合作医疗) may name
    a program."""
    return _meaningful(item) and item not in _other_types() and not item.endswith(
        _list_item_other_heads()) and not _is_facility_word(item)


def _is_facility_word(word: str) -> bool:
    return word[-1] in _facility_ends() and _is_ordinary_word(word)


_facility_ends = partial(lexicon.terms, "program_facility_ends.txt", folder="patterns")


@lru_cache(maxsize=1)
def _list_item_other_heads() -> tuple[str, ...]:
    """Heads that make a listed item a body or a zone (中盛公司, 西区物流园), not a project."""
    return tuple(lexicon.load("org_suffixes.txt")) + tuple(lexicon.load("zone_suffixes.txt"))


def _refer_back(titles: list[Mention], full: list[str]) -> list[Mention]:
    """A short title after a full one of the same kind (《关于…的意见》 … 《意见》) names that
    document again: it takes the full title as its label, its own as an alias."""
    out = []
    for m in titles:
        if len(m.label) > SHORT_TITLE_CHARS:
            full.append(m.label)
        else:
            earlier = next((t for t in reversed(full) if t.endswith(m.label)), None)
            if earlier:
                m = replace(m, label=earlier, attrs={**m.attrs, "alias": m.label})
        out.append(m)
    return out


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found, full_titles = [], []
    for s in sentences:
        found += _refer_back(_book_titles(doc, s), full_titles)
        found += _quoted(doc, s) + _numbered(doc, s) + _listed(doc, s)
        found += [mention(doc, s, a, b, "Program") for a, b, _, _ in _known().find(s.text)]
        found += _headed(doc, s)
    return found
