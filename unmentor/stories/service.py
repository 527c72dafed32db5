"""Sharing a story (the member, through their answer link) and reviewing it (organisers).

Every query about stories lives here or in `published`; the pages, the API and erasure call
these functions. Nothing here knows about HTTP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, func
from sqlmodel import Session, col, select

from unmentor.errors import Conflict, InvalidInput, NotFound
from unmentor.organisers import audit
from unmentor.organisers.audit import Action
from unmentor.people.models import Organisation, Participant
from unmentor.people.normalise import tidy_text
from unmentor.rounds.models import Outcome, Round, RoundMember
from unmentor.rounds.tokens import read_outcome_token
from unmentor.settings import Settings
from unmentor.stories.models import STORY_MAX, Attribution, Story, StoryStatus


def clean_text(text: str | None) -> str:
    """The story as stored: tidied like names (one space between words, no invisible or
    control characters, which would break the page or disguise words); InvalidInput if empty
    or too long."""
    try:
        cleaned = tidy_text(text or "")
    except ValueError as error:
        raise InvalidInput(f"Your story {error}.", field="text") from None
    if not cleaned:
        raise InvalidInput("Please write a sentence or two, or leave the form empty.", field="text")
    if len(cleaned) > STORY_MAX:
        raise InvalidInput(
            f"Please keep your story under {STORY_MAX} characters ({len(cleaned)} now).",
            field="text",
        )
    return cleaned


# --- the member ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberStory:
    """What the sharing form needs: the member's round, answer, sector and story so far."""

    round_id: int
    participant_id: int
    chance: int
    round_number: int
    period: str
    met: bool
    sector: str | None
    story: Story | None


def for_token(*, session: Session, settings: Settings, token: str) -> MemberStory:
    """The member an answer link belongs to and their story; LinkInvalid or NotFound if none."""
    round_id, participant_id, chance = read_outcome_token(
        settings.secret_key.get_secret_value(), token
    )
    row = session.exec(
        select(RoundMember.outcome, Round.number, Round.period, Participant.sector)
        .join(Round, col(Round.id) == RoundMember.round_id)
        .join(Participant, col(Participant.id) == RoundMember.participant_id)
        .where(
            RoundMember.round_id == round_id,
            RoundMember.participant_id == participant_id,
            RoundMember.chance == chance,
        )
    ).first()
    if row is None:
        # A genuine link whose member is gone: they (or their data) were erased.
        raise NotFound("This link no longer belongs to anyone taking part.")
    outcome, number, period, sector = row
    story = session.exec(
        select(Story).where(
            Story.round_id == round_id,
            Story.participant_id == participant_id,
            Story.chance == chance,
        )
    ).first()
    return MemberStory(
        round_id=round_id,
        participant_id=participant_id,
        chance=chance,
        round_number=number,
        period=period,
        met=outcome == Outcome.met,
        sector=sector,
        story=story,
    )


def share(
    *,
    session: Session,
    settings: Settings,
    token: str,
    text: str | None,
    attribution: Attribution,
    now: datetime,
) -> Story:
    """Keep the member's story for review; a second one replaces the first and waits again.

    Only after "we met": a story of a conversation that did not happen has nothing to tell.
    """
    member = for_token(session=session, settings=settings, token=token)
    if not member.met:
        raise Conflict("A story can be shared once you have answered 'we met'.")
    cleaned = clean_text(text)
    story = member.story or Story(
        round_id=member.round_id,
        participant_id=member.participant_id,
        chance=member.chance,
        text=cleaned,
        attribution=attribution,
        created_at=now,
    )
    story.text, story.attribution = cleaned, attribution
    # Whatever was decided about the earlier words, these new ones are read again first.
    story.status, story.decided_at, story.edited = StoryStatus.pending, None, False
    story.updated_at = now
    session.add(story)
    session.flush()
    return story


def withdraw(*, session: Session, settings: Settings, token: str) -> bool:
    """Delete the member's story, published or not; whether there was one."""
    member = for_token(session=session, settings=settings, token=token)
    if member.story is None:
        return False
    session.delete(member.story)
    session.flush()
    return True


# --- organisers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryReview:
    """A story as organisers review it: who wrote it, about whom, and names it seems to hold."""

    story: Story
    round_number: int
    period: str
    author: str
    author_sector: str | None
    partners: list[str]
    names_found: list[str]


# Pending first (oldest first: the longest waiting), then the rest newest first.
_STATUS_ORDER = case(
    (col(Story.status) == StoryStatus.pending, 0),
    (col(Story.status) == StoryStatus.approved, 1),
    else_=2,
)


def list_for_review(
    *, session: Session, status: StoryStatus | None = None, limit: int = 200, offset: int = 0
) -> tuple[list[StoryReview], int]:
    """Stories in review order (pending first), each with its group's names; and the total."""
    query = select(Story, col(Round.number), col(Round.period)).join(
        Round, col(Round.id) == Story.round_id
    )
    counting = select(func.count()).select_from(Story)
    if status is not None:
        query = query.where(Story.status == status)
        counting = counting.where(Story.status == status)
    query = query.order_by(
        _STATUS_ORDER,
        case((col(Story.status) == StoryStatus.pending, col(Story.updated_at)), else_=None),
        col(Story.decided_at).desc(),
        col(Story.id).desc(),
    )
    rows = session.exec(query.offset(offset).limit(limit)).all()
    return _reviews(session, rows), session.exec(counting).one()


