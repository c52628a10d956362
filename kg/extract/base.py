"""Small pieces every extractor shares: turning a span of a sentence into a Mention."""
from __future__ import annotations

import re

from kg.model import Document, Mention, Sentence

CJK = "\u4e00-\u9fff"
# Placeholders written by publishers to hide names: X, xx, **, __, ××, 20xx.
PLACEHOLDER_CHARS = "Xx×＊*_＿"
PLACEHOLDER_RUN = re.compile(r"(?:[Xx×＊*_＿]|(?<=[0-9])xx)+")


def mention(doc: Document, sentence: Sentence, start: int, end: int, etype: str,
            label: str | None = None, **attrs) -> Mention:
    """A Mention for sentence.text[start:end]; offsets become document offsets."""
    doc_start, doc_end = sentence.start + start, sentence.start + end
    surface = doc.text[doc_start:doc_end]
    return Mention(doc_id=doc.id, type=etype, label=label or sentence.text[start:end],
                   surface=surface, start=doc_start, end=doc_end, sentence=sentence.index,
                   attrs={k: v for k, v in attrs.items() if v is not None})


def is_placeholder(text: str) -> bool:
    return bool(text) and PLACEHOLDER_RUN.fullmatch(text) is not None


def strip_placeholders(text: str) -> str:
    return PLACEHOLDER_RUN.sub("", text)


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def glued_into_word(text: str, start: int, end: int) -> bool:
    """True when a short (≤2 char) match does not start and end on jieba word boundaries:
    a lexicon term glued into a longer ordinary word (中山 in 中山装) is not a mention."""
    if end - start > 2:
        return False
    from kg.segment import tokens_with_offsets
    lo, hi = max(0, start - 4), min(len(text), end + 4)
    bounds = {(s + lo, e + lo) for _, s, e in tokens_with_offsets(text[lo:hi])}
    starts = {s for s, _ in bounds}
    ends = {e for _, e in bounds}
    return start not in starts or end not in ends
