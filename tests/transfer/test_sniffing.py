"""Files told apart by content: what each seems to be, and text in any encoding people save."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from unmentor.transfer.reading import TransferError, open_table

HEADER = "Name,Email,Organisation\r\n"
ROW = "Zoë Ångström,zoe@example.org,Café Ltd\r\n"


def _read(path: Path) -> tuple[list[str], list[list[object]]]:
    table = open_table(path)
    return table.notes, [row for _, row in table.rows]


def _zip(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"participants": []}', "seems to be a JSON document"),
        (b"<!DOCTYPE html><html><table><tr><td>Name</td></tr></table>", "seems to be a web page"),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            "Excel 2003 XML spreadsheet",
        ),
        (b"\x1f\x8b\x08\x00rest", "seems to be a gzip archive"),
        (b"SQLite format 3\x00rest", "seems to be an SQLite database"),
        (b"   \r\n\t ", "is empty"),
    ],
)
def test_what_a_text_or_binary_file_seems_to_be(tmp_path: Path, content: bytes, words) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(content)
    with pytest.raises(TransferError, match=words):
        open_table(path)


def test_what_a_zip_file_seems_to_be(tmp_path: Path) -> None:
    cases = {
        "letter.xlsx": ({"word/document.xml": "<w/>"}, "seems to be a Word document"),
        "export.xlsx": (
            {"participants.csv": HEADER, "groups.csv": "Round"},
            "holding groups.csv, participants.csv: unzip it",
        ),
        "text.ods": (
            {"mimetype": "application/vnd.oasis.opendocument.text"},
            "seems to be an OpenDocument text",
        ),
    }
    for name, (parts, words) in cases.items():
        with pytest.raises(TransferError, match=words):
            open_table(_zip(tmp_path / name, parts))


@pytest.mark.parametrize(
    ("encoding", "note"),
    [
        ("utf-8", None),
        ("utf-8-sig", None),
        ("utf-16", "is UTF-16 text"),  # with a byte-order mark, as Excel's "Unicode text"
        ("utf-16-le", "is UTF-16 text"),
        ("utf-16-be", "is UTF-16 text"),
        ("cp1252", "read it as Windows-1252"),
    ],
)
def test_text_in_the_encodings_people_save(tmp_path: Path, encoding: str, note) -> None:
    path = tmp_path / "people.txt"
    path.write_bytes((HEADER + ROW).replace(",", "\t").encode(encoding))
    notes, rows = _read(path)
    assert rows == [["Zoë Ångström", "zoe@example.org", "Café Ltd"]]
    assert "columns separated by tabs." in notes
    assert note is None or any(note in n for n in notes), notes


def test_bytes_windows_1252_lacks_are_read_as_latin_1(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(HEADER.encode() + b"Ann \x81,ann@example.org,Caf\xe9\r\n")
    notes, rows = _read(path)
    assert rows == [["Ann \x81", "ann@example.org", "Café"]]
    assert any("Latin-1" in n for n in notes)


def test_excel_sep_line_and_a_bracketed_title(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("sep=;\r\n" + HEADER.replace(",", ";") + ROW.replace(",", ";"))
    assert _read(path)[1] == [["Zoë Ångström", "zoe@example.org", "Café Ltd"]]
    titled = tmp_path / "titled.csv"
    titled.write_text("[Draft] our community\r\n" + HEADER + ROW)
    assert _read(titled)[1] == [["Zoë Ångström", "zoe@example.org", "Café Ltd"]]
