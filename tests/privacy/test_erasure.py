"""Erasure leaves nothing: no row, no file, no byte of the SQLite file or its WAL names them."""

from __future__ import annotations

import time
from email import message_from_bytes
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import body_of, post_form, press_button
from unmentor.clock import utcnow
from unmentor.mail.models import OutboxMention, OutboxMessage
from unmentor.people.models import Participant
from unmentor.privacy.registry import REGISTRY, registered_tables
from unmentor.ratelimit import RateLimitCounter
from unmentor.rounds import forming, outcomes, reminders
from unmentor.rounds.models import Outcome, Round
from unmentor.rounds.tokens import outcome_token
from unmentor.stories import service as stories
from unmentor.stories.models import Attribution, Story
from unmentor.tables import metadata

NAME = "Zebulon Quixworth"
EMAIL = "zebulon.quixworth@example.org"
ORGANISATION = "Quixworth Widgets Ltd"
# Every form in which the person could linger: their surname is in all three.
NEEDLES = [b"quixworth", NAME.lower().encode(), EMAIL.encode()]


@pytest.fixture
def server_overrides(tmp_path: Path) -> dict:
    return {"mail_backend": "file", "mail_dir": tmp_path / "mail", "signup_limit_per_email": 2}


@pytest.fixture
def server_mail_relay() -> bool:
    # These tests send mail themselves (server.deliver_mail), and some need it left unsent.
    return False


def _personal_columns(table) -> list[str]:
    return [
        column.name
        for column in table.columns
        if column.name == "participant_id"
        or "email" in column.name
        or column.name.endswith("address")
        or any(fk.column.table.name == "participant" for fk in column.foreign_keys)
    ]


def test_every_table_with_personal_columns_is_in_the_registry() -> None:
    personal = {t.name for t in metadata.sorted_tables if _personal_columns(t)} | {"participant"}
    assert personal - registered_tables() == set(), "add these tables to unmentor/privacy"
    assert registered_tables() - set(metadata.tables) == set(), "the registry names no table"
    for holding in REGISTRY:
        assert holding.holds and holding.on_erasure and holding.in_download


def _mail_files(server: LiveServer) -> list[Path]:
    return sorted(Path(server.settings.mail_dir).glob("*.eml"))


def _latest_mail_to(server: LiveServer, address: str, prefix: str):
    # The request's own delivery may hold the message while we look: wait for the file.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        server.deliver_mail()
        for path in reversed(sorted(_mail_files(server), key=lambda p: p.stat().st_mtime_ns)):
            message = message_from_bytes(path.read_bytes())
            if message["To"] == address and path.name.startswith(prefix):
                return message
        time.sleep(0.05)
    raise AssertionError(f"no {prefix} mail to {address}")


def _link(message, path: str) -> str:
    body = body_of(message)
    return next(word for word in body.split() if word.startswith("http") and path in word)


def _rows_naming_them(server: LiveServer) -> list[str]:
    found = []
    with server.database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(table.select()).all():
                flat = " ".join(str(value) for value in row).lower().encode()
                if any(needle in flat for needle in NEEDLES):
                    found.append(f"{table.name}: {row}")
    return found


def _files_naming_them(folder: Path) -> list[str]:
    return [
        str(path)
        for path in folder.rglob("*")
        if path.is_file() and any(needle in path.read_bytes().lower() for needle in NEEDLES)
    ]


