"""Awkward files: each gives a clear one-line message or is read correctly, never a traceback."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from sqlmodel import select

from unmentor.db import Database
from unmentor.people.models import Participant


def _names(database: Database) -> list[str]:
    with database.read_session() as session:
        return sorted(session.exec(select(Participant.name)).all())


def _one_line_error(result) -> str:
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_empty_file(run, database, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert "empty.csv is empty" in _one_line_error(run("import", str(path)))


def test_headers_without_rows(run, database, files, tmp_path: Path) -> None:
    path = files.csv(tmp_path / "people.csv", files.PEOPLE[:1])
    assert "has headers but no data rows" in _one_line_error(run("import", str(path)))


def test_unrecognised_headers(run, database, files, tmp_path: Path) -> None:
    path = files.csv(tmp_path / "x.csv", [["a", "b"], ["1", "2"]])
    message = _one_line_error(run("import", str(path)))
    assert "no recognisable header row" in message and "Email" in message


def test_not_a_spreadsheet(run, database, tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "photo.csv seems to be a PNG image" in _one_line_error(run("import", str(path)))
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    message = _one_line_error(run("import", str(legacy)))
    assert "old.xls seems to be a damaged or unknown Office 97-2003 file" in message
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    message = _one_line_error(run("import", str(broken)))
    assert "broken.xlsx seems to be a ZIP archive, not a spreadsheet" in message


def test_utf8_with_bom(run, database, files, tmp_path: Path) -> None:
    rows = [files.PEOPLE[0], ["Zoë Ångström", "zoe@example.org", "Café Ltd", "", "", ""]]
    path = files.csv(tmp_path / "bom.csv", rows, encoding="utf-8-sig")
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert 'column A "Full name" -> name' in result.output  # no BOM glued to the first header
    assert _names(database) == ["Zoë Ångström"]


def test_windows_1252_is_read_and_said(run, database, files, tmp_path: Path) -> None:
    rows = [files.PEOPLE[0], ["Renée O\u2019Neill", "renee@example.org", "Café Ltd", "", "", ""]]
    path = files.csv(tmp_path / "excel.csv", rows, encoding="cp1252")
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert "not UTF-8; read it as Windows-1252" in result.output
    assert _names(database) == ["Renée O\u2019Neill"]


def test_semicolons(run, database, files, tmp_path: Path) -> None:
    path = files.csv(tmp_path / "semi.csv", files.PEOPLE, delimiter=";")
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert "separated by semicolons" in result.output
    assert len(_names(database)) == 5


def test_max_rows_refuses_large_files_before_writing(run, database, files, tmp_path) -> None:
    path = files.csv(tmp_path / "people.csv", files.PEOPLE)
    message = _one_line_error(run("import", str(path), "--max-rows", "3"))
    assert "more than 3 data rows" in message and "--max-rows" in message
    assert _names(database) == []


def test_merged_title_and_header_cells(run, database, files, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Our community"])
    sheet.merge_cells("A1:F1")
    sheet.append(["Who", None, "Where", None, None, None])
    sheet.merge_cells("A2:B2")
    sheet.merge_cells("C2:D2")
    for row in files.PEOPLE:
        sheet.append(row)
    path = tmp_path / "merged.xlsx"
    workbook.save(path)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert len(_names(database)) == 5


def test_formulas_give_their_values(run, database, files, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "Organisation"])
    sheet.append(["Ann Smith", '=LOWER("ANN@EXAMPLE.ORG")', "NHS Devon"])
    sheet.append(["Bob Jones", "bob@example.org", "NHS Devon"])
    path = tmp_path / "formulas.xlsx"
    workbook.save(path)
    # openpyxl cannot calculate, so store the value Excel would have cached with the formula.
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    xml = re.sub(r"(<f>[^<]*</f>)<v\s*/?>(</v>)?", r"\1<v>ann@example.org</v>", xml)
    xml = xml.replace('t="str"><f>', "><f>").replace('<c r="B2"', '<c r="B2" t="str"', 1)
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    with database.read_session() as session:
        emails = sorted(session.exec(select(Participant.email)).all())
    assert emails == ["ann@example.org", "bob@example.org"]
