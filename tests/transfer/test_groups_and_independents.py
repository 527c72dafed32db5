"""Import and export of people without an organisation and of groups larger than three."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import delete
from sqlmodel import select

from tests.factories import make_participant, make_round
from unmentor.people.models import Participant
from unmentor.tables import metadata
from unmentor.transfer.exporting import FILES


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_groups_of_four_and_five_and_independents_round_trip(run, database, tmp_path) -> None:
    with database.session() as session:
        people = [
            make_participant(session, email=f"p{i}@example.org", organisation=org)
            for i, org in enumerate(["A", "B", "C", None, "A", "B", "C", None, "D"])
        ]
        make_round(session, [people[:4], people[4:]], number=1, period="2025-01")
    first, second = tmp_path / "first", tmp_path / "second"
    assert run("export", str(first)).exit_code == 0
    groups = _rows(first / "groups.csv")
    assert groups[0] == ["Round", "Date", "Group"] + [f"Person {i} email" for i in range(1, 6)] + [
        "Met"
    ]
    assert [len([cell for cell in row[3:8] if cell]) for row in groups[1:]] == [4, 5]
    independents = [row for row in _rows(first / "participants.csv") if row[2] == ""]
    assert sorted(row[1] for row in independents) == ["p3@example.org", "p7@example.org"]
    document = json.loads((first / "unmentor.json").read_text(encoding="utf-8"))
    assert sum(p["organisation"] is None for p in document["participants"]) == 2
    assert {o["name"]: o["participants"] for o in document["organisations"]} == {
        "A": 2,
        "B": 2,
        "C": 2,
        "D": 1,
    }
    with database.session() as session:
        for table in reversed(metadata.sorted_tables):
            session.exec(delete(table))
    for name in ("participants.csv", "groups.csv"):
        result = run("import", str(first / name))
        assert result.exit_code == 0, result.output
        assert "warning" not in result.output
    with database.read_session() as session:
        blank = session.exec(select(Participant).where(Participant.organisation_id.is_(None)))
        assert sorted(p.email for p in blank) == ["p3@example.org", "p7@example.org"]
    assert run("export", str(second)).exit_code == 0
    # The spreadsheets come back the same (unmentor.json, the lossless backup, also holds
    # ids and times, which a spreadsheet import makes anew: see test_restore.py).
    for name in (name for name in FILES if name.endswith(".csv")):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
