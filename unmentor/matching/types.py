"""The matching engine's plain-data inputs and results.

`Candidate`/`MatchResult` are the object API the service uses; `ArrayMatch` is the same result
as numpy arrays, for populations where building a Python object per person would dominate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np


@dataclass(frozen=True, slots=True)
class Candidate:
    """Someone to place this round; two people with equal `org` labels never meet."""

    id: int
    org: str | None  # None: no organisation, may meet anyone (SHIM until engine branch merges)
    priority: int = 0


class SitOut(IntEnum):
    """Why someone was left out of a round, for programs (ArrayMatch.reasons holds these)."""

    ALONE = 1
    NO_FRESH_PARTNER = 2
    ORGANISATION_MAJORITY = 3
    ODD_ONE_OUT = 4
    PARTNERS_NEEDED_ELSEWHERE = 5


class Reason(str):
    """Why someone sits out: a sentence for organisers (it is a str), and its `kind`."""

    kind: SitOut

    def __new__(cls, text: str, kind: SitOut) -> Reason:
        reason = super().__new__(cls, text)
        reason.kind = kind
        return reason

    def __getnewargs__(self) -> tuple[str, SitOut]:  # copy and pickle need both
        return (str(self), self.kind)


@dataclass
class MatchResult:
    """One round: groups of ids (pairs, at most one triad) and who sits out, and why."""

    groups: list[tuple[int, ...]]
    unmatched: list[int]
    # Why each id in `unmatched` sits out: a sentence for organisers, with `.kind`.
    reasons: dict[int, Reason] = field(default_factory=dict)
    # Per id: how many people here, from another organisation, they have never met.
    # Organisers can warn people (or recruit) before someone's count reaches 0.
    fresh_partners: dict[int, int] = field(default_factory=dict, repr=False)
    # No valid grouping of these candidates can place more than this many people.
    upper_bound: int = 0
    # True when `placed` is proven to be the most any valid grouping could place.
    is_proven_maximum: bool = True
    seed: int | None = None
    # Pairs (low, high) from `repeatable` placed together, with the round they last met.
    repeated: dict[tuple[int, int], int] = field(default_factory=dict)  # SHIM until engine merges

    @property
    def placed(self) -> int:
        """How many people are in a group."""
        return sum(len(group) for group in self.groups)


@dataclass
class ArrayMatch:
    """The array form of `MatchResult` (ids, never positions), from `match_arrays`."""

    pairs: np.ndarray  # (k, 2) int64 ids
    triad: tuple[int, int, int] | None
    unmatched: np.ndarray  # int64 ids
    reasons: np.ndarray  # int8 SitOut value per entry of `unmatched`
    fresh_partners: np.ndarray  # int64, aligned with the input ids
    upper_bound: int
    is_proven_maximum: bool
    seed: int | None = None

    @property
    def placed(self) -> int:
        """How many people are in a group."""
        return 2 * len(self.pairs) + (3 if self.triad is not None else 0)
