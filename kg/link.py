"""Linking stage: merge mentions and aliases into one canonical entity per thing.

An entity's identity is its *merge key*: the type plus a folded form of its canonical name
(NFKC, no spaces, quotes or punctuation, placeholder runs folded to X; places by their
canonical name, so 吉林省 and 吉林 are one). The IRI is a hash of that key, so it does not
change when other documents are added.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

from kg.memo import speech_cache
from kg.model import Entity, Extraction, Mention

ID_BASE = "https://w3id.org/kfq-kg/id/"
FOLD_PUNCT = re.compile(r"[\s\"'“”‘’《》〈〉「」『』()（）\[\]【】、,，.。:：;；!！?？·•…—\-]+")
FOLD_PLACEHOLDER = re.compile(r"[xX×＊*_＿]+")
INDUSTRY_TAIL = re.compile(r"(产业集群|产业链|产业|行业)$")
# attributes copied from mentions onto the entity (first mention wins)
ENTITY_ATTRS = ("indicator", "value", "unit", "qualifier", "year", "amount", "currency",
                "role", "organization", "goal")
_ENTITY_ATTR_SET = frozenset(ENTITY_ATTRS)


@speech_cache(maxsize=65536)
def fold(text: str) -> str:
    """(cached: a name recurs in many speeches; 1,000 speeches fold 71k names, 10k distinct)"""
    text = unicodedata.normalize("NFKC", text)
    return FOLD_PLACEHOLDER.sub("X", FOLD_PUNCT.sub("", text)).lower()


def merge_key(m: Mention) -> tuple[tuple[str, str], bool]:
    """(the merge key, whether it is scoped to the mention's speech): the folded canonical
    name; an anonymised name (X开发区, ××市) names a different thing in every speech (each
    speech's own zone), so it is keyed by its speech too, as a speech's own target is by
    its identity ("id\x1f…")."""
    identity = m.attrs.get("identity")
    if identity:
        return (m.type, identity), identity.startswith(f"{m.doc_id}\x1f")
    key, anonymised = _name_key(m.type, m.attrs.get("canonical") or m.label)
    if anonymised:
        return (m.type, f"{m.doc_id}\x1f{key}"), True
    return (m.type, key), False


@speech_cache(maxsize=65536)
def _name_key(etype: str, name: str) -> tuple[str, bool]:
    """(a name's folded key, whether it is anonymised); cached: every speech repeats its
    names (10,000 speeches: 540,000 mentions, a few ten thousand names)."""
    key = fold(name) or name
    if etype == "Industry":          # 高新技术产业 and 高新技术 are one sector
        key = INDUSTRY_TAIL.sub("", key) if len(INDUSTRY_TAIL.sub("", key)) >= 2 else key
    return key, bool(FOLD_PLACEHOLDER.search(name)) and etype != "Target"


def entity_iri(etype: str, key: str) -> str:
    digest = hashlib.sha1(f"{etype}\x1f{key}".encode("utf-8")).hexdigest()[:16]
    return f"{ID_BASE}{etype.lower()}/{digest}"


class LinkedEntities(dict):
    """(type, label) → Entity; and (speech id, type, label) → the Entity a speech's mention
    of that name is where it is another: a name that means another thing in every speech
    (an anonymised X开发区, a speech's own 进入前三名 target), or one written for another
    (管委会 for the 党工委), which :meth:`in_speech` finds first. :meth:`of_mentions`
    gives each mention's own entity (one speech may write 管委会 for both)."""

    def __init__(self):
        super().__init__()
        self._of_mentions: dict[str, list[Entity]] = {}

    def of_mentions(self, doc_id: str) -> list[Entity]:
        """The entity of each of a speech's mentions, in the order of its mentions."""
        return self._of_mentions.get(doc_id, [])

    def in_speech(self, doc_id: str, key: tuple[str, str]) -> Entity | None:
        return self.get((doc_id, *key)) or self.get(key)


def alias_names(m: Mention, label: str) -> list[str]:
    """The aliases a mention gives its entity, whose label is ``label``: the names it
    carries (its label, the alias or written form, its surface) but that one. A target's
    wording is no name."""
    if m.type == "Target":
        return []
    return [name for name in (m.label, m.attrs.get("alias"), m.attrs.get("written"), m.surface)
            if name and name != label and fold(name) != ""]


def _index_name(index: LinkedEntities, doc_id: str, m: Mention, ent: Entity, scoped: bool) -> None:
    """Index a mention's name: (type, label) is the entity labelled so (the first, if
    several are); a mention standing for another entity (scoped to its speech, or written
    for another name: 管委会 for the 党工委) is the speech's (speech id, type, label)."""
    if scoped or ent.label != m.label:
        index[(doc_id, *m.key)] = ent
        index.setdefault(m.key, ent)          # until a mention of the name's own entity comes
        return
    current = index.get(m.key)
    if current is None or current.label != m.label:
        index[m.key] = ent
    elif current is not ent:
        index[(doc_id, *m.key)] = ent


def link(extractions: list[Extraction]) -> LinkedEntities:
    """Map every (type, label) used by a mention or relation to its canonical Entity."""
    by_key: dict[tuple[str, str], Entity] = {}
    index = LinkedEntities()
    for ex in sorted(extractions, key=lambda e: e.document.id):
        of_mentions = index._of_mentions[ex.document.id] = []
        for m in ex.mentions:
            mk, scoped = merge_key(m)
            ent = by_key.get(mk)
            if ent is None:
                label = m.attrs.get("canonical") or m.label
                ent = by_key[mk] = Entity(iri=entity_iri(m.type, mk[1]), type=m.type, label=label)
            of_mentions.append(ent)
            ent.alt_labels.update(alias_names(m, ent.label))
            if not _ENTITY_ATTR_SET.isdisjoint(m.attrs):     # (most mentions carry none)
                for attr in ENTITY_ATTRS:
                    if attr in m.attrs and attr not in ent.attrs:
                        ent.attrs[attr] = m.attrs[attr]
            ent.documents.add(ex.document.id)
            _index_name(index, ex.document.id, m, ent, scoped)
        # things named only as relation ends or as the speaker's office still get an entity
        speaker = [("Role", ex.speaker_role)] if ex.speaker_role else []
        for etype, label in speaker + [end for r in ex.relations for end in (r.subject, r.object)]:
            if (etype, label) not in index:
                mk = (etype, fold(label) or label)
                ent = by_key.setdefault(mk, Entity(iri=entity_iri(etype, mk[1]), type=etype, label=label))
                index[(etype, label)] = ent
        if ex.speaker_role:
            index[("Role", ex.speaker_role)].documents.add(ex.document.id)
    return index
