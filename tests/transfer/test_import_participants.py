"""Importing participants through the CLI: flexible columns, checks first, idempotent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import select

from unmentor.db import Database
from unmentor.people.models import Organisation, Participant, ParticipantStatus


def _people(database: Database) -> dict[str, Participant]:
    with database.read_session() as session:
        return {p.email: p for p in session.exec(select(Participant)).all()}


def _organisations(database: Database) -> list[str]:
    with database.read_session() as session:
        return sorted(session.exec(select(Organisation.name)).all())


def test_csv_import_reads_synonyms_and_says_what_it_read(
    run, database, files, tmp_path: Path
) -> None:
    path = files.csv(tmp_path / "people.csv", files.PEOPLE)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert 'column A "Full name" -> name' in result.output
    assert 'column C "Organization" -> organisation' in result.output
    assert "5 rows of participants." in result.output
    assert "Imported 5 people from 3 organisations (all new)." in result.output
    people = _people(database)
    assert set(people) == {f"{n}@example.org" for n in ("ann", "bob", "cat", "dan", "eve")}
    assert people["ann@example.org"].joined_on == date(2024, 1, 15)
    assert people["bob@example.org"].joined_on == date(2024, 2, 15)
    assert people["cat@example.org"].status == ParticipantStatus.paused
    assert people["dan@example.org"].status == ParticipantStatus.left
    assert people["eve@example.org"].status == ParticipantStatus.pending
    assert people["dan@example.org"].sector is None
    # "devon county council " is the same organisation as "Devon County Council".
    assert _organisations(database) == ["Devon County Council", "Exeter University", "NHS Devon"]


def test_importing_twice_changes_nothing(run, database, files, tmp_path: Path) -> None:
    path = files.csv(tmp_path / "people.csv", files.PEOPLE)
    run("import", str(path))
    before = {e: (p.id, p.name, p.status) for e, p in _people(database).items()}
    again = run("import", str(path))
    assert again.exit_code == 0
    assert "Nothing new to import." in again.output
    assert "5 people already there were left unchanged." in again.output
    assert {e: (p.id, p.name, p.status) for e, p in _people(database).items()} == before


def test_xlsx_with_title_row_several_sheets_and_dates(run, database, files, tmp_path: Path) -> None:
    people = [row[:] for row in files.PEOPLE]
    people[1][4] = date(2023, 12, 1)  # a real Excel date
    path = files.xlsx(
        tmp_path / "people.xlsx",
        {
            "Notes": [["This workbook lists our community"], ["Updated monthly"]],
            "People": [["Community members 2024"], *people],
        },
    )
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert "read sheet 'People'" in result.output
    assert _people(database)["ann@example.org"].joined_on == date(2023, 12, 1)


def test_sheet_option_picks_a_sheet_and_names_missing_ones(run, database, files, tmp_path) -> None:
    path = files.xlsx(tmp_path / "people.xlsx", {"Old": files.PEOPLE[:2], "New": files.PEOPLE[2:3]})
    wrong = run("import", str(path), "--sheet", "Nope")
    assert wrong.exit_code != 0
    assert "has no sheet 'Nope'; it has Old, New" in wrong.output
    assert _people(database) == {}


def test_dry_run_shows_changes_and_writes_nothing(run, database, files, tmp_path: Path) -> None:
    path = files.csv(tmp_path / "people.csv", files.PEOPLE)
    result = run("import", str(path), "--dry-run")
    assert result.exit_code == 0
    assert "Dry run: nothing was written." in result.output
    assert "Would import 5 people from 3 organisations (all new)." in result.output
    assert _people(database) == {}


def test_every_problem_is_reported_with_row_and_column(
    run, database, files, tmp_path: Path
) -> None:
    rows = [
        *files.PEOPLE,
        ["", "fay@example.org", "NHS Devon", "", "", ""],
        ["Gus", "not-an-email", "NHS Devon", "", "", ""],
        ["Hal", "hal@example.org", "NHS Devon", "", "31/02/2024", ""],
        ["Ivy", "ivy@example.org", "NHS Devon", "", "", "retired"],
        ["Ann again", "ANN@example.org", "NHS Devon", "", "", ""],
        ["Jo", "jo@example.org", "", "", "", ""],
    ]
    path = files.csv(tmp_path / "people.csv", rows)
    result = run("import", str(path))
    assert result.exit_code == 1
    out = result.output
    assert 'row 7, column A "Full name": name must not be empty' in out
    needs_at = "That doesn't look like an email address: it needs an @."
    assert f'row 8, column B "E-mail address": {needs_at}' in out
    assert "row 9, column E \"Date joined\": '31/02/2024' is not a real date" in out
    assert "row 10, column F \"Status\": unknown status 'retired'" in out
    assert 'row 11, column B "E-mail address": ann@example.org is already on row 2' in out
    assert "row 12" not in out, "a blank organisation is allowed"
    assert "5 problems in people.csv, so nothing was imported" in out
    assert 'column B "E-mail address" -> email' in out
    assert _people(database) == {}
    assert (tmp_path / "people.csv.import-report.txt").exists()


def test_skip_bad_rows_imports_the_good_ones_and_saves_a_report(
    run, database, files, tmp_path
) -> None:
    rows = [*files.PEOPLE, ["Gus", "not-an-email", "NHS Devon", "", "", ""]]
    path = files.csv(tmp_path / "people.csv", rows)
    result = run("import", str(path), "--skip-bad-rows")
    assert result.exit_code == 0, result.output
    assert "Skipped 1 bad row (row 7)." in result.output
    assert len(_people(database)) == 5
    report = (tmp_path / "people.csv.import-report.txt").read_text()
    assert "row 7, column B" in report and "1 error, 0 warnings; 1 row skipped" in report


def test_a_name_merged_away_imports_into_the_organisation_it_was_merged_into(
    run, database, tmp_path: Path
) -> None:
    from tests.factories import make_participant
    from unmentor.clock import utcnow
    from unmentor.people import organisations

    with database.session() as session:
        kept = make_participant(session, organisation="Devon County Council").organisation_id
        gone = make_participant(session, organisation="Devon CC").organisation_id
        organisations.merge(session=session, source_id=gone, target_id=kept, now=utcnow())
    path = tmp_path / "people.csv"
    path.write_text("Name,Email,Organisation\nNew Person,new@example.org,devon cc\n")
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert _people(database)["new@example.org"].organisation_id == kept
