"""Rows out of any spreadsheet an organiser has: CSV text, .xlsx, .xlsm, .xlsb, .ods or .xls.

The kind is told from the content (sniffing.py). Workbooks are read with python-calamine: one
well-kept library (Rust's calamine; pandas uses it as its `engine="calamine"`) that reads every
Excel and OpenDocument format, old .xls included, with the values formulas last computed and
real date cells as dates, and that fails with an exception rather than a crash on a damaged
file. openpyxl, used before, reads .xlsx alone; xlrd reads .xls alone and odfpy is very slow.

CSV comes from Excel on Windows (Windows-1252, semicolons in some locales, a BOM, UTF-16 for
"Unicode text"), from LibreOffice (whatever the user picked) and from Google Sheets (UTF-8);
people add a title row or merge header cells, so the header row is looked for among the first
few rows, and every choice made is said out loud.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from unmentor.transfer.columns import Columns, expected, recognise
from unmentor.transfer.errors import TransferError
from unmentor.transfer.sniffing import SAMPLE_BYTES, Format, identify, protected

__all__ = ["Table", "TransferError", "open_table"]

HEADER_SEARCH_ROWS = 10  # a title or notes above the headers are skipped
# Bytes that Windows-1252 leaves undefined: a file holding them is read as Latin-1.
_CP1252_HOLES = b"\x81\x8d\x8f\x90\x9d"
_SUFFIXES = {
    "CSV text": {".csv", ".txt", ".tsv", ".tab", ".text"},
    "XLSX workbook": {".xlsx"},
    "XLSM workbook": {".xlsm", ".xlsx"},
    "XLSB workbook": {".xlsb"},
    "ODS spreadsheet": {".ods"},
    "Excel 97-2003 workbook (.xls)": {".xls"},
}


@dataclass
class Table:
    """A file's columns and its data rows, each with its 1-based row number in the file."""

    columns: Columns
    rows: Iterator[tuple[int, Sequence[object]]]
    notes: list[str] = field(default_factory=list)
    estimate: int = 0  # about how many rows, for a progress bar


def open_table(path: Path, *, sheet: str | None = None, max_rows: int = 1_000_000) -> Table:
    """The table in `path`, whatever spreadsheet it is; TransferError with one line otherwise."""
    found = identify(path)
    if found.workbook:
        table = _workbook_table(path, found, sheet)
    else:
        if sheet is not None:
            raise TransferError(f"{path.name} is CSV text: only a workbook has sheets to choose.")
        table = _csv_table(path, found)
    if path.suffix.lower() not in _SUFFIXES.get(found.label, ()):
        table.notes.insert(0, f"{path.name} is {_article(found.label)} {found.label}: read as one.")
    table.rows = _limited(table.rows, max_rows, path.name)
    return table


def _article(label: str) -> str:
    return "an" if label[0] in "AEIOUX" else "a"


def _limited(rows, max_rows: int, name: str):
    # Closing the inner generator closes the file at once, however reading ends.
    with contextlib.closing(rows):
        for count, row in enumerate(rows, start=1):
            if count > max_rows:
                raise TransferError(
                    f"{name} has more than {max_rows:,} data rows; split it or raise --max-rows."
                )
            yield row


# --- CSV text ---------------------------------------------------------------------------------


