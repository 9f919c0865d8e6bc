"""Near-duplicate detection: the same story republished by another outlet, lightly edited.

Texts are compared as sets of word 5-grams ("shingles"). MinHash signatures (datasketch) with an
LSH index find candidates quickly; each candidate is then verified exactly on its shingles, since
the index is only probabilistic. Two texts are near-duplicates when their Jaccard similarity is at
least `JACCARD` (lightly edited copies), or when at least `CONTAINMENT` of the shorter text's
shingles are in the longer (a copy cut short, or one with a paragraph added).

Why these thresholds: on the shared news corpus, wire stories republished by several outlets
score Jaccard 0.5-1.0 or containment 0.85-1.0; distinct stories that share background
paragraphs (running coverage of one event, an update on another day) reach Jaccard 0.3-0.5
and containment 0.5-0.7, and must stay independent sources.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # datasketch (with numpy and scipy) is imported when a signature is made, not
    # with the ledger: reading commands (claims, search, show, export) never need it
    import numpy as np
    from datasketch import MinHash

NUM_PERM = 128
# datasketch 2.0's default hashing scheme, named: stored signatures must be reloaded with the same one
SCHEME = "affine32"
SHINGLE = 5
JACCARD = 0.5
CONTAINMENT = 0.8
# the LSH index looks for Jaccard at least this: low enough that a copy containing 80% of a text
# a third of its length is still found; candidates are verified exactly afterwards
LSH_THRESHOLD = 0.25
# texts shorter than this many shingles are too short to call copies of each other reliably
MIN_SHINGLES = 8

_WORD = re.compile(r"\w+")


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    """Lowercased word k-grams; punctuation and spacing do not matter (copies often differ there)."""
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def _crc32(data: bytes) -> int:
    # a fast, stable 32-bit hash of each shingle (SHA-1, datasketch's default, costs 5x more); the
    # random permutations on top of it are what MinHash needs. Part of the stored signatures' format.
    return zlib.crc32(data)


@lru_cache(maxsize=1)
def _permutations() -> tuple:
    # made once: datasketch would draw the same permutations again for every MinHash
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def _new(hashvalues: np.ndarray | None = None) -> MinHash:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashfunc=_crc32, hashvalues=hashvalues,
                   permutations=_permutations())


def minhash(shingle_set: Iterable[str]) -> MinHash:
    m = _new()
    m.update_batch([s.encode("utf-8") for s in shingle_set])
    return m


def signature_bytes(m: MinHash) -> bytes:
    import numpy as np

    return np.asarray(m.hashvalues, dtype="<u8").tobytes()


def from_bytes(blob: bytes) -> MinHash:
    import numpy as np

    return _new(np.frombuffer(blob, dtype="<u8").astype(np.uint64))


@dataclass
class Match:
    key: str
    jaccard: float
    containment: float


def similarity(a: set[str], b: set[str]) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger)."""
    if not a or not b:
        return 0.0, 0.0
    inter = len(a & b)
    return inter / len(a | b), inter / min(len(a), len(b))


def is_near_duplicate(jaccard: float, containment: float) -> bool:
    return jaccard >= JACCARD or containment >= CONTAINMENT


class DuplicateIndex:
    """An in-memory LSH index over article signatures; the ledger keeps the signatures on disk."""

    def __init__(self) -> None:
        from datasketch import MinHashLSH

        self.lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)

    def __contains__(self, key: str) -> bool:
        return key in self.lsh

    def __len__(self) -> int:
        return len(self.lsh.keys)

    def add(self, key: str, m: MinHash) -> None:
        if key not in self.lsh:
            self.lsh.insert(key, m)

    def candidates(self, m: MinHash, exclude: str | None = None) -> list[str]:
        return [k for k in self.lsh.query(m) if k != exclude]


def best_match(text_shingles: set[str], candidates: dict[str, str]) -> Match | None:
    """The most similar candidate (key -> text) that is a near-duplicate, verified exactly."""
    if len(text_shingles) < MIN_SHINGLES:
        return None
    best: Match | None = None
    for key, other in candidates.items():
        other_sh = shingles(other)
        if len(other_sh) < MIN_SHINGLES:
            continue
        jac, cont = similarity(text_shingles, other_sh)
        if is_near_duplicate(jac, cont) and (best is None or (jac, cont) > (best.jaccard, best.containment)):
            best = Match(key, round(jac, 4), round(cont, 4))
    return best
