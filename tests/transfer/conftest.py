"""Fixtures for import and export: the CLI on a test database, and spreadsheet writers."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import ClassVar

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from unmentor.cli import app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str):
    """Run the CLI in an empty folder against this test's database (SQLite, then PostgreSQL)."""
    (tmp_path / "config.toml").write_text((REPO / "config.toml").read_text())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UNMENTOR_DATABASE_URL", database_url)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def files() -> type[Files]:
    """Writers of test spreadsheets and sample rows."""
    return Files


class Files:
    PEOPLE: ClassVar[list[list[object]]] = [
        ["Full name", "E-mail address", "Organization", "Sector", "Date joined", "Status"],
        ["Ann Smith", "Ann@Example.org", "Devon County Council", "Local gov", "2024-01-15", ""],
        ["Bob Jones", "bob@example.org", "NHS Devon", "Health", "15/02/2024", "active"],
        ["Cat Brown", "cat@example.org", "Exeter University", "Education", "", "paused"],
        ["Dan Green", "dan@example.org", "devon county council ", "", "", "Left"],
        ["Eve White", "eve@example.org", "NHS Devon", "Health", "", "pending"],
    ]
    ROUNDS: ClassVar[list[list[object]]] = [
        ["Round", "Person 1 email", "Person 2 email", "Person 3 email", "Met?"],
        ["2024-03", "ann@example.org", "bob@example.org", "", "yes"],
        ["2024-03", "cat@example.org", "dan@example.org", "eve@example.org", "no"],
        ["2024-04", "ann@example.org", "cat@example.org", "", ""],
        ["2024-04", "bob@example.org", "dan@example.org", "", "Yes"],
    ]

    @staticmethod
    def csv(
        path: Path, rows: list[list[object]], *, encoding: str = "utf-8", delimiter: str = ","
    ) -> Path:
        """A CSV file as a spreadsheet program would save it."""
        with path.open("w", encoding=encoding, newline="") as handle:
            csv.writer(handle, delimiter=delimiter).writerows(rows)
        return path

    @staticmethod
    def xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
        """An XLSX workbook with one sheet per entry, in order."""
        workbook = Workbook()
        workbook.remove(workbook.active)
        for title, rows in sheets.items():
            sheet = workbook.create_sheet(title)
            for row in rows:
                sheet.append(row)
        workbook.save(path)
        return path
