"""Which stories the public sees, and how each is attributed.

Nothing is shown while fewer than `public_min_people` take part in the scheme at all, nor a
story from a round too small to be published (the rule of unmentor.network.views: in a small
round a few words can point at someone). A story shows as "a participant from <sector>" only
when its author chose that and at least `public_min_people` people taking part share the
sector; else "a participant". Names of people and organisations are never part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from unmentor.people.models import TAKING_PART, Participant
from unmentor.rounds.emails import period_name
from unmentor.rounds.models import Outcome, Round, RoundMember, RoundSitOut
from unmentor.stories.models import Attribution, Story, StoryStatus

SOMEONE = "a participant"


@dataclass(frozen=True)
class PublishedStory:
    """An approved story as anyone may read it: plain data, for the page and the Atom feed."""

    id: int  # stable: never given to another story (entry ids can be built from it)
    text: str
    attribution: str | None  # "a participant from Health", "a participant"; None: anonymous
    round_number: int
    period: str  # "2026-11"
    month: str  # "November 2026"
    approved_at: datetime
    updated_at: datetime


def _fold(sector: str | None) -> str:
    return " ".join((sector or "").split()).casefold()


def scheme_is_public(*, session: Session, min_people: int) -> bool:
    """Whether enough people take part for anything about stories to be shown."""
    count = session.exec(
        select(func.count()).select_from(Participant).where(Participant.status.in_(TAKING_PART))
    ).one()
    return count >= min_people


def _round_sizes(session: Session, round_ids: set[int]) -> dict[int, int]:
    """People taking part in each round (members and those who sat out), as the public view."""
    sizes: dict[int, int] = dict.fromkeys(round_ids, 0)
    for table in (RoundMember, RoundSitOut):
        rows = session.exec(
            select(table.round_id, func.count())
            .where(table.round_id.in_(round_ids))
            .group_by(table.round_id)
        ).all()
        for round_id, count in rows:
            sizes[round_id] += count
    return sizes


def _sector_sizes(session: Session) -> dict[str, int]:
    sizes: dict[str, int] = {}
    rows = session.exec(
        select(Participant.sector, func.count())
        .where(Participant.status.in_(TAKING_PART), Participant.sector.is_not(None))
        .group_by(Participant.sector)
    ).all()
    for sector, count in rows:
        sizes[_fold(sector)] = sizes.get(_fold(sector), 0) + count
    return sizes


def attribution_of(
    choice: Attribution, sector: str | None, *, sector_sizes: dict[str, int], min_people: int
) -> str | None:
    """How a story is signed: the author's sector only if they chose it and it is common."""
    if choice == Attribution.anonymous:
        return None
    cleaned = " ".join((sector or "").split())
    if cleaned and sector_sizes.get(_fold(cleaned), 0) >= min_people:
        return f"{SOMEONE} from {cleaned}"
    return SOMEONE


def approved_stories(
    *, session: Session, min_people: int, limit: int | None = None
) -> list[PublishedStory]:
    """Approved stories the public may read, newest approval first ([] below the threshold)."""
    if not scheme_is_public(session=session, min_people=min_people):
        return []
    rows = session.exec(
        select(Story, Round.number, Round.period, Participant.sector)
        .join(Round, Round.id == Story.round_id)
        .join(
            RoundMember,
            (RoundMember.round_id == Story.round_id)
            & (RoundMember.participant_id == Story.participant_id)
            & (RoundMember.chance == Story.chance),
        )
        .join(Participant, Participant.id == Story.participant_id)
        # An author who changed their answer to "we didn't meet" has no story to tell.
        .where(Story.status == StoryStatus.approved, RoundMember.outcome == Outcome.met)
        .order_by(Story.decided_at.desc(), Story.id.desc())
    ).all()
    sizes = _round_sizes(session, {story.round_id for story, *_ in rows})
    shown = [row for row in rows if sizes[row[0].round_id] >= min_people]
    if limit is not None:
        shown = shown[:limit]
    sectors = _sector_sizes(session) if shown else {}
    return [
        PublishedStory(
            id=story.id,
            text=story.text,
            attribution=attribution_of(
                story.attribution, sector, sector_sizes=sectors, min_people=min_people
            ),
            round_number=number,
            period=period,
            month=period_name(period),
            approved_at=story.decided_at,
            updated_at=story.updated_at,
        )
        for story, number, period, sector in shown
    ]
