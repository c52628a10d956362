"""Enumerations: short names listed with 、 and closed by what they are.

Speeches list things of one kind and name the kind once, after the list:
柳河、石桥、南塘等小城镇 (places), 中日、中韩等国际合作园区 (zones elided to their partners),
肉羊、肉牛产业 (industries). Each extractor that can read such a list gives the closing
words it accepts (a regex); this module finds the items and their spans.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# an item: Chinese characters, none of them the list's own words (等, 的); a character class
# (CJK less those two) rather than a lookahead, which would be tried at every character
_CJK_BUT_LIST_WORDS = "".join(
    f"{chr(a)}-{chr(b)}" for a, b in ((0x4E00, ord("的") - 1), (ord("的") + 1, ord("等") - 1),
                                      (ord("等") + 1, 0x9FFF)))
ITEM = "[" + _CJK_BUT_LIST_WORDS + "]{2,%d}"
NUMBER = r"(?:[0-9]+|[一二三四五六七八九十两]+)"
CLOSERS_FILE = Path(__file__).resolve().parent.parent / "patterns" / "enumerations.yaml"


@dataclass(frozen=True)
class Item:
    start: int
    end: int
    text: str


@lru_cache(maxsize=32)
def _pattern(closing: str, max_item: int) -> re.Pattern:
    item = ITEM % max_item
    return re.compile(rf"((?:{item}、)+{item})(?={closing})")


def _first_item_start(text: str, start: int, end: int, longest_other: int) -> int:
    """The regex's first item may have swallowed the verb before the list (完成了屯字):
    keep the trailing words that fit the length of the other items."""
    from kg.segment import tokens_with_offsets
    lo = max(0, start - 2)
    best = end
    for _, s, _e in reversed(tokens_with_offsets(text[lo:end])):
        s += lo
        if end - s > longest_other or s < start:
            break
        best = s
    return best if end - best >= 2 else start


@lru_cache(maxsize=None)
def closer(etype: str) -> str | None:
    """The regex closing a list of ``etype`` things (kg/patterns/enumerations.yaml)."""
    import yaml
    with CLOSERS_FILE.open(encoding="utf-8") as f:
        pattern = (yaml.safe_load(f) or {}).get(etype)
    return pattern.replace("NUM", NUMBER) if pattern else None


def listed_items(text: str, closing: str, max_item: int = 4) -> list[list[Item]]:
    """Every enumeration in ``text`` whose last item is followed by ``closing`` (a regex)."""
    lists = []
    if "、" not in text or (closing.startswith("等") and "等" not in text):
        return lists                # most sentences: no list, or none closed by 等…
    for m in _pattern(closing, max_item).finditer(text):
        names = m.group(1).split("、")
        pos, items = m.start(1), []
        for name in names:
            items.append(Item(pos, pos + len(name), name))
            pos += len(name) + 1
        longest_other = max(len(n) for n in names[1:])
        first = items[0]
        start = _first_item_start(text, first.start, first.end, longest_other)
        items[0] = Item(start, first.end, text[start:first.end])
        lists.append(items)
    return lists


def listed_mentions(doc, sentence, etype: str, keep=lambda item, items: True, max_item: int = 4,
                    **attrs) -> list:
    """Mentions of ``etype`` for the items of every list in ``sentence`` closed by that
    type's words; ``keep(item, items)`` may veto an item (a known industry is not a zone's
    partner) or a whole list."""
    from kg.extract.base import mention
    closing = closer(etype)
    if not closing:
        return []
    return [mention(doc, sentence, item.start, item.end, etype, **attrs)
            for items in listed_items(sentence.text, closing, max_item) for item in items
            if keep(item, items)]
