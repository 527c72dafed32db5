"""Answering "did you meet?" by link and by API; closing; reminders; pausing the silent."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_community
from tests.support import hidden_field, link_in
from unmentor.clock import utcnow
from unmentor.mail.models import OutboxMessage
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.rounds import outcomes, reminders
from unmentor.rounds.emails import answer_links
from unmentor.rounds.forming import form_round
from unmentor.rounds.models import Outcome, Round, RoundMember
from unmentor.rounds.tokens import outcome_token


@pytest.fixture
def pair(server: LiveServer):
    """Ann and Bob in a formed round (today's period, so it is open)."""
    with server.database.session() as session:
        ann, bob = make_community(session, {"Devon CC": 1, "NHS Devon": 1})
    now = utcnow()
    formed = form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now, seed=1
    )
    return formed.round, ann, bob


def _token(server: LiveServer, round_, person) -> str:
    return outcome_token(server.settings.secret_key.get_secret_value(), round_.id, person.id)


def _answers(server: LiveServer, round_) -> dict[int, Outcome | None]:
    with server.database.read_session() as session:
        rows = session.exec(
            select(RoundMember.participant_id, RoundMember.outcome).where(
                RoundMember.round_id == round_.id
            )
        ).all()
    return dict(rows)


def test_answer_by_api(server: LiveServer, pair) -> None:
    round_, ann, bob = pair
    with server.client() as http:
        reply = http.post(
            "/api/v1/outcomes", json={"token": _token(server, round_, ann), "outcome": "met"}
        )
        again = http.post(
            "/api/v1/outcomes", json={"token": _token(server, round_, ann), "outcome": "met"}
        )
    assert reply.status_code == 200 and reply.json()["round"] == round_.number
    assert again.status_code == 200, "a replayed answer is harmless"
    assert _answers(server, round_) == {ann.id: Outcome.met, bob.id: None}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"token": "1-1-" + "0" * 32, "outcome": "met"}, 400),
        ({"token": "nonsense", "outcome": "met"}, 400),
        ({"token": "x", "outcome": "maybe"}, 422),
        ({"token": "x"}, 422),
        ({"token": "x" * 101, "outcome": "met"}, 422),
    ],
)
def test_bad_answers_are_refused(server: LiveServer, pair, body, status) -> None:
    round_, ann, bob = pair
    with server.client() as http:
        reply = http.post("/api/v1/outcomes", json=body)
    assert reply.status_code == status
    assert reply.json()["detail"]
    assert _answers(server, round_) == {ann.id: None, bob.id: None}


def test_a_token_from_another_deployment_is_refused(server: LiveServer, pair) -> None:
    round_, ann, _ = pair
    foreign = outcome_token("another-secret-key-entirely-000000", round_.id, ann.id)
    with server.client() as http:
        reply = http.post("/api/v1/outcomes", json={"token": foreign, "outcome": "met"})
    assert reply.status_code == 400


def test_an_answer_link_emailed_before_itsdangerous_still_answers(server: LiveServer, pair):
    round_, ann, bob = pair
    secret = server.settings.secret_key.get_secret_value()
    message = f"outcome:{round_.id}:{ann.id}".encode()
    mac = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]
    forged = f"{round_.id}-{bob.id}-{mac}"  # Ann's MAC on Bob's answer
    with server.client() as http:
        refused = http.post("/api/v1/outcomes", json={"token": forged, "outcome": "met"})
        old = f"{round_.id}-{ann.id}-{mac}"
        reply = http.post("/api/v1/outcomes", json={"token": old, "outcome": "not_met"})
    assert refused.status_code == 400
    assert reply.status_code == 200
    assert _answers(server, round_) == {ann.id: Outcome.not_met, bob.id: None}


def test_answer_page_shows_a_button_and_only_the_post_records(
    server: LiveServer, pair, mailbox
) -> None:
    round_, ann, bob = pair
    server.deliver_mail()
    message = mailbox.wait_for(ann.email)[0]
    met_link, not_met_link = answer_links(server.settings, round_.id, ann.id)
    assert link_in(message, "/outcome") == met_link
    with server.client() as http:
        page = http.get(not_met_link)
        assert page.status_code == 200 and bob.name in page.text
        assert _answers(server, round_)[ann.id] is None
        posted = http.post(
            "/outcome",
            data={
                "csrf_token": hidden_field(page.text, "csrf_token"),
                "token": _token(server, round_, ann),
                "outcome": "not_met",
                "reason": "no_time",
            },
        )
    assert posted.status_code == 200 and "Answer recorded" in posted.text
    with server.database.read_session() as session:
        member = session.exec(select(RoundMember).where(RoundMember.participant_id == ann.id)).one()
    assert (member.outcome, member.reason.value) == (Outcome.not_met, "no_time")


def test_conflicting_answers_are_kept_per_member_and_count_as_met(server: LiveServer, pair) -> None:
    round_, ann, bob = pair
    with server.client() as http:
        for person, answer in ((ann, "met"), (bob, "not_met")):
            http.post(
                "/api/v1/outcomes",
                json={"token": _token(server, round_, person), "outcome": answer},
            )
    with server.organiser() as http:
        detail = http.get(f"/api/v1/rounds/{round_.number}").json()
    [group] = detail["group_list"]
    assert group["outcome"] == "met" and group["conflict"] is True
    assert {m["answer"] for m in group["members"]} == {"met", "not_met"}
    assert detail["conflicts"] == 1 and detail["met"] == 1


