"""Spreadsheets made by LibreOffice as an organiser would (tests/transfer/files/): each imports
correctly, or is refused with one line naming it; importing it again adds nothing."""

from __future__ import annotations

import html
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from tests.conftest import LiveServer
from tests.support import ORGANISER_TOKEN, hidden_field
from unmentor.db import Database
from unmentor.people.models import Organisation, Participant
from unmentor.rounds.models import Round, RoundMember
from unmentor.transfer.reading import TransferError, open_table

FILES = Path(__file__).parent / "files"
EXPECTED = json.loads((FILES / "expected.json").read_text())


def _copy(tmp_path: Path, name: str, as_name: str | None = None) -> Path:
    """The fixture in this test's folder: an import writes its report beside the file."""
    target = tmp_path / (as_name or name)
    shutil.copyfile(FILES / name, target)
    return target


def _counts(database: Database) -> tuple[int, int, int]:
    with database.read_session() as session:
        people = session.exec(select(func.count()).select_from(Participant)).one()
        organisations = session.exec(select(func.count()).select_from(Organisation)).one()
        independents = session.exec(
            select(func.count()).where(Participant.organisation_id.is_(None))
        ).one()
    return people, organisations, independents


def _outcomes(database: Database) -> Counter:
    """Groups by outcome ('not_recorded' for none), and the rounds they are in."""
    with database.read_session() as session:
        rows = session.exec(
            select(Round.number, RoundMember.group_no, RoundMember.outcome).join(Round)
        ).all()
    groups = {(number, group): outcome for number, group, outcome in rows}
    counts = Counter(o.value if o else "not_recorded" for o in groups.values())
    counts["rounds"] = len({number for number, _ in groups})
    counts["members"] = len(rows)
    return counts


def _one_line_error(result) -> str:
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0].removeprefix("Error: ")


PEOPLE_FILES = [
    "people-uk.csv",  # ";", Windows-1252, dates dd/mm/yy
    "people-uk.xlsx",
    "people-us.xlsx",
    "people.ods",
    "people.xls",
    "people.xlsm",
    "people-utf16.txt",  # UTF-16, tabs
]


# Reading is the same whatever the database: each format once, on SQLite; the upload test
# below writes people and rounds into PostgreSQL too.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
@pytest.mark.parametrize("name", PEOPLE_FILES)
def test_people_files_import_once(run, database, tmp_path: Path, name: str) -> None:
    path = _copy(tmp_path, name)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert f"{EXPECTED['people_rows']} rows of participants." in result.output
    assert "warning: the same as row 24, so read once" in result.output
    assert "dates could be read either way" not in result.output  # 14/09/22 settles them
    assert _counts(database) == (
        EXPECTED["people"],
        EXPECTED["organisations"],
        EXPECTED["independents"],
    )
    again = run("import", str(path))
    assert again.exit_code == 0, again.output
    assert "Nothing new to import." in again.output


@SQLITE_ONLY
def test_us_csv_needs_month_first(run, database, tmp_path: Path) -> None:
    path = _copy(tmp_path, "people-us.csv")
    refused = run("import", str(path))
    assert refused.exit_code == 1
    assert "'09/13/22' is not a date day first" in refused.output
    assert 'set date_order = "MDY"' in refused.output
    assert _counts(database)[0] == 0
    config = tmp_path / "config.toml"
    config.write_text(config.read_text().replace('date_order = "DMY"', 'date_order = "MDY"'))
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert _counts(database)[0] == EXPECTED["people"]
    with database.read_session() as session:
        joined = session.exec(
            select(Participant.joined_on).where(Participant.email == "lee.jones0@example.org")
        ).one()
    assert joined.isoformat() == "2022-09-01"


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("name", "marks"),
    [
        ("rounds-uk.csv", "words"),  # ";", Windows-1252, dates dd/mm/yy, yes / Y / x / didn't
        ("rounds-uk.xlsx", "ticks"),  # ✓ and ✗ kept
        ("rounds-us.xlsx", "ticks"),
        ("rounds.ods", "words"),
        ("rounds.xls", "words"),
    ],
)
def test_round_files_import_once(run, database, tmp_path: Path, name: str, marks: str) -> None:
    assert run("import", str(_copy(tmp_path, "people-uk.xlsx"))).exit_code == 0
    path = _copy(tmp_path, name)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert "warning: the same group as row 12, so read once" in result.output
    expected = EXPECTED[f"groups_by_outcome_{marks}"]
    counts = _outcomes(database)
    assert counts["rounds"] == EXPECTED["rounds"]
    assert counts["members"] == EXPECTED["members"]
    assert {k: counts[k] for k in expected} == expected
    again = run("import", str(path))
    assert "Nothing new to import." in again.output
    assert _outcomes(database) == counts


