"""A look at the next round's grouping before it is sent; nothing is written."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from sqlmodel import Session

from unmentor.rounds.calendar import period_of
from unmentor.rounds.forming import plan_round, round_for_period
from unmentor.settings import Settings


class PreviewPerson(BaseModel):
    participant_id: int
    name: str
    organisation: str


class Preview(BaseModel):
    period: str = Field(description="The next period that has no round yet, YYYY-MM.")
    forms_on: date = Field(description="When the scheduler forms that period's round.")
    can_form_now: bool = Field(
        description="True when it is the current period, so POST /rounds forms it today."
    )
    seed: int
    groups: list[list[PreviewPerson]]
    sat_out: list[tuple[PreviewPerson, str]]
    people: int
    resting: int = Field(0, description="Active people whose rhythm skips this round.")
    few_fresh_partners: list[tuple[PreviewPerson, int]]
    # Per participant id: how many available people they are kept apart from (never-match
    # lists), which the fresh-partner counts above already leave out. Not the same as "met".
    kept_apart: dict[int, int] = {}
    meets_again: list[tuple[PreviewPerson, PreviewPerson, int]] = Field(
        description="Pairs the repeat policy lets meet again, with the round they first met."
    )


def preview_round(
    *, session: Session, settings: Settings, today: date, seed: int, warn_below: int = 3
) -> Preview:
    """The grouping the next period without a round would get with `seed`, as things are now.

    Once this period's round is formed, that is the next period: showing this period again
    would preview a round that can no longer be formed.
    """
    day = next_unformed_day(session=session, settings=settings, today=today)
    plan = plan_round(session=session, settings=settings, today=day, seed=seed)

    def view(pid: int) -> PreviewPerson:
        person = plan.people[pid]
        return PreviewPerson(participant_id=pid, name=person.name, organisation=person.organisation)

    running_dry = sorted(
        (count, pid) for pid, count in plan.fresh_partners.items() if count < warn_below
    )
    return Preview(
        period=plan.period.key,
        forms_on=max(plan.period.forms_on, today),
        can_form_now=day == today,
        seed=seed,
        groups=[[view(pid) for pid in group] for group in plan.groups],
        sat_out=[(view(pid), plan.reasons_for_organisers[pid]) for pid in plan.sat_out],
        people=len(plan.people),
        resting=len(plan.resting),
        few_fresh_partners=[(view(pid), count) for count, pid in running_dry],
        kept_apart=_kept_apart(plan.blocked, set(plan.people)),
        meets_again=[(view(a), view(b), first) for (a, b), first in sorted(plan.first_met.items())],
    )


def next_unformed_day(*, session: Session, settings: Settings, today: date) -> date:
    """`today` if its period has no round yet, else the forming day of the first later period
    without one (pauses ending by then count as over)."""
    day = today
    while round_for_period(session=session, period_key=(period := period_of(day, settings)).key):
        day = period_of(period.next_starts_on, settings).forms_on
    return day


def _kept_apart(blocked: list[tuple[int, int]], available: set[int]) -> dict[int, int]:
    partners: dict[int, set[int]] = {}
    for a, b in blocked:
        if a in available and b in available:
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
    return {pid: len(others) for pid, others in sorted(partners.items())}
