"""`unmentor demo` in any order: on a database with data, with --fresh, and the first start."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select
from typer.testing import CliRunner

from unmentor.cli import app
from unmentor.clock import utcnow
from unmentor.db import Database, upgrade
from unmentor.demo import build_demo
from unmentor.mail.models import OutboxMessage
from unmentor.people import membership
from unmentor.people.schemas import SignupRequest
from unmentor.rounds import reminders
from unmentor.rounds.models import Round, RoundMember
from unmentor.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
SMALL = ("--people", "30", "--rounds", "2")


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run the CLI in an empty folder with its own config.toml and SQLite file."""
    (tmp_path / "config.toml").write_text((REPO / "config.toml").read_text())
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


def _emails(tmp_path: Path) -> list[str]:
    database = Database(f"sqlite:///{tmp_path / 'unmentor.db'}")
    with database.read_session() as session:
        keys = session.exec(select(OutboxMessage.idempotency_key)).all()
    database.dispose()
    return list(keys)


def test_demo_on_a_database_with_data_explains_how_to_start_afresh(run) -> None:
    run("db", "upgrade")
    run("participants", "add", "Newcomer", "me@example.org", "My Org")
    refused = run("demo", *SMALL)
    assert refused.exit_code == 1
    assert "holds 1 participant, 1 organisation and 0 rounds" in refused.output
    assert "unmentor demo --fresh" in refused.output
    assert "UNMENTOR_DATABASE_URL=sqlite:///demo.db unmentor demo" in refused.output

    declined = run("demo", "--fresh", *SMALL, input="n\n")
    assert declined.exit_code == 1 and "nothing was deleted" in declined.output
    assert "Delete everything in unmentor.db" in declined.output
    assert "me@example.org" in run("participants", "list").output

    fresh = run("demo", "--fresh", *SMALL, input="y\n")
    assert fresh.exit_code == 0, fresh.output
    assert "Deleted everything in unmentor.db" in fresh.output
    assert "Demo ready: 30 people" in fresh.output
    listed = run("participants", "list").output
    assert "me@example.org" not in listed and "30 shown of 30" in listed

    # --yes skips the question for a local SQLite file.
    again = run("demo", "--fresh", "--yes", *SMALL)
    assert again.exit_code == 0 and "Deleted everything" in again.output
    assert "30 shown of 30" in run("participants", "list").output


def test_demo_fresh_never_wipes_a_production_database(run, monkeypatch) -> None:
    run("db", "upgrade")
    run("participants", "add", "Real Person", "real@example.org", "Real Org")
    monkeypatch.setenv("UNMENTOR_ENVIRONMENT", "production")
    monkeypatch.setenv("UNMENTOR_SECRET_KEY", "a-real-secret-key-0123456789abcdef")
    monkeypatch.setenv("UNMENTOR_ORGANISER_TOKEN", "a-real-organiser-token-0123456789")
    monkeypatch.setenv("UNMENTOR_MAIL_BACKEND", "file")
    refused = run("demo", "--fresh", "--yes", input="y\n")
    assert refused.exit_code == 1, refused.output
    assert 'nothing was deleted: the settings say environment = "production"' in refused.output
    monkeypatch.delenv("UNMENTOR_ENVIRONMENT")
    assert "real@example.org" in run("participants", "list").output


def test_demo_fresh_on_postgresql_needs_the_name_typed(run, request, monkeypatch) -> None:
    from tests.conftest import _empty_postgres

    url = request.getfixturevalue("postgres_database")
    _empty_postgres(url)
    monkeypatch.setenv("UNMENTOR_DATABASE_URL", url)
    name = make_url(url).database
    try:
        run("participants", "add", "Someone", "someone@example.org", "Org")
        with_yes = run("demo", "--fresh", "--yes")
        assert with_yes.exit_code == 1
        assert "--yes answers only for a local SQLite file" in with_yes.output
        mistyped = run("demo", "--fresh", input="y\n")
        assert mistyped.exit_code == 1 and "nothing was deleted" in mistyped.output
        assert f"type its name ({name})" in mistyped.output
        assert "someone@example.org" in run("participants", "list").output
        typed = run("demo", "--fresh", *SMALL, input=f"{name}\n")
        assert typed.exit_code == 0, typed.output
        assert "someone@example.org" not in run("participants", "list").output
    finally:
        _empty_postgres(url)


