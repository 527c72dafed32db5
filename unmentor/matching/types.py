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
    """Someone to place this round; two people with equal `org` labels never meet.

    `org` None or "" means no organisation (a freelancer): such a person may meet anyone.
    """

    id: int
    org: str | None
    priority: int = 0


class SitOut(IntEnum):
    """Why someone was left out of a round, for programs (ArrayMatch.reasons holds these)."""

    ALONE = 1
    NO_FRESH_PARTNER = 2
    ORGANISATION_MAJORITY = 3
    ODD_ONE_OUT = 4
    PARTNERS_NEEDED_ELSEWHERE = 5
    # Like NO_FRESH_PARTNER, but someone they are not to meet (`blocked`) is part of the cause.
    NO_PARTNER_MET_OR_BLOCKED = 6


class Reason(str):
    """Why someone sits out: a sentence for organisers (it is a str), and its `kind`."""

    kind: SitOut

    def __new__(cls, text: str, kind: SitOut) -> Reason:
        reason = super().__new__(cls, text)
        reason.kind = kind
        return reason

    # copy and pickle need both; str declares one argument, so the override is refused
    def __getnewargs__(self) -> tuple[str, SitOut]:  # type: ignore[override]
        return (str(self), self.kind)


@dataclass
class MatchResult:
    """One round: groups of ids and who sits out, and why.

    With group_size=2: pairs and at most one triad; with group_size g in 3..4: groups of g, and
    of g - 1 or g + 1 for the leftovers.
    """

    groups: list[tuple[int, ...]]
    unmatched: list[int]
    # Why each id in `unmatched` sits out: a sentence for organisers, with `.kind`.
    reasons: dict[int, Reason] = field(default_factory=dict)
    # Per id: how many people here, from another organisation, they have never met.
    # Organisers can warn people (or recruit) before someone's count reaches 0.
    fresh_partners: dict[int, int] = field(default_factory=dict, repr=False)
    # No valid grouping of these candidates can place more than this many people (with
    # `repeatable`: no fresh grouping, plus the people placed by a repeat).
    upper_bound: int = 0
    # True when `placed` is proven to be the most any valid grouping could place.
    is_proven_maximum: bool = True
    seed: int | None = None
    # Pairs met before and placed together again (only with `repeatable`): (low id, high id) ->
    # the round they last met, as given in `repeatable`.
    repeated: dict[tuple[int, int], int] = field(default_factory=dict)

    @property
    def placed(self) -> int:
        """How many people are in a group."""
        return sum(len(group) for group in self.groups)


@dataclass
class ArrayMatch:
    """The array form of `MatchResult` (ids, never positions), from `match_arrays`.

    `groups` holds every group, one (k, size) id array per size present, by ascending size;
    `pairs` and `triad` are the same groups of two and the group_size=2 triad, as before.
    """

    pairs: np.ndarray  # (k, 2) int64 ids
    triad: tuple[int, int, int] | None
    unmatched: np.ndarray  # int64 ids
    reasons: np.ndarray  # int8 SitOut value per entry of `unmatched`
    fresh_partners: np.ndarray  # int64, aligned with the input ids
    upper_bound: int
    is_proven_maximum: bool
    seed: int | None = None
    groups: list[np.ndarray] = field(default_factory=list)
    # Repeated pairs (only with `repeatable`): (k, 2) ids, low first, and the round last met.
    repeated: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    repeated_rounds: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def placed(self) -> int:
        """How many people are in a group."""
        return sum(int(block.size) for block in self.groups)
