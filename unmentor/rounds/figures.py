"""A round's figures, defined once: every page, chart, alt text, API answer and command uses these.

Everything is counted per GROUP. A group of three is one conversation, not three pairs: counting
pairs made a round with triads show more outcomes than groups ("Groups 69, Met 45, Not met 15,
Unconfirmed 11" sums to 71), and different pages disagreed about the same round.

A group's outcome is decided by `group_outcome`, the one rule for members who disagree: a group
met if any member says so (someone who met cannot be wrong about it; someone who did not may have
missed a meeting the other two held); otherwise it did not meet if any member says so; otherwise
it is unconfirmed once the round has closed, and awaiting an answer while it is open.

The met rate is met / (met + not met + unconfirmed). While a round is open nothing is
unconfirmed yet, so its rate is of the groups that have answered so far: it is marked
provisional everywhere ("so far (n of N answered)"), because it moves as answers come in and,
read as final, overstates the round (the quick answerers are mostly those who met).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal

from unmentor.rounds.models import Outcome

MET: Final = "met"
NOT_MET: Final = "not_met"
UNCONFIRMED: Final = "unconfirmed"
AWAITING: Final = "pending"
GroupOutcome = Literal["met", "not_met", "unconfirmed", "pending"]


def group_outcome(answers: Sequence[Outcome | None], *, closed: bool) -> GroupOutcome:
    """A group met if anyone says so; 'pending' (awaiting) while open and nobody has answered."""
    if Outcome.met in answers:
        return MET
    if Outcome.not_met in answers:
        return NOT_MET
    return UNCONFIRMED if closed else AWAITING


def is_conflict(answers: Sequence[Outcome | None]) -> bool:
    """Members of one group gave opposite answers: organisers should look."""
    return Outcome.met in answers and Outcome.not_met in answers


@dataclass(frozen=True)
class RoundFigures:
    """One round's figures, per group; `open` ones are provisional."""

    number: int
    open: bool
    people: int  # members placed in groups
    groups: int
    met: int
    not_met: int
    unconfirmed: int
    pending: int  # awaiting an answer: groups of an open round with no answer yet
    conflicts: int

    @property
    def answered(self) -> int:
        """Groups with at least one answer."""
        return self.met + self.not_met

    @property
    def met_rate(self) -> float | None:
        """met / (met + not met + unconfirmed), to 4 places; None when no group counts yet."""
        counted = self.met + self.not_met + self.unconfirmed
        return round(self.met / counted, 4) if counted else None

    @property
    def so_far(self) -> str:
        """'so far (n of N answered)' for an open round, '' for a closed one."""
        return f"so far ({self.answered} of {self.groups} answered)" if self.open else ""

    def rate_text(self) -> str:
        """The met rate as people read it: '72%', '80% so far (9 of 20 answered)' or '—'."""
        rate = "—" if self.met_rate is None else f"{self.met_rate:.0%}"
        return f"{rate} {self.so_far}" if self.open else rate

    def as_dict(self) -> dict[str, int | float | bool | None]:
        """The figures for JSON, with the derived ones (answered, met_rate)."""
        return {**asdict(self), "answered": self.answered, "met_rate": self.met_rate}


def tally(
    number: int, groups: Mapping[Any, Sequence[Outcome | None]], *, closed: bool
) -> RoundFigures:
    """The figures of round `number` from its groups' answers (each group's members' outcomes)."""
    counts = {MET: 0, NOT_MET: 0, UNCONFIRMED: 0, AWAITING: 0}
    conflicts = 0
    for answers in groups.values():
        counts[group_outcome(answers, closed=closed)] += 1
        conflicts += is_conflict(answers)
    return RoundFigures(
        number=number,
        open=not closed,
        people=sum(len(answers) for answers in groups.values()),
        groups=len(groups),
        met=counts[MET],
        not_met=counts[NOT_MET],
        unconfirmed=counts[UNCONFIRMED],
        pending=counts[AWAITING],
        conflicts=conflicts,
    )


def describe(figures: RoundFigures, *, people_in_network: int) -> str:
    """Counts-only alt text for a round's network picture (fit for the public)."""
    head = (
        f"Round {figures.number}: {people_in_network} people in the network, "
        f"{figures.groups} {'group' if figures.groups == 1 else 'groups'} this round"
    )
    parts = [f"{figures.met} met", f"{figures.not_met} did not meet"]
    if figures.open:
        head += f", {figures.so_far}"
        parts.append(f"{figures.pending} awaiting an answer")
    else:
        parts.append(f"{figures.unconfirmed} not confirmed")
    text = f"{head}: {', '.join(parts)}"
    if figures.met_rate is not None:
        text += f" ({figures.met_rate:.0%} met{' so far' if figures.open else ''})"
    return text + "."
