"""Finding a time: free times on /me, slots in the introduction, picking one by link."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import body_of, hidden_field, post_form, sign_in_by_link, token_of
from unmentor.clock import utcnow
from unmentor.mail.models import OutboxMessage
from unmentor.people import membership
from unmentor.people.free_times import zone
from unmentor.people.models import Participant
from unmentor.rounds import picking, reminders
from unmentor.rounds.emails import group_email_rows, pick_link
from unmentor.rounds.forming import form_round
from unmentor.rounds.members import groups_with_people
from unmentor.rounds.models import RoundMember
from unmentor.rounds.times import in_words, read_slot_key, slot_key

AFTERNOONS = ["mon-pm", "tue-pm", "wed-pm", "thu-pm", "fri-pm"]


def calendars(message) -> dict[str, object]:
    """The VEVENTs attached to an email, by UID."""
    events = {}
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            assert part.get_filename().endswith(".ics")
            for event in Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT"):
                events[str(event["UID"])] = event
    return events


@pytest.fixture
def introduced(server: LiveServer, mailbox):
    """Ann (London, free afternoons, set on /me) and Bob (New York, no times) introduced."""
    with server.database.session() as session:
        ann = make_participant(session, name="Ann Smith", organisation="Devon CC")
        bob = make_participant(session, name="Bob Jones", organisation="NHS Devon")
        membership.set_free_times(
            session=session,
            participant_id=bob.id,
            free=[],
            time_zone="America/New_York",
            settings=server.settings,
            now=utcnow(),
        )
    with server.client() as http:
        sign_in_by_link(server, http, mailbox, ann.email)
        saved = post_form(http, "/me/times", free=AFTERNOONS, time_zone="Europe/London")
        assert saved.status_code == 303
        page = http.get(saved.headers["location"])
        assert 'id="times-notice"' in page.text
        assert page.text.count("checked") == len(AFTERNOONS)
    with server.database.read_session() as session:
        stored = session.get(Participant, ann.id)
    assert stored.free_times == ",".join(AFTERNOONS)
    assert stored.time_zone is None, "the default zone is not copied onto the person"
    before = len(mailbox.to(ann.email))
    now = utcnow()
    formed = form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now, seed=1
    )
    server.deliver_mail()
    intro_ann = mailbox.wait_for(ann.email, count=before + 1)[-1]
    [intro_bob] = mailbox.wait_for(bob.email)
    return formed.round, ann, bob, intro_ann, intro_bob


def test_introduction_suggests_times_with_calendar_files(introduced) -> None:
    _, _, _, intro_ann, intro_bob = introduced
    text_ann, text_bob = body_of(intro_ann), body_of(intro_bob)
    assert "Times that suit you all" in text_ann and "/pick-time?token=" in text_ann
    events_ann, events_bob = calendars(intro_ann), calendars(intro_bob)
    assert 1 <= len(events_ann) <= 3
    assert events_ann.keys() == events_bob.keys(), "one UID per group and slot, for everyone"
    for event in events_ann.values():
        start = event.decoded("DTSTART")
        # Ann's afternoon in London and Bob's working hours in New York, in their own words.
        assert f"{start:%-d %B}" in text_ann and "(Europe/London)" in text_ann
        assert "(America/New_York)" in text_bob


def test_picking_a_time_tells_every_member(server: LiveServer, mailbox, introduced) -> None:
    round_, ann, bob, intro_ann, _ = introduced
    link = pick_link(server.settings, round_.id, bob.id)
    with server.client() as http:
        page = http.get(link)
        assert page.status_code == 200 and "Pick a time with Ann Smith" in page.text
        offered = [v for v in _radio_values(page.text)]
        assert len(offered) == len(calendars(intro_ann))
        with server.database.read_session() as session:
            assert _meetings(session, round_.id) == {None}, "opening the page records nothing"
        form = {"csrf_token": hidden_field(page.text, "csrf_token"), "token": link.split("=")[1]}
        chosen = offered[-1]
        picked = http.post("/pick-time", data={**form, "slot": chosen})
        assert picked.status_code == 200 and "Time picked" in picked.text
        again = http.post("/pick-time", data={**form, "slot": chosen})
        assert again.status_code == 200, "a double click is harmless"
        not_offered = http.post("/pick-time", data={**form, "slot": "20300101T0300Z"})
        assert not_offered.status_code == 422
        shown = http.get(link)
        assert 'id="picked"' in shown.text
    with server.database.read_session() as session:
        assert _meetings(session, round_.id) == {read_slot_key(chosen)}
        sent = session.exec(
            select(OutboxMessage.to_address).where(OutboxMessage.idempotency_key.like("time-%"))
        ).all()
    assert sorted(sent) == sorted([ann.email, bob.email]), "one email each, not two"
    server.deliver_mail()
    to_ann = _newest(mailbox, ann.email, "UnMentor: ")
    to_bob = _newest(mailbox, bob.email, "UnMentor: ")
    assert "Bob Jones has picked a time" in body_of(to_ann).replace("\r\n", "\n")
    assert "You picked a time" in body_of(to_bob)
    [uid] = calendars(to_ann)
    assert calendars(to_bob).keys() == {uid}
    assert uid in calendars(intro_ann), "the same event as the suggestion: calendars update it"


def _newest(mailbox, address: str, prefix: str):
    import time

    for _ in range(100):
        found = [m for m in mailbox.to(address) if "picked a time" in body_of(m)]
        if found:
            return found[-1]
        time.sleep(0.05)
    raise AssertionError(f"no {prefix} mail to {address}")


def _radio_values(html: str) -> list[str]:
    marker = 'name="slot" value="'
    values, start = [], 0
    while (start := html.find(marker, start)) != -1:
        start += len(marker)
        values.append(html[start : html.index('"', start)])
    return values


def _meetings(session, round_id: int) -> set:
    return set(
        session.exec(select(RoundMember.meeting_at).where(RoundMember.round_id == round_id)).all()
    )


def test_the_reminder_links_the_pick_a_time_page(server: LiveServer, introduced) -> None:
    round_, ann, bob, *_ = introduced
    with server.database.session() as session:
        reminders.send_due_reminders(
            session=session, settings=server.settings, today=round_.reminder_on, now=utcnow()
        )
    reminder = _reminder_body(server, ann.email)
    assert pick_link(server.settings, round_.id, ann.id) in reminder
    assert "These times suit you all" in reminder and "(Europe/London)" in reminder
    # Once the group has picked, a reminder (re-sent or rewritten) names the time instead.
    with server.database.session() as session:
        slot = picking.choice_for_token(
            session=session,
            settings=server.settings,
            token=token_of(pick_link(server.settings, round_.id, bob.id)),
        ).slots[0]
        picking.pick_time(
            session=session,
            settings=server.settings,
            token=token_of(pick_link(server.settings, round_.id, bob.id)),
            slot=slot_key(slot),
            now=utcnow(),
        )
        [row] = group_email_rows(
            template="reminder",
            key_prefix="reminder-again",
            round_id=round_.id,
            period_key=round_.period,
            closes_on=round_.closes_on,
            groups=[[p for _, p in groups_with_people(session=session, round_id=round_.id)[1]]],
            settings=server.settings,
            now=utcnow(),
            recipients={ann.id},
            formed_at=round_.formed_at,
            meetings={1: slot},
        )
    assert f"Your group picked {in_words(slot, zone(None, 'Europe/London'))}" in row["body"]
    assert pick_link(server.settings, round_.id, ann.id) in row["body"]


def _reminder_body(server: LiveServer, address: str) -> str:
    with server.database.read_session() as session:
        return session.exec(
            select(OutboxMessage.body).where(
                OutboxMessage.to_address == address,
                OutboxMessage.idempotency_key.like("reminder:%"),
            )
        ).one()
