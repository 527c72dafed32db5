"""Picking one of the suggested times: every member of the group then gets it by email.

The slots are worked out again from the round's forming time and the members' free times,
as the introduction worked them out, so the page offers what the email offered (unless
someone has changed their free times since, and then it offers what suits them now).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists, update
from sqlmodel import Session, col, select

from unmentor.errors import Conflict, InvalidInput, LinkInvalid
from unmentor.mail.compose import Attachment, compose
from unmentor.people.free_times import zone
from unmentor.rounds.emails import (
    Person,
    _row,
    answer_links,
    footer,
    group_slots,
    member_key,
    period_name,
    pick_link,
    slot_calendar,
    unsubscribe_headers,
    write_outbox_rows,
)
from unmentor.rounds.members import groups_with_people
from unmentor.rounds.models import Round, RoundMember
from unmentor.rounds.times import in_words, read_slot_key, slot_key
from unmentor.rounds.tokens import read_pick_token
from unmentor.settings import Settings


@dataclass(frozen=True)
class Choice:
    round: Round
    group_no: int
    chance: int
    me: Person
    others: list[Person]
    slots: list[datetime]
    picked: datetime | None
    zone: ZoneInfo

    def in_words(self, slot: datetime) -> str:
        return in_words(slot, self.zone)


def choice_for_token(*, session: Session, settings: Settings, token: str) -> Choice:
    """The member a pick link belongs to, with the slots their group can choose from."""
    round_id, participant_id, chance = read_pick_token(
        settings.secret_key.get_secret_value(), token
    )
    round_ = session.get(Round, round_id)
    group_no = session.exec(
        select(RoundMember.group_no).where(
            RoundMember.round_id == round_id,
            RoundMember.participant_id == participant_id,
            RoundMember.chance == chance,
        )
    ).first()
    if round_ is None or group_no is None:
        raise LinkInvalid("This link no longer belongs to anyone taking part.")
    members = groups_with_people(session=session, round_id=round_id, group_nos={group_no})[group_no]
    people = [person for _, person in members]
    me = next(person for person in people if person.id == participant_id)
    picked = next((m.meeting_at for m, _ in members if m.meeting_at is not None), None)
    return Choice(
        round=round_,
        group_no=group_no,
        chance=chance,
        me=me,
        others=[person for person in people if person.id != participant_id],
        slots=group_slots(people, settings, after=members[0][0].group_formed_at(round_)),
        picked=picked,
        zone=zone(me.time_zone, settings.time_zone),
    )


def pick_time(
    *, session: Session, settings: Settings, token: str, slot: str, now: datetime
) -> tuple[Choice, datetime]:
    """Record the group's time and email it, with its calendar file, to every member.

    Picking the time already picked changes nothing and sends nothing (a double click).
    """
    choice = choice_for_token(session=session, settings=settings, token=token)
    if choice.round.closed_at is not None:
        raise Conflict(f"Round {choice.round.number} is closed.")
    try:
        chosen = read_slot_key(slot)
    except ValueError:
        raise InvalidInput("Choose one of the times shown.", field="slot") from None
    if chosen == choice.picked:
        return choice, chosen
    if chosen not in choice.slots:
        raise InvalidInput(
            "That time is no longer on offer: choose one of those shown.", field="slot"
        )
    session.exec(
        update(RoundMember)
        .where(
            col(RoundMember.round_id) == choice.round.id,
            col(RoundMember.group_no) == choice.group_no,
            # Only while the round is open: a pick racing the closing cannot land after it.
            exists().where(col(Round.id) == RoundMember.round_id, col(Round.closed_at).is_(None)),
        )
        .values(meeting_at=chosen)
    )
    group = [choice.me, *choice.others]
    rows = []
    for person in group:
        others = [other for other in group if other.id != person.id]
        where = zone(person.time_zone, settings.time_zone)
        met, not_met = answer_links(settings, choice.round.id, person.id, choice.chance)
        calendar = slot_calendar(
            settings=settings,
            round_id=choice.round.id,
            group_no=choice.group_no,
            slot=chosen,
            names=[member.name for member in group],
            stamp=now,
            chosen=True,
        )
        email = compose(
            "time_picked",
            headers=unsubscribe_headers(settings, person.id),
            attachments=(
                Attachment(
                    filename=f"unmentor-{slot_key(chosen)}.ics",
                    content_type="text/calendar; method=PUBLISH",
                    content=calendar,
                ),
            ),
            name=person.name,
            picker=None if person.id == choice.me.id else choice.me.name,
            partners=others,
            when=in_words(chosen, where),
            period_name=period_name(choice.round.period),
            pick_link=pick_link(settings, choice.round.id, person.id, choice.chance),
            met_link=met,
            not_met_link=not_met,
            footer=footer(settings),
        )
        key = member_key(f"time-{now:%Y%m%d%H%M%S%f}", choice.round.id, person.id, choice.chance)
        row = _row(key, person, email, now=now)
        row["mentions"] = [other.id for other in others]
        rows.append(row)
    write_outbox_rows(session, rows)
    return choice, chosen
