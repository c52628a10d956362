"""Quantified targets (goals) and metrics (figures already achieved).

A number with a unit (50亿美元, 13.1%, 3.8万人, X亿元) or a rank/grade goal (前三名, A档次,
争创国家级开发区) is a Target when its sentence looks forward (力争, 确保, 年内, 到2025年 …)
and its clause reports nothing achieved (同比增长, 完成了, 累计, 共有 …); otherwise a Metric.
Cues, units and rank patterns are data: kg/patterns/targets.yaml.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from kg.extract.base import mention
from kg.model import Document, Mention, Sentence
from kg.numerals import chinese_number

PATTERN_FILE = Path(__file__).resolve().parent.parent / "patterns" / "targets.yaml"
CN_DIGITS = "零〇一二三四五六七八九十百千两"
# a sentence without any of these holds no figure or rank: skipped at once (a character
# test in Python over every sentence was a tenth of this extractor)
FIGURE_HINT = re.compile(rf"[\d{CN_DIGITS}XxAB前争]")
CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?\n]")
DEADLINE_RE = re.compile(r"(?:到|至|力争|争取|确保)(20\d\d)年")
YEAR_RE = re.compile(r"(?:到|至|在|于|力争|争取|确保)?(20\d\d|20[xX×]{2})年")
PLACEHOLDER_NUMBER = r"[Xx×＊*_]+"
# a number partly hidden by the publisher (20xx户, 1x亿元): its value is hidden too
HIDDEN_NUMBER = r"\d*[Xx×＊*_]+"
INDICATOR_TRIM = re.compile(r"^(?:[要将使把在和与及并]|力争|确保|争取|全年|年内|今年|明年|计划|预计|努力|实现|完成)+")


@lru_cache(maxsize=1)
def patterns() -> dict:
    import yaml
    with open(PATTERN_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


@lru_cache(maxsize=1)
def _figure_re() -> re.Pattern:
    p = patterns()
    alternatives = lambda words: "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    number = rf"(?P<num>\d+[Xx×]+|\d+(?:,\d{{3}})*(?:\.\d+)?|[{CN_DIGITS}]+|{PLACEHOLDER_NUMBER})"
    unit = (rf"(?:{alternatives(p['magnitudes'])})?(?:{alternatives(p['base_units'])})"
            rf"|{alternatives(p['bare_magnitudes'])}")
    # 个亿: the 个 of 3.5个亿 is a measure word, not part of the unit
    return re.compile(rf"{number}\s*(?:个(?=[亿万]))?(?P<unit>{unit})")


@lru_cache(maxsize=1)
def _achieved_res() -> list[re.Pattern]:
    return [re.compile(r) for r in patterns()["achieved_sentence_patterns"]]


@lru_cache(maxsize=1)
def _rank_res() -> list[re.Pattern]:
    return [re.compile(p) for p in patterns()["rank_patterns"]]


def _any(text: str, words) -> bool:
    return any(w in text for w in words)


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    nxt = CLAUSE_BREAK.search(text, end)
    return left, nxt.start() if nxt else len(text)


def _tense(sentence: str) -> str | None:
    """"goal", "achieved" or None (the sentence says neither)."""
    p = patterns()
    if _any(sentence, p["achieved_sentence_cues"]) or any(r.search(sentence) for r in _achieved_res()):
        return "achieved"
    return "goal" if _any(sentence, p["goal_cues"]) else None


def _is_goal(sentence_tense: str | None, clause: str) -> bool:
    """The clause's own cues first (去年…决定投入, 今年又将筹资), then the sentence's."""
    p = patterns()
    if _any(clause, p["achieved_cues"]):
        return False
    if _any(clause, p["clause_goal_cues"]):
        return True
    return sentence_tense == "goal"


def _year(clause: str) -> int | None:
    m = YEAR_RE.search(clause)
    return int(m.group(1)) if m and m.group(1).isdigit() else None


def _year_before(sentence: str, pos: int) -> int | None:
    """A deadline stated earlier in the sentence: 到2025年，确保…"""
    m = DEADLINE_RE.search(sentence, 0, pos)
    return int(m.group(1)) if m else None


def _qualifier(clause: str, num_start: int, fig_end: int) -> str | None:
    p = patterns()
    after = clause[fig_end:fig_end + 2]
    for q in p["qualifiers_after"]:
        if after.startswith(q):
            return q
    before = clause[max(0, num_start - 4):num_start]
    for q in sorted(p["qualifiers_before"], key=len, reverse=True):
        if before.endswith(q):
            return q
    return None


def _indicator(clause: str, num_start: int) -> str | None:
    """What is measured: the words before the number, after the last goal or time word
    (全区力争完成外贸进出口额50亿美元 → 外贸进出口额)."""
    head = clause[:num_start]
    for q in sorted(patterns()["qualifiers_before"], key=len, reverse=True):
        if head.endswith(q):
            head = head[:-len(q)]
            break
    head = YEAR_RE.sub("", head)
    cut = max((head.rfind(w) + len(w) for w in patterns()["indicator_cut_words"] if w in head), default=0)
    head = INDICATOR_TRIM.sub("", head[cut:].strip(" 的为是"))
    return head or None


def _amount(value: str | None, unit: str) -> tuple[float | None, str | None]:
    money = patterns()["money"]
    if unit not in money or value is None:
        return None, None
    number = parse_number(value)
    if number is None:
        return None, None
    factor, currency = money[unit]
    return number * factor, currency


def parse_number(text: str) -> float | None:
    """'1,200' → 1200; '三' → 3; '两' → 2; '十五' → 15; placeholders → None."""
    text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        pass
    if re.fullmatch(HIDDEN_NUMBER, text):
        return None
    number = chinese_number(text)
    return None if number is None else float(number)


def _plausible(text: str, m: re.Match) -> bool:
    """Leave out years (2023年), list markers and numbers glued into names."""
    num, unit = m.group("num"), m.group("unit")
    if unit == "年":
        return False
    if re.fullmatch(PLACEHOLDER_NUMBER, num) and unit in ("人", "个"):
        return False            # “__人”: a demonym of a hidden place, not a hidden count
    after = text[m.end():m.end() + 4]
    if any(after.startswith(w) or after[2:].startswith(w) and after[:2] in ("以上", "以下")
           for w in patterns()["attribute_nouns"]):
        return False            # 50万元以上项目, 12条措施: a figure inside a name or a class
    if num[0] in CN_DIGITS and unit not in patterns()["chinese_numeral_units"]:
        return False            # 四个意识, 三次全会: counting in prose, not a figure
    if m.start() > 0 and (text[m.start() - 1].isdigit() or text[m.start() - 1] in "第."):
        return False
    return not (num[0] in CN_DIGITS and unit in ("%", "％"))


def _figures(doc: Document, s: Sentence, tense: str | None) -> list[Mention]:
    found = []
    text = s.text
    for m in _figure_re().finditer(text):
        if not _plausible(text, m):
            continue
        c_start, c_end = _clause_bounds(text, m.start(), m.end())
        clause = text[c_start:c_end]
        num_start, fig_end = m.start() - c_start, m.end() - c_start
        qualifier = _qualifier(clause, num_start, fig_end)
        label_end = m.end() + (len(qualifier) if qualifier and clause.startswith(qualifier, fig_end) else 0)
        value = None if re.fullmatch(HIDDEN_NUMBER, m.group("num")) else m.group("num")
        unit = m.group("unit").replace("％", "%")
        amount, currency = _amount(value, unit)
        goal = _is_goal(tense, clause)
        found.append(mention(doc, s, c_start, label_end, "Target" if goal else "Metric",
                             indicator=_indicator(clause, num_start), value=value, unit=unit,
                             qualifier=qualifier, year=_year(clause) or _year_before(text, m.start()),
                             amount=amount,
                             currency=currency, goal=goal))
    return found


def _ranks(doc: Document, s: Sentence) -> list[Mention]:
    found = []
    for pattern in _rank_res():
        for m in pattern.finditer(s.text):
            c_start, _ = _clause_bounds(s.text, m.start(), m.end())
            groups = m.groupdict()
            value = groups.get("value")
            qualifier = s.text[m.start():m.end()]
            if value:
                qualifier = f"前{value}名"
            # one rank goal however often a speech repeats it (晋升前三甲 / 进入…前三名)
            identity = f"{doc.id}\x1frank\x1f{value or groups.get('level') or qualifier}"
            found.append(mention(doc, s, m.start(), m.end(), "Target", identity=identity,
                                 indicator=_indicator(s.text[c_start:m.start()], m.start() - c_start)
                                 or s.text[m.start():m.end()],
                                 value=value, qualifier=qualifier, year=_year(s.text[c_start:m.end()]),
                                 goal=True))
    return found


def extract_targets(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    for s, reviewing in zip(sentences, _review_sections(sentences)):
        if FIGURE_HINT.search(s.text):
            tense = "achieved" if reviewing else _tense(s.text)
            found += _figures(doc, s, tense) + _ranks(doc, s)
    return _dedupe(found)


TOP_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、")


def _review_sections(sentences: list[Sentence]) -> list[bool]:
    """For each sentence, whether it stands in a section reviewing the past (see
    review_heading_cues in targets.yaml): a new top-level heading ends such a section."""
    p = patterns()
    reviewing, flags = False, []
    for s in sentences:
        if TOP_HEADING.match(s.text):
            reviewing = _any(s.text, p["review_heading_cues"])
        elif s.text.lstrip().startswith(tuple(p["review_sentence_starts"])):
            reviewing = True
        flags.append(reviewing)
    return flags


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    """Two figures of one clause share its label: keep both, labelled apart by their span end."""
    seen, out = set(), []
    for m in mentions:
        key = (m.start, m.end, m.attrs.get("value"), m.attrs.get("unit"))
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out
