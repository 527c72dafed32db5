"""Suggested slots and their calendar files, against worked examples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from unmentor.people.free_times import HALF_DAYS, parse_free_times, store_free_times, zone
from unmentor.rounds.times import (
    Availability,
    _fits,
    calendar_file,
    event_uid,
    in_words,
    read_slot_key,
    slot_key,
    suggest_slots,
)

LONDON, NEW_YORK, TOKYO = (
    zone(None, "Europe/London"),
    zone("America/New_York", ""),
    zone("Asia/Tokyo", ""),
)
# A Monday afternoon: suggestions start on Tuesday 1 December 2026.
MONDAY = datetime(2026, 11, 30, 15, tzinfo=UTC)


def free(*keys: str, where=LONDON) -> Availability:
    return Availability(frozenset(keys), where)


def test_the_earliest_slot_of_each_of_the_first_three_days_that_suit_everyone() -> None:
    ann = free("tue-am", "thu-pm", "fri-am")
    bob = free("tue-am", "thu-pm")
    slots = suggest_slots([ann, bob], after=MONDAY)
    assert slots == [
        datetime(2026, 12, 1, 9, tzinfo=UTC),  # London is on UTC in winter
        datetime(2026, 12, 3, 13, tzinfo=UTC),
        datetime(2026, 12, 8, 9, tzinfo=UTC),
    ]


def test_time_zones_are_read_in_each_members_own_time() -> None:
    # Ann in London free Thursday afternoons; Bob in New York, who gave nothing, is taken as
    # free in working hours: 13:00-17:00 London is 8:00-12:00 New York, so from 14:00 London.
    slots = suggest_slots([free("thu-pm"), free(where=NEW_YORK)], after=MONDAY)
    assert slots[0] == datetime(2026, 12, 3, 14, tzinfo=UTC)
    assert in_words(slots[0], NEW_YORK) == "Thursday 3 December, 09:00-09:30 (America/New_York)"
    assert len(slots) == 2, "two Thursdays in two weeks"


def test_none_fit_and_nobody_gave_times() -> None:
    assert suggest_slots([free("mon-am"), free("mon-pm")], after=MONDAY) == []
    # London mornings and Tokyo mornings never overlap.
    assert suggest_slots([free("tue-am"), free("tue-am", where=TOKYO)], after=MONDAY) == []
    assert suggest_slots([free(), free(where=TOKYO)], after=MONDAY) == [], "no guessing"


def test_summer_time_moves_the_slot_in_utc() -> None:
    june = datetime(2026, 6, 1, 15, tzinfo=UTC)  # a Monday; London is UTC+1
    assert suggest_slots([free("tue-am")], after=june)[0] == datetime(2026, 6, 2, 8, tzinfo=UTC)


@settings(max_examples=50)
@given(
    st.lists(
        st.tuples(
            st.frozensets(st.sampled_from(HALF_DAYS), max_size=6),
            st.sampled_from([LONDON, NEW_YORK, TOKYO, zone("Australia/Adelaide", "")]),
        ),
        min_size=2,
        max_size=4,
    ),
    st.integers(min_value=0, max_value=400),
)
def test_every_suggestion_suits_everyone_inside_two_weeks(people, day) -> None:
    group = [Availability(keys, where) for keys, where in people]
    after = MONDAY + timedelta(days=day)
    slots = suggest_slots(group, after=after)
    assert len(slots) <= 3 and len({s.date() for s in slots}) == len(slots)
    assert slots == sorted(slots)
    for slot in slots:
        assert after < slot < after + timedelta(days=15)
        assert all(_fits(slot, member) for member in group)


def test_free_times_are_stored_in_a_stable_order() -> None:
    assert store_free_times(["thu-pm", "mon-am"]) == "mon-am,thu-pm"
    assert store_free_times([]) is None
    assert parse_free_times("mon-am,zzz") == frozenset({"mon-am"})
    assert read_slot_key(slot_key(MONDAY)) == MONDAY


def test_the_calendar_file_is_rfc_5545_with_a_stable_uid() -> None:
    slot = datetime(2026, 12, 3, 14, tzinfo=UTC)
    uid = event_uid(7, 3, slot, "unmentor.example")
    assert uid == event_uid(7, 3, slot, "unmentor.example")
    assert uid != event_uid(7, 4, slot, "unmentor.example") != event_uid(7, 3, MONDAY, "x")
    text = calendar_file(
        uid=uid, slot=slot, summary="UnMentor: Ann and Bob", description="Hi", stamp=MONDAY
    )
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    [event] = Calendar.from_ical(text).walk("VEVENT")
    assert str(event["UID"]) == uid
    assert event.decoded("DTSTART") == slot
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)
