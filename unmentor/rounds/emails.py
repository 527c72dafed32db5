"""The emails of a round: introductions, reminders, sit-out notices.

They are built as outbox rows in bulk, so that forming a round of 100,000 people writes its
emails in the same transaction without one ORM object per email.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert
from sqlmodel import Session, col

from unmentor.links.urls import (
    MANAGE_PATH,
    OUTCOME_PATH,
    PAUSE_PATH,
    PICK_TIME_PATH,
    REMATCH_PATH,
    absolute,
)
from unmentor.mail.compose import Attachment, compose, in_prose
from unmentor.mail.models import OutboxMessage
from unmentor.mail.outbox import record_mentions
from unmentor.people.free_times import parse_free_times, zone
from unmentor.rounds.times import (
    Availability,
    calendar_file,
    event_uid,
    in_words,
    slot_key,
    suggest_slots,
)
from unmentor.rounds.tokens import outcome_token, pause_token, pick_token, rematch_token
from unmentor.settings import Settings


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str
    organisation: str
    sector: str | None = None
    free_times: str | None = None  # see unmentor.people.free_times
    time_zone: str | None = None
    about_me: str | None = None  # their one-line profile, shown to groupmates


def period_name(period_key: str) -> str:
    """'2026-11' as 'November 2026', for subjects people read."""
    return date.fromisoformat(f"{period_key}-01").strftime("%B %Y")


def answer_links(
    settings: Settings, round_id: int, participant_id: int, chance: int = 1
) -> tuple[str, str]:
    """The 'we met' and 'we didn't meet' links of one member (of their group of `chance`)."""
    token = outcome_token(settings.secret_key.get_secret_value(), round_id, participant_id, chance)
    base = absolute(settings.base_url, OUTCOME_PATH, token)
    return f"{base}&answer=met", f"{base}&answer=not_met"


def footer(settings: Settings) -> str:
    return f"Pause, leave or erase your data: {absolute(settings.base_url, MANAGE_PATH)}"


def pause_link(settings: Settings, participant_id: int) -> str:
    """Where the List-Unsubscribe header leads: a pause, not the loss of the account."""
    token = pause_token(settings.secret_key.get_secret_value(), participant_id)
    return absolute(settings.base_url, PAUSE_PATH, token)


