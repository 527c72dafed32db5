"""The matching engine's inputs and result."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Candidate:
    """Someone to place: `org` is any label (two people with equal labels never meet)."""

    id: int
    org: str
    priority: int = 0


@dataclass
class MatchResult:
    """Groups of ids (pairs, and at most one triad) and the ids left out, with reasons."""

    groups: list[tuple[int, ...]]
    unmatched: list[int]
    # Why each left-out id was left out, in words an organiser can act on.
    reasons: dict[int, str] = field(default_factory=dict)
    # How many compatible people each id has never met: warns before the pool runs dry.
    fresh_partners: dict[int, int] = field(default_factory=dict, repr=False)
    # min(⌊n/2⌋, n - largest organisation) pairs, or better where the engine can tell.
    upper_bound: int = 0
    # True when the pairs are a maximum matching: at the bound, or proved by exhaustion.
    is_proven_maximum: bool = False
    seed: int | None = None


@dataclass
class ArrayResult:
    """The large-input form of a result: index arrays instead of Python objects."""

    pairs: np.ndarray  # (k, 2) ids
    triad: tuple[int, int, int] | None
    unmatched: np.ndarray  # ids
    fresh_partners: np.ndarray  # per input position
    upper_bound: int
    is_proven_maximum: bool
