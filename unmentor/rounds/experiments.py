"""Did a change help? Met rates compared between groups of conversations, with their doubt.

A conversation is a group of a closed round; it met if any member said so (as on the round
page), and a group nobody answered for counts as not met, as on the dashboard's met rate.
Each comparison splits the conversations in two and gives each side its count, met rate and
95% Wilson interval, then a two-sided two-proportion z-test (pooled) of the difference.

Who rests how often is what people chose *now*: the service keeps no history of rhythms, so
"by rhythm" compares by each group's members' current choice. A group "picked a time" when one
of its members chose a suggested slot on the pick-a-time page (round_member.meeting_at).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, Field
from sqlalchemy import String, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from unmentor.people.models import Participant
from unmentor.rounds.models import Outcome, Round, RoundMember
from unmentor.words import count

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal
SIGNIFICANCE = 0.05
# Below this many met (or not met) on a side, the normal approximation of the test is poor.
MIN_EACH = 5


def wilson(met: int, total: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for met/total; (0, 1) when there is nothing to go on."""
    if total == 0:
        return 0.0, 1.0
    p = met / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def two_proportion_test(met_a: int, n_a: int, met_b: int, n_b: int) -> tuple[float, float]:
    """z and the two-sided p-value of "both sides meet equally often" (pooled variance)."""
    pooled = (met_a + met_b) / (n_a + n_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if spread == 0:
        return 0.0, 1.0  # everyone met, or nobody did: no difference to see
    z = (met_a / n_a - met_b / n_b) / spread
    return z, math.erfc(abs(z) / math.sqrt(2))


class Side(BaseModel):
    label: str
    conversations: int
    met: int
    met_rate: float | None
    low: float = Field(description="95% Wilson interval, lower end.")
    high: float = Field(description="95% Wilson interval, upper end.")


class Comparison(BaseModel):
    key: str
    title: str
    sides: list[Side] = Field(description="Always two: the comparison is the first vs second.")
    left_out: int = Field(description="Conversations that fall on neither side.")
    z: float | None
    p_value: float | None = Field(description="Two-sided two-proportion z-test, pooled.")
    bigger_than_chance: bool | None = Field(description="None: too few to tell.")
    sentence: str


class Experiments(BaseModel):
    conversations: int = Field(description="Groups of closed rounds.")
    method: str
    comparisons: list[Comparison]


@dataclass
class Conversation:
    round_number: int
    met: bool
    rhythms: list[int]
    sectors: list[str | None]
    first_timers: int  # members in their first round
    gap_months: int | None  # since the round before; None for the first round
    picked_time: bool = False  # the group chose one of the suggested times


def _months(period: str) -> int:
    year, month = period.split("-")
    return int(year) * 12 + int(month)


def conversations(*, session: Session) -> list[Conversation]:
    """Every group of a closed round with what the comparisons split on."""
    rounds = session.exec(select(Round).order_by(col(Round.number))).all()
    gap: dict[int, int | None] = {}
    previous = None
    for r in rounds:
        gap[r.id] = _months(r.period) - _months(previous.period) if previous else None
        previous = r
    closed = {r.id: r.number for r in rounds if r.closed_at is not None}
    # Plain rows with the outcome as stored (no enum per row): half the time at 600,000 rows.
    rows = session.connection().execute(
        sa_select(
            col(RoundMember.round_id),
            col(RoundMember.group_no),
            col(RoundMember.participant_id),
            type_coerce(RoundMember.outcome, String),
            col(Participant.rhythm),
            col(Participant.sector),
            col(RoundMember.meeting_at).is_not(None),
        ).join(Participant, col(Participant.id) == RoundMember.participant_id)
    )
    numbers = {r.id: r.number for r in rounds}
    first_round: dict[int, int] = {}
    groups: dict[tuple[int, int], list] = defaultdict(list)
    for round_id, group_no, pid, outcome, rhythm, sector, picked in rows:
        number = numbers[round_id]
        first_round[pid] = min(first_round.get(pid, number), number)
        if round_id in closed:
            groups[(round_id, group_no)].append((pid, outcome, rhythm, sector, picked))
    found = []
    for (round_id, _), members in sorted(groups.items()):
        number = closed[round_id]
        found.append(
            Conversation(
                round_number=number,
                # A group met if anyone says so (group_outcome), stored values compared as text.
                met=any(member[1] == Outcome.met for member in members),
                rhythms=[member[2] for member in members],
                sectors=[member[3] for member in members],
                first_timers=sum(first_round[member[0]] == number for member in members),
                gap_months=gap[round_id],
                # Picking sets the time on every member; any one of them is enough to tell.
                picked_time=any(member[4] for member in members),
            )
        )
    return found


def _side(label: str, chosen: list[Conversation]) -> Side:
    met = sum(c.met for c in chosen)
    low, high = wilson(met, len(chosen))
    rate = round(met / len(chosen), 4) if chosen else None
    return Side(
        label=label,
        conversations=len(chosen),
        met=met,
        met_rate=rate,
        low=round(low, 4),
        high=round(high, 4),
    )


def _percent(side: Side) -> str:
    return f"{side.met_rate:.0%} of {side.conversations}" if side.conversations else "none"


def compare(
    key: str,
    title: str,
    items: list[Conversation],
    first: tuple[str, Callable[[Conversation], bool]],
    second: tuple[str, Callable[[Conversation], bool]],
) -> Comparison:
    """Split `items` by the two tests and say whether the met rates differ beyond chance."""
    a = [c for c in items if first[1](c)]
    b = [c for c in items if not first[1](c) and second[1](c)]
    sides = [_side(first[0], a), _side(second[0], b)]
    left_out = len(items) - len(a) - len(b)
    met_a, met_b = sides[0].met, sides[1].met
    counts = (met_a, len(a) - met_a, met_b, len(b) - met_b)
    head = f"{first[0]} met {_percent(sides[0])}; {second[0]} met {_percent(sides[1])}"
    if not a or not b or min(counts) < MIN_EACH:
        return Comparison(
            key=key,
            title=title,
            sides=sides,
            left_out=left_out,
            z=None,
            p_value=None,
            bigger_than_chance=None,
            sentence=f"{head}. Too few conversations to tell (the test needs at least "
            f"{MIN_EACH} that met and {MIN_EACH} that did not on each side).",
        )
    z, p = two_proportion_test(met_a, len(a), met_b, len(b))
    rate_a, rate_b = sides[0].met_rate, sides[1].met_rate
    assert rate_a is not None and rate_b is not None  # both sides have decided conversations
    difference = count(round(abs(rate_a - rate_b) * 100), "point")
    verdict = (
        f"a difference of {difference}, bigger than chance would usually give"
        if p < SIGNIFICANCE
        else f"a difference of {difference}, which chance alone could give"
    )
    return Comparison(
        key=key,
        title=title,
        sides=sides,
        left_out=left_out,
        z=round(z, 4),
        p_value=round(p, 4),
        bigger_than_chance=p < SIGNIFICANCE,
        sentence=f"{head}: {verdict} (two-proportion z-test, p = {p:.3f}).",
    )


def experiments(*, session: Session) -> Experiments:
    """The standing comparisons over every closed round."""
    items = conversations(session=session)
    known_sectors = [c for c in items if all(c.sectors)]
    comparisons = [
        compare(
            "rhythm",
            "By rhythm (members' current choice)",
            items,
            ("Everyone every round", lambda c: max(c.rhythms) == 1),
            ("Someone every 2nd or 3rd round", lambda c: max(c.rhythms) > 1),
        ),
        compare(
            "cadence",
            "By cadence (months since the round before)",
            items,
            ("One month after the last round", lambda c: c.gap_months == 1),
            ("Two months or more after", lambda c: (c.gap_months or 0) >= 2),
        ),
        compare(
            "first_timers",
            "First-timers and regulars",
            items,
            ("With a first-timer", lambda c: c.first_timers > 0),
            ("Regulars only", lambda c: c.first_timers == 0),
        ),
        compare(
            "sector",
            "Same or different sector",
            known_sectors,
            ("Same sector", lambda c: len({s.casefold() for s in c.sectors if s}) == 1),
            ("Different sectors", lambda c: len({s.casefold() for s in c.sectors if s}) > 1),
        ),
        compare(
            "picked_time",
            "With or without a picked time",
            items,
            ("Picked a suggested time", lambda c: c.picked_time),
            ("No time picked", lambda c: not c.picked_time),
        ),
    ]
    # Groups with an unknown sector fall on neither side of the sector comparison.
    comparisons[3].left_out += len(items) - len(known_sectors)
    return Experiments(
        conversations=len(items),
        method="Met rate = groups where someone said they met / groups of closed rounds "
        "(no answer counts as not met). 95% Wilson intervals; the difference is tested with "
        f"a two-sided two-proportion z-test (pooled), called bigger than chance when "
        f"p < {SIGNIFICANCE}, and only with at least {MIN_EACH} met and {MIN_EACH} not met "
        "on each side.",
        comparisons=comparisons,
    )
