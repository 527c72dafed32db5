"""Export, and the round trip: export, import into an empty database, export again, compare."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import delete
from sqlmodel import select

from tests.factories import make_community, make_participant
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.people.models import ParticipantStatus
from unmentor.rounds import forming, outcomes
from unmentor.rounds.models import Outcome, Round, RoundMember
from unmentor.tables import metadata
from unmentor.transfer.exporting import FILES


def _build_history(database: Database, settings) -> None:
    with database.session() as session:
        make_community(session, {"Devon County Council": 5, "NHS Devon": 4, "Café Ltd": 3})
        make_participant(session, name="Zoë Paused", organisation="NHS Devon")
        make_participant(session, organisation="Café Ltd", status=ParticipantStatus.left)
    for month in (1, 2, 3):
        day = date(2025, month, settings.round_form_day)
        formed = forming.form_round(database=database, settings=settings, today=day, now=utcnow())
        assert formed.created
        with database.session() as session:
            round_ = session.get(Round, formed.round.id)
            members = session.exec(
                select(RoundMember).where(RoundMember.round_id == round_.id)
            ).all()
            for member in members:
                # Members of a group agree, as the import records one outcome per group.
                if member.group_no % 3 == 0:
                    member.outcome = Outcome.met
                elif member.group_no % 3 == 1:
                    member.outcome = Outcome.not_met
                session.add(member)
            session.flush()
            outcomes.close_round(session=session, settings=settings, round_=round_, now=utcnow())


def _empty(database: Database) -> None:
    with database.session() as session:
        for table in reversed(metadata.sorted_tables):
            session.exec(delete(table))


def test_export_writes_csv_and_json(run, database, make_settings, tmp_path: Path) -> None:
    _build_history(database, make_settings())
    result = run("export", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "Exported 14 participants, 3 organisations, 3 rounds" in result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(FILES)
    document = json.loads((tmp_path / "out" / "unmentor.json").read_text(encoding="utf-8"))
    assert [r["number"] for r in document["rounds"]] == [1, 2, 3]
    assert {g["outcome"] for r in document["rounds"] for g in r["groups"]} == {
        "met",
        "not_met",
        "unconfirmed",
    }
    header = (tmp_path / "out" / "groups.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "Round,Date,Group,Person 1 email,Person 2 email,Person 3 email,Met"


def test_round_trip_reproduces_the_export(run, database, make_settings, tmp_path) -> None:
    _build_history(database, make_settings())
    first, second = tmp_path / "first", tmp_path / "second"
    assert run("export", str(first)).exit_code == 0
    _empty(database)
    for name in ("participants.csv", "groups.csv"):
        result = run("import", str(first / name))
        assert result.exit_code == 0, result.output
        assert "warning" not in result.output
    assert run("export", str(second)).exit_code == 0
    # The spreadsheets come back the same (unmentor.json, the lossless backup, also holds
    # ids and times, which a spreadsheet import makes anew: see test_restore.py).
    for name in (name for name in FILES if name.endswith(".csv")):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    # Importing the export again adds nothing.
    again = run("import", str(first / "groups.csv"))
    assert "Nothing new to import." in again.output
