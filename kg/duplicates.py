"""Exact and near-duplicate speeches (template sites republish the same speech with small
changes). MinHash over character shingles with LSH banding finds candidate pairs in about
linear time; each pair's similarity is the MinHash estimate of their Jaccard index.

The MinHash is numpy over the whole speech at once: datasketch, which did this before,
hashes each shingle with a Python call (3.4 s of a 22 s build of 1,000 speeches, against
0.4 s here) and its import alone takes 0.9 s (scipy, for choosing the LSH bands, which
are fixed here).
"""
from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.model import Document

SHINGLE = 5                 # characters per shingle
PERMUTATIONS = 128
THRESHOLD = 0.7             # estimated Jaccard similarity from which a speech is a copy
CONTAINMENT = 0.8           # …or the share of the shorter speech found in the longer one
                            # (a republished copy with paragraphs cut)
# LSH bands × rows per band: candidates from an estimated Jaccard of about 0.4 (the bands
# datasketch's MinHashLSH chooses for threshold 0.4 and 128 permutations)
BANDS, ROWS = 32, 4
# the hashing below; a cache made another way is not used
SCHEME = "poly64-fmix64-affine32/1"
NOT_CONTENT = re.compile(r"[\s\W_]+")
_CHUNK = 4096               # shingles per permutation step (bounds memory on huge speeches)


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


@lru_cache(maxsize=1)
def _permutations():
    """PERMUTATIONS affine maps h → a·h + b (mod 2³²), a odd so that each is a bijection."""
    import numpy as np
    generator = np.random.RandomState(1)
    a = generator.randint(0, 1 << 31, PERMUTATIONS, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, PERMUTATIONS, dtype=np.uint64).astype(np.uint32)
    return a, b


def _shingle_hashes(text: str):
    """The distinct 32-bit hashes of the text's SHINGLE-character shingles: a polynomial
    hash of the code points (mod 2⁶⁴), mixed by MurmurHash3's finalizer, top half kept."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE:
        codes = np.concatenate([codes, np.zeros(SHINGLE - len(codes), dtype=np.uint64)])
    windows = sliding_window_view(codes, SHINGLE)
    h = windows[:, 0].copy()
    for k in range(1, SHINGLE):
        h = h * np.uint64(0x100000001B3) + windows[:, k]         # wraps mod 2⁶⁴
    for shift, multiplier in ((33, 0xFF51AFD7ED558CCD), (33, 0xC4CEB9FE1A85EC53)):
        h ^= h >> np.uint64(shift)
        h *= np.uint64(multiplier)
    h ^= h >> np.uint64(33)
    return np.unique((h >> np.uint64(32)).astype(np.uint32))


def _minhash(text: str):
    """(signature, number of distinct shingles) of a content: for each permutation, the
    least permuted shingle hash."""
    import numpy as np
    shingles = _shingle_hashes(text)
    a, b = _permutations()
    signature = np.full(PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, len(shingles), _CHUNK):
        permuted = np.multiply.outer(shingles[start:start + _CHUNK], a)
        permuted += b
        np.minimum(signature, permuted.min(axis=0), out=signature)
    return signature, len(shingles)


SIGNATURES_FILE = "minhash.npz"


class Signatures:
    """MinHash signatures by content digest, kept in the output folder's cache between
    builds: a rebuild hashes only the speeches it has not seen (with ``reuse=False``, every
    speech: the last build's are not read, this build's are still kept)."""

    def __init__(self, folder: Path | None, reuse: bool = True):
        self.path = folder / SIGNATURES_FILE if folder else None
        self.known: dict[str, tuple] = {}
        self.used: dict[str, tuple] = {}
        # a speech's text digest → its content's digest and length: finding the boilerplate
        # of every speech again took a third of the stage when nothing had changed
        self.known_texts: dict[str, tuple[str, int]] = {}
        self.used_texts: dict[str, tuple[str, int]] = {}
        from kg.lexicon import lexicon_version
        self.lexicon = lexicon_version()       # (the boilerplate patterns decide the content)
        if reuse and self.path and self.path.exists():
            self._load()

    def _load(self) -> None:
        import numpy as np
        try:
            with np.load(self.path, allow_pickle=False) as data:
                if int(data["permutations"]) != PERMUTATIONS or int(data["shingle"]) != SHINGLE \
                        or str(data["scheme"]) != SCHEME:
                    return
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
        """The signature of a content (``text()`` gives it, if it must be hashed) and its
        number of shingles."""
        if digest not in self.known:
            self.known[digest] = _minhash(text())
        self.used[digest] = self.known[digest]
        return self.used[digest]

    def save(self) -> None:
        """Keep the signatures of this build's speeches (those of removed ones go)."""
        if not self.path:
            return
        import numpy as np
        digests, texts = sorted(self.used), sorted(self.used_texts)
        values = np.array([self.used[d][0] for d in digests], dtype=np.uint32).reshape(len(digests), PERMUTATIONS)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            np.savez(f, digests=np.array(digests, dtype=str), values=values,
                     sizes=np.array([self.used[d][1] for d in digests], dtype=np.int64),
                     texts=np.array(texts, dtype=str),
                     text_contents=np.array([self.used_texts[t][0] for t in texts], dtype=str),
                     text_lengths=np.array([self.used_texts[t][1] for t in texts], dtype=np.int64),
                     permutations=PERMUTATIONS, shingle=SHINGLE, scheme=SCHEME)
        os.replace(tmp, self.path)


