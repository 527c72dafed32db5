"""Import reports read as sentences: plurals that agree, the column mapping apart from the
problems, and a dry run that says what would be imported even when some rows are bad."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.conftest import LiveServer
from tests.support import ORGANISER_TOKEN, hidden_field
from unmentor.transfer.service import rows_named

GOOD = [
    ["Name", "Email", "Organisation"],
    ["Ann", "ann@example.org", "Devon CC"],
    ["Bob", "bob@example.org", "NHS Devon"],
    ["Cy", "cy@example.org", "NHS Devon"],
]
ONE_BAD = [*GOOD, ["Dee", "dee.example.org", "Devon CC"]]


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def test_a_dry_run_with_a_bad_row_says_what_would_be_imported(run, files, tmp_path) -> None:
    result = run("import", str(files.csv(tmp_path / "people.csv", ONE_BAD)), "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "4 rows of participants." in out
    assert "1 problem was found:" in out
    assert "Would import 3 people from 2 organisations (all new)." in out
    assert "1 row would be skipped (row 5)." in out
    assert "A real import would write nothing while any row is bad" in out
    assert "Nothing was imported" not in out
    # The mapping is under its own heading, before the problems, never among them.
    assert out.index("How the file was read:") < out.index('column B "Email" -> email')
    assert out.index('column B "Email" -> email') < out.index("1 problem was found:")


def test_one_bad_row_is_one_bad_row(run, files, tmp_path) -> None:
    path = files.csv(tmp_path / "people.csv", ONE_BAD)
    refused = run("import", str(path))
    assert refused.exit_code == 1
    assert "1 problem in people.csv, so nothing was imported" in refused.output
    skipped = run("import", str(path), "--skip-bad-rows")
    assert "Skipped 1 bad row (row 5)." in skipped.output
    assert "Imported 3 people from 2 organisations (all new)." in skipped.output
    assert "1 rows" not in skipped.output and "1 problems" not in skipped.output


def test_rows_are_named_in_a_sentence() -> None:
    assert rows_named([5]) == "row 5"
    assert rows_named([9, 5]) == "rows 5 and 9"
    assert rows_named([3, 4, 5]) == "rows 3, 4 and 5"
    assert rows_named(list(range(2, 12))) == "rows 2, 3, 4, 5, 6 and 5 more"


def _organiser(http) -> str:
    page = http.get("/organiser")
    http.post(
        "/organiser/signin",
        data={"csrf_token": hidden_field(page.text, "csrf_token"), "token": ORGANISER_TOKEN},
    )
    return hidden_field(http.get("/organiser/import").text, "csrf_token")


def _text(reply, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:p|div|ol|details)>', reply.text, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def test_the_page_says_the_same_in_sentences(server: LiveServer, files, tmp_path: Path) -> None:
    path = files.csv(tmp_path / "people.csv", ONE_BAD)
    with server.client() as http:
        csrf = _organiser(http)

        def upload(**form):
            return http.post(
                "/organiser/import",
                data={"csrf_token": csrf, **form},
                files={"file": (path.name, path.read_bytes(), "text/csv")},
            )

        dry = upload(dry_run="true")
        assert dry.status_code == 200
        assert _text(dry, "changes") == (
            "Would import 3 people from 2 organisations (all new). "
            "3 welcome emails would be sent, one to each new active participant before their "
            "first introduction. 1 row would be skipped (row 5). A real import would write "
            "nothing while any row is bad: fix those rows first, or choose to import only the "
            "good rows."
        )
        assert "<h3>1 problem was found:</h3>" in dry.text
        assert "needs an @" in _text(dry, "problems")
        assert "-> email" not in _text(dry, "problems"), "the mapping is apart from the problems"
        assert "<summary>How the file was read</summary>" in dry.text

        refused = upload()
        assert refused.status_code == 422
        summary = _text(refused, "refused-summary")
        assert summary.startswith("1 problem was found, so nothing was imported. 1 row has")
        assert "1 problems" not in refused.text

        done = upload(skip_bad_rows="true")
        assert "Skipped 1 bad row (row 5)." in _text(done, "changes")
        assert _text(done, "rows-read") == "4 rows of participants."
