"""The lossless backup: export a live database, restore it into an empty one, export again.

The community (tests/backup_support.py) is the demo's history with an open round, conflicting
answers, pauses, departures, sit-outs, never-match requests and an erased newest participant.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.backup_support import emptied, fresh_sqlite, live_community
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.people.models import Participant
from unmentor.rounds import outcomes
from unmentor.rounds.models import Outcome
from unmentor.rounds.tokens import outcome_token
from unmentor.settings import load_settings
from unmentor.transfer.document import VERSION
from unmentor.transfer.exporting import FILES, export_all
from unmentor.transfer.restore import restore

SECRET = "the-same-secret-key-before-and-after"


def _export(database: Database, folder: Path) -> dict:
    export_all(database=database, directory=folder)
    return json.loads((folder / "unmentor.json").read_text(encoding="utf-8"))


def _same_files(first: Path, second: Path) -> None:
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def _check_restored(source: dict, target: Database, folder: Path) -> None:
    """Export `target` into `folder`: the same bytes as the source's export; ids carry on."""
    again = _export(target, folder)
    _same_files(folder.parent / "first", folder)
    assert again == source


def _check_an_emailed_link_still_works(source: dict, target: Database) -> None:
    """An answer link sent before the backup records the answer after the restore."""
    settings = load_settings(database_url=target.url, secret_key=SECRET)
    open_round = source["rounds"][-1]
    ids = {p["email"]: p["id"] for p in source["participants"]}
    waiting = next(m for g in open_round["groups"] for m in g["members"] if not m["answer"])
    token = outcome_token(SECRET, open_round["id"], ids[waiting["email"]])
    with target.session() as session:
        recorded = outcomes.record_answer(
            session=session,
            settings=settings,
            token=token,
            outcome=Outcome.met,
            reason=None,
            now=utcnow(),
        )
    assert recorded is not None


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
    live_community(database)
    first = _export(database, tmp_path / "first")
    # The document holds what a CSV round trip lost.
    assert any(o["name"] == "Empty Ltd" and o["participants"] == 0 for o in first["organisations"])
    assert [r["status"] for r in first["rounds"]] == ["closed", "closed", "open"]
    answers = {m["answer"] for g in first["rounds"][-1]["groups"] for m in g["members"]}
    assert {None, "met", "not_met"} <= answers
    comments = [m["comment"] for g in first["rounds"][-1]["groups"] for m in g["members"]]
    assert "Our diaries never lined up — «next month»" in comments
    assert first["rounds"][-1]["sat_out"]
    assert any(p["paused_until"] for p in first["participants"])
    assert any(p["organisation"] is None for p in first["participants"])
    assert {p["rhythm"] for p in first["participants"]} == {1, 3}
    assert "Bus timetables by day, «open data» by night" in [
        p["about_me"] for p in first["participants"]
    ]
    assert {b["added_by"] for b in first["blocked_pairs"]} == {"participant", "organiser"}
    # The erased newest participant's id is past every id held, and stays given out.
    assert first["next_ids"]["participant"] > max(p["id"] for p in first["participants"]) + 1
    assert {s["status"] for s in first["stories"]} == {"pending", "approved", "rejected"}
    assert "We found we both «love» timetables — who knew?" in [s["text"] for s in first["stories"]]
    # So is the withdrawn newest story's: a feed reader may still hold an entry naming it.
    assert first["next_ids"]["story"] > max(s["id"] for s in first["stories"]) + 1

    if database.is_sqlite:
        target = fresh_sqlite(sqlite_template, tmp_path)
    else:
        database.dispose()
        target = emptied(database_url)
    restored = restore(database=target, path=tmp_path / "first")
    assert restored.participants == len(first["participants"])
    _check_restored(first, target, tmp_path / "second")
    _check_an_emailed_link_still_works(first, target)
    _check_next_id(first, target)
    target.dispose()


def test_sqlite_to_postgresql_and_back(
    sqlite_url, postgres_database, sqlite_template, tmp_path: Path
) -> None:
    source = Database(sqlite_url)
    live_community(source)
    first = _export(source, tmp_path / "first")
    source.dispose()
    postgres = emptied(postgres_database)
    restore(database=postgres, path=tmp_path / "first" / "unmentor.json")
    _check_restored(first, postgres, tmp_path / "on-postgresql")
    back = fresh_sqlite(sqlite_template, tmp_path)
    restore(database=back, path=tmp_path / "on-postgresql")
    _check_restored(first, back, tmp_path / "back-on-sqlite")
    _check_next_id(first, postgres)
    _check_next_id(first, back)
    postgres.dispose()
    back.dispose()


def test_import_of_an_export_folder_restores_it(
    run, database, sqlite_template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live_community(database)
    assert run("export", str(tmp_path / "first")).exit_code == 0
    refused = run("import", str(tmp_path / "first"))
    assert refused.exit_code == 1
    assert "a restore needs an empty database, and this one holds data" in refused.output
    target = fresh_sqlite(sqlite_template, tmp_path)
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


def test_a_version_2_document_restores_without_comments(
    database, sqlite_template, tmp_path: Path
) -> None:
    live_community(database)
    document = _export(database, tmp_path / "first")
    document["version"] = 2
    for round_ in document["rounds"]:
        for group in round_["groups"]:
            for member in group["members"]:
                del member["comment"]
    del document["stories"]  # version 5
    for person in document["participants"]:
        del person["rhythm"]
        del person["about_me"]  # exports made before "about me" existed lack it
    del document["organisers"], document["audit"]  # before organiser accounts, too
    older = tmp_path / "older.json"
    older.write_text(json.dumps(document), encoding="utf-8")
    target = fresh_sqlite(sqlite_template, tmp_path)
    restore(database=target, path=older)
    again = _export(target, tmp_path / "second")
    assert again["version"] == VERSION
    assert again["organisers"] == [] and again["audit"] == []
    assert {p["rhythm"] for p in again["participants"]} == {1}, "every round, as before"
    assert {p["about_me"] for p in again["participants"]} == {None}
    assert all(
        m["comment"] is None for r in again["rounds"] for g in r["groups"] for m in g["members"]
    )
    assert len(again["participants"]) == len(document["participants"])
    target.dispose()
