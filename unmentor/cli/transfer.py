"""Spreadsheet import and export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unmentor.cli.common import (
    fail,
    open_database,
    progressbar,
)
from unmentor.clock import utcnow
from unmentor.words import count


def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="A spreadsheet (CSV, .xlsx, .xlsm, .ods, .xls) of participants, rounds or "
            "never-match requests; or an export folder (or its unmentor.json) to restore into an "
            "empty database."
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and show what would change; write nothing.")
    ] = False,
    skip_bad_rows: Annotated[
        bool,
        typer.Option(
            "--skip-bad-rows",
            help="Import the good rows; the problems go to FILE.import-report.txt.",
        ),
    ] = False,
    sheet: Annotated[
        str | None, typer.Option(help="Workbooks: which sheet (default: the first recognised).")
    ] = None,
    max_rows: Annotated[int, typer.Option(min=1, help="Refuse files with more data rows.")] = (
        1_000_000
    ),
) -> None:
    """Import participants, past rounds or never-match requests from a spreadsheet.

    \b
    Participants, one row per person:
      Name, Email, Organisation (blank = none), [Sector], [Joined],
      [Status: active|pending|paused|left]
    Past rounds, one row per group:
      Round (number, or a date / month such as 2024-03), [Date],
      Person 1 email, Person 2 email, [Person 3 email ... Person 9 email]
      (or Person A / B, Participant 1 / 2, Email and Partner),
      Met (yes / no / ✓ / ✗ / unconfirmed; blank = not recorded)
    Never-match requests, one row per request:
      Email, Never meet email, [Added by: participant|organiser|import], [Added on]

    CSV (any delimiter; UTF-8, UTF-16 or Windows-1252), .xlsx, .xlsm, .ods and .xls are
    recognised by content, whatever the file is called. Dates: 2024-03-15, 15/03/24,
    15-Mar-2024, date cells; numeric ones are read in the date_order setting (day first by
    default). Column names are matched loosely (Organization, Org, Employer; E-mail, Email
    address; Full name; Date joined). The whole file is checked first: nothing is written unless it
    is clean, or with --skip-bad-rows only the good rows. Importing a file twice changes
    nothing the second time.

    An export folder from `unmentor export DIR` (or its unmentor.json) is restored whole,
    ids included, into an empty database: see `unmentor export --help`.
    """
    from unmentor.transfer.reading import TransferError
    from unmentor.transfer.restore import document_path

    document = document_path(file)
    if document is not None:
        if dry_run or skip_bad_rows or sheet:
            raise fail("--dry-run, --skip-bad-rows and --sheet are for spreadsheets, not exports.")
        _restore(document)
        return
    from unmentor.transfer.service import ImportRefused, import_file

    with open_database() as (settings, database):
        try:
            result = import_file(
                database=database,
                settings=settings,
                path=file,
                now=utcnow(),
                sheet=sheet,
                max_rows=max_rows,
                dry_run=dry_run,
                skip_bad_rows=skip_bad_rows,
                progress=progressbar,
            )
        except ImportRefused as refused:
            typer.echo("How the file was read:")
            for line in refused.columns:
                typer.echo(f"  {line}")
            _problems(refused.checked.problems, err=True)
            raise fail(
                f"{count(len(refused.checked.errors), 'problem')} in {file.name}, so nothing was "
                f"imported (all listed in {refused.report}; --skip-bad-rows imports the good "
                "rows)."
            ) from None
        except TransferError as error:
            raise fail(str(error)) from None
    typer.echo(f"{file.name}: {result.read_as}")
    typer.echo("How the file was read:")
    for line in result.notes + result.columns:
        typer.echo(f"  {line}")
    if result.problems:
        typer.echo(result.problems_found)
        _problems(result.problems)
    if result.dry_run:
        typer.echo("Dry run: nothing was written.")
    for sentence in result.summary:
        typer.echo(sentence)
    if result.report and result.problems:
        typer.echo(f"Every problem is listed in {result.report}.")


def _problems(problems: list, *, err: bool = False, shown: int = 100) -> None:
    for problem in problems[:shown]:
        typer.echo(f"  {problem}", err=err)
    more = len(problems) - shown
    if more > 0:
        typer.echo(f"  ... and {count(more, 'more problem')}", err=err)


def _restore(document: Path) -> None:
    from unmentor.transfer.reading import TransferError
    from unmentor.transfer.restore import restore

    with open_database() as (_, database):
        try:
            restored = restore(database=database, path=document, progress=progressbar)
        except TransferError as error:
            raise fail(str(error)) from None
    typer.echo(restored.line())


def export_command(
    directory: Annotated[Path, typer.Argument(help="Folder to write the files into.")],
) -> None:
    """Export participants, organisations, rounds, groups and outcomes as CSV and JSON.

    participants.csv and groups.csv are in the import formats: importing them (in that
    order) into an empty database reproduces the community and its history.
    unmentor.json is the lossless backup: `unmentor import DIR` restores all of it (ids,
    open rounds, every answer, pauses, never-match requests) into an empty database. It
    leaves out sign-in sessions, unused emailed sign-in links and the outbox.
    """
    from unmentor.transfer.exporting import export_all

    steps = ["participants", "rounds", "files"]
    with open_database() as (_, database):
        try:
            with typer.progressbar(length=len(steps), label="Exporting") as bar:
                exported = export_all(
                    database=database, directory=directory, progress=lambda _step: bar.update(1)
                )
        except OSError as error:
            raise fail(f"could not write to {directory}: {error.strerror or error}.") from None
    typer.echo(
        f"Exported {exported.participants} participants, {exported.organisations} "
        f"organisations, {exported.rounds} rounds and {exported.groups} groups to {directory}: "
        + ", ".join(path.name for path in exported.files)
        + "."
    )
