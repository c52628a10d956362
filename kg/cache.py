"""Per-speech extraction cache in the output folder, so a rebuild costs what changed.

Each speech's Extraction is kept as JSON in a row of ``DIR/.kg-cache/extractions.sqlite``
(one file: writing a file a speech cost 0.25–0.6 s of a full build of 1,000 speeches in
creating the files alone), keyed by the speech's content hash and by the pipeline version
(kfq-kg version, every lexicon and pattern file, the extractor code and the ontology). A
changed speech, lexicon or extractor is extracted again; an entry that cannot be read
(corrupt, truncated, another version) is dropped and rebuilt, a file that is no database
removed whole; entries of speeches no longer in the corpus are pruned.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import contextmanager
from dataclasses import fields
from functools import lru_cache
from operator import attrgetter
from pathlib import Path

import orjson

from kg import __version__
from kg.model import Document, Extraction, Mention, Relation, Sentence

CACHE_DIR = ".kg-cache"
ENTRIES_FILE = "extractions.sqlite"      # the entries, a row a speech
PACKAGE_DIR = Path(__file__).resolve().parent


# the modules outside kg/extract/ that the extractors use (tests/test_incremental.py checks
# that the list holds every one they import)
EXTRACTION_MODULES = ("clean.py", "jieba_tables.py", "lexicon.py", "memo.py", "model.py", "numerals.py",
                      "pos_hmm.py", "segment.py")


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


def load_many(out_dir: Path, documents) -> dict[str, Extraction | None]:
    """Each document's cached extraction of its exact text, or None (missing, stale,
    corrupt: a corrupt entry is deleted, a file that is no database is removed whole)."""
    found: dict[str, Extraction | None] = {d.id: None for d in documents}
    path = out_dir / CACHE_DIR / ENTRIES_FILE
    if not path.exists():
        return found
    wanted = {d.id: d for d in documents}
    version, corrupt = pipeline_version(), []
    try:
        with _connected(path) as db:
            for doc_id, entry_version, entry_format, entry_hash, data in db.execute(
                    "SELECT id, version, format, hash, data FROM entries"):
                doc = wanted.get(doc_id)
                if doc is None or entry_version != version or entry_format != ENTRY_FORMAT \
                        or entry_hash != extraction_hash(doc):
                    continue
                try:
                    found[doc_id] = _from_json(doc, loads(data))
                except (ValueError, KeyError, TypeError):
                    corrupt.append((doc_id,))
            if corrupt:
                with db:
                    db.executemany("DELETE FROM entries WHERE id = ?", corrupt)
    except sqlite3.OperationalError:        # locked, unreadable just now: extract again, keep it
        return {d.id: None for d in documents}
    except sqlite3.DatabaseError:
        _remove_entries_file(path)
        return {d.id: None for d in documents}
    return found


def store_many(out_dir: Path, extractions) -> None:
    """Keep these extractions, in one transaction (a killed build leaves the entries as
    they were: SQLite rolls the transaction back when the file is next opened)."""
    rows = [(ex.document.id, pipeline_version(), ENTRY_FORMAT, extraction_hash(ex.document), dumps(_to_json(ex)))
            for ex in extractions]
    if not rows:
        return
    path = out_dir / CACHE_DIR / ENTRIES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in (1, 2):
        try:
            with _connected(path) as db, db:
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)", rows)
            return
        except sqlite3.OperationalError:
            raise                           # disk full, locked: the entries are not to blame
        except sqlite3.DatabaseError:
            if attempt == 2:
                raise
            _remove_entries_file(path)      # no database (garbage, another program's): anew


def prune(out_dir: Path, keep_ids) -> int:
    """Remove the entries of speeches that are gone (and the one-file-a-speech entries of
    earlier versions); returns how many."""
    folder = out_dir / CACHE_DIR
    removed = 0
    for path in folder.glob("*.json"):          # format 1 and 2 entries: a JSON file a speech
        if len(path.stem) == 32:
            path.unlink(missing_ok=True)
            removed += 1
    path = folder / ENTRIES_FILE
    if not path.exists():
        return removed
    keep = set(keep_ids)
    try:
        with _connected(path) as db:
            gone = [(doc_id,) for (doc_id,) in db.execute("SELECT id FROM entries") if doc_id not in keep]
            if gone:
                with db:
                    db.executemany("DELETE FROM entries WHERE id = ?", gone)
    except sqlite3.OperationalError:
        return removed                      # pruned by a later build
    except sqlite3.DatabaseError:
        _remove_entries_file(path)
        return removed
    return removed + len(gone)


@contextmanager
def _connected(path: Path):
    """The entries file, its table made if missing; closed on leaving (``with db:`` is a
    transaction, not a close)."""
    db = sqlite3.connect(path)
    try:
        db.execute("CREATE TABLE IF NOT EXISTS entries (id TEXT PRIMARY KEY, version TEXT, format INTEGER, "
                   "hash TEXT, data BLOB)")
        yield db
    finally:
        db.close()


def _remove_entries_file(path: Path) -> None:
    for stale in (path, path.with_name(path.name + "-journal")):
        stale.unlink(missing_ok=True)
