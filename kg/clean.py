"""Clean and split: boilerplate spans, placeholders, sentences normalised for matching.

Nothing here shifts offsets: sentence text is the same length as its span of the document,
so a match at position i of Sentence.text is at Sentence.start + i in Document.text.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg import lexicon
from kg.model import Document, Sentence
from kg.memo import speech_cache

SENTENCE_END = re.compile(r"[。！？；!?;]+[”’」』）)]*|\n+")
MAX_SENTENCE = 500
MAX_BOILERPLATE_LINE = 200     # a longer "line" is speech text that merely contains a cue
PLACEHOLDER_RE = re.compile(r"(?:20[xX×]{2}|[X×＊*_＿]+|(?<![A-Za-z])[x]+(?![A-Za-z]))")


@lru_cache(maxsize=1)
def _boilerplate_re() -> re.Pattern | None:
    patterns = lexicon.load("boilerplate.txt", folder="patterns")
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.M) if patterns else None


@lru_cache(maxsize=1)
def _t2s():
    import opencc
    return opencc.OpenCC("t2s")


@speech_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:
        folded = ch
    simple = _t2s().convert(folded)
    return simple if len(simple) == 1 else folded


def normalize_for_matching(text: str) -> str:
    """Traditional→simplified and full-width→half-width, one character for one."""
    return "".join(map(_fold_char, text))


def find_boilerplate(text: str) -> list[tuple[int, int]]:
    """Whole lines of publisher boilerplate (patterns in kg/patterns/boilerplate.txt)."""
    pattern = _boilerplate_re()
    if pattern is None:
        return []
    spans = set()
    for m in pattern.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        if line_end - line_start <= MAX_BOILERPLATE_LINE:
            spans.add((line_start, line_end))
        else:           # a whole speech on one line: only the matched words, not the speech
            spans.add(m.span())
    return sorted(spans)


def placeholder_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in PLACEHOLDER_RE.finditer(text)]


def _chunks(start: int, end: int, text: str):
    """Cut an over-long sentence at commas or spaces so downstream work stays bounded."""
    while end - start > MAX_SENTENCE:
        window = text[start:start + MAX_SENTENCE]
        cut = max(window.rfind("，"), window.rfind(","), window.rfind(" "))
        stop = start + (cut + 1 if cut > MAX_SENTENCE // 2 else MAX_SENTENCE)
        yield start, stop
        start = stop
    yield start, end


def split_sentences(doc: Document) -> list[Sentence]:
    text = doc.text
    skip = sorted(doc.boilerplate or find_boilerplate(text))
    sentences, start = [], 0
    bounds = [m.end() for m in SENTENCE_END.finditer(text)] + [len(text)]
    for end in bounds:
        for s, e in _chunks(start, end, text):
            while s < e and text[s].isspace():
                s += 1
            stop = e
            while stop > s and text[stop - 1].isspace():
                stop -= 1
            if stop > s and not any(a <= s and stop <= b for a, b in skip):
                sentences.append(Sentence(doc.id, len(sentences), s, stop,
                                          normalize_for_matching(text[s:stop])))
        start = end
    return sentences