def review_of(*, session: Session, story_id: int) -> StoryReview:
    """One story as organisers review it; NotFound if there is none."""
    rows = session.exec(
        select(Story, Round.number, Round.period)
        .join(Round, col(Round.id) == Story.round_id)
        .where(Story.id == story_id)
    ).all()
    if not rows:
        raise NotFound(f"No story number {story_id}.")
    return _reviews(session, rows)[0]


def _reviews(session: Session, rows) -> list[StoryReview]:
    groups = _groups(session, [story for story, _, _ in rows])
    reviews = []
    for story, number, period in rows:
        members = groups.get((story.round_id, story.participant_id, story.chance), [])
        author = next((m for m in members if m[0] == story.participant_id), None)
        reviews.append(
            StoryReview(
                story=story,
                round_number=number,
                period=period,
                author=author[1] if author else "",
                author_sector=author[2] if author else None,
                partners=sorted(m[1] for m in members if m[0] != story.participant_id),
                names_found=names_in(story.text, [m[1] for m in members], [m[3] for m in members]),
            )
        )
    return reviews


def _groups(session: Session, stories: list[Story]) -> dict[tuple[int, int, int], list[tuple]]:
    """(round, author, chance) -> the group's members as (id, name, sector, organisation)."""
    if not stories:
        return {}
    authors = {(s.round_id, s.participant_id, s.chance) for s in stories}
    rounds = {round_id for round_id, _, _ in authors}
    rows = session.exec(
        select(  # type: ignore[call-overload]  # sqlmodel types select() for up to 4 columns
            RoundMember.round_id,
            RoundMember.group_no,
            RoundMember.chance,
            Participant.id,
            Participant.name,
            Participant.sector,
            Organisation.name,
        )
        .join(Participant, Participant.id == RoundMember.participant_id)
        .outerjoin(Organisation, Organisation.id == Participant.organisation_id)
        .where(col(RoundMember.round_id).in_(rounds))
    ).all()
    by_group: dict[tuple[int, int], list[tuple]] = {}
    group_of: dict[tuple[int, int, int], tuple[int, int]] = {}
    for round_id, group_no, chance, pid, name, sector, organisation in rows:
        by_group.setdefault((round_id, group_no), []).append((pid, name, sector, organisation))
        if (round_id, pid, chance) in authors:
            group_of[(round_id, pid, chance)] = (round_id, group_no)
    return {author: by_group[group] for author, group in group_of.items()}


def names_in(text: str, names: list[str], organisations: list[str | None]) -> list[str]:
    """Names of the group's people and organisations that the text seems to contain.

    A hint for the organiser, not a rule: "Will" is a name and a word, so nothing is refused.
    """
    found = []
    folded = text.casefold()
    for name in names:
        for word in name.split():
            if len(word) >= 3 and re.search(rf"\b{re.escape(word.casefold())}\b", folded):
                found.append(word)
    for organisation in organisations:
        if organisation and organisation.casefold() in folded:
            found.append(organisation)
    return sorted(set(found), key=str.casefold)


def get_story(*, session: Session, story_id: int) -> Story:
    """The story with this id; NotFound if there is none (any more)."""
    story = session.get(Story, story_id)
    if story is None:
        raise NotFound(f"No story number {story_id}.")
    return story


def edit(*, session: Session, story_id: int, text: str | None, now: datetime) -> Story:
    """Replace the story's text (to take a name out, say); its status stays as it was."""
    story = get_story(session=session, story_id=story_id)
    cleaned = clean_text(text)
    if cleaned != story.text:
        story.text, story.edited, story.updated_at = cleaned, True, now
        session.add(story)
        session.flush()
        audit.record(
            session=session, action=Action.story_edited, target=f"story {story_id}", now=now
        )
    return story


def approve(*, session: Session, story_id: int, now: datetime, text: str | None = None) -> Story:
    """Publish the story (with `text`, if given, as its new words)."""
    story = get_story(session=session, story_id=story_id)
    if text is not None:
        edit(session=session, story_id=story_id, text=text, now=now)
    if story.status != StoryStatus.approved:
        story.status, story.decided_at = StoryStatus.approved, now
        session.add(story)
        session.flush()
        audit.record(
            session=session, action=Action.story_approved, target=f"story {story_id}", now=now
        )
    return story


def reject(*, session: Session, story_id: int, now: datetime) -> Story:
    """Never show the story (taking it down if it was shown)."""
    story = get_story(session=session, story_id=story_id)
    if story.status != StoryStatus.rejected:
        story.status, story.decided_at = StoryStatus.rejected, now
        session.add(story)
        session.flush()
        audit.record(
            session=session, action=Action.story_rejected, target=f"story {story_id}", now=now
        )
    return story


def delete_for_groups_of(*, session: Session, participant_id: int) -> int:
    """Delete every story told about a conversation `participant_id` was in; how many."""
    groups = session.exec(
        select(RoundMember.round_id, RoundMember.group_no, RoundMember.chance).where(
            RoundMember.participant_id == participant_id
        )
    ).all()
    deleted = 0
    for round_id, group_no, chance in groups:
        # Every member of a group has the group's chance.
        tellers = select(RoundMember.participant_id).where(
            RoundMember.round_id == round_id, RoundMember.group_no == group_no
        )
        result = session.exec(
            delete(Story).where(
                col(Story.round_id) == round_id,
                col(Story.chance) == chance,
                col(Story.participant_id).in_(tellers),
            )
        )
        deleted += result.rowcount or 0
    return deleted
