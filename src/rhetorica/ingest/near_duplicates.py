"""Wire copies: the same story syndicated under another headline, trimmed or lightly edited.

A newsroom's corpus holds one agency story many times over; counted as independent
evidence, one report would look like a consensus. Each document gets a MinHash signature of
its word shingles; locality-sensitive hashing over bands of the signature
finds candidate copies without comparing every pair (a store keeps the band keys in an
indexed table, so a corpus of millions answers in a few index lookups), and a candidate is
a copy when the estimated *containment* of the shorter text in the longer is high.

Containment rather than Jaccard similarity: a copy trimmed to its first half shares half
the shingles of the original (Jaccard 0.5) but all of its own (containment 1.0), while two
newsrooms' accounts of one event share names and a quote, a few per cent of their shingles.

The MinHash is computed here with numpy (the scheme ``datasketch`` uses: one 64-bit hash per
shingle, finalised, then ``a*h + b`` mod 2^32 with odd ``a`` per permutation, minimum over
the shingles): a whole document in one vectorised step instead of a SHA-1 call per shingle,
and no two-second import of a package that brings SciPy along.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SHINGLE_WORDS = 4
NUM_PERM = 126
# 63 bands of 2 rows: a pair at Jaccard 0.3 (a copy trimmed to half and edited) becomes a
# candidate with p > 0.99; unrelated articles (Jaccard ~0.01) with p ~ 0.006, and each
# candidate costs one signature comparison.
BAND_ROWS = 2
BANDS = NUM_PERM // BAND_ROWS
MIN_SHINGLES = 25  # below this (a headline, a post) the estimate is too coarse to trust
COPY_CONTAINMENT = 0.5
MAX_CANDIDATES = 64  # compared per new document, those sharing most bands first
SEED = 1

_WORD = re.compile(r"\w+", flags=re.UNICODE)


@dataclass(frozen=True)
class Fingerprint:
    """A document's MinHash signature and how many distinct shingles it summarises."""

    signature: np.ndarray  # uint32 values, NUM_PERM of them
    shingles: int

    def to_bytes(self) -> bytes:
        return self.signature.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, shingles: int) -> Fingerprint:
        return cls(np.frombuffer(data, dtype="<u4").astype(np.uint64), int(shingles))


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@lru_cache(maxsize=200_000)
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


def _fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's finaliser: every input bit moves every output bit."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def shingle_hashes(text: str, k: int = SHINGLE_WORDS) -> np.ndarray:
    """Distinct 64-bit hashes of the ``k``-word shingles of the lower-cased words
    (punctuation, case and spacing are what copy desks change; the words are the story).
    Word hashes are mixed by position, so "a b c d" and "d c b a" differ."""
    words = _words(text)
    if not words:
        return np.zeros(0, dtype=np.uint64)
    w = np.fromiter((_word_hash(x) for x in words), dtype=np.uint64, count=len(words))
    n = max(1, len(words) - k + 1)
    h = np.zeros(n, dtype=np.uint64)
    for pos in range(min(k, len(words))):
        h = _fmix64(h ^ w[pos:pos + n])
    return np.unique(h)


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint64).astype(np.uint32)
    return a, b


def fingerprint(text: str) -> Fingerprint | None:
    """The signature of ``text``; None when it is too short to compare reliably."""
    hashes = shingle_hashes(text)
    if len(hashes) < MIN_SHINGLES:
        return None
    a, b = _permutations()
    hv = (hashes ^ (hashes >> np.uint64(32))).astype(np.uint32)
    with np.errstate(over="ignore"):
        sig = (hv[:, None] * a[None, :] + b[None, :]).min(axis=0)
    return Fingerprint(sig.astype(np.uint64), len(hashes))


def band_keys(fp: Fingerprint) -> list[int]:
    """One 63-bit key per band (its index and its rows hashed together), so one indexed
    integer column answers "which documents agree with me on some whole band"."""
    sig = fp.signature.astype("<u4")
    keys = []
    for b in range(BANDS):
        chunk = sig[b * BAND_ROWS:(b + 1) * BAND_ROWS].tobytes()
        digest = hashlib.blake2b(bytes([b]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little") & ((1 << 63) - 1))
    return keys


def jaccard(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.mean(a.signature == b.signature))


def containment(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated share of the smaller shingle set found in the larger: from
    |A ∩ B| = J (|A| + |B|) / (1 + J)."""
    j = jaccard(a, b)
    inter = j * (a.shingles + b.shingles) / (1 + j)
    return min(1.0, inter / max(1, min(a.shingles, b.shingles)))


def is_copy(a: Fingerprint, b: Fingerprint, threshold: float = COPY_CONTAINMENT) -> bool:
    return containment(a, b) >= threshold