def _containment(jaccard: float, size_a: int, size_b: int) -> float:
    """|A∩B| / min(|A|,|B|) from the Jaccard index and the set sizes."""
    if jaccard <= 0:
        return 0.0
    overlap = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(1.0, overlap / min(size_a, size_b))


class _Originals:
    """The speeches that are not copies, as rows of one signature matrix, with an LSH band
    index over them: a speech's candidates are the originals that share one of its BANDS
    bands of ROWS values, and it is compared with all of them in one numpy operation
    (candidates run to hundreds where a template is reused)."""

    def __init__(self, capacity: int):
        import numpy as np
        self.values = np.zeros((max(1, capacity), PERMUTATIONS), dtype=np.uint32)
        self.ids: list[str] = []
        self.sizes: list[int] = []
        self.bands: list[dict[bytes, list[int]]] = [defaultdict(list) for _ in range(BANDS)]

    @staticmethod
    def _band_keys(signature):
        return [signature[band * ROWS:(band + 1) * ROWS].tobytes() for band in range(BANDS)]

    def add(self, doc_id: str, signature, size: int) -> None:
        row = len(self.ids)
        self.values[row] = signature
        self.ids.append(doc_id)
        self.sizes.append(size)
        for buckets, key in zip(self.bands, self._band_keys(signature)):
            buckets[key].append(row)

    def candidates(self, signature) -> list[tuple[str, float, int]]:
        """(id, estimated Jaccard, shingles) of each original sharing a band with the
        signature, by id."""
        import numpy as np
        rows = sorted({row for buckets, key in zip(self.bands, self._band_keys(signature))
                       for row in buckets.get(key, ())})
        if not rows:
            return []
        same = np.count_nonzero(self.values[rows] == signature, axis=1)
        found = [(self.ids[row], float(n) / PERMUTATIONS, self.sizes[row]) for row, n in zip(rows, same)]
        return sorted(found)


def find_duplicates(documents: list[Document], threshold: float = THRESHOLD,
                    cache_dir: Path | None = None, reuse: bool = True) -> list[Duplicate]:
    """Pairs of speeches whose text is (nearly) the same, each later speech linked to the
    earliest one it repeats; sorted, so the result does not depend on input order. With a
    ``cache_dir`` the MinHash signatures are kept there for the next build, and (unless
    ``reuse`` is False) those the last one kept are used."""
    docs = sorted(documents, key=lambda d: d.id)
    signatures = Signatures(cache_dir, reuse)
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
    originals = _Originals(len(docs))
    for d in docs:
        if d.id in found or lengths[d.id] < SHINGLE * 4:
            continue
        mine, size = signatures.get(digests[d.id], lambda d=d: contents[d.id] or _content(d))
        best, best_id = 0.0, None
        for candidate, jaccard, their_size in originals.candidates(mine):   # ties: earliest id
            if jaccard >= threshold or _containment(jaccard, size, their_size) >= CONTAINMENT:
                if jaccard > best:
                    best, best_id = jaccard, candidate
        if best_id is not None:
            found[d.id] = Duplicate(d.id, best_id, round(best, 3))
        else:
            originals.add(d.id, mine, size)
    signatures.save()
    return sorted(found.values(), key=lambda dup: dup.document)
