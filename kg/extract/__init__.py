"""Extraction stage: one module per kind of thing, run over a document's sentences.

``extract_document`` is the whole stage for one speech: split into sentences, run every
extractor, resolve overlapping spans, and derive the relations between what was found.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort

from kg.clean import split_sentences
from kg.extract import industry, organization, person, place, program, relations, role, zone
from kg.extract.target import extract_targets
from kg.model import Document, Extraction, Mention

# When two mentions overlap, the longer wins; on equal length the type listed first wins.
TYPE_PRIORITY = ("Target", "Metric", "Program", "Zone", "Organization", "Role", "Person",
                 "Industry", "Place")

# Types that may nest inside another mention (a Target clause holds zones and industries,
# a Program name holds places only as part of itself and is resolved below).
CONTAINERS = {"Target", "Metric"}


def extract_document(doc: Document) -> Extraction:
    sentences = split_sentences(doc)
    found: list[Mention] = []
    found += extract_targets(doc, sentences)
    found += program.extract(doc, sentences)
    found += zone.extract(doc, sentences)
    found += organization.extract(doc, sentences)
    found += person.extract(doc, sentences)
    found += role.extract(doc, sentences)
    found += industry.extract(doc, sentences)
    found += place.extract(doc, sentences)
    mentions = resolve_overlaps(found)
    rels = relations.derive(doc, sentences, mentions)
    return Extraction(document=doc, sentences=sentences, mentions=mentions, relations=rels,
                      speaker_role=person.speaker_role(doc))


# Types whose mentions survive inside a Program's span: a slogan or plan names the
# industries and zones it is about (“草畜、苹果…”, 临江高新区发展规划), and a company
# keeps its name inside its project (鑫远公司纸浆生产线: the company and its project).
INSIDE_PROGRAMS = {"Industry", "Zone", "Organization"}


def _inside(m: Mention, spans: list[tuple[int, int]]) -> bool:
    """Is m within one of the sorted spans? (bisect: spans starting at or before m.start)"""
    i = bisect_right(spans, (m.start, float("inf")))
    return any(s <= m.start and m.end <= e for s, e in spans[max(0, i - 8):i])


def resolve_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep non-overlapping spans (longest first); containers keep what lies inside them."""
    containers = [m for m in mentions if m.type in CONTAINERS]
    others = [m for m in mentions if m.type not in CONTAINERS]
    program_spans = sorted((m.start, m.end) for m in others if m.type == "Program")
    nested = [m for m in others if m.type in INSIDE_PROGRAMS and _inside(m, program_spans)]
    nested_ids = {id(m) for m in nested}
    others = [m for m in others if id(m) not in nested_ids]
    rank = {t: i for i, t in enumerate(TYPE_PRIORITY)}
    others.sort(key=lambda m: (-(m.end - m.start), rank.get(m.type, 99), m.start))
    taken: list[tuple[int, int]] = []       # sorted, non-overlapping
    kept = []
    for m in others:
        i = bisect_left(taken, (m.start, m.end))
        if (i > 0 and taken[i - 1][1] > m.start) or (i < len(taken) and taken[i][0] < m.end):
            continue
        insort(taken, (m.start, m.end))
        kept.append(m)
    result = kept + containers + nested
    result.sort(key=lambda m: (m.start, m.end, m.type))
    return result
