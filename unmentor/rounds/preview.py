"""A look at the next round's grouping before it is sent; nothing is written."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlmodel import Session

from unmentor.rounds.forming import plan_round
from unmentor.settings import Settings


class PreviewPerson(BaseModel):
    participant_id: int
    name: str
    organisation: str


class Preview(BaseModel):
    period: str
    seed: int
    groups: list[list[PreviewPerson]]
    sat_out: list[tuple[PreviewPerson, str]]
    people: int
    few_fresh_partners: list[tuple[PreviewPerson, int]]
    # Per participant id: how many available people they are kept apart from (never-match
    # lists), which the fresh-partner counts above already leave out. Not the same as "met".
    kept_apart: dict[int, int] = {}


def preview_round(
    *, session: Session, settings: Settings, today: date, seed: int, warn_below: int = 3
) -> Preview:
    """The grouping that forming with `seed` today would produce."""
    plan = plan_round(session=session, settings=settings, today=today, seed=seed)

    def view(pid: int) -> PreviewPerson:
        person = plan.people[pid]
        return PreviewPerson(participant_id=pid, name=person.name, organisation=person.organisation)

    running_dry = sorted(
        (count, pid) for pid, count in plan.fresh_partners.items() if count < warn_below
    )
    return Preview(
        period=plan.period.key,
        seed=seed,
        groups=[[view(pid) for pid in group] for group in plan.groups],
        sat_out=[(view(pid), plan.reasons_for_organisers[pid]) for pid in plan.sat_out],
        people=len(plan.people),
        few_fresh_partners=[(view(pid), count) for count, pid in running_dry],
        kept_apart=_kept_apart(plan.blocked, set(plan.people)),
    )


def _kept_apart(blocked: list[tuple[int, int]], available: set[int]) -> dict[int, int]:
    partners: dict[int, set[int]] = {}
    for a, b in blocked:
        if a in available and b in available:
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
    return {pid: len(others) for pid, others in sorted(partners.items())}
