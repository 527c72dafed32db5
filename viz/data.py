"""Plain input types for the pictures and metrics.

The service turns its rows into these before calling `viz`, so `viz` never touches the database and
never sees a name or an email: a person is an opaque integer key plus the label used for colouring.
Keys are participant ids on the organiser side, which is why public output must never print them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

import numpy as np

Outcome = Literal["met", "not_met", "unconfirmed", "pending"]
#: Drawing and counting order; the index of an outcome here is its code in `LinkArrays.outcome`.
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)


@dataclass(frozen=True, slots=True)
class Person:
    """A participant as the pictures see one: an opaque key and a colouring category."""

    key: int
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """One edge of one group: a pair gives one link, a triad three (one per pair in it)."""

    a: int
    b: int
    round_number: int
    outcome: Outcome

    def __post_init__(self) -> None:
        if self.a == self.b:
            raise ValueError("a link joins two different people")
        if self.round_number < 1:
            raise ValueError("rounds are numbered from 1")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {self.outcome!r}")


@dataclass(frozen=True, slots=True)
class GrowthPoint:
    """How many people had signed up, and how many were active, on a day."""

    day: date
    signed_up: int
    active: int


@dataclass(frozen=True, slots=True)
class RoundMark:
    """A round on the growth graph: its number, the day it was formed, its met rate if known.

    A `provisional` rate (a round still open) is drawn apart from the line of final ones.
    """

    number: int
    day: date
    met_rate: float | None = None
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class RoundOutcomes:
    """A round's conversations by outcome, as the caller counts them (viz does not recount).

    `provisional` marks a round still open: its bar is drawn as such.
    """

    number: int
    met: int = 0
    not_met: int = 0
    unconfirmed: int = 0
    pending: int = 0
    provisional: bool = False

    def counts(self) -> tuple[int, ...]:
        """The counts in OUTCOMES order."""
        return tuple(getattr(self, outcome) for outcome in OUTCOMES)


@dataclass(frozen=True)
class LinkArrays:
    """Links as parallel numpy arrays, built once so that 10,000-person networks stay vectorised."""

    a: np.ndarray  # int64
    b: np.ndarray  # int64
    round_number: np.ndarray  # int64
    outcome: np.ndarray  # int8 index into OUTCOMES

    @classmethod
    def of(cls, links: Iterable[Link]) -> LinkArrays:
        """Columns of `links` in their given order."""
        rows = [(link.a, link.b, link.round_number, OUTCOMES.index(link.outcome)) for link in links]
        table = np.array(rows, dtype=np.int64).reshape(-1, 4)
        return cls(table[:, 0], table[:, 1], table[:, 2], table[:, 3].astype(np.int8))

    def __len__(self) -> int:
        return len(self.a)

    def upto(self, round_number: int) -> LinkArrays:
        """Only the links of rounds 1..round_number."""
        keep = self.round_number <= round_number
        return LinkArrays(self.a[keep], self.b[keep], self.round_number[keep], self.outcome[keep])

    def keys(self) -> np.ndarray:
        """Sorted distinct people appearing in these links."""
        return np.unique(np.concatenate([self.a, self.b]))


def as_link_arrays(links: Iterable[Link] | LinkArrays) -> LinkArrays:
    """`links` as columns, converting only when needed."""
    return links if isinstance(links, LinkArrays) else LinkArrays.of(links)


def present_keys(links: LinkArrays, upto_round: int, present: Collection[int] = ()) -> np.ndarray:
    """Sorted keys of the people in the network by a round: linked by then, or said present."""
    linked = links.upto(upto_round).keys()
    if not present:
        return linked
    extra = np.fromiter(present, dtype=np.int64, count=len(present))
    return np.union1d(linked, extra)