@SQLITE_ONLY
def test_ticks_lost_in_windows_1252_are_reported_not_read(run, database, tmp_path) -> None:
    assert run("import", str(_copy(tmp_path, "people-uk.csv"))).exit_code == 0
    result = run("import", str(_copy(tmp_path, "rounds-ticks-uk.csv")))
    assert result.exit_code == 1
    lost = EXPECTED["ticks_lost_rows"]
    assert f"{lost} problems in rounds-ticks-uk.csv, so nothing was imported" in result.output
    assert "row 3, column F \"Met\": '?' is not an answer: probably a ✓ or ✗ lost" in (
        result.output
    )
    report = (tmp_path / "rounds-ticks-uk.csv.import-report.txt").read_text()
    assert report.count("probably a ✓ or ✗ lost") == lost
    assert _outcomes(database)["rounds"] == 0


@SQLITE_ONLY
def test_renamed_workbooks_are_read_by_content(run, database, tmp_path: Path) -> None:
    csv_named = _copy(tmp_path, "people-uk.xlsx", "people.csv")
    result = run("import", str(csv_named))
    assert result.exit_code == 0, result.output
    assert "people.csv is an XLSX workbook: read as one." in result.output
    assert _counts(database)[0] == EXPECTED["people"]
    bare = _copy(tmp_path, "rounds.ods", "rounds")
    result = run("import", str(bare))
    assert result.exit_code == 0, result.output
    assert "rounds is an ODS spreadsheet: read as one." in result.output
    assert _outcomes(database)["rounds"] == EXPECTED["rounds"]


