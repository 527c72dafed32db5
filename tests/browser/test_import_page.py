"""An organiser uploads a spreadsheet and downloads everything, in a real browser."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlmodel import func, select

from tests.conftest import LiveServer
from tests.support import ORGANISER_TOKEN
from unmentor.people.models import Participant

pytestmark = pytest.mark.browser

SHEET = (
    "Full name,E-mail,Organization,Sector\n"
    "Ann Smith,ann@example.org,Devon County Council,Local government\n"
    "Bob Jones,bob@example.org,NHS Devon,Health\n"
)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def _people(server: LiveServer) -> int:
    with server.database.read_session() as session:
        return session.exec(select(func.count()).select_from(Participant)).one()


def test_upload_dry_run_then_import_then_download(page, server: LiveServer, tmp_path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text(SHEET)
    page.goto(server.url + "/organiser")
    page.fill("#token", ORGANISER_TOKEN)
    page.click("button:has-text('Sign in')")
    page.click("text=Import and export")
    page.set_input_files("#file", str(sheet))
    page.click("button:has-text('Check and import')")
    page.wait_for_selector("#import-result")
    assert "Would import" in page.inner_text("#changes")
    assert _people(server) == 0, "a dry run writes nothing"

    page.set_input_files("#file", str(sheet))
    page.uncheck("input[name=dry_run]")
    page.click("button:has-text('Check and import')")
    page.wait_for_selector("#import-result")
    assert _people(server) == 2

    bad = tmp_path / "bad.csv"
    bad.write_text(SHEET + "Cy,not-an-email,Somewhere,\n")
    page.set_input_files("#file", str(bad))
    page.uncheck("input[name=dry_run]")
    page.click("button:has-text('Check and import')")
    refused = page.wait_for_selector("#import-refused")
    assert "row 4" in refused.inner_text().lower()
    assert _people(server) == 2, "a file with errors writes nothing"

    with page.expect_download() as download:
        page.click("#export")
    with zipfile.ZipFile(download.value.path()) as archive:
        names = set(archive.namelist())
        assert {"participants.csv", "unmentor.json"} <= names
        assert b"ann@example.org" in archive.read("participants.csv")


def test_office_files_upload_or_are_refused_in_one_line(page, server: LiveServer) -> None:
    files = Path(__file__).parents[1] / "transfer" / "files"
    page.goto(server.url + "/organiser")
    page.fill("#token", ORGANISER_TOKEN)
    page.click("button:has-text('Sign in')")
    page.click("text=Import and export")
    page.set_input_files("#file", str(files / "people.ods"))
    page.uncheck("input[name=dry_run]")
    page.click("button:has-text('Check and import')")
    page.wait_for_selector("#import-result")
    assert "Imported 150 people from " in page.inner_text("#changes")
    assert _people(server) == 150

    page.set_input_files("#file", str(files / "protected.xlsx"))
    page.click("button:has-text('Check and import')")
    error = page.wait_for_selector("#import-error").inner_text()
    assert error.startswith("protected.xlsx seems to be") and "password" in error
    assert "\n" not in error.strip()