def test_the_first_start_after_the_demo_sends_nothing_about_its_past(run, tmp_path, caplog) -> None:
    """Sign up, demo --fresh, start: the log holds the newcomer's own link and nothing else."""
    run("db", "upgrade")
    run("participants", "add", "Early Bird", "early@example.org", "My Org")
    assert run("demo", "--fresh", "--yes", "--people", "60", "--rounds", "3").exit_code == 0
    assert _emails(tmp_path) == []
    # Every scheduler job that could queue mail, as the first start runs them.
    reminded = run("jobs", "run", "send_reminders").output
    assert reminded.strip() == "send_reminders: 0 reminders queued"
    closed = run("jobs", "run", "close_rounds").output
    assert closed.strip() == "close_rounds: closed rounds: none"
    assert "already formed" in run("jobs", "run", "form_round").output
    assert run("jobs", "run", "end_pauses").exit_code == 0
    assert _emails(tmp_path) == []

    settings = load_settings()
    database = Database(settings.database_url)
    with database.session() as session:
        membership.sign_up(
            session=session,
            request=SignupRequest(name="Newcomer", email="me@example.org"),
            settings=settings,
            now=utcnow(),
        )
    database.dispose()
    with caplog.at_level(logging.INFO):
        sent = run("mail", "send")
    assert "Sent 1," in sent.output
    printed = [r.getMessage() for r in caplog.records if "mail_backend=console" in r.getMessage()]
    assert len(printed) == 1
    assert "To: me@example.org" in printed[0] and "/verify?token=" in printed[0]


def test_demo_marks_the_reminders_of_its_past_as_sent(tmp_path) -> None:
    """Reminders whose day passed count as sent; the current round's reminder day still comes."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    settings = load_settings(config_file=REPO / "config.toml", database_url=url)
    database = Database(url)
    today = date(2026, 11, 10)  # November's round is formed, its reminder day (15th) ahead
    build_demo(database=database, settings=settings, people=40, rounds=3, today=today)
    try:
        with database.session() as session:
            rounds = session.exec(select(Round).order_by(Round.number)).all()
            assert [r.closed_at is None for r in rounds] == [False, False, True]
            current = rounds[-1]
            members = session.exec(select(RoundMember)).all()
            past = [m for m in members if m.round_id != current.id]
            silent = [m for m in past if m.answered_at is None]
            assert silent and all(m.reminded_at is not None for m in silent)
            assert all(m.reminded_at is None for m in past if m.answered_at is not None)
            waiting = sum(1 for m in members if m.round_id == current.id and m.outcome is None)
            early = reminders.send_due_reminders(
                session=session, settings=settings, today=today, now=utcnow()
            )
            due = reminders.send_due_reminders(
                session=session, settings=settings, today=current.reminder_on, now=utcnow()
            )
    finally:
        database.dispose()
    assert early == 0
    assert due == waiting > 0, "the current round's own reminders are still sent on its day"


def test_demo_closes_a_current_round_past_its_closing_day(tmp_path) -> None:
    """Late in the month the round is closed, as the scheduler would have on its day."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    settings = load_settings(config_file=REPO / "config.toml", database_url=url)
    database = Database(url)
    today = date(2026, 11, 28)  # after November's closing day (26th)
    build_demo(database=database, settings=settings, people=40, rounds=2, today=today)
    try:
        with database.read_session() as session:
            rounds = session.exec(select(Round).order_by(Round.number)).all()
            assert all(r.closed_at is not None for r in rounds)
            assert rounds[-1].closed_at.date() == rounds[-1].closes_on
            assert session.exec(select(OutboxMessage)).all() == []
    finally:
        database.dispose()
