"""What the last build into an output folder was made from, so that a build with nothing
new finishes at once.

A build records, in ``DIR/.kg-cache/build.state``, a digest of everything its outputs
are made from (each speech's id, source, title, text and boilerplate; the package's code,
lexicons, templates and ontology; the versions of the libraries that shape the files;
whether the pages were made) with its report and the size, mtime and inode of each file it
wrote. The next build reads the inputs and, if the digest is the same and every file is as
that build left it, writes nothing: the files already are what it would write (at 10,000
speeches, 13 s of making them again to the same bytes). ``--full``, a changed speech, a
new version or a file changed by anything else (``kg query --update``, a deleted page)
make a real build.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from kg import __version__
from kg.blocks import stamp
from kg.model import BuildReport, Problem

STATE_FILE = "build.state"            # JSON; not *.json, which earlier versions' cache entries were
STATE_FORMAT = 1
PACKAGE_DIR = Path(__file__).resolve().parent
# the libraries whose versions change the files' bytes: the segmenter, the RDF writer, the
# viewer's vis-network (pyvis ships it)
LIBRARIES = ("jieba", "pyoxigraph", "pyvis")


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the package's files (code, lexicons, patterns, templates), the
    ontology and the libraries' versions."""
    h = hashlib.sha256(__version__.encode())
    files = [p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files += list((PACKAGE_DIR.parent / "ontology").glob("*.ttl"))
    for path in sorted(files):
        h.update(str(path.relative_to(PACKAGE_DIR.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none\0".encode())
    return h.hexdigest()


def inputs_digest(documents, html: bool) -> str:
    """A digest of what a build's files are made from (see the module's text)."""
    from kg.cache import content_hash, pipeline_version
    h = hashlib.sha256(f"{STATE_FORMAT}\0{code_version()}\0{pipeline_version()}\0{html}\0".encode())
    for doc in sorted(documents, key=lambda d: d.id):
        h.update(content_hash(doc).encode() + b"\0")
    return h.hexdigest()


def _path(out: Path) -> Path:
    from kg.cache import CACHE_DIR
    return out / CACHE_DIR / STATE_FILE


def unchanged(out: Path, digest: str) -> BuildReport | None:
    """The last build's report if it was made from ``digest`` and its files are as it left
    them, else None (also when the record is missing or unreadable)."""
    try:
        state = json.loads(_path(out).read_text(encoding="utf-8"))
        if state["format"] != STATE_FORMAT or state["digest"] != digest:
            return None
        if any(stamp(out / name) != written for name, written in state["files"]):
            return None
        from kg.duplicates import Duplicate
        saved = state["report"]
        return BuildReport(
            documents=saved["documents"], reused=saved["documents"], extracted=0,
            problems=[Problem(**p) for p in saved["problems"]],
            entities_per_type=saved["entities_per_type"], violations=saved["violations"],
            outputs=[], duplicates=[Duplicate(*d) for d in saved["duplicates"]], up_to_date=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(out: Path, digest: str, report: BuildReport, read_problems: list[Problem]) -> None:
    """Record a finished build: ``digest``, its report (but the problems of reading the
    inputs, which every build finds again) and the files it wrote."""
    record = {
        "format": STATE_FORMAT, "digest": digest,
        # (by their paths within the folder: the next build may name it another way)
        "files": [[os.path.relpath(path, out), stamp(Path(path))] for path in report.outputs],
        "report": {"documents": report.documents, "entities_per_type": report.entities_per_type,
                   "violations": report.violations,
                   "problems": [asdict(p) for p in report.problems if p not in read_problems],
                   "duplicates": [[d.document, d.original, d.similarity] for d in report.duplicates]},
    }
    path = _path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(record, f)        # (escaped to ASCII: even a lone surrogate in a reason is written)
    os.replace(tmp, path)


def forget(out: Path) -> None:
    """Drop the record (a build is about to change the files)."""
    _path(out).unlink(missing_ok=True)
