"""Cells as people fill them in: dates, Met marks and headers, read or refused with a reason."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from unmentor.rounds.models import Outcome
from unmentor.transfer import values
from unmentor.transfer.columns import PARTICIPANTS, ROUNDS, recognise


@pytest.mark.parametrize(
    ("cell", "order", "day"),
    [
        ("2023-06-14", "DMY", date(2023, 6, 14)),
        ("2023-06-14", "MDY", date(2023, 6, 14)),
        ("14/06/23", "DMY", date(2023, 6, 14)),
        ("14/06/2023", "DMY", date(2023, 6, 14)),
        ("6/14/23", "MDY", date(2023, 6, 14)),
        ("3/4/2024", "DMY", date(2024, 4, 3)),
        ("3/4/2024", "MDY", date(2024, 3, 4)),
        ("14.06.2023", "DMY", date(2023, 6, 14)),
        ("14-Jun-2023", "DMY", date(2023, 6, 14)),
        ("14-Jun-2023", "MDY", date(2023, 6, 14)),
        ("14 June 2023", "DMY", date(2023, 6, 14)),
        ("June 14, 2023", "DMY", date(2023, 6, 14)),
        ("1st Sept 2023", "DMY", date(2023, 9, 1)),
        ("14/06/2023 00:00", "DMY", date(2023, 6, 14)),
        ("45091", "DMY", date(2023, 6, 14)),  # an Excel serial number typed or exported as text
        (45091.0, "DMY", date(2023, 6, 14)),  # a date column formatted as a number
        (datetime(2023, 6, 14, 9, 30), "MDY", date(2023, 6, 14)),  # a real date cell
        (date(2023, 6, 14), "DMY", date(2023, 6, 14)),
        ("", "DMY", None),
        (None, "DMY", None),
    ],
)
def test_dates_as_typed(cell, order, day) -> None:
    assert values.parse_date(cell, order) == day


@pytest.mark.parametrize(
    ("cell", "order", "reason"),
    [
        ("31/02/2024", "DMY", "'31/02/2024' is not a real date"),
        ("06/14/2023", "DMY", 'set date_order = "MDY"'),
        ("14/06/2023", "MDY", 'set date_order = "DMY"'),
        ("2023", "DMY", "'2023' is not a date"),
        (2023, "DMY", "2023 is a number, not a date"),
        ("soon", "DMY", "'soon' is not a date"),
    ],
)
def test_dates_refused_with_a_reason(cell, order, reason) -> None:
    with pytest.raises(ValueError) as error:
        values.parse_date(cell, order)
    assert reason in str(error.value)


def test_only_day_month_swaps_are_ambiguous() -> None:
    assert values.read_date("03/04/2023").ambiguous
    assert not values.read_date("04/04/2023").ambiguous
    assert not values.read_date("14/04/2023").ambiguous
    assert values.read_date("14/04/2023").telling
    assert not values.read_date("2023-04-03").ambiguous


@pytest.mark.parametrize(
    ("cell", "outcome"),
    [
        *[(w, Outcome.met) for w in ("yes", "Y", "TRUE", "1", "✓", "✔", "x", "X", "Met")],
        *[(1.0, Outcome.met), (True, Outcome.met)],
        *[(w, Outcome.not_met) for w in ("no", "N", "false", "0", "✗", "didn't", "didn\u2019t")],
        *[(0.0, Outcome.not_met), (False, Outcome.not_met)],
        ("unconfirmed", Outcome.unconfirmed),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_met_as_written(cell, outcome) -> None:
    assert values.parse_met(cell) == outcome


@pytest.mark.parametrize("cell", ["?", "\ufffd"])
def test_a_lost_tick_is_never_read(cell) -> None:
    with pytest.raises(ValueError, match="probably a ✓ or ✗ lost"):
        values.parse_met(cell)


@pytest.mark.parametrize(
    "headers",
    [
        ["Round", "Person A", "Person B", "Person C", "Met"],
        ["Round", "Participant 1", "Participant 2", "Participant 3", "Met"],
        ["Round", "Email 1", "Email 2", "Email 3", "Met"],
        ["Round", "Person 1", "Person 1 email", "Person 2", "Person 2 email", "Met"],
        ["Date", "Email", "Partner", "Met"],
        ["Date", "Person", "Partner email", "Met"],
    ],
)
def test_round_headers_people_use(headers) -> None:
    columns = recognise(headers)
    assert columns is not None and columns.kind == ROUNDS
    assert {"member1", "member2", "met"} <= columns.index.keys()
    if "Person 1 email" in headers:  # not the names beside them
        assert headers[columns.index["member1"]] == "Person 1 email"


def test_a_partner_column_in_a_people_list_is_ignored() -> None:
    columns = recognise(["Name", "Email", "Organisation", "Partner"])
    assert columns is not None and columns.kind == PARTICIPANTS
    assert 'ignored: column D "Partner"' in columns.describe()


def test_ambiguous_dates_are_listed_in_one_warning(run, database, files, tmp_path: Path) -> None:
    rows = [
        ["Name", "Email", "Organisation", "Joined"],
        ["Ann", "ann@example.org", "A", "03/04/2024"],
        ["Bob", "bob@example.org", "B", "2024-04-05"],
        ["Cat", "cat@example.org", "C", "05/06/2024"],
    ]
    result = run("import", str(files.csv(tmp_path / "people.csv", rows)))
    assert result.exit_code == 0, result.output
    assert (
        '2 dates could be read either way and were read day first (date_order = "DMY"; '
        'set it to "MDY" if that is wrong): row 2 column D "03/04/2024", row 4 column D '
        '"05/06/2024"' in result.output
    )
    # One date that only reads day first settles the column: no warning then.
    rows.append(["Dan", "dan@example.org", "D", "25/12/2024"])
    quiet = run("import", str(files.csv(tmp_path / "more.csv", rows)))
    assert quiet.exit_code == 0 and "either way" not in quiet.output


def test_exact_duplicate_people_are_read_once_conflicts_refused(
    run, database, files, tmp_path: Path
) -> None:
    rows = [files.PEOPLE[0], files.PEOPLE[1], files.PEOPLE[2], list(files.PEOPLE[1])]
    result = run("import", str(files.csv(tmp_path / "people.csv", rows)))
    assert result.exit_code == 0, result.output
    assert "row 4: warning: the same as row 2, so read once" in result.output
    assert "Imported 2 people" in result.output
    rows.append(["Ann Smyth", "ann@example.org", "NHS Devon", "", "", ""])
    refused = run("import", str(files.csv(tmp_path / "people2.csv", rows)))
    assert refused.exit_code == 1
    assert "row 5, column B" in refused.output and "already on row 2, with other details" in (
        refused.output
    )