def _encoding(path: Path) -> tuple[str, int]:
    """utf-8-sig if the whole file decodes as UTF-8, else Windows-1252 (Excel's default) or,
    if it holds bytes Windows-1252 lacks, Latin-1; and the number of lines, for a progress bar."""
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
            if encoding == "cp1252" and any(byte in _CP1252_HOLES for byte in chunk):
                encoding = "latin-1"
    if encoding == "utf-8-sig":
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            encoding = "cp1252"
    return encoding, lines


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    lines = sample.splitlines()
    first_line = lines[0] if lines else ""
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        # One column, or a sample cut mid-quote: judge by the header line alone.
        counts = {d: first_line.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return type("Guessed", (csv.excel,), {"delimiter": best if counts[best] else ","})


def _csv_table(path: Path, found: Format) -> Table:
    if found.encoding:
        encoding = found.encoding
        lines = path.read_bytes().count(b"\n")
    else:
        encoding, lines = _encoding(path)
    notes = []
    if encoding.startswith("utf-16"):
        notes.append(f"{path.name} is UTF-16 text.")
    elif encoding != "utf-8-sig":
        what = {"cp1252": "Windows-1252", "latin-1": "Latin-1"}[encoding]
        notes.append(f"{path.name} is not UTF-8; read it as {what}.")
    with path.open("rb") as raw:
        head = raw.read(SAMPLE_BYTES)
    # A sample cut mid-character would read as garbage at its end: let the decoder drop it.
    sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
    sample = sample.lstrip("\ufeff")
    # Excel writes "sep=;" as a first line to say which delimiter follows.
    declared = sample.split("\n", 1)[0].strip()
    skip = 0
    dialect: type[csv.Dialect] | csv.Dialect
    if declared.lower().startswith("sep=") and len(declared) == 5:
        dialect = type("Declared", (csv.excel,), {"delimiter": declared[4]})
        skip = 1
    else:
        dialect = _dialect(sample)
    if dialect.delimiter != ",":
        notes.append(f"columns separated by {_delimiter_name(dialect.delimiter)}.")
    handle = path.open(encoding=encoding, newline="")
    try:
        reader = csv.reader(handle, dialect)
        numbered = ((i, row) for i, row in enumerate(reader, 1) if i > skip)
        columns, start = _find_header(numbered, path.name)
    except (csv.Error, UnicodeError) as error:
        handle.close()
        raise TransferError(f"{path.name} could not be read as CSV text: {error}.") from None
    except BaseException:
        handle.close()
        raise

    def rows() -> Iterator[tuple[int, Sequence[object]]]:
        with handle:
            try:
                for number, row in enumerate(reader, start=start + 1):
                    if any(cell.strip() for cell in row):
                        yield number, row
            except (csv.Error, UnicodeError) as error:
                raise TransferError(
                    f"{path.name} row {reader.line_num}: not valid CSV text ({error})."
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


# --- workbooks --------------------------------------------------------------------------------


def _workbook_table(path: Path, found: Format, sheet: str | None) -> Table:
    import python_calamine

    what = f"{_article(found.label)} {found.label}"

    def unreadable(error: BaseException) -> TransferError:
        if isinstance(error, python_calamine.PasswordError):
            return TransferError(protected(path.name, what))
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        return TransferError(
            f"{path.name} seems to be {what} but could not be read ({reason}): open it in a "
            "spreadsheet program and save it again."
        )

    # calamine is Rust underneath: a damaged file may surface as a panic, which Python sees
    # as a BaseException. Whatever the file, the organiser gets one line, never a traceback.
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        raise unreadable(error) from None
    try:
        names = list(workbook.sheet_names)
        if sheet is not None and sheet not in names:
            raise TransferError(f"{path.name} has no sheet {sheet!r}; it has {', '.join(names)}.")

        def grid_of(name: str) -> Sequence[Sequence[object]]:
            try:
                return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except BaseException as error:
                if isinstance(error, KeyboardInterrupt | SystemExit):
                    raise
                raise unreadable(error) from None

        for name in [sheet] if sheet else names:
            grid = grid_of(name)
            try:
                columns, start = _find_header(enumerate(grid, 1), f"{path.name} [{name}]")
            except TransferError:
                if sheet:
                    raise
                continue
            notes = [f"read sheet {name!r}."] if len(names) > 1 else []
            if not sheet:
                # One workbook often keeps people and rounds on two sheets: say so, since
                # one import reads one sheet.
                for other in names[names.index(name) + 1 :]:
                    also = _header_of(grid_of(other))
                    if also is not None:
                        notes.append(
                            f"sheet {other!r} holds {also.kind} too: import it on its own "
                            f"(--sheet {other!r}, or the Sheet box on the import page)."
                        )
            return Table(
                columns=columns,
                rows=_sheet_rows(grid, start),
                notes=notes,
                estimate=max(len(grid) - start, 0),
            )
    finally:
        workbook.close()
    raise TransferError(f"{path.name}: no sheet has a recognisable header row ({expected()}).")


def _header_of(grid: Sequence[Sequence[object]]) -> Columns | None:
    for row in grid[:HEADER_SEARCH_ROWS]:
        columns = recognise(list(row))
        if columns is not None:
            return columns
    return None


def _sheet_rows(
    grid: Sequence[Sequence[object]], start: int
) -> Iterator[tuple[int, Sequence[object]]]:
    for number in range(start, len(grid)):
        row = grid[number]
        if any(cell is not None and str(cell).strip() for cell in row):
            yield number + 1, row
