"""Where each speech's part of graph.trig and graph.ttl sits, so a rebuild copies the bytes
of unchanged speeches instead of making their quads again.

graph.trig is the prefix lines, then one named graph per speech (a copy's in two blocks:
the speech, then its duplication); graph.ttl the prefix lines, one block of each speech's
own triples (and one of a copy's duplication), then the entities' shared triples. Every
block is a whole pyoxigraph serialization less its prefix lines, so the files are what
pyoxigraph wrote, block by block. A build records each block's offset, length and key (a
digest of everything the block is made from: the speech's text, the extractor and graph
code, the descriptions of the entities it names; for a duplication block, the speeches
it repeats) in ``DIR/.kg-cache/graph-blocks.idx`` (JSON), and the same for the chunks of
graph.ttl's closing shared triples (each keyed by what it is made of, in order), with
the size, mtime and inode of both files; the next build copies a block whose key is
unchanged from files that are unchanged since (a file written by anything else, ``kg
query --update`` say, is not read at all). :class:`PreviousBlocks` says where such a
block lies; kg.graph has the kernel copy it, a run of adjacent blocks at once.

Making a speech's triples and quads (pyoxigraph's constructors, one call a term) costs
about five times serializing them.
"""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

INDEX_NAME = "graph-blocks.idx"      # not *.json, which earlier versions' cache entries were
FILES = ("graph.trig", "graph.ttl")
INDEX_FORMAT = 4


def stamp(path: Path) -> list[int] | None:
    """A file's size, mtime and inode (None if it is missing): any rewrite changes it."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def read_at(f, at: int, length: int = -1) -> bytes:
    """``length`` bytes (all the rest if -1) of an open file from offset ``at``."""
    f.seek(at)
    return f.read(length)


class PreviousBlocks:
    """The last build's blocks, readable while the new files are written beside them."""

    def __init__(self, out: Path, speeches: dict[str, list], shared_entries=(), duplications=None, sizes=None):
        self.out, self.speeches, self._files = out, speeches, {}
        self.sizes = sizes or {}                        # file name → its size when indexed
        self.duplications = duplications or {}
        self.shared_chunks = {}                         # key → (offset, length)
        for entry in shared_entries or ():
            if isinstance(entry, list) and len(entry) == 3:
                self.shared_chunks[entry[0]] = entry[1:]

    @contextmanager
    def opened(self):
        try:
            if self.speeches:
                self._files = {name: open(self.out / name, "rb") for name in FILES}
            yield self
        finally:
            for f in self._files.values():
                f.close()
            self._files = {}

    def get(self, doc_id: str, key: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """Where this speech's TriG and Turtle blocks lie in the old files ((offset, length)
        each) if the last build wrote them from the same ``key``, else None."""
        return self._pair(self.speeches.get(doc_id), key)

    def duplication(self, doc_id: str, key: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """Where this speech's duplication blocks lie, likewise."""
        return self._pair(self.duplications.get(doc_id), key)

    def _pair(self, entry, key: str):
        try:
            stored_key, trig_at, trig_len, ttl_at, ttl_len = entry
            if not self._files or stored_key != key:
                return None
            blocks = (self._range("graph.trig", trig_at, trig_len), self._range("graph.ttl", ttl_at, ttl_len))
        except (TypeError, ValueError):      # an index that is not ours: make the speech again
            return None
        return None if None in blocks else blocks

    def shared(self, key: str) -> tuple[int, int] | None:
        """Where the chunk of graph.ttl's shared triples the last build wrote from ``key``
        lies, if it wrote one."""
        try:
            if not self._files or key not in self.shared_chunks:
                return None
            return self._range("graph.ttl", *self.shared_chunks[key])
        except (TypeError, ValueError):
            return None

    def _range(self, name: str, at: int, length: int) -> tuple[int, int] | None:
        """(at, length) if it lies within the old file as the index recorded it."""
        if type(at) is not int or type(length) is not int or at < 0 or length < 0 or at + length > self.sizes[name]:
            return None
        return at, length

    def source(self, name: str):
        """The old file ``name``, open for reading (None if there is none to copy from)."""
        return self._files.get(name)

    def read(self, name: str, block: tuple[int, int]) -> bytes:
        """The bytes of a block of the old file ``name``."""
        at, length = block
        data = read_at(self._files[name], at, length)
        if len(data) != length:
            raise OSError(f"{self.out / name} ended before its block index said")
        return data


def previous(out: Path, cache_dir: str) -> PreviousBlocks:
    """The blocks the last build into ``out`` wrote, or none if its index is missing, from
    another format, or the files changed since."""
    try:
        index = json.loads((out / cache_dir / INDEX_NAME).read_text(encoding="utf-8"))
        if index["format"] != INDEX_FORMAT or any(index["files"][n] != stamp(out / n) for n in FILES):
            return PreviousBlocks(out, {})
        return PreviousBlocks(out, dict(index["speeches"]), index["shared"], dict(index["duplications"]),
                              {n: index["files"][n][0] for n in FILES})
    except (OSError, ValueError, KeyError, TypeError):
        return PreviousBlocks(out, {})


def save(out: Path, cache_dir: str, speeches: dict[str, list], shared_entries: list | None = None,
         duplications: dict[str, list] | None = None) -> None:
    """Record the blocks of the files just written (after they were renamed into place):
    each speech's, each copy's duplication, and the chunks of graph.ttl's shared triples
    ([key, offset, length] each)."""
    folder = out / cache_dir
    folder.mkdir(parents=True, exist_ok=True)
    index = {"format": INDEX_FORMAT, "files": {n: stamp(out / n) for n in FILES}, "speeches": speeches,
             "duplications": duplications or {}, "shared": shared_entries or []}
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(index, ensure_ascii=False))
    os.replace(tmp, folder / INDEX_NAME)

