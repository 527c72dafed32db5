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
from unmentor.people.models import ParticipantStatus
from unmentor.rounds import welcome
from unmentor.settings import Settings
from unmentor.transfer import blocked, importing
from unmentor.transfer.columns import BLOCKED, PARTICIPANTS
from unmentor.transfer.reading import TransferError, open_table
from unmentor.transfer.validate import Checked, check_participants, check_rounds
from unmentor.words import count, plural

# Given a total, returns a context manager yielding a callback that advances by n.
ProgressFactory = Callable[[int, str], AbstractContextManager[Callable[[int], None]]]


def _no_progress(_total: int, _label: str) -> AbstractContextManager[Callable[[int], None]]:
    return nullcontext(lambda _n: None)


class ImportRefused(Exception):
    """The file has errors and --skip-bad-rows was not given: nothing was written."""

    def __init__(self, checked: Checked, report: Path, columns: list[str]):
        self.checked, self.report, self.columns = checked, report, columns
        super().__init__(count(len(checked.errors), "problem"))

    def sentence(self) -> str:
        """'1 problem was found, so nothing was imported.'"""
        found = len(self.checked.errors)
        return f"{count(found, 'problem')} {plural(found, 'was')} found, so nothing was imported."


def rows_named(rows: list[int], *, shown: int = 5) -> str:
    """'row 5', 'rows 5 and 9', 'rows 5, 7, 9 and 3 more'."""
    rows = sorted(rows)
    if len(rows) == 1:
        return f"row {rows[0]}"
    listed = [str(row) for row in rows[:shown]]
    more = len(rows) - shown
    if more > 0:
        return f"rows {', '.join(listed)} and {more} more"
    return f"rows {', '.join(listed[:-1])} and {listed[-1]}"


@dataclass
class Imported:
    kind: str
    rows: int
    columns: list[str]  # how each column was read: shown apart from the problems
    notes: list[str]
    changes: list[str]  # what was (or would be) written, as sentences
    problems: list = field(default_factory=list)
    skipped_rows: int = 0
    report: Path | None = None
    dry_run: bool = False
    bad_rows: list[int] = field(default_factory=list)
    # A dry run of a file with bad rows, without "skip bad rows": a real import would refuse it.
    would_refuse: bool = False

    @property
    def read_as(self) -> str:
        """'3 rows of participants.'"""
        return f"{count(self.rows, 'row')} of {self.kind}."

    @property
    def problems_found(self) -> str:
        """'1 problem was found:' (warnings included: each says so itself)."""
        found = len(self.problems)
        return f"{count(found, 'problem')} {plural(found, 'was')} found:"

    @property
    def skipped(self) -> str | None:
        """'Skipped 1 bad row (row 5).' or, in a dry run, '1 row would be skipped (row 5).'"""
        if not self.bad_rows:
            return None
        n, where = len(self.bad_rows), rows_named(self.bad_rows)
        if self.dry_run:
            return f"{count(n, 'row')} would be skipped ({where})."
        return f"Skipped {count(n, 'bad row')} ({where})."

    @property
    def summary(self) -> list[str]:
        """What was (or would be) done, sentence by sentence, rows skipped included."""
        said = list(self.changes)
        if self.skipped:
            said.append(self.skipped)
        if self.would_refuse:
            said.append(
                "A real import would write nothing while any row is bad: fix those rows first, "
                "or choose to import only the good rows."
            )
        return said


def report_path(path: Path) -> Path:
    """Where the problems of `path` are written: beside it, as FILE.import-report.txt."""
    return path.with_name(path.name + ".import-report.txt")


def _write_report(path: Path, checked: Checked, *, skipped: bool) -> Path:
    target = report_path(path)
    warnings = len(checked.problems) - len(checked.errors)
    header = f"Import report for {path.name}: {count(len(checked.errors), 'error')}, "
    header += count(warnings, "warning")
    if skipped:
        header += f"; {count(len(checked.bad_rows), 'row')} skipped"
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

    ImportRefused if it has errors (nothing is written then, unless `skip_bad_rows`). A dry
    run never refuses: it says what the good rows would do and which rows would be skipped.
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
    if checked.errors and not skip_bad_rows and not dry_run:
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
        bad_rows=sorted(checked.bad_rows),
        would_refuse=bool(checked.errors) and not skip_bad_rows,
    )
    try:
        with database.session() as session:
            if kind == BLOCKED:
                # Few rows, each checked against what exists: written at once, undone if dry.
                written = blocked.write_blocked(session=session, records=checked.records, now=now)
                result.changes = written.sentences(dry_run=dry_run)
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
            result.changes = plan.sentences(dry_run=dry_run)
            if kind == PARTICIPANTS and settings.welcome_imported_people:
                welcomed = sum(1 for r in plan.new if r.status == ParticipantStatus.active)
                verb = "would be sent" if dry_run else "will be sent"
                result.changes.append(
                    f"{count(welcomed, 'welcome email')} {verb}, one to each new active "
                    "participant before their first introduction."
                )
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
                        welcomer=welcome.welcomer(session=session, settings=settings, now=now),
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
