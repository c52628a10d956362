"""Plain data passed between the pipeline stages.

read → clean/split → segment → extract → link → graph → export. Every stage takes and
returns these dataclasses, so a notebook user can run, inspect or replace any one stage.
Offsets are character offsets into ``Document.text`` (the text as stored, before any
masking or conversion), end exclusive.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

# The eight entity types of the annotation guideline, in display order.
ENTITY_TYPES = ("Zone", "Industry", "Program", "Target", "Role", "Person", "Organization", "Place")


@dataclass
class Document:
    """One speech. ``id`` is the file stem, or ``STEM#k`` for the k-th speech of a collection."""
    id: str
    source: str                      # path of the file it came from, as given
    title: str
    text: str                        # the speech text as stored (offsets refer to it)
    index: int = 0                   # k for collection members, 0 for plain files
    # (start, end) ranges of publisher boilerplate inside ``text``: kept, not extracted from
    boilerplate: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Problem:
    """An input that could not be (fully) read: reported, never raised."""
    source: str
    reason: str
    fatal: bool = True               # True: nothing was read from this file

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass
class Sentence:
    doc_id: str
    index: int
    start: int
    end: int
    text: str                        # normalised text for matching: same length as the span
                                     # (traditional→simplified, full-width folded), never shifted


@dataclass
class Mention:
    """One occurrence of an entity in a sentence."""
    doc_id: str
    type: str                        # one of ENTITY_TYPES
    label: str                       # canonical label (guideline form: 汽车产业 → 汽车)
    surface: str                     # the span as written in the document
    start: int
    end: int
    sentence: int                    # Sentence.index
    # type-specific fields: Target → indicator, value, unit, qualifier, year, amount,
    # currency; Role → organization; Person → role
    attrs: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.type, self.label)


@dataclass
class Relation:
    """A typed link between two mentioned things, e.g. Zone focusesOn Industry."""
    doc_id: str
    subject: tuple[str, str]         # (type, label) of the subject
    predicate: str                   # local name in the kfq ontology, e.g. "focusesOn"
    object: tuple[str, str]          # (type, label) of the object
    sentence: int = -1


@dataclass
class Extraction:
    """What the extractors found in one document."""
    document: Document
    sentences: list[Sentence]
    mentions: list[Mention]
    relations: list[Relation] = field(default_factory=list)
    speaker_role: Optional[str] = None   # "市长" when the title says 市长在…讲话
    from_cache: bool = False             # taken from the output folder's cache


@dataclass
class Entity:
    """One canonical thing across the corpus, after linking."""
    iri: str
    type: str
    label: str
    alt_labels: set[str] = field(default_factory=set)
    attrs: dict = field(default_factory=dict)
    documents: set[str] = field(default_factory=set)


@dataclass
class BuildReport:
    documents: int = 0
    reused: int = 0
    extracted: int = 0
    problems: list[Problem] = field(default_factory=list)
    entities_per_type: dict = field(default_factory=dict)
    seconds: float = 0.0
    violations: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    duplicates: list = field(default_factory=list)      # kg.duplicates.Duplicate
    validated: int = 0                                  # speeches' graphs SHACL-checked
    up_to_date: bool = False                            # nothing changed: nothing was written
    # what changed since the last build into the folder (kg.changes.compare), and when
    # that build was made; None for a first build, or one without pages (html=False)
    changes: dict | None = None
    changes_since: str | None = None
