"""Exact and near-duplicate speeches (template sites republish the same speech with small
changes). MinHash over character shingles with LSH (datasketch) finds candidate pairs in
about linear time; each pair's similarity is the MinHash estimate of their Jaccard index.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.model import Document

SHINGLE = 5                 # characters per shingle
PERMUTATIONS = 128
THRESHOLD = 0.7             # estimated Jaccard similarity from which a speech is a copy
CONTAINMENT = 0.8           # …or the share of the shorter speech found in the longer one
                            # (a republished copy with paragraphs cut)
CANDIDATE_THRESHOLD = 0.4   # LSH band threshold for candidate pairs
NOT_CONTENT = re.compile(r"[\s\W_]+")


@dataclass(frozen=True)
class Duplicate:
    document: str           # the later speech (by id)
    original: str           # the speech it repeats
    similarity: float       # 1.0 for an exact copy


def _content(doc: Document) -> str:
    """The speech without its boilerplate lines, spaces and punctuation."""
    from kg.clean import find_boilerplate
    text = doc.text
    for start, end in sorted(doc.boilerplate or find_boilerplate(text), reverse=True):
        text = text[:start] + text[end:]
    return NOT_CONTENT.sub("", text)


def _minhash(text: str):
    from datasketch import MinHash
    m = MinHash(num_perm=PERMUTATIONS, seed=1)
    shingles = {text[i:i + SHINGLE] for i in range(max(1, len(text) - SHINGLE + 1))}
    m.update_batch([s.encode("utf-8", "surrogatepass") for s in shingles])
    return m, len(shingles)


SIGNATURES_FILE = "minhash.npz"


@lru_cache(maxsize=1)
def _default_scheme() -> str:
    from datasketch import MinHash
    return str(getattr(MinHash(num_perm=PERMUTATIONS, seed=1), "scheme", "legacy"))


@lru_cache(maxsize=2)
def _permutations(scheme: str):
    from datasketch import MinHash
    return MinHash(num_perm=PERMUTATIONS, seed=1, scheme=scheme).permutations


class Signatures:
    """MinHash signatures by content digest, kept in the output folder's cache between
    builds: a rebuild hashes only the speeches it has not seen (a signature costs about as
    much as extracting a short speech's lexicon matches)."""

    def __init__(self, folder: Path | None):
        self.path = folder / SIGNATURES_FILE if folder else None
        self.known: dict[str, tuple] = {}
        self.used: dict[str, tuple] = {}
        # a speech's text digest → its content's digest and length: finding the boilerplate
        # of every speech again took a third of the stage when nothing had changed
        self.known_texts: dict[str, tuple[str, int]] = {}
        self.used_texts: dict[str, tuple[str, int]] = {}
        from kg.lexicon import lexicon_version
        self.lexicon = lexicon_version()       # (the boilerplate patterns decide the content)
        self.scheme = None          # datasketch's hashing scheme the signatures were made with
        if self.path and self.path.exists():
            self._load()

    def _load(self) -> None:
        import numpy as np
        try:
            with np.load(self.path, allow_pickle=False) as data:
                if int(data["permutations"]) != PERMUTATIONS or int(data["shingle"]) != SHINGLE \
                        or str(data["scheme"]) != _default_scheme():
                    return
                self.scheme = str(data["scheme"])
                for digest, values, size in zip(data["digests"], data["values"], data["sizes"]):
                    self.known[str(digest)] = (values, int(size))
                for text, digest, length in zip(data["texts"], data["text_contents"], data["text_lengths"]):
                    self.known_texts[str(text)] = (str(digest), int(length))
        except (OSError, ValueError, KeyError):
            self.known, self.known_texts = {}, {}      # unreadable: signatures are made again

    def content(self, doc: Document) -> tuple[str, int, str | None]:
        """(digest, length, text or None if known already) of the speech's content."""
        key = hashlib.sha256(self.lexicon.encode() + doc.text.encode("utf-8", "surrogatepass")).hexdigest()
        if key in self.known_texts:
            self.used_texts[key] = self.known_texts[key]
            return (*self.known_texts[key], None)
        content = _content(doc)
        self.used_texts[key] = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest(), len(content)
        return (*self.used_texts[key], content)

    def get(self, digest: str, text):
        """The MinHash of a content (``text()`` gives it, if it must be hashed) and its
        number of shingles."""
        from datasketch import MinHash
        if digest in self.known:
            values, size = self.known[digest]
            # the permutations handed over: MinHash would compute them again for every speech
            m = MinHash(num_perm=PERMUTATIONS, seed=1, hashvalues=values, scheme=self.scheme,
                        permutations=_permutations(self.scheme))
        else:
            m, size = _minhash(text())
        self.used[digest] = (m.hashvalues, size)
        return m, size

    def save(self) -> None:
        """Keep the signatures of this build's speeches (those of removed ones go)."""
        if not self.path:
            return
        import numpy as np
        digests, texts = sorted(self.used), sorted(self.used_texts)
        values = np.array([self.used[d][0] for d in digests], dtype=np.uint64).reshape(len(digests), PERMUTATIONS)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            np.savez(f, digests=np.array(digests, dtype=str), values=values,
                     sizes=np.array([self.used[d][1] for d in digests], dtype=np.int64),
                     texts=np.array(texts, dtype=str),
                     text_contents=np.array([self.used_texts[t][0] for t in texts], dtype=str),
                     text_lengths=np.array([self.used_texts[t][1] for t in texts], dtype=np.int64),
                     permutations=PERMUTATIONS, shingle=SHINGLE, scheme=_default_scheme())
        os.replace(tmp, self.path)


def _containment(jaccard: float, size_a: int, size_b: int) -> float:
    """|A∩B| / min(|A|,|B|) from the Jaccard index and the set sizes."""
    if jaccard <= 0:
        return 0.0
    overlap = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(1.0, overlap / min(size_a, size_b))


class _Originals:
    """The signatures of the speeches in the LSH index, as rows of one matrix: a speech is
    compared with all its candidates in one numpy operation (candidates run to hundreds
    where a template is reused; one MinHash.jaccard call each took 24 s at 10,000
    speeches)."""

    def __init__(self, capacity: int):
        import numpy as np
        self.values = np.zeros((max(1, capacity), PERMUTATIONS), dtype=np.uint64)
        self.rows: dict[str, int] = {}
        self.sizes: dict[str, int] = {}

    def add(self, doc_id: str, minhash, size: int) -> None:
        self.rows[doc_id] = len(self.rows)
        self.values[self.rows[doc_id]] = minhash.hashvalues
        self.sizes[doc_id] = size

    def jaccards(self, minhash, candidates: list[str]) -> list[float]:
        """MinHash.jaccard of ``minhash`` with each candidate, the same figures."""
        import numpy as np
        if not candidates:
            return []
        same = self.values[[self.rows[c] for c in candidates]] == minhash.hashvalues
        return [float(n) / float(PERMUTATIONS) for n in np.count_nonzero(same, axis=1)]


def find_duplicates(documents: list[Document], threshold: float = THRESHOLD,
                    cache_dir: Path | None = None) -> list[Duplicate]:
    """Pairs of speeches whose text is (nearly) the same, each later speech linked to the
    earliest one it repeats; sorted, so the result does not depend on input order. With a
    ``cache_dir`` the MinHash signatures are kept there for the next build."""
    from datasketch import MinHashLSH
    docs = sorted(documents, key=lambda d: d.id)
    signatures = Signatures(cache_dir)
    digests, lengths, contents = {}, {}, {}
    for d in docs:
        digests[d.id], lengths[d.id], contents[d.id] = signatures.content(d)
    exact: dict[str, str] = {}
    found: dict[str, Duplicate] = {}
    for d in docs:
        digest = digests[d.id]
        if digest in exact and lengths[d.id]:
            found[d.id] = Duplicate(d.id, exact[digest], 1.0)
        else:
            exact.setdefault(digest, d.id)
    lsh = MinHashLSH(threshold=CANDIDATE_THRESHOLD, num_perm=PERMUTATIONS)
    originals = _Originals(len(docs))
    for d in docs:
        if d.id in found or lengths[d.id] < SHINGLE * 4:
            continue
        mine, size = signatures.get(digests[d.id], lambda d=d: contents[d.id] or _content(d))
        candidates = sorted(lsh.query(mine))                 # ties go to the earliest id
        best, best_id = 0.0, None
        for candidate, jaccard in zip(candidates, originals.jaccards(mine, candidates)):
            if jaccard >= threshold or _containment(jaccard, size, originals.sizes[candidate]) >= CONTAINMENT:
                if jaccard > best:
                    best, best_id = jaccard, candidate
        if best_id is not None:
            found[d.id] = Duplicate(d.id, best_id, round(best, 3))
        else:
            lsh.insert(d.id, mine)
            originals.add(d.id, mine, size)
    signatures.save()
    return sorted(found.values(), key=lambda dup: dup.document)
