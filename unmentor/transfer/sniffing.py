"""What a file is, from its bytes: a spreadsheet we can read, or a one-line reason why not.

Names lie: an .xlsx is saved as "people.csv", a download loses its extension, a web page is
served as "report.xls". So the kind is told from the content alone, and anything we cannot
read is named as what it seems to be (a Word document, a password-protected workbook, a
damaged ZIP), which tells the organiser what to do far better than a parser's complaint.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from unmentor.transfer.errors import TransferError

SAMPLE_BYTES = 64 * 1024
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office 97-2003 files, and encrypted ones
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
# Other formats people upload by mistake: the first bytes, and what to call them.
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_CONTROL = set(range(32)) - {9, 10, 12, 13}
# A JSON document, not a title such as "[Draft] participants" above a CSV header.
_JSON_START = re.compile(r'\{\s*["}]|\[\s*[\[{"\]\d-]')


@dataclass(frozen=True)
class Format:
    """A readable file: `workbook` for calamine (xlsx, xlsm, xlsb, ods, xls), else text."""

    label: str  # "XLSX workbook", "CSV text" ...
    workbook: bool
    encoding: str | None = None  # text only; None: decide by reading it all


def identify(path: Path) -> Format:
    """What `path` holds, from its content; TransferError naming it if we cannot read it."""
    if not path.is_file():
        raise TransferError(f"{path} is not a file.")
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    name = path.name
    if not head.strip():
        raise TransferError(f"{name} is empty.")
    if head.startswith(ZIP_MAGIC):
        return _zip_format(path)
    if head.startswith(OLE_MAGIC):
        return _ole_format(path)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise TransferError(f"{name} seems to be {what}, not a spreadsheet.")
    encoding = _unicode_encoding(head)
    sample = head.decode(encoding or "latin-1", errors="replace").lstrip("\ufeff").lstrip()
    if encoding is None and _binary(head):
        raise TransferError(f"{name} seems to be binary data, not a spreadsheet or CSV text.")
    _refuse_markup(name, sample[:2000].lower())
    return Format("CSV text", workbook=False, encoding=encoding)


def _unicode_encoding(head: bytes) -> str | None:
    """UTF-16 (as Excel's "Unicode text" saves), by its byte-order mark or its zero bytes."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    pairs = head[: len(head) // 2 * 2]
    if len(pairs) >= 4:
        even, odd = pairs[0::2].count(0), pairs[1::2].count(0)
        half = len(pairs) // 2
        if odd > half * 0.3 and even == 0:
            return "utf-16-le"
        if even > half * 0.3 and odd == 0:
            return "utf-16-be"
    return None


def _binary(head: bytes) -> bool:
    return b"\x00" in head or sum(b in _CONTROL for b in head) > len(head) // 100


def _refuse_markup(name: str, start: str) -> None:
    if _JSON_START.match(start):
        raise TransferError(f"{name} seems to be a JSON document, not a spreadsheet.")
    if "urn:schemas-microsoft-com:office:spreadsheet" in start:
        raise TransferError(
            f"{name} seems to be an Excel 2003 XML spreadsheet: save it as .xlsx and import that."
        )
    if "opendocument.spreadsheet" in start:
        raise TransferError(
            f"{name} seems to be a flat OpenDocument spreadsheet (.fods): save it as .ods."
        )
    if start.startswith(("<!doctype html", "<html", "<table")) or "<html" in start[:300]:
        raise TransferError(
            f"{name} seems to be a web page (HTML), not a spreadsheet: open it in a "
            "spreadsheet program and save it as .xlsx or CSV."
        )
    if start.startswith("<?xml"):
        raise TransferError(f"{name} seems to be an XML document, not a spreadsheet.")


def _zip_format(path: Path) -> Format:
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
            manifest = (
                archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
            )
            content_types = (
                archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise TransferError(
            f"{name} seems to be a damaged or incomplete ZIP file (an .xlsx or .ods cut short?): "
            "save it again and import the new copy."
        ) from None
    if "xl/workbook.xml" in names:
        macro = b"macroEnabled" in content_types
        return Format("XLSM workbook" if macro else "XLSX workbook", workbook=True)
    if "xl/workbook.bin" in names:
        return Format("XLSB workbook", workbook=True)
    if mimetype == ODS_MIME:
        if b"encryption-data" in manifest:
            raise TransferError(protected(name, "an ODS spreadsheet"))
        return Format("ODS spreadsheet", workbook=True)
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        what = mimetype.rsplit(b".", 1)[-1].decode("ascii", "replace")
        raise TransferError(f"{name} seems to be an OpenDocument {what}, not a spreadsheet.")
    if "word/document.xml" in names:
        raise TransferError(f"{name} seems to be a Word document, not a spreadsheet.")
    if "ppt/presentation.xml" in names:
        raise TransferError(f"{name} seems to be a PowerPoint presentation, not a spreadsheet.")
    inside = sorted(n for n in names if n.lower().endswith((".csv", ".xlsx", ".ods", ".xls")))
    if inside:
        raise TransferError(
            f"{name} seems to be a ZIP archive holding {', '.join(inside[:3])}"
            f"{' ...' if len(inside) > 3 else ''}: unzip it and import those files."
        )
    raise TransferError(f"{name} seems to be a ZIP archive, not a spreadsheet.")


def _ole_format(path: Path) -> Format:
    """An Office 97-2003 container: an .xls, or another Office file, or an encrypted one.

    Its streams are named in UTF-16 in its directory; looking for the names is enough to
    tell the kinds apart without parsing the container.
    """
    data = path.read_bytes()
    name = path.name

    def has(stream: str) -> bool:
        return stream.encode("utf-16-le") in data

    if has("EncryptedPackage") or has("EncryptionInfo"):
        raise TransferError(protected(name, "an Office file (an .xlsx?)"))
    if has("Workbook") or has("Book"):
        return Format("Excel 97-2003 workbook (.xls)", workbook=True)
    if has("WordDocument"):
        raise TransferError(f"{name} seems to be a Word 97-2003 document, not a spreadsheet.")
    if has("PowerPoint Document"):
        raise TransferError(f"{name} seems to be a PowerPoint presentation, not a spreadsheet.")
    raise TransferError(
        f"{name} seems to be a damaged or unknown Office 97-2003 file: open it in a "
        "spreadsheet program and save it as .xlsx."
    )


def protected(name: str, what: str) -> str:
    """The message for a file we could read if it had no password."""
    return (
        f"{name} seems to be {what} protected by a password: save a copy without one and "
        "import that."
    )
