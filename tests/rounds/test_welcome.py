"""The welcome for people the organisers added: one per active person, made in bulk, the same
email as rendering it alone, and none when the setting is off."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from tests.factories import make_participant, make_round
from unmentor.db import Database
from unmentor.mail.compose import read_parts
from unmentor.mail.models import OutboxMessage
from unmentor.people.models import ParticipantStatus
from unmentor.rounds import welcome
from unmentor.settings import load_settings
from unmentor.transfer.service import import_file

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
SETTINGS = load_settings(
    config_file=REPO / "config.toml",
    base_url="https://unmentor.example",
    secret_key="test-secret-key-0123456789abcdef",
)


@settings(max_examples=60, deadline=None)
@given(name=st.text(min_size=1, max_size=60), participant_id=st.integers(1, 2**31 - 1))
def test_a_bulk_copy_is_the_email_rendered_alone(name: str, participant_id: int) -> None:
    maker = welcome.Welcomer(SETTINGS, date(2026, 12, 1), NOW)
    row = maker.row(participant_id, name, "someone@example.org")
    alone = welcome.compose_welcome(
        name=name, participant_id=participant_id, settings=SETTINGS, next_round=date(2026, 12, 1)
    )
    assert (row["subject"], row["body"]) == (alone.subject, alone.body)
    assert json.loads(row["parts"]) == json.loads(alone.parts())


def test_the_email_says_what_it_is_when_and_how_to_pause_or_leave() -> None:
    email = welcome.compose_welcome(
        name="Ann <Oakley>", participant_id=7, settings=SETTINGS, next_round=date(2026, 12, 1)
    )
    html, headers, _ = read_parts(email.parts())
    assert "1 December 2026" in email.subject and "1 December 2026" in email.body
    assert "another\norganisation" in email.body or "another organisation" in email.body
    assert "https://unmentor.example/me\n" in email.body
    assert "https://unmentor.example/me#leave" in email.body
    pause = dict(headers)["List-Unsubscribe"].strip("<>")
    assert pause.startswith("https://unmentor.example/pause?token=") and pause in email.body
    assert dict(headers)["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Ann &lt;Oakley&gt;" in html and pause in html and "/me#leave" in html


def test_the_next_round_is_this_periods_until_it_has_formed(database: Database) -> None:
    with database.session() as session:
        assert welcome.next_round_on(
            session=session, settings=SETTINGS, today=date(2026, 11, 20)
        ) == date(2026, 11, 20)  # this period's round is late: any moment now
        later = SETTINGS.model_copy(update={"round_form_day": 25})
        assert welcome.next_round_on(
            session=session, settings=later, today=date(2026, 11, 20)
        ) == date(2026, 11, 25)
        make_round(session, [], number=1, period="2026-11")
        assert welcome.next_round_on(
            session=session, settings=SETTINGS, today=date(2026, 11, 20)
        ) == date(2026, 12, SETTINGS.round_form_day)


def test_only_active_people_are_welcomed_once_and_never_when_turned_off(
    database: Database,
) -> None:
    with database.session() as session:
        ann = make_participant(session)
        paused = make_participant(session, status=ParticipantStatus.paused)
        pending = make_participant(session, status=ParticipantStatus.pending)
        ids = [ann.id, paused.id, pending.id]
        off = SETTINGS.model_copy(update={"welcome_imported_people": False})
        assert (
            welcome.welcome_added(session=session, participant_ids=ids, settings=off, now=NOW) == 0
        )
        assert (
            welcome.welcome_added(session=session, participant_ids=ids, settings=SETTINGS, now=NOW)
            == 1
        )
        assert (
            welcome.welcome_added(session=session, participant_ids=ids, settings=SETTINGS, now=NOW)
            == 0
        )
        sent = session.exec(
            select(OutboxMessage.participant_id, OutboxMessage.idempotency_key)
        ).all()
    assert sent == [(ann.id, f"added_welcome:{ann.id}")]


def _import(database: Database, path: Path, **overrides) -> list[str]:
    path.write_text(
        "Name,Email,Organisation,Status\n"
        "Ann Smith,ann@example.org,Devon County Council,active\n"
        "Bob Jones,bob@example.org,NHS Devon,\n"
        "Cat Brown,cat@example.org,NHS Devon,paused\n"
        "Dan Green,dan@example.org,,left\n"
        "Eve White,eve@example.org,,pending\n",
        encoding="utf-8",
    )
    return import_file(
        database=database,
        settings=SETTINGS.model_copy(update=overrides),
        path=path,
        now=NOW,
    ).changes


def test_an_import_welcomes_its_active_people_in_the_same_transaction(
    database: Database, tmp_path: Path
) -> None:
    changes = _import(database, tmp_path / "people.csv")
    assert "2 welcome emails will be sent, one to each new active participant" in changes[-1]
    with database.read_session() as session:
        welcomed = session.exec(
            select(OutboxMessage.to_address, OutboxMessage.body).order_by(OutboxMessage.id)
        ).all()
    assert [to for to, _ in welcomed] == ["ann@example.org", "bob@example.org"]
    assert welcomed[0][1].startswith("Hello Ann Smith,")
    _import(database, tmp_path / "people.csv")  # nobody new: no second welcome
    with database.read_session() as session:
        assert len(session.exec(select(OutboxMessage.id)).all()) == 2


def test_an_import_with_welcomes_off_queues_nothing(database: Database, tmp_path: Path) -> None:
    changes = _import(database, tmp_path / "people.csv", welcome_imported_people=False)
    assert not any("welcome" in line for line in changes)
    with database.read_session() as session:
        assert session.exec(select(OutboxMessage.id)).all() == []