def test_answers_to_a_closed_round_are_refused(server: LiveServer, pair) -> None:
    round_, ann, bob = pair
    with server.organiser() as http:
        closed = http.post(f"/api/v1/rounds/{round_.number}/close")
        twice = http.post(f"/api/v1/rounds/{round_.number}/close")
    with server.client() as http:
        late = http.post(
            "/api/v1/outcomes", json={"token": _token(server, round_, ann), "outcome": "met"}
        )
        page = http.get(answer_links(server.settings, round_.id, ann.id)[0])
    assert closed.status_code == 200 and closed.json()["unconfirmed"] == 1
    assert twice.status_code == 409
    assert late.status_code == 409 and "closed" in late.json()["detail"]
    assert page.status_code == 409
    assert _answers(server, round_) == {ann.id: Outcome.unconfirmed, bob.id: Outcome.unconfirmed}


def test_reminders_go_once_and_only_to_those_who_have_not_answered(
    server: LiveServer, pair, mailbox
) -> None:
    round_, ann, bob = pair
    settings = server.settings
    with server.client() as http:
        http.post("/api/v1/outcomes", json={"token": _token(server, round_, ann), "outcome": "met"})
    later = round_.reminder_on
    for _ in range(3):
        with server.database.session() as session:
            reminders.send_due_reminders(
                session=session, settings=settings, today=later, now=utcnow()
            )
    with server.database.read_session() as session:
        queued = session.exec(
            select(OutboxMessage.to_address).where(OutboxMessage.idempotency_key.like("reminder:%"))
        ).all()
    assert queued == [bob.email]
    # The relay sends it (and then forgets its text): read it as Bob receives it.
    received = mailbox.wait_for(bob.email, count=2)  # the introduction, then the reminder
    [reminder] = [m for m in received if m["X-Unmentor-Key"].startswith("reminder:")]
    met_link, _ = answer_links(settings, round_.id, bob.id)
    assert link_in(reminder, "answer=met") == met_link, "the reminder carries the same links"


def test_reminders_wait_for_the_reminder_day(server: LiveServer, pair) -> None:
    round_, _, _ = pair
    with server.database.session() as session:
        count = reminders.send_due_reminders(
            session=session,
            settings=server.settings,
            today=round_.reminder_on - timedelta(days=1),
            now=utcnow(),
        )
    assert count == 0


def test_resend_introduction(server: LiveServer, pair, mailbox) -> None:
    round_, ann, bob = pair
    server.deliver_mail()
    mailbox.wait_for(ann.email)
    with server.organiser() as http:
        reply = http.post(f"/api/v1/rounds/{round_.number}/resend", json={"participant_id": ann.id})
        stranger = http.post(f"/api/v1/rounds/{round_.number}/resend", json={"participant_id": 999})
    assert reply.status_code == 202
    assert stranger.status_code == 404
    first, second = mailbox.wait_for(ann.email, count=2)
    assert first["Subject"] == second["Subject"]
    assert link_in(first, "/outcome") == link_in(second, "/outcome")
    assert len(mailbox.to(bob.email)) == 1


def _round_in(database, settings, month: int) -> Round:
    return form_round(
        database=database, settings=settings, today=date(2027, month, 2), now=utcnow(), seed=month
    ).round


def test_people_who_never_answer_are_paused_and_told(database, make_settings) -> None:
    settings = make_settings(pause_after_unconfirmed_rounds=2)
    with database.session() as session:
        people = make_community(session, {"A": 2, "B": 2})
    silent = people[0]
    for month in (1, 2):
        round_ = _round_in(database, settings, month)
        with database.session() as session:
            for member in session.exec(
                select(RoundMember).where(
                    RoundMember.round_id == round_.id, RoundMember.participant_id != silent.id
                )
            ).all():
                # Everyone else answers "not met", so silent's group has no "met" either.
                member.outcome = Outcome.not_met
                session.add(member)
        with database.session() as session:
            closed = outcomes.close_round(
                session=session,
                settings=settings,
                round_=session.get(Round, round_.id),
                now=utcnow(),
            )
    assert closed.paused == [silent.id]
    with database.read_session() as session:
        person = session.get(Participant, silent.id)
        notice = session.exec(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like("auto_paused:%"))
        ).one()
    assert person.status == ParticipantStatus.paused and person.paused_until is None
    assert notice.to_address == silent.email and "/me" in notice.body


def test_someone_whose_partner_confirmed_is_not_paused(database, make_settings) -> None:
    settings = make_settings(pause_after_unconfirmed_rounds=1)
    with database.session() as session:
        make_community(session, {"A": 1, "B": 1})
    round_ = _round_in(database, settings, 1)
    with database.session() as session:
        member = session.exec(select(RoundMember)).first()
        member.outcome = Outcome.met
        session.add(member)
    with database.session() as session:
        closed = outcomes.close_round(
            session=session, settings=settings, round_=session.get(Round, round_.id), now=utcnow()
        )
    assert closed.paused == []
