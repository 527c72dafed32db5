"""The lossless backup: export a live database, restore it into an empty one, export again.

The community is the demo's history (an open round with half its answers in) plus what the
demo lacks: conflicting answers, a reminder, a sit-out, a pause with its end date, someone who
left, someone without an organisation, an organisation nobody belongs to any more, never-match
requests of every kind, and an erased newest participant whose id must never come back.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from unmentor.blocking import service as blocking
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.demo import build_demo
from unmentor.people import membership
from unmentor.people.models import Organisation, Participant, ParticipantStatus
from unmentor.people.normalise import organisation_key
from unmentor.privacy.erasure import erase_person
from unmentor.rounds.models import NotMetReason, Outcome, Round, RoundMember, RoundSitOut
from unmentor.settings import load_settings
from unmentor.tables import metadata
from unmentor.transfer.exporting import FILES, export_all
from unmentor.transfer.restore import restore

TODAY = date(2026, 11, 10)
NOW = datetime(2026, 11, 10, 12, tzinfo=utcnow().tzinfo)


def _live_community(database: Database) -> None:
    settings = load_settings(database_url=database.url)
    build_demo(database=database, settings=settings, people=40, rounds=3, seed=7, today=TODAY)
    with database.session() as session:
        open_round = session.exec(select(Round).where(Round.closed_at.is_(None))).one()
        members = session.exec(
            select(RoundMember)
            .where(RoundMember.round_id == open_round.id)
            .order_by(RoundMember.group_no, RoundMember.participant_id)
        ).all()
        first, second = members[0], members[1]
        assert first.group_no == second.group_no
        # Two members of one group disagree; a third was reminded.
        first.outcome, first.reason, first.answered_at = Outcome.met, None, NOW
        second.outcome, second.reason = Outcome.not_met, NotMetReason.no_time
        second.answered_at = NOW + timedelta(microseconds=123)
        members[2].reminded_at = NOW
        session.add_all([first, second, members[2]])
        people = session.exec(select(Participant).order_by(Participant.id)).all()
        session.add(
            RoundSitOut(round_id=open_round.id, participant_id=people[3].id, reason="nobody new")
        )
        session.add(Organisation(name="Empty Ltd", name_key=organisation_key("Empty Ltd")))
        independent = Participant(
            name="Ivy Independent", email="ivy@example.org", status=ParticipantStatus.active
        )
        session.add(independent)
        session.flush()
        membership.pause(
            session=session,
            participant_id=people[5].id,
            until=date.today() + timedelta(days=30),
            settings=settings,
            now=utcnow(),
        )
        membership.leave(session=session, participant_id=people[6].id, now=utcnow())
        blocking.block_partner(
            session=session,
            participant_id=first.participant_id,
            other_id=second.participant_id,
            now=NOW,
        )
        blocking.block_email(
            session=session, participant_id=people[7].id, email="nobody@example.org", now=NOW
        )
        blocking.create_pair(
            session=session, participant_id=people[8].id, other_id=independent.id, now=NOW
        )
        newest = Participant(name="Gone Soon", email="gone@example.org")
        session.add(newest)
        session.flush()
        newest_id = newest.id
    erase_person(database=database, participant_id=newest_id, settings=settings, now=utcnow())


def _export(database: Database, folder: Path) -> dict:
    export_all(database=database, directory=folder)
    return json.loads((folder / "unmentor.json").read_text(encoding="utf-8"))


def _same_files(first: Path, second: Path) -> None:
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def _fresh_sqlite(template: Path, folder: Path) -> Database:
    path = folder / "restored.db"
    shutil.copyfile(template, path)
    return Database(f"sqlite:///{path}")


def _emptied(url: str) -> Database:
    """The test's PostgreSQL database as new: no rows, sequences back at 1."""
    engine = create_engine(url)
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return Database(url)


def _check_restored(source: dict, target: Database, folder: Path) -> None:
    """Export `target` into `folder`: the same bytes as the source's export; ids carry on."""
    again = _export(target, folder)
    _same_files(folder.parent / "first", folder)
    assert again == source


