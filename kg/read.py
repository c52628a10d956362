"""Read stage: files and folders → Documents (one per speech), bad files → Problems."""
from __future__ import annotations

import os
import re
from pathlib import Path

from kg.model import Document, Problem

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | {".docx"}
MAX_BYTES = 64 * 1024 * 1024
# A speech runs to tens of thousands of characters; a "speech" of millions is a dump, and
# extracting it would take minutes and gigabytes (about 300 MB of memory per MB of text).
MAX_SPEECH_CHARS = 1_000_000
NUMERAL = "一二三四五六七八九十百零〇两\\d"
HEADING_RE = re.compile(rf"^(?:(?P<pre>.{{0,50}}?)篇(?P<n1>[{NUMERAL}]+)|第(?P<n2>[{NUMERAL}]+)篇[:：、\s]*(?P<post>.{{0,50}}))\s*$",
                        re.M)
BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x7fELF")


class ReadError(Exception):
    """A file that cannot be read as a speech; the message says why."""


def read_inputs(paths: list[str]) -> tuple[list[Document], list[Problem]]:
    documents, problems = [], []
    for path in input_files(paths, problems):
        name = readable_name(str(path))
        if path.suffix.lower() not in SUPPORTED:
            problems.append(Problem(name, f"skipped: unsupported file type {path.suffix or '(none)'}"))
            continue
        warnings: list[str] = []
        if name != str(path):
            warnings.append(f"the file name is no UTF-8: read as {readable_name(path.name)!r}")
        try:
            for doc in read_file(path, warnings):
                if len(doc.text) > MAX_SPEECH_CHARS:
                    problems.append(Problem(name, f"speech {doc.id} left out: too long for one "
                                            f"speech ({len(doc.text):,} characters; at most "
                                            f"{MAX_SPEECH_CHARS:,}): split the file into speeches"))
                else:
                    documents.append(doc)
            problems += [Problem(name, w, fatal=False) for w in warnings]
        except ReadError as e:
            problems.append(Problem(name, str(e)))
        except Exception as e:       # a reader bug must not stop the build
            problems.append(Problem(name, f"could not be read ({type(e).__name__}: {e})"))
    return documents, problems


def input_files(paths, problems: list) -> list[Path]:
    """The files ``paths`` name: a file as given, a folder's files (sub-folders included,
    sorted, none under a hidden name); a path that does not exist becomes a problem."""
    files = []
    for p in map(Path, paths):
        if p.is_dir():
            files += [f for f in sorted(p.rglob("*")) if f.is_file()
                      and not any(part.startswith(".") for part in f.relative_to(p).parts)]
        elif p.is_file():
            files.append(p)
        else:
            problems.append(Problem(str(p), "no such file or folder"))
    return files


def read_file(path, warnings: list[str] | None = None) -> list[Document]:
    """The speeches of one file; what was read but not cleanly goes into ``warnings``."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ReadError(f"too large ({size // 2**20} MB; the limit is {MAX_BYTES // 2**20} MB)")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".docx":
        text = _docx_text(path)
    elif suffix in HTML_SUFFIXES:
        text = _html_text(data)
    else:
        text = decode_bytes(data, warnings)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise ReadError("empty (no text)")
    return split_collection(path, text)


# UTF-8 with a few broken bytes inside (a bad copy or a cut-and-paste) is still UTF-8: read
# it with the broken bytes replaced, as long as they are at most this share of the file
MAX_BROKEN_UTF8 = 0.01


def decode_bytes(data: bytes, warnings: list[str] | None = None) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith(BINARY_MAGIC) or b"\x00" in data[:4096]:
        raise ReadError("binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start >= len(data) - 3:          # truncated at the very end: drop the broken tail
            return data[:e.start].decode("utf-8")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    if broken <= MAX_BROKEN_UTF8 * len(text):
        if warnings is not None:
            warnings.append(f"read as UTF-8 with {broken} broken byte sequence(s) replaced by �")
        return text
    from charset_normalizer import from_bytes
    best = from_bytes(data).best()
    if best is None:
        raise ReadError("unknown text encoding")
    return str(best)


def _html_text(data: bytes) -> str:
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(data, "lxml")
    # the <title> (with the site name) goes with <head>: the page's own heading names the speech
    for tag in soup(["head", "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe"]):
        tag.decompose()
    return soup.get_text("\n")


def _docx_text(path: Path) -> str:
    import zipfile
    if not zipfile.is_zipfile(path):
        raise ReadError("not a valid .docx (not a zip file)")
    import docx
    d = docx.Document(str(path))
    lines = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


# publisher wrappers around a title line: 以下是小编为您精选的《…》，供大家参考。
TITLE_WRAPPERS = (re.compile(r"^(?:下面是|以下是|这是).{0,12}?(?:整理|分享|带来|收集|精选)的"),
                  re.compile(r"[,，。.]?\s*(?:供大家参考|仅供参考|欢迎阅读|希望对).*$"))


def clean_title(line: str) -> str:
    """The speech's title from its first line, without a publisher's wrapper."""
    title = line.strip()
    for wrapper in TITLE_WRAPPERS:
        title = wrapper.sub("", title)
    return title.strip("《》 ")[:200] or line.strip()[:200]


def _title(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return clean_title(line)
    return ""


def readable_name(name: str) -> str:
    """A file name or path as text: as it is if it is Unicode; if the file system gave bytes
    that are no UTF-8 (Python holds them as lone surrogates; an archive made on a Chinese
    Windows names its files in GBK), those bytes read as GB18030, else with U+FFFD for the
    undecodable ones. (An id or a dcterms:source must be text: a lone surrogate cannot be
    written to an IRI, a literal or a UTF-8 file.)"""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def split_collection(path: Path, text: str) -> list[Document]:
    """One Document per speech: a collection file splits at its 篇N / 第N篇 headings."""
    heads = [m for m in HEADING_RE.finditer(text) if len(m.group().strip()) <= 60]
    stem, source = readable_name(path.stem), readable_name(str(path))
    if len(heads) < 2:
        return [Document(id=stem, source=source, title=_title(text), text=text)]
    docs = []
    for k, m in enumerate(heads, start=1):
        end = heads[k].start() if k < len(heads) else len(text)
        title = (m.group("pre") or m.group("post") or "").strip(" :：、-—") or m.group().strip()
        docs.append(Document(id=f"{stem}#{k}", source=source, title=title,
                             text=text[m.start():end], index=k))
    return docs
