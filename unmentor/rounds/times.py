"""Finding a time: usual free times, suggested slots, calendar files.

A participant may give the half-days they are usually free (weekday x morning/afternoon)
and their time zone. An introduction suggests up to three 30-minute slots in the next two
weeks that fall in every member's free half-days, each in the member's own time; a member
who gave no free times is taken to be free in working hours, so one busy person is not
held to everyone else's guess. When nobody in a group gave times there is nothing to go
on, and no slot is suggested.

No web code here: pages and emails call these functions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from unmentor.people.free_times import HALF_DAYS, PARTS, WEEKDAYS

SLOT = timedelta(minutes=30)
HORIZON_DAYS = 14
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Availability:
    free: frozenset[str]  # empty: not given
    zone: ZoneInfo


def _fits(slot: datetime, who: Availability) -> bool:
    start, end = slot.astimezone(who.zone), (slot + SLOT).astimezone(who.zone)
    weekday = start.weekday()
    if weekday >= len(WEEKDAYS) or start.date() != end.date():
        return False
    free = who.free or frozenset(HALF_DAYS)
    return any(
        f"{WEEKDAYS[weekday]}-{part}" in free and opens <= start.time() and end.time() <= closes
        for part, (opens, closes) in PARTS.items()
    )


def suggest_slots(group: Sequence[Availability], *, after: datetime) -> list[datetime]:
    """Up to three 30-minute slots (UTC) in the two weeks after `after`, on different days.

    Slots start on the hour or half hour, from the next day on, the earliest that suits every
    member on each of the first days where one exists. Empty when none fits, or when nobody in
    the group gave free times.
    """
    if not any(member.free for member in group):
        return []
    start = datetime.combine(after.astimezone(UTC).date() + timedelta(days=1), time(0), UTC)
    common = set.intersection(*(set(_free_slots(m.free, m.zone, start)) for m in group))
    chosen: list[datetime] = []
    for index in sorted(common):
        slot = start + index * SLOT
        if all(slot.date() != earlier.date() for earlier in chosen):
            chosen.append(slot)
            if len(chosen) == MAX_SUGGESTIONS:
                break
    return chosen


@lru_cache(maxsize=4096)
def _free_slots(free: frozenset[str], where: ZoneInfo, start: datetime) -> tuple[int, ...]:
    """Which of the two weeks' slots from `start` suit one member, by index.

    Cached: a round's members share a few hundred patterns of free times and zones at most,
    and forming a round of 100,000 people would otherwise test every slot for every member.
    """
    who = Availability(free, where)
    count = HORIZON_DAYS * 24 * 60 // 30
    return tuple(i for i in range(count) if _fits(start + i * SLOT, who))


def slot_key(slot: datetime) -> str:
    """A slot as it travels in forms and keys: '20261203T0900Z'."""
    return slot.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def read_slot_key(key: str) -> datetime:
    """The UTC slot of `slot_key`; ValueError for anything else."""
    return datetime.strptime(key, "%Y%m%dT%H%MZ").replace(tzinfo=UTC)


def in_words(slot: datetime, where: ZoneInfo) -> str:
    """'Thursday 3 December, 10:00-10:30 (Europe/London)' in the reader's own time."""
    local = slot.astimezone(where)
    finish = (slot + SLOT).astimezone(where)
    return f"{local:%A %-d %B, %H:%M}-{finish:%H:%M} ({where.key})"


def event_uid(round_id: int, group_no: int, slot: datetime, domain: str) -> str:
    """The same for every member and every email about this group's slot, and only for it.

    A calendar that receives the file twice (introduction, then the chosen time) updates one
    event instead of making two.
    """
    digest = hashlib.sha256(f"{round_id}:{group_no}:{slot_key(slot)}".encode()).hexdigest()[:16]
    return f"unmentor-{round_id}-{group_no}-{slot_key(slot)}-{digest}@{domain}"


def calendar_file(
    *,
    uid: str,
    slot: datetime,
    summary: str,
    description: str,
    stamp: datetime,
) -> str:
    """One VEVENT in a VCALENDAR (RFC 5545), times in UTC, CRLF lines as the RFC wants."""
    calendar = Calendar()
    calendar.add("prodid", "-//UnMentor//Introductions//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", slot.astimezone(UTC))
    event.add("dtend", (slot + SLOT).astimezone(UTC))
    event.add("summary", summary)
    event.add("description", description)
    calendar.add_component(event)
    return calendar.to_ical().decode()
