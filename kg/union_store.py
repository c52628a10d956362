"""The on-disk store a large build makes its pages from, kept between builds in
``DIR/.kg-cache/union-store/`` and brought up to date from what changed instead of being
loaded again (loading the union of 10,000 speeches into it took 35 s).

The store mirrors graph.ttl and build.ttl as they were at its last update. Beside it are
hard links to those two files (``union-store.mirror.ttl``, ``union-store.mirror-build.ttl``:
no copy; a build replaces the files by renaming, so the links keep the old text) and, in
``union-store.idx`` (JSON), the block index of that graph.ttl (:mod:`kg.blocks`) and the links'
size, mtime and inode. An update removes the triples of each speech whose block changed or
went (read from the mirror at its old offsets), adds the new blocks, and applies the
differences of the shared part and of build.ttl. The marker file is removed before an
update and written after it, so a killed update is seen: then, and whenever anything does
not match (no marker, a mirror that is not the file it was, most speeches changed, a
``--full`` build), the store is loaded again from scratch.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from kg.blocks import read_at, stamp

STORE_DIR = "union-store"
MARKER = "union-store.idx"      # not *.json: those are the speeches' entries (kg.cache)
MIRRORS = {"graph.ttl": "union-store.mirror.ttl", "build.ttl": "union-store.mirror-build.ttl"}
FORMAT = 1
UPDATE_AT_MOST = 0.3          # share of the speeches changed beyond which loading is cheaper


def open_updated(out: Path, cache_dir: str, fresh: bool = False):
    """The store, holding graph.ttl and build.ttl of ``out`` as they are now."""
    import pyoxigraph as ox
    from kg import blocks
    folder = out / cache_dir
    marker = _read_marker(folder)
    (folder / MARKER).unlink(missing_ok=True)
    current = blocks.previous(out, cache_dir).speeches     # the index of the files as they are
    store = ox.Store(str(folder / STORE_DIR))
    if fresh or marker is None or not current or not _updated(store, out, folder, marker, current):
        _load_whole(store, out)
    store.flush()
    _write_marker(out, folder, current)
    return store


def _load_whole(store, out: Path) -> None:
    import pyoxigraph as ox
    from kg.api import bulk_load_in_pieces
    store.clear()
    for name in MIRRORS:
        if (out / name).exists():
            bulk_load_in_pieces(store, out / name, ox.RdfFormat.TURTLE)


def _updated(store, out: Path, folder: Path, marker: dict, current: dict) -> bool:
    """:func:`_update`, or False if it failed on something unexpected (a marker or mirror
    that is not ours): the caller then loads the store whole, as after any failure."""
    try:
        return _update(store, out, folder, marker, current)
    except (OSError, ValueError, TypeError, IndexError, KeyError, SyntaxError):
        return False


def _update(store, out: Path, folder: Path, marker: dict, current: dict) -> bool:
    """Bring the store from the marker's state to ``current``; False if it cannot (the
    caller loads it whole)."""
    import pyoxigraph as ox
    from kg.graph import prefix_lines
    old = marker["speeches"]
    gone = [d for d in old if current.get(d, [None])[0] != old[d][0]]
    came = [d for d in current if old.get(d, [None])[0] != current[d][0]]
    if len(gone) + len(came) > UPDATE_AT_MOST * max(len(current), 1) + 2:
        return False
    header = prefix_lines(ox.RdfFormat.TURTLE)
    with open(folder / MIRRORS["graph.ttl"], "rb") as mirror, open(out / "graph.ttl", "rb") as now:
        for d in gone:
            for q in _triples(header + read_at(mirror, old[d][3], old[d][4])):
                store.remove(q)
        added = b"".join(read_at(now, current[d][3], current[d][4]) for d in came)
        if added:
            store.bulk_load(header + added, format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        _apply_difference(store, _triples(header + read_at(mirror, _shared_start(old, header))),
                          _triples(header + read_at(now, _shared_start(current, header))))
    _apply_difference(store, _triples((folder / MIRRORS["build.ttl"]).read_bytes()),
                      _triples((out / "build.ttl").read_bytes()))
    return True


def _triples(data: bytes) -> set:
    import pyoxigraph as ox
    return set(ox.parse(data, format=ox.RdfFormat.TURTLE)) if data else set()


def _apply_difference(store, before: set, after: set) -> None:
    for q in before - after:
        store.remove(q)
    store.extend(after - before)


def _shared_start(speeches: dict, header: bytes) -> int:
    """Where graph.ttl's shared part begins: after the last speech's block."""
    return max((at + length for _, _, _, at, length in speeches.values()), default=len(header))


def _read_marker(folder: Path) -> dict | None:
    """The marker if the store and its mirrors are as it says, else None."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        if marker["format"] != FORMAT or not isinstance(marker["speeches"], dict):
            return None
        if any(stamp(folder / m) != marker["mirrors"][m] for m in MIRRORS.values()):
            return None
        return marker
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_marker(out: Path, folder: Path, speeches: dict) -> None:
    """Link the mirrors to the files the store now holds, then say so (on a file system
    without hard links, nothing is said: the next build loads the store whole)."""
    try:
        _link_mirrors(out, folder)
    except OSError:
        return
    marker = {"format": FORMAT, "speeches": speeches,
              "mirrors": {m: stamp(folder / m) for m in MIRRORS.values()}}
    tmp = folder / (MARKER + ".writing")
    tmp.write_text(json.dumps(marker, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / MARKER)


def _link_mirrors(out: Path, folder: Path) -> None:
    for name, mirror in MIRRORS.items():
        link = folder / mirror
        tmp = link.with_name(link.name + ".linking")
        tmp.unlink(missing_ok=True)
        if (out / name).exists():
            os.link(out / name, tmp)
            os.replace(tmp, link)
        else:
            link.unlink(missing_ok=True)
