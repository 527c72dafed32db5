"""The Rhythm column of a participants file: words or numbers, blank for the setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from unmentor.people.models import Participant


def test_rhythm_column_and_its_default(
    run, database, files, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNMENTOR_DEFAULT_RHYTHM", "3")
    rows = [
        ["Name", "Email", "Organisation", "How often"],
        ["Ann", "ann@example.org", "A", "every second round"],
        ["Bob", "bob@example.org", "B", "1"],
        ["Cy", "cy@example.org", "C", ""],
    ]
    result = run("import", str(files.csv(tmp_path / "people.csv", rows)))
    assert result.exit_code == 0, result.output
    assert 'column D "How often" -> rhythm' in result.output
    with database.read_session() as session:
        rhythms = dict(session.exec(select(Participant.email, Participant.rhythm)).all())
    assert rhythms == {"ann@example.org": 2, "bob@example.org": 1, "cy@example.org": 3}


def test_an_unknown_rhythm_is_reported_and_nothing_written(
    run, database, files, tmp_path: Path
) -> None:
    rows = [["Name", "Email", "Organisation", "Rhythm"], ["Ann", "ann@example.org", "A", "weekly"]]
    result = run("import", str(files.csv(tmp_path / "people.csv", rows)))
    assert result.exit_code != 0
    assert "row 2, column D" in result.output and "unknown rhythm 'weekly'" in result.output
    with database.read_session() as session:
        assert session.exec(select(Participant)).all() == []