def unsubscribe_headers(settings: Settings, participant_id: int) -> tuple[tuple[str, str], ...]:
    """RFC 2369 and RFC 8058 headers: a mail client's "unsubscribe" pauses in one click."""
    return (
        ("List-Unsubscribe", f"<{pause_link(settings, participant_id)}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )


STARTERS_PER_EMAIL = 3


def conversation_starters(settings: Settings, round_id: int, group_index: int) -> list[str]:
    """A few starters from the configured list, turning with the round and the group.

    Everyone in a group gets the same ones, so they can start from the same question.
    """
    starters = list(settings.conversation_starters)
    if len(starters) <= STARTERS_PER_EMAIL:
        return starters
    start = (round_id * 7 + group_index) % len(starters)
    return [starters[(start + i) % len(starters)] for i in range(STARTERS_PER_EMAIL)]


def pick_link(settings: Settings, round_id: int, participant_id: int, chance: int = 1) -> str:
    """A member's "pick a time" page (for their group of `chance`)."""
    token = pick_token(settings.secret_key.get_secret_value(), round_id, participant_id, chance)
    return absolute(settings.base_url, PICK_TIME_PATH, token)


def rematch_link(settings: Settings, round_id: int, participant_id: int) -> str:
    """A first-group member's "ask for someone else" page."""
    token = rematch_token(settings.secret_key.get_secret_value(), round_id, participant_id)
    return absolute(settings.base_url, REMATCH_PATH, token)


def member_key(key_prefix: str, round_id: int, participant_id: int, chance: int = 1) -> str:
    """An outbox key of a group email; a second-chance group's end in its chance."""
    key = f"{key_prefix}:{round_id}:{participant_id}"
    return f"{key}:{chance}" if chance > 1 else key


def mail_domain(settings: Settings) -> str:
    """The domain of the sender's address: calendar UIDs are made unique with it."""
    return settings.mail_from.rsplit("@", 1)[-1].strip("> ") or "unmentor.local"


def availability(person: Person, settings: Settings) -> Availability:
    return Availability(
        free=parse_free_times(person.free_times), zone=zone(person.time_zone, settings.time_zone)
    )


def group_slots(group: list[Person], settings: Settings, *, after: datetime) -> list[datetime]:
    """The slots suggested to a group whose round was formed at `after`."""
    return suggest_slots([availability(person, settings) for person in group], after=after)


def slot_calendar(
    *,
    settings: Settings,
    round_id: int,
    group_no: int,
    slot: datetime,
    names: list[str],
    stamp: datetime,
    chosen: bool,
) -> str:
    """The calendar file of one slot: the same UID in every email about it."""
    return calendar_file(
        uid=event_uid(round_id, group_no, slot, mail_domain(settings)),
        slot=slot,
        summary=f"UnMentor: {in_prose(names)}",
        description=(
            "Your UnMentor conversation."
            if chosen
            else "A time that suits you all, suggested by UnMentor. Pick it at "
            + "the link in your email so the others know."
        ),
        stamp=stamp,
    )


def group_email_rows(
    *,
    template: str,
    key_prefix: str,
    round_id: int,
    period_key: str,
    closes_on: date,
    groups: list[list[Person]],
    settings: Settings,
    now: datetime,
    recipients: set[int] | None = None,
    first_met: Mapping[tuple[int, int], int] | None = None,
    group_nos: list[int] | None = None,
    formed_at: datetime | None = None,
    meetings: Mapping[int, datetime] | None = None,
    chances: Mapping[int, int] | None = None,
    offer_rematch: bool = False,
    recipient_rows: set[tuple[int, int]] | None = None,
) -> list[dict]:
    """One outbox row per member of each group (or per one of `recipients`), naming the others.

    `chances` gives the chance of groups (by number) other than 1 (second-chance groups):
    their links and keys carry it. `offer_rematch` links first-group members to "ask for
    someone else". `recipient_rows` limits it to (group number, person id) pairs, for
    someone in two groups of a round who needs the email of one.

    `first_met` gives, for pairs (low id, high id) meeting again, the round they first met.
    `group_nos` numbers the groups (1, 2 ... by default), `formed_at` is when the round was
    formed (`now` by default: times are suggested from the day after) and `meetings` the
    slot each group (by number) has picked already.
    """
    first_met = first_met or {}
    meetings = meetings or {}
    chances = chances or {}
    group_nos = group_nos or list(range(1, len(groups) + 1))
    rows = []
    shared = {
        "period_name": period_name(period_key),
        "closes_on": closes_on.strftime("%-d %B %Y"),
        "footer": footer(settings),
    }
    for group_no, group in zip(group_nos, groups, strict=True):
        starters = conversation_starters(settings, round_id, group_no)
        picked = meetings.get(group_no)
        slots = [] if picked else group_slots(group, settings, after=formed_at or now)
        anyone_gave_times = any(person.free_times for person in group)
        # One file per slot for the whole group (the same UID and text for everyone).
        calendars = tuple(
            Attachment(
                filename=f"unmentor-{slot_key(slot)}.ics",
                content_type="text/calendar; method=PUBLISH",
                content=slot_calendar(
                    settings=settings,
                    round_id=round_id,
                    group_no=group_no,
                    slot=slot,
                    names=[person.name for person in group],
                    stamp=formed_at or now,
                    chosen=False,
                ),
            )
            for slot in (slots if template == "introduction" else [])
        )
        chance = chances.get(group_no, 1)
        for person in group:
            if recipients is not None and person.id not in recipients:
                continue
            if recipient_rows is not None and (group_no, person.id) not in recipient_rows:
                continue
            met, not_met = answer_links(settings, round_id, person.id, chance)
            where = zone(person.time_zone, settings.time_zone)
            email = compose(
                template,
                headers=unsubscribe_headers(settings, person.id),
                attachments=calendars,
                name=person.name,
                starters=starters,
                pause_link=pause_link(settings, person.id),
                manage_link=absolute(settings.base_url, MANAGE_PATH),
                pick_link=pick_link(settings, round_id, person.id, chance),
                rematch_link=(
                    rematch_link(settings, round_id, person.id)
                    if offer_rematch and chance == 1
                    else None
                ),
                second_chance=chance > 1,
                slots=[in_words(slot, where) for slot in slots],
                picked=in_words(picked, where) if picked else None,
                times_asked=anyone_gave_times,
                partners=[other for other in group if other.id != person.id],
                first_met={
                    other.id: first_met[key]
                    for other in group
                    if (key := (min(person.id, other.id), max(person.id, other.id))) in first_met
                },
                met_link=met,
                not_met_link=not_met,
                **shared,
            )
            row = _row(member_key(key_prefix, round_id, person.id, chance), person, email, now=now)
            row["mentions"] = [other.id for other in group if other.id != person.id]
            rows.append(row)
    return rows


def group_email_kind(idempotency_key: str) -> tuple[str, int, int] | None:
    """The template, round and chance of an email `group_email_rows` made, from its key.

    Keys are "<prefix>:<round id>:<recipient id>[:<chance>]": "intro", "intro-again-<time>",
    "rematch" (a second-chance introduction) or "reminder". None for other emails.
    """
    prefix, *rest = idempotency_key.split(":")
    if len(rest) not in (2, 3) or not all(part.isdigit() for part in rest):
        return None
    round_id, chance = int(rest[0]), int(rest[2]) if len(rest) == 3 else 1
    if prefix == "reminder":
        return "reminder", round_id, chance
    if prefix in ("intro", "rematch") or prefix.startswith("intro-again-"):
        return "introduction", round_id, chance
    return None


def sit_out_rows(
    *, round_id: int, period_key: str, people: list[tuple[Person, str]], settings: Settings, now
) -> list[dict]:
    """A notice for each person who could not be placed, with the reason."""
    return [
        _row(
            f"sat_out:{round_id}:{person.id}",
            person,
            compose(
                "sat_out",
                headers=unsubscribe_headers(settings, person.id),
                name=person.name,
                period_name=period_name(period_key),
                reason=reason,
                footer=footer(settings),
            ),
            now=now,
        )
        for person, reason in people
    ]


def _row(key: str, person: Person, email, *, now: datetime) -> dict:
    return {
        "idempotency_key": key,
        "participant_id": person.id,
        "to_address": person.email,
        "subject": email.subject[:300],
        "body": email.body,
        "parts": email.parts(),
        "created_at": now,
        "send_after": now,
        "attempts": 0,
    }


def write_outbox_rows(session: Session, rows: list[dict]) -> None:
    """Insert many outbox rows at once (the caller's keys are new, by construction).

    A row's "mentions" (ids of the people it names besides its recipient) go to the mention
    table, so that erasing any of them can find every email that names them.
    """
    if not rows:
        return
    named = {row["idempotency_key"]: row.get("mentions", ()) for row in rows}
    messages = [{k: v for k, v in row.items() if k != "mentions"} for row in rows]
    if not any(named.values()):
        session.exec(insert(OutboxMessage), params=messages)
        return
    written = session.exec(
        insert(OutboxMessage).returning(col(OutboxMessage.id), col(OutboxMessage.idempotency_key)),
        params=messages,
    ).all()
    record_mentions(session=session, mentions={mid: named[key] for mid, key in written})
