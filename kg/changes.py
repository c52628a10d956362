"""What a rebuild added and removed: the "what changed this week" an analyst asks for.

Four kinds of things are compared, each a set of tuples of strings read from a build's
facts (:mod:`kg.page_facts`, the same for a build in memory and for a graph's files):

- speeches: (identifier,);
- entities: (type, label) of every entity a speech mentions, targets and figures apart;
- targets: (label, value and unit as written) of every target a speech mentions;
- roles: (person, role) of every person who holds a role.

``kg diff OLD NEW`` compares two folders. A build compares itself with the last build
into its folder without a copy of it: each build keeps its sets in the folder's cache
(``build.changes``), with what changed since the build before and when each was made.
"""
from __future__ import annotations

from pathlib import Path

from kg.cache import dumps, loads
from kg.page_facts import KFQ

KINDS = ("speeches", "entities", "targets", "roles")
RECORD_FILE = "build.changes"         # JSON; not *.json, which earlier versions' cache entries were
RECORD_VERSION = 1
NOT_ENTITIES = (KFQ + "Target", KFQ + "Metric")       # compared as targets, or not at all


def change_sets(facts) -> dict[str, set[tuple]]:
    """The four sets (see the module's text) of a build's or a store's facts."""
    mentioned = {e for _, e in facts.rows("mentions")}
    typed = facts.rows("entities")
    labels: dict[str, list[str]] = {}
    for e, _, label in typed:
        labels.setdefault(e, []).append(label)
    persons = {e for e, etype, _ in typed if etype == KFQ + "Person"}
    return {
        "speeches": {(doc_id,) for _, doc_id, _ in facts.rows("documents") if doc_id is not None},
        "entities": {(_local(etype), label) for e, etype, label in typed
                     if e in mentioned and etype not in NOT_ENTITIES},
        "targets": {(label, (value or "") + (unit or ""))
                    for t, label, _, value, unit, _, _ in facts.rows("targets") if t in mentioned},
        "roles": {(person, role) for s, predicate, o in facts.rows("relations")
                  if predicate == KFQ + "holdsRole" and s in persons
                  for person in labels[s] for role in labels.get(o, ())},
    }


def _local(iri: str) -> str:
    """A type's name: what follows the IRI's first # (as SPARQL's STRAFTER gives it)."""
    return iri.split("#", 1)[1] if "#" in iri else ""


def compare(before: dict[str, set], after: dict[str, set]) -> dict[str, dict[str, list]]:
    """Kind → {"added": sorted tuples, "removed": sorted tuples}."""
    return {kind: {"added": sorted(after[kind] - before[kind]), "removed": sorted(before[kind] - after[kind])}
            for kind in KINDS}


def record(folder: Path, facts, built: str) -> tuple[str, dict] | None:
    """Keep this build's sets in ``folder`` (a build's cache folder), made at ``built``
    (an ISO time); return (when the last build recorded there was made, what changed
    since it), or None if no earlier build left a readable record."""
    sets = change_sets(facts)
    last = _read(folder)
    changes = None if last is None else (last["built"], compare(last["sets"], sets))
    _write(folder, {"version": RECORD_VERSION, "built": built,
                    "sets": {kind: sorted(sets[kind]) for kind in KINDS},
                    "since": changes and changes[0], "changes": changes and changes[1]})
    return changes


def last_changes(folder: Path) -> tuple[str, str, dict] | None:
    """(when the last build into the folder whose cache is ``folder`` was made, when the
    build before it was, what changed between them), or None if it recorded no changes
    (no build there, or only a first one)."""
    last = _read(folder)
    if last is None or last["changes"] is None:
        return None
    return last["built"], last["since"], {kind: {sign: [tuple(item) for item in items] for sign, items in change.items()}
                                          for kind, change in last["changes"].items()}


def _read(folder: Path) -> dict | None:
    """The record, its sets as sets of tuples; None if missing, unreadable or of another
    version (the next build then says nothing of what changed, and records again)."""
    try:
        data = loads((folder / RECORD_FILE).read_bytes())
        if data.get("version") != RECORD_VERSION:
            return None
        data["sets"] = {kind: {tuple(item) for item in data["sets"][kind]} for kind in KINDS}
        return data
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write(folder: Path, data: dict) -> None:
    from kg.graph import atomic_write      # (only a build writes: kg.graph is loaded by then)
    folder.mkdir(parents=True, exist_ok=True)
    encoded = dumps(data)
    atomic_write(folder / RECORD_FILE, lambda f: f.write(encoded))
