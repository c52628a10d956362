"""Per-speech extraction cache in the output folder, so a rebuild costs what changed.

Each speech's Extraction is stored as JSON under ``DIR/.kg-cache/``, keyed by the speech's
content hash and by the pipeline version (kfq-kg version, every lexicon and pattern file,
the extractor code and the ontology). A changed speech, lexicon or extractor is extracted
again; an entry that cannot be read (corrupt, truncated, another version) is dropped and
rebuilt; entries of speeches no longer in the corpus are pruned.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import fields
from functools import lru_cache
from operator import attrgetter
from pathlib import Path

import orjson

from kg import __version__
from kg.model import Document, Extraction, Mention, Relation, Sentence

CACHE_DIR = ".kg-cache"
PACKAGE_DIR = Path(__file__).resolve().parent


# the modules outside kg/extract/ that the extractors use (tests/test_incremental.py checks
# that the list holds every one they import)
EXTRACTION_MODULES = ("clean.py", "jieba_tables.py", "lexicon.py", "memo.py", "model.py", "segment.py")


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """Changes whenever anything that shapes an extraction changes."""
    from kg import lexicon
    h = hashlib.sha256(__version__.encode() + lexicon.lexicon_version().encode())
    code = sorted((PACKAGE_DIR / "extract").glob("*.py")) + [PACKAGE_DIR / n for n in EXTRACTION_MODULES]
    ontology = sorted((PACKAGE_DIR.parent / "ontology").glob("*.ttl"))
    for path in code + ontology:
        if path.exists():
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def content_hash(doc: Document) -> str:
    """Everything of the speech that its part of the graph is made from."""
    return _digest([doc.id, doc.source, doc.title, doc.text, json.dumps(doc.boilerplate)])


def extraction_hash(doc: Document) -> str:
    """What the extraction is made from: not the file's path (a moved or renamed corpus
    folder is not extracted again; the extractors never read it)."""
    return _digest([doc.id, doc.title, doc.text, json.dumps(doc.boilerplate)])


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def dumps(data) -> bytes:
    """JSON as UTF-8 bytes, for the caches: orjson's (5× json's dumps, 2× its loads at
    10,000 speeches' entries), or, for what orjson refuses (integers past 64 bits, text
    with lone surrogates), json's after a space (orjson would read such an integer back
    as a float: the space says to read with json)."""
    try:
        return orjson.dumps(data)
    except TypeError:
        return b" " + json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")


def loads(data: bytes):
    """What :func:`dumps` wrote (ValueError if it is no JSON)."""
    if data[:1] == b" ":
        return json.loads(data.decode("utf-8", "surrogatepass"))
    return orjson.loads(data)


def _entry_path(out_dir: Path, doc_id: str) -> Path:
    return out_dir / CACHE_DIR / (hashlib.sha256(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:32] + ".json")


# what an entry holds of a mention and of a relation, by position (the speech's id, the
# same in all of them, is the entry's: an extractor makes them of the speech it reads):
# a third smaller than a dict each, and read in half the time (10,000 speeches' entries:
# 0.81 s → 0.45 s)
MENTION_FIELDS = tuple(f.name for f in fields(Mention))[1:]          # (the first is doc_id)
RELATION_FIELDS = tuple(f.name for f in fields(Relation))[1:]
ENTRY_FORMAT = 2                    # (1: mentions and relations as dicts)
_mention_row, _relation_row = attrgetter(*MENTION_FIELDS), attrgetter(*RELATION_FIELDS)


def _to_json(ex: Extraction) -> dict:
    return {"sentences": [[s.doc_id, s.index, s.start, s.end, s.text] for s in ex.sentences],
            "mentions": [_mention_row(m) for m in ex.mentions],
            "relations": [_relation_row(r) for r in ex.relations],
            "speaker_role": ex.speaker_role}


def _from_json(doc: Document, data: dict) -> Extraction:
    mentions = data["mentions"]
    # a row of another length (a field lost) must not shift its fields into the wrong
    # places (one of a relation fails to unpack below)
    if any(len(m) != len(MENTION_FIELDS) for m in mentions):
        raise ValueError("a mention with fields missing")
    return Extraction(
        document=doc,
        sentences=[Sentence(*s) for s in data["sentences"]],
        mentions=[Mention(doc.id, *m) for m in mentions],
        relations=[Relation(doc.id, tuple(subject), predicate, tuple(obj), sentence)
                   for subject, predicate, obj, sentence in data["relations"]],
        speaker_role=data["speaker_role"])


def load(out_dir: Path, doc: Document) -> Extraction | None:
    """The cached extraction of this exact speech text, or None (missing, stale, corrupt)."""
    path = _entry_path(out_dir, doc.id)
    try:
        with open(path, "rb") as f:
            entry = loads(f.read())
        if entry["version"] != pipeline_version() or entry["hash"] != extraction_hash(doc) \
                or entry.get("format") != ENTRY_FORMAT:
            return None
        return _from_json(doc, entry["extraction"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)        # corrupt: rebuilt by the caller
        return None


def store(out_dir: Path, ex: Extraction) -> None:
    path = _entry_path(out_dir, ex.document.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"version": pipeline_version(), "format": ENTRY_FORMAT, "hash": extraction_hash(ex.document),
             "id": ex.document.id, "extraction": _to_json(ex)}
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(dumps(entry))
    os.replace(tmp, path)


def prune(out_dir: Path, keep_ids) -> int:
    """Remove entries of speeches that are gone; returns how many."""
    folder = out_dir / CACHE_DIR
    if not folder.exists():
        return 0
    keep = {_entry_path(out_dir, i).name for i in keep_ids}
    removed = 0
    for path in folder.glob("*.json"):
        # entries only (named by a 32-digit hash): other caches live beside them
        if len(path.stem) == 32 and path.name not in keep:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
