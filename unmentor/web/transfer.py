"""Organiser pages for moving data in and out: upload a spreadsheet, download everything."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from unmentor.api.deps import DatabaseDep, SettingsDep
from unmentor.clock import utcnow
from unmentor.transfer.exporting import export_all
from unmentor.transfer.reading import TransferError
from unmentor.transfer.service import ImportRefused, import_file
from unmentor.web.forms import require_csrf
from unmentor.web.organiser import HOME, require_organiser_page
from unmentor.web.rendering import render

IMPORT_PATH = f"{HOME}/import"

pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_organiser_page)])
actions = APIRouter(
    include_in_schema=False, dependencies=[Depends(require_organiser_page), Depends(require_csrf)]
)


@pages.get(IMPORT_PATH, response_class=HTMLResponse)
def import_page(request: Request) -> HTMLResponse:
    return render(request, "organiser_import.html", result=None, refused=None, error=None)


# A plain `def`: FastAPI runs it on a worker thread. Checking and importing 40,000 rows takes
# seconds of CPU and database time (and calamine parses a whole workbook at once), which on
# the event loop would freeze every other request. The file is recognised by its content, as
# on the command line, and gets the same one-line messages.
@actions.post(IMPORT_PATH, response_class=HTMLResponse)
def import_upload(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    dry_run: Annotated[bool, Form()] = False,
    skip_bad_rows: Annotated[bool, Form()] = False,
    sheet: Annotated[str, Form()] = "",
) -> HTMLResponse:
    name = Path(file.filename or "upload").name
    if name in ("", ".", ".."):
        name = "upload"
    # The body limit (settings.max_upload_bytes) already refused a larger request as a whole.
    limit = settings.max_upload_bytes
    content = file.file.read(limit + 1)

    def page(status: int, **context) -> HTMLResponse:
        context = {"result": None, "refused": None, "error": None, **context}
        return render(request, "organiser_import.html", status_code=status, name=name, **context)

    if len(content) > limit:
        return page(413, error=f"{name} is larger than {limit / 2**20:g} MB.")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            result = import_file(
                database=database,
                settings=settings,
                path=path,
                now=utcnow(),
                sheet=sheet.strip() or None,
                dry_run=dry_run,
                skip_bad_rows=skip_bad_rows,
            )
        except ImportRefused as refused:
            return page(422, refused=refused)
        except TransferError as error:
            return page(422, error=str(error))
    return page(200, result=result)


@pages.get(f"{HOME}/export.zip")
def export_download(database: DatabaseDep) -> Response:
    """Everything as CSV files and one JSON document, zipped."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        exported = export_all(database=database, directory=Path(folder))
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in exported.files:
                archive.write(path, arcname=path.name)
    stamp = utcnow().strftime("%Y-%m-%d")
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="unmentor-export-{stamp}.zip"',
            "Cache-Control": "private, no-store",
        },
    )
