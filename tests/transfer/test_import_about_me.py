"""The "About me" column of a participants file: one tidied line, at most 140 characters."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from unmentor.people.models import Participant


def test_about_me_column_is_read_and_exported_again(run, database, files, tmp_path: Path) -> None:
    rows = [
        ["Name", "Email", "Organisation", "About me"],
        ["Ann", "ann@example.org", "A", "  Buses,\n timetables "],
        ["Bob", "bob@example.org", "B", ""],
    ]
    result = run("import", str(files.csv(tmp_path / "people.csv", rows)))
    assert result.exit_code == 0, result.output
    assert 'column D "About me" -> about_me' in result.output
    with database.read_session() as session:
        lines = dict(session.exec(select(Participant.email, Participant.about_me)).all())
    assert lines == {"ann@example.org": "Buses, timetables", "bob@example.org": None}
    exported = run("export", str(tmp_path / "out"))
    assert exported.exit_code == 0, exported.output
    text = (tmp_path / "out" / "participants.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].endswith(",Rhythm,About me")
    assert "Buses, timetables" in text


def test_a_line_too_long_is_reported_and_nothing_written(
    run, database, files, tmp_path: Path
) -> None:
    rows = [["Name", "Email", "Organisation", "Bio"], ["Ann", "ann@example.org", "A", "x" * 141]]
    result = run("import", str(files.csv(tmp_path / "people.csv", rows)))
    assert result.exit_code != 0
    assert "row 2, column D" in result.output and "at most 140 characters" in result.output
    with database.read_session() as session:
        assert session.exec(select(Participant)).all() == []