def _truncated(tmp_path: Path, name: str) -> Path:
    data = (FILES / name).read_bytes()
    target = tmp_path / f"cut-{name}"
    target.write_bytes(data[: len(data) // 2])
    return target


def unreadable_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Files no one can import, each with the words its one-line refusal must hold."""
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "noise.csv").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "report.xls").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    return {
        "truncated xlsx": (_truncated(tmp_path, "people-uk.xlsx"), "damaged or incomplete ZIP"),
        "truncated ods": (_truncated(tmp_path, "people.ods"), "damaged or incomplete ZIP"),
        "truncated xls": (_truncated(tmp_path, "people.xls"), "damaged"),
        "encrypted xlsx": (_copy(tmp_path, "protected.xlsx"), "protected by a password"),
        "encrypted ods": (_copy(tmp_path, "protected.ods"), "protected by a password"),
        "encrypted xls": (_copy(tmp_path, "protected.xls"), "protected by a password"),
        "empty": (tmp_path / "empty.xlsx", "empty.xlsx is empty"),
        "binary": (tmp_path / "noise.csv", "binary data"),
        "pdf named xls": (tmp_path / "report.xls", "seems to be a PDF document"),
    }


@SQLITE_ONLY
def test_unreadable_files_get_one_line(run, database, tmp_path: Path) -> None:
    for what, (path, words) in unreadable_files(tmp_path).items():
        message = _one_line_error(run("import", str(path)))
        assert message.startswith(path.name) and words in message, (what, message)
    assert _counts(database)[0] == 0


# Any damage to any kind of file: the reader says one line, whatever calamine or csv meet.
SAMPLES = ["people-uk.xlsx", "people.ods", "people.xls", "people-uk.csv", "people-utf16.txt"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(SAMPLES),
    cut=st.floats(0.0, 1.0),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=8),
)
def test_damaged_files_never_escape_as_exceptions(tmp_path: Path, name, cut, flips) -> None:
    data = bytearray((FILES / name).read_bytes())
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    path = tmp_path / f"damaged-{name}"
    path.write_bytes(bytes(data[: max(1, int(len(data) * cut))]))
    try:
        table = open_table(path)
        rows = list(table.rows)
    except TransferError as error:
        message = str(error)
        assert "\n" not in message and message.startswith(path.name), message
    else:
        assert all(isinstance(number, int) for number, _ in rows)


def _organiser(http) -> str:
    """Sign in on the organiser page as a person would; the CSRF token of the import form."""
    page = http.get("/organiser")
    http.post(
        "/organiser/signin",
        data={"csrf_token": hidden_field(page.text, "csrf_token"), "token": ORGANISER_TOKEN},
    )
    return hidden_field(http.get("/organiser/import").text, "csrf_token")


def _upload(http, csrf: str, path: Path, *, name: str | None = None):
    return http.post(
        "/organiser/import",
        data={"csrf_token": csrf},
        files={"file": (name or path.name, path.read_bytes(), "application/octet-stream")},
    )


def _page_error(reply) -> str:
    start = reply.text.index('id="import-error">') + len('id="import-error">')
    return html.unescape(reply.text[start : reply.text.index("</p>", start)])


def test_the_upload_reads_the_same_files_with_the_same_messages(
    server: LiveServer, run, tmp_path: Path
) -> None:
    with server.client() as http:
        csrf = _organiser(http)
        # A workbook that lost its name, then the same people as OpenDocument: nothing new.
        bare = _upload(http, csrf, FILES / "people-uk.xlsx", name="people")
        assert bare.status_code == 200, bare.text
        assert "people is an XLSX workbook: read as one." in bare.text
        assert "Imported 150 people from " in bare.text
        again = _upload(http, csrf, FILES / "people.ods")
        assert again.status_code == 200 and "Nothing new to import." in again.text
        rounds = _upload(http, csrf, FILES / "rounds-uk.csv")
        assert rounds.status_code == 200, rounds.text
        assert f"with {EXPECTED['groups']:,} groups and" in rounds.text
        ticks = _upload(http, csrf, FILES / "rounds-ticks-uk.csv")
        assert ticks.status_code == 422
        assert "probably a ✓ or ✗ lost" in html.unescape(ticks.text)
        for what, (path, _) in unreadable_files(tmp_path).items():
            reply = _upload(http, csrf, path)
            assert reply.status_code == 422, what
            assert _page_error(reply) == _one_line_error(run("import", str(path))), what
    assert _counts(server.database)[0] == EXPECTED["people"]
    assert _outcomes(server.database)["rounds"] == EXPECTED["rounds"]


def test_a_workbook_of_people_and_rounds_is_imported_sheet_by_sheet(
    server: LiveServer, run, files, tmp_path: Path
) -> None:
    path = files.xlsx(tmp_path / "community.xlsx", {"People": files.PEOPLE, "Rounds": files.ROUNDS})
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert "read sheet 'People'." in result.output
    assert "sheet 'Rounds' holds past rounds too: import it on its own" in result.output
    with server.client() as http:
        csrf = _organiser(http)
        reply = http.post(
            "/organiser/import",
            data={"csrf_token": csrf, "sheet": "Rounds"},
            files={"file": (path.name, path.read_bytes(), "application/octet-stream")},
        )
        assert reply.status_code == 200, reply.text
        assert "Imported 2 past rounds," in reply.text
        csv = files.csv(tmp_path / "people.csv", files.PEOPLE)
        refused = http.post(
            "/organiser/import",
            data={"csrf_token": csrf, "sheet": "Rounds"},
            files={"file": (csv.name, csv.read_bytes(), "text/csv")},
        )
    assert _page_error(refused) == "people.csv is CSV text: only a workbook has sheets to choose."
