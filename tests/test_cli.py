"""The `unmentor` command, through Typer's runner and, for `serve`, as a real process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tests.conftest import free_port
from unmentor.cli import app
from unmentor.clock import utcnow
from unmentor.db import current_revision, head_revision
from unmentor.rounds.calendar import period_of
from unmentor.settings import load_settings

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run the CLI in an empty folder with its own config.toml and SQLite file."""
    (tmp_path / "config.toml").write_text((REPO / "config.toml").read_text())
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def test_help_lists_the_commands(run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("serve", "scheduler", "db", "participants", "mail", "jobs"):
        assert command in result.output
    assert "--no-scheduler" in run("serve", "--help").output


def test_db_upgrade_creates_the_database_and_is_repeatable(run, tmp_path: Path) -> None:
    first = run("db", "upgrade")
    second = run("db", "upgrade")
    assert first.exit_code == second.exit_code == 0
    assert "upgraded from empty" in first.output
    assert "already at" in second.output
    assert current_revision(f"sqlite:///{tmp_path / 'unmentor.db'}") == head_revision()


def test_participants_add_and_list(run) -> None:
    run("db", "upgrade")
    added = run(
        "participants", "add", "Ann Smith", "Ann@Example.org", "Devon CC", "--sector", "Health"
    )
    independent = run("participants", "add", "Fay Free", "fay@example.org", "")
    listed = run("participants", "list")
    searched = run("participants", "list", "--search", "nobody")
    assert added.exit_code == 0 and "Added participant 1" in added.output
    assert independent.exit_code == 0
    assert "ann@example.org" in listed.output and "Devon CC" in listed.output
    assert "fay@example.org" in listed.output and "Independent" in listed.output
    assert "2 shown of 2" in listed.output
    assert "0 shown of 0" in searched.output


def test_participants_added_active_get_a_welcome(run, tmp_path: Path) -> None:
    run("db", "upgrade")
    run("participants", "add", "Ann Smith", "ann@example.org", "Devon CC")
    run("participants", "add", "Pat Pending", "pat@example.org", "Devon CC", "--pending")
    with sqlite3.connect(tmp_path / "unmentor.db") as connection:
        queued = connection.execute("SELECT to_address, subject FROM outbox_message").fetchall()
    assert [to for to, _ in queued] == ["ann@example.org"]
    assert queued[0][1].startswith("Welcome to UnMentor")


def test_participants_add_refuses_bad_input_clearly(run) -> None:
    run("db", "upgrade")
    bad = run("participants", "add", "", "not-an-email", "Org")
    run("participants", "add", "Ann", "ann@example.org", "Org")
    duplicate = run("participants", "add", "Ann", "ANN@example.org", "Org")
    assert bad.exit_code == 2
    assert "Please enter a name." in bad.output
    assert "That doesn't look like an email address: it needs an @." in bad.output
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output


def test_commands_refuse_an_unmigrated_database(run) -> None:
    result = run("jobs", "run", "tidy_up")
    assert result.exit_code == 1
    assert "unmentor db upgrade" in result.output


def test_invalid_settings_are_reported_not_a_traceback(run, monkeypatch) -> None:
    monkeypatch.setenv("UNMENTOR_SMTP_PORT", "not-a-port")
    result = run("db", "upgrade")
    assert result.exit_code == 2
    assert "smtp_port" in result.output


def test_jobs_list_and_run(run) -> None:
    run("db", "upgrade")
    assert "send_mail" in run("jobs", "list").output
    assert run("jobs", "run", "end_pauses").output.strip() == "end_pauses: 0 participants resumed"
    assert run("jobs", "run", "nope").exit_code == 1


def test_serve_runs_the_site(tmp_path: Path) -> None:
    """`unmentor serve` as a real process: the sign-up page and the API answer."""
    (tmp_path / "config.toml").write_text((REPO / "config.toml").read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNMENTOR_")}
    unmentor = [sys.executable, "-m", "unmentor.cli"]
    subprocess.run([*unmentor, "db", "upgrade"], cwd=tmp_path, env=env, check=True)
    port = free_port()
    process = subprocess.Popen(
        [*unmentor, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        page = _get_when_up(f"http://127.0.0.1:{port}/", process)
        assert page.status_code == 200 and "Sign up" in page.text
        docs = httpx.get(f"http://127.0.0.1:{port}/openapi.json")
        assert "/api/v1/signups" in docs.json()["paths"]
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0].decode()
    assert "UnMentor on http://127.0.0.1" in output


def _get_when_up(url: str, process: subprocess.Popen) -> httpx.Response:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read().decode())
        try:
            return httpx.get(url)
        except httpx.ConnectError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


def test_round_commands(run) -> None:
    run("db", "upgrade")
    for n, org in enumerate(["A", "A", "B", "B", "C"]):
        run("participants", "add", f"Person {n}", f"p{n}@example.org", org)
    assert "No rounds yet" in run("round", "list").output
    formed = run("round", "form", "--seed", "4")
    again = run("round", "form")
    listed = run("round", "list")
    closed = run("round", "close", "1")
    closed_again = run("round", "close", "1")
    assert formed.exit_code == 0 and "Formed round 1" in formed.output
    assert "5 people placed" in formed.output
    assert again.exit_code == 1 and "already formed" in again.output
    assert "round   1" in listed.output and "open" in listed.output
    assert closed.exit_code == 0 and "Closed round 1" in closed.output
    assert closed_again.exit_code == 1 and "already closed" in closed_again.output


def test_demo_builds_a_living_community(run) -> None:
    run("db", "upgrade")
    built = run("demo", "--people", "80", "--rounds", "4")
    assert built.exit_code == 0, built.output
    assert "Demo ready: 80 people" in built.output
    listed = run("round", "list").output.splitlines()
    assert len(listed) == 4
    # The current period's round is open until its closing day, as the scheduler keeps it.
    today = utcnow().date()
    still_open = today < period_of(today, load_settings()).closes_on
    assert ("open" if still_open else "closed") in listed[0]
    assert all("closed" in line for line in listed[1:])
    assert all("met" in line for line in listed)
    rendered = run("render", "pictures", "--no-png")
    assert rendered.exit_code == 0, rendered.output
    written = {path.name for path in Path("pictures").iterdir()}
    assert {"network.gif", "connectivity.svg", "growth.svg", "round-004.svg"} <= written
    again = run("demo")
    assert again.exit_code == 1 and "empty database" in again.output


def test_demo_without_the_features(run, tmp_path) -> None:
    from sqlmodel import func, select

    from unmentor.db import Database
    from unmentor.people.models import Participant

    run("db", "upgrade")
    built = run("demo", "--people", "30", "--rounds", "2", "--without-features")
    assert built.exit_code == 0, built.output
    database = Database(f"sqlite:///{tmp_path / 'unmentor.db'}")
    with database.read_session() as session:
        chose = select(func.count()).where(
            (Participant.rhythm != 1) | Participant.free_times.is_not(None)
        )
        assert session.exec(chose).one() == 0, "nobody chose a rhythm or free times"
    database.dispose()


def _queue_mail(tmp_path: Path, count: int) -> None:
    from unmentor.clock import utcnow
    from unmentor.db import Database
    from unmentor.mail.compose import Email
    from unmentor.mail.outbox import enqueue

    database = Database(f"sqlite:///{tmp_path / 'unmentor.db'}")
    with database.session() as session:
        for i in range(count):
            email = Email(subject="Hello", body="Hello there\n")
            enqueue(
                session=session,
                idempotency_key=f"cli:{i}",
                to_address=f"p{i}@example.org",
                email=email,
                participant_id=None,
                now=utcnow(),
            )
    database.dispose()


def test_mail_send_sends_until_nothing_is_due(run, tmp_path, monkeypatch) -> None:
    run("db", "upgrade")
    _queue_mail(tmp_path, 3)
    monkeypatch.setenv("UNMENTOR_MAIL_BACKEND", "file")
    monkeypatch.setenv("UNMENTOR_MAIL_RUN_SECONDS", "0.000001")  # one message per run
    sent = run("mail", "send")
    assert sent.exit_code == 0
    assert "Sent 3, will retry 0, gave up on 0." in sent.output
    assert len(list((tmp_path / "mail-outbox").glob("*.eml"))) == 3
    assert "Sent 0," in run("mail", "send").output


def test_mail_send_says_when_the_smtp_server_is_down(run, tmp_path, monkeypatch) -> None:
    run("db", "upgrade")
    _queue_mail(tmp_path, 1)
    monkeypatch.setenv("UNMENTOR_MAIL_BACKEND", "smtp")
    monkeypatch.setenv("UNMENTOR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("UNMENTOR_SMTP_PORT", str(free_port()))
    result = run("mail", "send")
    assert result.exit_code == 1
    assert "Sent 0" in result.output and "mail transport is unavailable" in result.output


def test_organisations_duplicates_merge_and_split(run) -> None:
    run("db", "upgrade")
    run("participants", "add", "Ann", "ann@gmail.com", "Devon County Council")
    run("participants", "add", "Bob", "bob@gmail.com", "Devon CC")
    duplicates = run("organisations", "duplicates")
    merged = run("organisations", "merge", "Devon CC", "devon county council")
    again = run("organisations", "merge", "Devon CC", "Devon County Council")
    split = run("organisations", "split", "1")
    assert "Devon CC (1)" in duplicates.output and "abbreviation" in duplicates.output
    assert merged.exit_code == 0 and "1 people moved" in merged.output
    assert "0 pairs had been formed across the two" in merged.output
    assert again.exit_code == 1 and "was merged into" in again.output
    assert split.exit_code == 0 and "1 people moved back" in split.output