def _check_next_id(source: dict, target: Database) -> None:
    """A newcomer gets the id after the erased one (on PostgreSQL this uses up the id)."""
    with target.session() as session:
        newcomer = Participant(name="New", email="new@example.org")
        session.add(newcomer)
        session.flush()
        assert newcomer.id == source["next_ids"]["participant"]
        session.rollback()


def test_export_restore_export_is_byte_identical(
    database, database_url, sqlite_template, tmp_path: Path
) -> None:
    _live_community(database)
    first = _export(database, tmp_path / "first")
    # The document holds what a CSV round trip lost.
    assert any(o["name"] == "Empty Ltd" and o["participants"] == 0 for o in first["organisations"])
    assert [r["status"] for r in first["rounds"]] == ["closed", "closed", "open"]
    answers = {m["answer"] for g in first["rounds"][-1]["groups"] for m in g["members"]}
    assert {None, "met", "not_met"} <= answers
    assert first["rounds"][-1]["sat_out"]
    assert any(p["paused_until"] for p in first["participants"])
    assert any(p["organisation"] is None for p in first["participants"])
    assert {b["added_by"] for b in first["blocked_pairs"]} == {"participant", "organiser"}
    # The erased newest participant's id is past every id held, and stays given out.
    assert first["next_ids"]["participant"] > max(p["id"] for p in first["participants"]) + 1

    if database.is_sqlite:
        target = _fresh_sqlite(sqlite_template, tmp_path)
    else:
        database.dispose()
        target = _emptied(database_url)
    restored = restore(database=target, path=tmp_path / "first")
    assert restored.participants == len(first["participants"])
    _check_restored(first, target, tmp_path / "second")
    _check_next_id(first, target)
    target.dispose()


def test_sqlite_to_postgresql_and_back(
    sqlite_url, postgres_database, sqlite_template, tmp_path: Path
) -> None:
    source = Database(sqlite_url)
    _live_community(source)
    first = _export(source, tmp_path / "first")
    source.dispose()
    postgres = _emptied(postgres_database)
    restore(database=postgres, path=tmp_path / "first" / "unmentor.json")
    _check_restored(first, postgres, tmp_path / "on-postgresql")
    back = _fresh_sqlite(sqlite_template, tmp_path)
    restore(database=back, path=tmp_path / "on-postgresql")
    _check_restored(first, back, tmp_path / "back-on-sqlite")
    _check_next_id(first, postgres)
    _check_next_id(first, back)
    postgres.dispose()
    back.dispose()


def test_import_of_an_export_folder_restores_it(
    run, database, sqlite_template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _live_community(database)
    assert run("export", str(tmp_path / "first")).exit_code == 0
    refused = run("import", str(tmp_path / "first"))
    assert refused.exit_code == 1
    assert "a restore needs an empty database, and this one holds data" in refused.output
    target = _fresh_sqlite(sqlite_template, tmp_path)
    monkeypatch.setenv("UNMENTOR_DATABASE_URL", target.url)
    result = run("import", str(tmp_path / "first" / "unmentor.json"))
    assert result.exit_code == 0, result.output
    assert "Restored 41 participants" in result.output
    assert run("export", str(tmp_path / "second")).exit_code == 0
    _same_files(tmp_path / "first", tmp_path / "second")
    target.dispose()


def test_a_damaged_or_foreign_document_is_refused_in_one_line(
    run, database, tmp_path: Path
) -> None:
    foreign = tmp_path / "other.json"
    foreign.write_text('{"participants": []}', encoding="utf-8")
    result = run("import", str(foreign))
    assert result.exit_code == 1
    assert "other.json is not an unmentor export" in result.output
    damaged = tmp_path / "unmentor.json"
    damaged.write_text('{"format": "unmentor-export", "version": 2, "organ', encoding="utf-8")
    result = run("import", str(tmp_path))
    assert result.exit_code == 1
    assert "unmentor.json is not a readable JSON document" in result.output
    assert "Traceback" not in result.output