def test_erasure_leaves_no_trace(server: LiveServer, database_url: str, tmp_path: Path) -> None:
    with server.database.session() as session:
        bea = make_participant(session, name="Bea Other", email="bea@example.org", organisation="B")
        cy = make_participant(session, name="Cy Third", email="cy@example.org", organisation="C")
    with server.client() as http:
        # Signs up, verifies (and is signed in), asks for a link, and hits the rate limit.
        signup = {"name": NAME, "email": EMAIL, "organisation": ORGANISATION, "sector": "Widgets"}
        assert http.post("/api/v1/signups", json=signup).status_code == 202
        verify = _link(_latest_mail_to(server, EMAIL, "verify"), "/verify")
        assert press_button(http, verify, "/verify").status_code == 303
        assert post_form(http, "/me/link", email=EMAIL).status_code == 200
        assert http.post("/api/v1/signups", json=signup).status_code == 429
        _latest_mail_to(server, EMAIL, "login")

        # Three people from three organisations: one group of three.
        with server.organiser() as organiser:
            assert organiser.post("/api/v1/rounds", json={}).status_code == 201
        server.deliver_mail()
        with server.database.read_session() as session:
            round_ = session.exec(select(Round)).one()
            me = session.exec(select(Participant).where(Participant.email == EMAIL)).one()
        token = outcome_token(server.settings.secret_key.get_secret_value(), round_.id, me.id)
        answer = http.post("/api/v1/outcomes", json={"token": token, "outcome": "met"})
        assert answer.status_code == 200
        # The others' reminders name them and are still waiting to be sent.
        with server.database.session() as session:
            assert (
                reminders.send_due_reminders(
                    session=session,
                    settings=server.settings,
                    today=round_.reminder_on,
                    now=utcnow(),
                )
                == 2
            )
        # Each of the three shares a story; Bea's names them despite the form's request.
        with server.database.session() as session:
            for pid, words in ((me.id, "We met."), (bea.id, f"{NAME} was great"), (cy.id, "Hi")):
                said = outcome_token(server.settings.secret_key.get_secret_value(), round_.id, pid)
                if pid != me.id:
                    outcomes.record_answer(
                        session=session,
                        settings=server.settings,
                        token=said,
                        outcome=Outcome.met,
                        reason=None,
                        now=utcnow(),
                    )
                stories.share(
                    session=session,
                    settings=server.settings,
                    token=said,
                    text=words,
                    attribution=Attribution.sector,
                    now=utcnow(),
                )
        assert http.get("/me/data.json").json()["rounds"][0]["met_with"] == [
            "Bea Other",
            "Cy Third",
        ]
        assert _rows_naming_them(server) and _files_naming_them(tmp_path)

        erased = post_form(http, "/me/erase", confirm="yes")
        assert erased.status_code == 200 and "erased" in erased.text

    assert _rows_naming_them(server) == []
    assert _files_naming_them(Path(server.settings.mail_dir)) == []
    with server.database.read_session() as session:
        # Every story of that conversation went, not only the ones naming them.
        assert session.exec(select(Story)).all() == []
        keys = session.exec(select(RateLimitCounter.key)).all()
        waiting = {
            m.to_address: m
            for m in session.exec(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
        }
        reminder_to_bea = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.like("reminder:%"))
            .where(OutboxMessage.participant_id == bea.id)
        ).one()
        named_in_it = session.exec(
            select(OutboxMention.participant_id).where(
                OutboxMention.message_id == reminder_to_bea.id
            )
        ).all()
    assert keys and all(EMAIL not in key and "127.0.0.1" not in key for key in keys)
    # The remaining pair still has each other: their reminders are rewritten, not dropped.
    assert "Cy Third" in reminder_to_bea.subject and "cy@example.org" in reminder_to_bea.body
    assert named_in_it == [cy.id]
    assert set(waiting) == {"bea@example.org", "cy@example.org"}
    if database_url.startswith("sqlite"):
        # The database file and its WAL hold no copy either, not even in free pages.
        assert _files_naming_them(tmp_path) == []
        with server.database.engine.connect() as connection:
            assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1


def _form_round_without_sending(server: LiveServer) -> None:
    # Through the service: the API would hand the introductions to the relay at once.
    now = utcnow()
    formed = forming.form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now
    )
    assert formed.created


def test_unsent_introductions_are_rewritten_or_dropped(server: LiveServer) -> None:
    with server.database.session() as session:
        gone = make_participant(session, name=NAME, email=EMAIL, organisation=ORGANISATION)
        bea = make_participant(session, name="Bea Other", email="bea@example.org", organisation="B")
        make_participant(session, name="Cy Third", email="cy@example.org", organisation="C")
    _form_round_without_sending(server)
    with server.organiser() as organiser:
        assert organiser.delete(f"/api/v1/participants/{gone.id}").status_code == 204
    with server.database.read_session() as session:
        intros = session.exec(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like("intro:%"))
        ).all()
        notices = session.exec(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like("partner_left:%"))
        ).all()
    assert {m.to_address for m in intros} == {"bea@example.org", "cy@example.org"}
    to_bea = next(m for m in intros if m.participant_id == bea.id)
    assert to_bea.subject.endswith("meet Cy Third") and "group of three" not in to_bea.body
    assert len(notices) == 2 and all("You can still meet" in m.body for m in notices)
    assert _rows_naming_them(server) == []


def test_a_pair_introduction_naming_them_is_dropped(server: LiveServer) -> None:
    with server.database.session() as session:
        gone = make_participant(session, name=NAME, email=EMAIL, organisation=ORGANISATION)
        make_participant(session, name="Bea Other", email="bea@example.org", organisation="B")
    _form_round_without_sending(server)
    with server.organiser() as organiser:
        assert organiser.delete(f"/api/v1/participants/{gone.id}").status_code == 204
    with server.database.read_session() as session:
        keys = sorted(session.exec(select(OutboxMessage.idempotency_key)).all())
    assert [key.split(":")[0] for key in keys] == ["partner_left"]
    assert _rows_naming_them(server) == []


def test_the_download_shows_every_section_of_the_registry(server: LiveServer) -> None:
    with server.database.session() as session:
        make_participant(session, name=NAME, email=EMAIL, organisation=ORGANISATION)
    with server.client() as http:
        assert post_form(http, "/me/link", email=EMAIL).status_code == 200
        login = _link(_latest_mail_to(server, EMAIL, "login"), "/me/login")
        assert press_button(http, login, "/me/login").status_code == 303
        data = http.get("/me/data.json").json()
    assert set(data) == {h.section for h in REGISTRY if h.section}
    assert data["participant"]["email"] == EMAIL
    assert data["participant"]["organisation"] == ORGANISATION
    assert len(data["sessions"]) == 1 and data["links"][0]["purpose"] == "login"
    assert data["emails"][0]["kind"] == "login"  # sent, so its subject is no longer kept
