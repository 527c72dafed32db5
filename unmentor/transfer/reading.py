"""Rows out of a CSV or XLSX file, streamed, whatever the encoding, delimiter or sheet layout.

Spreadsheets come from Excel on Windows (Windows-1252, semicolons in some locales, a BOM),
from Google Sheets (UTF-8) and from people who add a title row or merge header cells, so the
header row is looked for among the first few rows and every choice made is said out loud.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from unmentor.transfer.columns import Columns, expected, recognise

HEADER_SEARCH_ROWS = 10  # a title or notes above the headers are skipped
SAMPLE_BYTES = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format


class TransferError(Exception):
    """A file we cannot read at all; the message is one line for the user."""


@dataclass
class Table:
    """A file's columns and its data rows, each with its 1-based row number in the file."""

    columns: Columns
    rows: Iterator[tuple[int, list[object]]]
    notes: list[str] = field(default_factory=list)
    estimate: int = 0  # about how many rows, for a progress bar


def open_table(path: Path, *, sheet: str | None = None, max_rows: int = 1_000_000) -> Table:
    """The table in `path` (CSV or XLSX); TransferError with a readable reason otherwise."""
    if not path.is_file():
        raise TransferError(f"{path} is not a file.")
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if not head.strip():
        raise TransferError(f"{path.name} is empty.")
    if head.startswith(ZIP_MAGIC):
        table = _xlsx_table(path, sheet)
    elif head.startswith(OLE_MAGIC):
        raise TransferError(f"{path.name} is an old .xls workbook: save it as .xlsx or CSV.")
    elif b"\x00" in head:
        raise TransferError(f"{path.name} is not a CSV or XLSX file.")
    else:
        if sheet is not None:
            raise TransferError("--sheet only applies to XLSX workbooks.")
        table = _csv_table(path, head)
    table.rows = _limited(table.rows, max_rows, path.name)
    return table


def _limited(rows, max_rows: int, name: str):
    # Closing the inner generator closes the file at once, however reading ends.
    with contextlib.closing(rows):
        for count, row in enumerate(rows, start=1):
            if count > max_rows:
                raise TransferError(
                    f"{name} has more than {max_rows:,} data rows; split it or raise --max-rows."
                )
            yield row


def _encoding(path: Path) -> tuple[str, int]:
    """utf-8-sig if the whole file decodes as UTF-8, else Windows-1252 (Excel's default);
    and the number of lines, for a progress bar."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    encoding, lines = "utf-8-sig", 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
            if encoding == "utf-8-sig":
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    encoding = "cp1252"
    if encoding == "utf-8-sig":
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            encoding = "cp1252"
    return encoding, lines


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    first_line = sample.splitlines()[0] if sample else ""
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        # One column, or a sample cut mid-quote: judge by the header line alone.
        counts = {d: first_line.count(d) for d in ",;\t|"}
        best = max(counts, key=counts.get)
        return type("Guessed", (csv.excel,), {"delimiter": best if counts[best] else ","})


def _csv_table(path: Path, head: bytes) -> Table:
    encoding, lines = _encoding(path)
    notes = []
    if encoding == "cp1252":
        notes.append(f"{path.name} is not UTF-8; read it as Windows-1252.")
    sample = head.decode(encoding, errors="replace").lstrip("\ufeff")
    dialect = _dialect(sample)
    if dialect.delimiter != ",":
        notes.append(f"columns separated by {_delimiter_name(dialect.delimiter)}.")
    handle = path.open(encoding=encoding, newline="")
    try:
        reader = csv.reader(handle, dialect)
        columns, start = _find_header(((i, row) for i, row in enumerate(reader, 1)), path.name)
    except (csv.Error, UnicodeDecodeError) as error:
        handle.close()
        raise TransferError(f"{path.name} could not be read as CSV: {error}.") from None
    except BaseException:
        handle.close()
        raise

    def rows() -> Iterator[tuple[int, list[object]]]:
        with handle:
            try:
                for number, row in enumerate(reader, start=start + 1):
                    if any(cell.strip() for cell in row):
                        yield number, row
            except csv.Error as error:
                raise TransferError(
                    f"{path.name} row {reader.line_num}: not valid CSV ({error})."
                ) from None

    return Table(columns=columns, rows=rows(), notes=notes, estimate=max(lines - start, 0))


def _delimiter_name(delimiter: str) -> str:
    return {";": "semicolons", "\t": "tabs", "|": "bars"}.get(delimiter, repr(delimiter))


def _find_header(numbered_rows, name: str) -> tuple[Columns, int]:
    """The first row, among the first few, that reads as a header we know."""
    for number, row in numbered_rows:
        columns = recognise(list(row))
        if columns is not None:
            return columns, number
        if number >= HEADER_SEARCH_ROWS:
            break
    raise TransferError(f"{name}: no recognisable header row ({expected()}).")


def _xlsx_table(path: Path, sheet: str | None) -> Table:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        # read_only streams rows; data_only gives the values Excel computed for formulas.
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as error:
        raise TransferError(f"{path.name} is not a readable XLSX workbook ({error}).") from None
    if sheet is not None and sheet not in workbook.sheetnames:
        workbook.close()
        raise TransferError(
            f"{path.name} has no sheet {sheet!r}; it has {', '.join(workbook.sheetnames)}."
        )
    for name in [sheet] if sheet else workbook.sheetnames:
        worksheet = workbook[name]
        try:
            columns, start = _find_header(
                enumerate(worksheet.iter_rows(values_only=True), 1), f"{path.name} [{name}]"
            )
        except TransferError:
            if sheet:
                workbook.close()
                raise
            continue
        notes = [f"read sheet {name!r}."] if len(workbook.sheetnames) > 1 else []
        rows = _sheet_rows(workbook, worksheet, start)
        estimate = max((worksheet.max_row or 0) - start, 0)
        return Table(columns=columns, rows=rows, notes=notes, estimate=estimate)
    workbook.close()
    raise TransferError(f"{path.name}: no sheet has a recognisable header row ({expected()}).")


def _sheet_rows(workbook, worksheet, start: int) -> Iterator[tuple[int, list[object]]]:
    try:
        for number, row in enumerate(worksheet.iter_rows(min_row=start + 1, values_only=True)):
            if any(cell is not None and str(cell).strip() for cell in row):
                yield start + 1 + number, list(row)
    finally:
        workbook.close()
