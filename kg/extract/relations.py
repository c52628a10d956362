"""Relations between the things found in one speech.

Sentence-level co-occurrence with the speech's subject zone as the default anchor:
zone→industry (focusesOn), zone→program (hasProgram), zone→place (locatedIn),
target→the zone or program of its sentence (targetOf), person→role (holdsRole, from the
person's mention), role→organisation (roleIn, from the role's attached organisation).
"""
from __future__ import annotations

from collections import defaultdict

from kg.extract.zone import subject_zone
from kg.model import Document, Mention, Relation, Sentence

ZONE_LINKS = {"Industry": "focusesOn", "Program": "hasProgram", "Place": "locatedIn"}


def derive(doc: Document, sentences: list[Sentence], mentions: list[Mention]) -> list[Relation]:
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_sentence[m.sentence].append(m)
    own_zone = subject_zone(mentions)
    rels: set[tuple] = set()
    for index, group in by_sentence.items():
        zones = [m.key for m in group if m.type == "Zone"] or ([own_zone] if own_zone else [])
        programs = [m.key for m in group if m.type == "Program"]
        for m in group:
            if m.type in ZONE_LINKS:
                for z in zones:
                    rels.add((z, ZONE_LINKS[m.type], m.key, index))
            elif m.type == "Target":
                anchor = (zones[:1] if any(g.type == "Zone" for g in group) else programs[:1]) or zones[:1]
                for a in anchor:
                    rels.add((m.key, "targetOf", a, index))
            elif m.type == "Person" and m.attrs.get("role"):
                rels.add((m.key, "holdsRole", ("Role", m.attrs["role"]), index))
            elif m.type == "Role" and m.attrs.get("organization"):
                rels.add((m.key, "roleIn", ("Organization", m.attrs["organization"]), index))
    first = {}
    for subj, pred, obj, index in sorted(rels, key=lambda r: r[3]):
        first.setdefault((subj, pred, obj), index)
    return [Relation(doc.id, subj, pred, obj, index) for (subj, pred, obj), index in sorted(first.items())]
