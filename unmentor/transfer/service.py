"""One import from start to finish: read, check everything, then write in one transaction.

The file is read twice: once to check every row (so a bad row near the end stops the import
before anything is written), and the good records are kept for the write, which happens in a
single `database.session()` so that a failure half way leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from unmentor.db import Database
from unmentor.heap import cycle_collection_paused
from unmentor.organisers import audit
from unmentor.settings import Settings
from unmentor.transfer import blocked, importing
from unmentor.transfer.columns import BLOCKED, PARTICIPANTS
from unmentor.transfer.reading import TransferError, open_table
from unmentor.transfer.validate import Checked, check_participants, check_rounds

# Given a total, returns a context manager yielding a callback that advances by n.
ProgressFactory = Callable[[int, str], AbstractContextManager[Callable[[int], None]]]


def _no_progress(_total: int, _label: str) -> AbstractContextManager[Callable[[int], None]]:
    return nullcontext(lambda _n: None)


class ImportRefused(Exception):
    """The file has errors and --skip-bad-rows was not given: nothing was written."""

    def __init__(self, checked: Checked, report: Path, columns: list[str]):
        self.checked, self.report, self.columns = checked, report, columns
        super().__init__(f"{len(checked.errors)} problems")


@dataclass
class Imported:
    kind: str
    rows: int
    columns: list[str]
    notes: list[str]
    changes: list[str]
    problems: list = field(default_factory=list)
    skipped_rows: int = 0
    report: Path | None = None
    dry_run: bool = False


def report_path(path: Path) -> Path:
    """Where the problems of `path` are written: beside it, as FILE.import-report.txt."""
    return path.with_name(path.name + ".import-report.txt")


def _write_report(path: Path, checked: Checked, *, skipped: bool) -> Path:
    target = report_path(path)
    header = f"Import report for {path.name}: {len(checked.errors)} errors, "
    header += f"{len(checked.problems) - len(checked.errors)} warnings"
    if skipped:
        header += f"; {len(checked.bad_rows)} rows skipped"
    target.write_text("\n".join([header, *map(str, checked.problems)]) + "\n", encoding="utf-8")
    return target


def _counting(rows: Iterator, progress: Callable[[int], None]) -> Iterator:
    for row in rows:
        progress(1)
        yield row


# Tens of thousands of short-lived records: cycle collections would only pause the server's
# other threads, the event loop included (unmentor/heap.py).
@cycle_collection_paused()
def import_file(
    *,
    database: Database,
    settings: Settings,
    path: Path,
    now: datetime,
    sheet: str | None = None,
    max_rows: int = 1_000_000,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    progress: ProgressFactory = _no_progress,
) -> Imported:
    """Import participants, past rounds or never-match requests from `path`.

    ImportRefused if it has errors (nothing is written then, unless `skip_bad_rows`).
    """
    table = open_table(path, sheet=sheet, max_rows=max_rows)
    kind = table.columns.kind
    with progress(table.estimate, f"Checking {path.name}") as advance:
        rows = _counting(table.rows, advance)
        if kind == PARTICIPANTS:
            checked = check_participants(rows, table.columns, date_order=settings.date_order)
        elif kind == BLOCKED:
            with database.read_session() as session:
                people = importing.known_people(session=session)
            checked = blocked.check_blocked(
                rows, table.columns, people=people, date_order=settings.date_order
            )
        else:
            with database.read_session() as session:
                people = importing.known_people(session=session)
                rounds = importing.known_rounds(session=session)
            checked = check_rounds(
                rows,
                table.columns,
                people=people,
                rounds=rounds,
                date_order=settings.date_order,
            )
    if checked.rows == 0:
        raise TransferError(f"{path.name} has headers but no data rows.")
    report = None
    if checked.problems:
        report = _write_report(path, checked, skipped=skip_bad_rows and not dry_run)
    if checked.errors and not skip_bad_rows:
        raise ImportRefused(checked, report, table.notes + table.columns.describe())
    result = Imported(
        kind=kind,
        rows=checked.rows,
        columns=table.columns.describe(),
        notes=table.notes,
        changes=[],
        problems=checked.problems,
        skipped_rows=len(checked.bad_rows),
        report=report,
        dry_run=dry_run,
    )
    try:
        with database.session() as session:
            if kind == BLOCKED:
                # Few rows, each checked against what exists: written at once, undone if dry.
                written = blocked.write_blocked(session=session, records=checked.records, now=now)
                result.changes = written.lines()
                if dry_run:
                    session.rollback()
                else:
                    audit.record(
                        session=session,
                        action=audit.Action.import_,
                        target=path.name[:200],
                        detail=f"{kind}: {checked.rows} rows, {len(checked.bad_rows)} skipped",
                        now=now,
                    )
                return result
            if kind == PARTICIPANTS:
                plan = importing.plan_participants(session=session, records=checked.records)
                total, label = len(plan.new), "Writing participants"
            else:
                plan = importing.plan_rounds(session=session, records=checked.records)
                total, label = sum(len(g) for g in plan.groups.values()), "Writing groups"
            result.changes = plan.lines()
            if dry_run:
                session.rollback()
                return result
            with progress(total, label) as advance:
                if kind == PARTICIPANTS:
                    importing.write_participants(
                        session=session,
                        plan=plan,
                        now=now,
                        progress=advance,
                        default_rhythm=settings.default_rhythm,
                    )
                else:
                    importing.write_rounds(
                        session=session, plan=plan, settings=settings, progress=advance
                    )
            audit.record(
                session=session,
                action=audit.Action.import_,
                target=path.name[:200],
                detail=f"{kind}: {checked.rows} rows, {len(checked.bad_rows)} skipped",
                now=now,
            )
    except IntegrityError as error:
        raise TransferError(
            f"the database refused the import, so nothing was written: {error.orig}"
        ) from None
    return result
