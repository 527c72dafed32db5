"""Importing past rounds: one row per group, written closed, counted by matching."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import select

from unmentor.db import Database
from unmentor.network.data import load_network
from unmentor.rounds.history import earlier_pairs
from unmentor.rounds.models import Outcome, Round, RoundMember
from unmentor.rounds.service import list_rounds, round_detail


def _with_people(run, files, tmp_path: Path) -> None:
    assert run("import", str(files.csv(tmp_path / "people.csv", files.PEOPLE))).exit_code == 0


def _members(database: Database) -> list[tuple[int, int, str, str]]:
    with database.read_session() as session:
        rows = session.exec(select(RoundMember, Round.number).join(Round)).all()
        return sorted((n, m.group_no, m.participant_id, m.outcome) for m, n in rows)


def test_rounds_are_written_closed_with_group_outcomes(run, database, files, tmp_path) -> None:
    _with_people(run, files, tmp_path)
    result = run("import", str(files.csv(tmp_path / "rounds.csv", files.ROUNDS)))
    assert result.exit_code == 0, result.output
    assert "4 rows of past rounds." in result.output
    said = "Imported 2 past rounds, written closed, with 4 groups and 9 members in all."
    assert said in result.output
    with database.read_session() as session:
        summaries = {s.number: s for s in list_rounds(session=session)}
        first = round_detail(session=session, number=1)
        pairs = earlier_pairs(session=session)
    assert summaries[1].period == "2024-03" and summaries[2].period == "2024-04"
    assert summaries[1].status == summaries[2].status == "closed"
    assert (summaries[1].met, summaries[1].not_met) == (1, 1)
    assert (summaries[2].met, summaries[2].unconfirmed) == (1, 1)
    triad = next(g for g in first.group_list if len(g.members) == 3)
    assert triad.outcome == "not_met"
    assert {m.answer for m in triad.members} == {Outcome.not_met}
    # Imported history counts for matching: these people are never paired again.
    assert len(pairs) == 1 + 3 + 1 + 1


def test_round_numbers_with_dates_and_twice_is_nothing_new(run, database, files, tmp_path):
    _with_people(run, files, tmp_path)
    rows = [
        ["Round no.", "Date", "Member 1", "Member 2", "Met"],
        [7, "March 2024", "ann@example.org", "bob@example.org", "y"],
        [7, "", "cat@example.org", "dan@example.org", "n"],
    ]
    path = files.xlsx(tmp_path / "rounds.xlsx", {"Rounds": rows})
    first = run("import", str(path))
    assert first.exit_code == 0, first.output
    before = _members(database)
    again = run("import", str(path))
    assert again.exit_code == 0
    assert "Nothing new to import." in again.output
    assert "2 groups in rounds already there were left unchanged." in again.output
    assert _members(database) == before
    assert {number for number, *_ in before} == {7}


def test_problems_in_past_rounds(run, database, files, tmp_path: Path) -> None:
    _with_people(run, files, tmp_path)
    rows = [
        *files.ROUNDS,
        ["2024-05", "ann@example.org", "zed@example.org", "", "yes"],
        ["2024-05", "bob@example.org", "cat@example.org", "", "perhaps"],
        ["2024-05", "cat@example.org", "eve@example.org", "", "yes"],
        ["2024-05", "cat@example.org", "bob@example.org", "", ""],
        ["3", "ann@example.org", "eve@example.org", "", ""],
        ["soon", "ann@example.org", "eve@example.org", "", ""],
        ["2024-06", "ann@example.org", "", "", ""],
    ]
    result = run("import", str(files.csv(tmp_path / "rounds.csv", rows)))
    out = result.output
    assert result.exit_code == 1
    assert 'row 6, column C "Person 2 email": zed@example.org is not a participant' in out
    assert "row 7, column E \"Met?\": 'perhaps' is not yes, no, ✓, ✗" in out
    assert 'row 8, column B "Person 1 email": cat@example.org is already in a group' in out
    assert 'row 9, column E "Met?": the same group as row 7, with another outcome' in out
    assert 'row 10, column A "Round": round 3 is new: give its date' in out
    assert "row 11, column A \"Round\": 'soon' is neither a round number nor a date" in out
    assert 'row 12, column C "Person 2 email": a group needs at least two people' in out
    assert _members(database) == []


def test_same_organisation_is_a_warning_not_an_error(run, database, files, tmp_path) -> None:
    _with_people(run, files, tmp_path)
    rows = [files.ROUNDS[0], ["2024-03", "bob@example.org", "eve@example.org", "", "yes"]]
    result = run("import", str(files.csv(tmp_path / "rounds.csv", rows)))
    assert result.exit_code == 0, result.output
    assert "warning: eve@example.org and bob@example.org are from the same organisation" in (
        result.output
    )
    assert len(_members(database)) == 2


def test_skip_bad_rows_keeps_good_groups(run, database, files, tmp_path: Path) -> None:
    _with_people(run, files, tmp_path)
    rows = [*files.ROUNDS, ["2024-05", "ann@example.org", "zed@example.org", "", "yes"]]
    path = files.csv(tmp_path / "rounds.csv", rows)
    result = run("import", str(path), "--skip-bad-rows")
    assert result.exit_code == 0, result.output
    assert len(_members(database)) == 9
    assert "zed@example.org" in (tmp_path / "rounds.csv.import-report.txt").read_text()


def test_imported_history_is_in_the_pictures(run, database, files, tmp_path: Path) -> None:
    _with_people(run, files, tmp_path)
    assert run("import", str(files.csv(tmp_path / "rounds.csv", files.ROUNDS))).exit_code == 0
    with database.read_session() as session:
        data = load_network(session=session)
    assert data.round_numbers() == [1, 2]
    outcomes = sorted((link.round_number, link.outcome) for link in data.links)
    assert outcomes.count((1, "not_met")) == 3 and (1, "met") in outcomes
    assert (2, "unconfirmed") in outcomes
    # Sign-ups are dated by the joined column where the file gives one.
    assert date(2024, 1, 15) in data.signed_up and date(2024, 2, 15) in data.signed_up
