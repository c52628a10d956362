"""Chinese numerals read as numbers (三 → 3, 十五 → 15, 三千五 → 3500).

cn2an reads them; but importing it compiles its patterns, 0.15–0.2 s of every build that
meets a single numeral (a twentieth of adding a speech to 1,000), and speeches mostly write
the small ones: 三, 两, 十五, 五十. Those, 0 to 99 in plain digits and 十, are read here with
cn2an's answers (``tests/test_target.py`` compares every one); anything else goes to cn2an.
"""
from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}
# 十, 十五, 五十, 五十五: tens from one to nine, units from one to nine
TENS = re.compile("([一二三四五六七八九]?)十([一二三四五六七八九]?)")


def chinese_number(text: str) -> int | float | None:
    """The value of a Chinese numeral as cn2an's "smart" mode reads it (which also takes
    mixed forms such as 3万); None if it is no number."""
    small = _small_number(text)
    if small is not None:
        return small
    try:
        import cn2an
        return cn2an.cn2an(text, "smart")
    except Exception:            # cn2an raises ValueError, and worse on odd input
        return None


def _small_number(text: str) -> int | None:
    if text in DIGITS:
        return DIGITS[text]
    tens = TENS.fullmatch(text)
    if tens is None:
        return None
    ten, unit = tens.groups()
    return DIGITS.get(ten, 1) * 10 + DIGITS.get(unit, 0)
