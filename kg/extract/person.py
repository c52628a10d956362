"""Persons and the offices (Roles) the text gives them.

Speeches name officials by given name plus 同志 or a title (国忠同志, 君文市长, 立新部长);
national leaders by full name. Anonymised names (xx同志, ***书记) are left out.
"""
from __future__ import annotations

import re
from functools import lru_cache, partial

from kg import lexicon
from kg.extract.base import PLACEHOLDER_RUN, is_cjk, mention
from kg.model import Document, Mention, Sentence

NAME_STOP_CHARS = set("的了们这那各每些是在与及或对把被从向我你他她它其之为以于也都就还又并等")
COMMON_WORD_FREQ = 100       # jieba frequency above which a candidate is an ordinary word
# before a title (建华市长) a given name may also be a dictionary word: allow commoner ones
TITLED_WORD_FREQ = 500


@lru_cache(maxsize=1)
def _titles() -> tuple[str, ...]:
    # longest first, so 市委书记 is preferred to 书记
    titles = set(lexicon.load("roles.txt")) | {"同志"}
    return tuple(sorted(titles, key=len, reverse=True))


@lru_cache(maxsize=1)
def _title_re() -> re.Pattern:
    return re.compile("|".join(map(re.escape, _titles())))


@lru_cache(maxsize=1)
def _left_context() -> tuple[str, ...]:
    return tuple(sorted(lexicon.load("person_left_context.txt", folder="patterns"), key=len, reverse=True))


_not_names = partial(lexicon.terms, "person_not_name.txt", folder="patterns")


@lru_cache(maxsize=1)
def _leaders() -> tuple[str, ...]:
    return tuple(lexicon.load("leaders.txt"))


def _word_freq(word: str) -> int:
    from kg.segment import tokenizer
    return tokenizer().FREQ.get(word) or 0


def _title_before(text: str, start: int) -> str | None:
    """An office written right before a name (管委会主任李华同志 → 主任)."""
    for title in _titles():
        if title != "同志" and text.endswith(title, 0, start):
            return title
    return None


def _starts_after_boundary(text: str, start: int) -> bool:
    if start == 0 or not is_cjk(text[start - 1]):
        return not (start > 0 and PLACEHOLDER_RUN.match(text[start - 1]))
    return any(text.endswith(w, 0, start) for w in _left_context()) or _token_boundary(text, start)


def _token_boundary(text: str, pos: int) -> bool:
    """jieba starts a word at ``pos`` (looking at a few characters around it)."""
    from kg.segment import tokens_with_offsets
    lo = max(0, pos - 6)
    return any(s + lo == pos for _, s, _ in tokens_with_offsets(text[lo:pos + 4]))


_surnames = partial(lexicon.terms, "surnames.txt")


def _plausible_name(name: str, titled: bool = False) -> bool:
    if len(name) == 3 and name[0] not in _surnames() and name[:2] not in _surnames():
        return False        # a three-character name is surname + given name
    if not all(is_cjk(c) for c in name) or set(name) & NAME_STOP_CHARS or name in _not_names():
        return False
    freq = _word_freq(name)
    if freq <= COMMON_WORD_FREQ:
        return True
    # a commoner word before a title is a name only if jieba knows it as one (建华 nz, not 支部 n)
    from kg.segment import word_tag
    return titled and freq <= TITLED_WORD_FREQ and (word_tag(name) or "nr")[:2] in ("nr", "nz")


def name_before(text: str, end: int, titled: bool = False) -> int | None:
    """Start of a 2–3 character given or full name ending at ``end``, or None."""
    for length in (2, 3):
        start = end - length
        if start >= 0 and _starts_after_boundary(text, start) and _plausible_name(text[start:end], titled):
            return start
    return None


@lru_cache(maxsize=1)
def _right_context() -> tuple[str, ...]:
    return tuple(lexicon.load("person_right_context.txt", folder="patterns"))


def name_after(text: str, start: int) -> int | None:
    """End of a full name written right after an office (省委书记李明远强调): a surname, a
    given name of one or two characters, then what speeches write after a name."""
    for length in (3, 2):
        name = text[start:start + length]
        if len(name) == length and (name[0] in _surnames() or name[:2] in _surnames()) \
                and _plausible_name(name, titled=True) and text.startswith(_right_context(), start + length):
            return start + length
    return None


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    for s in sentences:
        for m in _title_re().finditer(s.text):
            start = name_before(s.text, m.start(), titled=m.group() != "同志")
            if start is None:
                end = name_after(s.text, m.end()) if m.group() != "同志" else None
                if end is not None:      # 省委书记王儒林: the office, then the name
                    found.append(mention(doc, s, m.end(), end, "Person", role=m.group()))
                    found.append(mention(doc, s, m.start(), m.end(), "Role"))
                continue
            title = m.group()
            role = None if title == "同志" else title
            before = None if role else _title_before(s.text, start)   # 管委会主任李华同志
            found.append(mention(doc, s, start, m.start(), "Person", role=role or before))
            if role:
                found.append(mention(doc, s, m.start(), m.end(), "Role"))
        for name in _leaders():
            if name not in s.text:          # most sentences name none: skip the regex
                continue
            for m in re.finditer(re.escape(name), s.text):
                title = _title_re().match(s.text, m.end())
                role = title.group() if title and title.group() != "同志" else None
                found.append(mention(doc, s, m.start(), m.end(), "Person", role=role))
                if role:
                    found.append(mention(doc, s, title.start(), title.end(), "Role"))
    return found


SPEAKER_RE = re.compile(r"(?P<role>[\u4e00-\u9fff]{1,8}?)在[^，。,]{2,40}(?:讲话|发言|报告)")


def speaker_role(doc: Document) -> str | None:
    """The speaker's office when the title states it (市长在…上的讲话)."""
    m = SPEAKER_RE.search(doc.title or "")
    if not m:
        return None
    head = m.group("role")
    for title in _titles():
        if title != "同志" and head.endswith(title):
            return title
    return None
