"""The `unmentor` command."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from unmentor import db
from unmentor.clock import utcnow
from unmentor.errors import DomainError
from unmentor.people import service
from unmentor.people.models import ParticipantStatus
from unmentor.people.schemas import ParticipantCreate
from unmentor.settings import Settings, load_settings

app = typer.Typer(
    help="UnMentor: random one-to-one conversations across organisations, round by round.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database schema: create and upgrade it.", no_args_is_help=True)
participants_app = typer.Typer(help="Look up and add participants.", no_args_is_help=True)
mail_app = typer.Typer(help="The outbox of emails waiting to be sent.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(participants_app, name="participants")
round_app = typer.Typer(help="Form, close and list rounds by hand.", no_args_is_help=True)
app.add_typer(round_app, name="round")
jobs_app = typer.Typer(help="The scheduler's recurring jobs.", no_args_is_help=True)
app.add_typer(mail_app, name="mail")
app.add_typer(jobs_app, name="jobs")


def _settings() -> Settings:
    try:
        return load_settings()
    except ValidationError as error:
        typer.echo(f"Error: the settings are not valid:\n{error}", err=True)
        raise typer.Exit(2) from None


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


def _require_current_schema(settings: Settings) -> None:
    head = db.head_revision()
    current = db.current_revision(settings.database_url)
    if current != head:
        raise _fail(
            f"the database is at schema {current or 'empty'}, this version needs {head}; "
            "run `unmentor db upgrade` first."
        )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    scheduler: Annotated[
        bool,
        typer.Option(
            "--scheduler/--no-scheduler",
            help="Run the scheduler in this process (turn off when it runs elsewhere).",
        ),
    ] = True,
) -> None:
    """Serve the site and the API (docs at /docs), with the scheduler."""
    import uvicorn

    from unmentor.app import create_app

    settings = _settings()
    _require_current_schema(settings)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    application = create_app(settings, run_scheduler=scheduler)
    typer.echo(f"UnMentor on http://{host}:{port}  (mail: {settings.mail_backend})")
    uvicorn.run(application, host=host, port=port, log_level="info")


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply migrations, creating the database (SQLite file) if needed."""
    settings = _settings()
    before = db.current_revision(settings.database_url)
    db.upgrade(settings.database_url, revision)
    after = db.current_revision(settings.database_url)
    if before == after:
        typer.echo(f"Database already at {after}.")
    else:
        typer.echo(f"Database upgraded from {before or 'empty'} to {after}.")


@db_app.command("revision")
def db_revision(
    message: Annotated[str, typer.Argument(help="What the migration does.")],
) -> None:
    """Write a new migration from the difference between the models and the database."""
    from alembic import command

    settings = _settings()
    command.revision(db.alembic_config(settings.database_url), message=message, autogenerate=True)


@participants_app.command("list")
def participants_list(
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Part of a name or email.")
    ] = None,
    status: Annotated[ParticipantStatus | None, typer.Option(help="Only this status.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 100,
) -> None:
    """List participants: id, name, email, organisation, status."""
    database = db.Database(_settings().database_url)
    try:
        with database.read_session() as session:
            items, total = service.list_participants(
                session=session, search=search, status=status, limit=limit
            )
            rows = [service.participant_public(session=session, participant=p) for p in items]
    finally:
        database.dispose()
    for p in rows:
        typer.echo(f"{p.id:>6}  {p.name:<28} {p.email:<32} {p.organisation.name:<28} {p.status}")
    typer.echo(f"{len(rows)} shown of {total}.")


@participants_app.command("add")
def participants_add(
    name: Annotated[str, typer.Argument(help="Full name.")],
    email: Annotated[str, typer.Argument(help="Email address.")],
    organisation: Annotated[str, typer.Argument(help="Organisation (matched ignoring case).")],
    sector: Annotated[str | None, typer.Option(help="Sector, e.g. 'Health'.")] = None,
    pending: Annotated[
        bool, typer.Option("--pending", help="Add as pending (not in rounds until verified).")
    ] = False,
) -> None:
    """Add one participant, active at once unless --pending."""
    try:
        data = ParticipantCreate(
            name=name,
            email=email,
            organisation=organisation,
            sector=sector,
            status=ParticipantStatus.pending if pending else ParticipantStatus.active,
        )
    except ValidationError as error:
        problems = "; ".join(
            f"{e['loc'][0]}: {e['msg'].removeprefix('Value error, ')}" for e in error.errors()
        )
        raise _fail(problems, 2) from None
    database = db.Database(_settings().database_url)
    try:
        with database.session() as session:
            participant = service.create_participant(session=session, data=data, now=utcnow())
    except DomainError as error:
        raise _fail(error.message) from None
    finally:
        database.dispose()
    typer.echo(f"Added participant {participant.id}: {participant.name} <{participant.email}>.")


@mail_app.command("send")
def mail_send() -> None:
    """Send every email that is due now."""
    from unmentor.mail.mailer import Mailer

    settings = _settings()
    database = db.Database(settings.database_url)
    try:
        report = Mailer(database=database, settings=settings).deliver()
    finally:
        database.dispose()
    typer.echo(f"Sent {report.sent}, will retry {report.retrying}, gave up on {report.failed}.")


def _job_context(settings: Settings):
    from scheduler.jobs import Context
    from unmentor.mail.mailer import Mailer

    database = db.Database(settings.database_url)
    return Context(
        database=database,
        mailer=Mailer(database=database, settings=settings),
        settings=settings,
    )


@app.command("scheduler")
def scheduler_alone() -> None:
    """Run the scheduler alone (web workers use --no-scheduler)."""
    from scheduler.runner import run_forever

    settings = _settings()
    _require_current_schema(settings)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    typer.echo("Scheduler running; press Ctrl+C to stop.")
    with contextlib.suppress(KeyboardInterrupt):
        run_forever(_job_context(settings))


@jobs_app.command("list")
def jobs_list() -> None:
    """Show every job and when it runs."""
    from scheduler.jobs import JOBS

    for job in JOBS:
        when = ", ".join(f"{key}={value}" for key, value in job.trigger_args.items())
        typer.echo(f"{job.name:<12} {job.trigger:<9} {when:<22} {job.run.__doc__}")


@jobs_app.command("run")
def jobs_run(
    name: Annotated[str, typer.Argument(help="The job's name (see `jobs list`).")],
) -> None:
    """Run one job now, in this process."""
    from scheduler.jobs import JOBS

    job = next((j for j in JOBS if j.name == name), None)
    if job is None:
        raise _fail(f"no job called {name!r}; choose from {', '.join(j.name for j in JOBS)}.")
    settings = _settings()
    _require_current_schema(settings)
    context = _job_context(settings)
    try:
        typer.echo(f"{job.name}: {job.run(context)}")
    finally:
        context.database.dispose()


@round_app.command("form")
def round_form(
    seed: Annotated[
        int | None, typer.Option(min=0, max=2**31 - 1, help="Seed from a preview.")
    ] = None,
) -> None:
    """Form the current period's round now and queue the introductions."""
    from unmentor.mail.mailer import Mailer
    from unmentor.rounds import forming

    settings = _settings()
    _require_current_schema(settings)
    database = db.Database(settings.database_url)
    now = utcnow()
    try:
        formed = forming.form_round(
            database=database, settings=settings, today=now.date(), now=now, seed=seed
        )
    except DomainError as error:
        database.dispose()
        raise _fail(error.message) from None
    try:
        if not formed.created:
            raise _fail(
                f"the round for {formed.round.period} is already formed "
                f"(round {formed.round.number})."
            )
        report = Mailer(database=database, settings=settings).deliver()
    finally:
        database.dispose()
    typer.echo(
        f"Formed round {formed.round.number} ({formed.round.period}): {formed.groups} groups, "
        f"{formed.placed} people placed, {formed.sat_out} sat out; {report.sent} emails sent."
    )


@round_app.command("close")
def round_close(number: Annotated[int, typer.Argument(help="The round's number.")]) -> None:
    """Close a round now: missing answers become unconfirmed."""
    from unmentor.rounds import outcomes
    from unmentor.rounds import service as rounds

    settings = _settings()
    _require_current_schema(settings)
    database = db.Database(settings.database_url)
    try:
        with database.session() as session:
            round_ = rounds.get_round(session=session, number=number)
            closed = outcomes.close_round(
                session=session, settings=settings, round_=round_, now=utcnow()
            )
    except DomainError as error:
        raise _fail(error.message) from None
    finally:
        database.dispose()
    typer.echo(
        f"Closed round {number}: {closed.unconfirmed} answers missing became unconfirmed; "
        f"{len(closed.paused)} people paused for never answering."
    )


@round_app.command("list")
def round_list() -> None:
    """List rounds with their met / not met / unconfirmed counts."""
    from unmentor.rounds import service as rounds

    settings = _settings()
    _require_current_schema(settings)
    database = db.Database(settings.database_url)
    try:
        with database.read_session() as session:
            summaries = rounds.list_rounds(session=session)
    finally:
        database.dispose()
    if not summaries:
        typer.echo("No rounds yet: `unmentor round form` forms the first.")
    for r in summaries:
        rate = f"{r.met_rate:.0%}" if r.met_rate is not None else "-"
        typer.echo(
            f"round {r.number:>3}  {r.period}  {r.status:<6}  {r.people:>6} people  "
            f"{r.groups:>5} groups  met {r.met:>4}  not met {r.not_met:>4}  "
            f"unconfirmed {r.unconfirmed:>4}  waiting {r.pending:>4}  met rate {rate}"
        )


@app.command()
def demo(
    people: Annotated[int, typer.Option(min=2, max=100_000, help="How many participants.")] = 320,
    rounds: Annotated[int, typer.Option(min=1, max=60, help="How many rounds of history.")] = 8,
    seed: Annotated[int, typer.Option(help="Same seed, same community.")] = 2026,
) -> None:
    """Fill an empty database with a realistic community and several rounds."""
    from unmentor.demo import build_demo

    settings = _settings()
    _require_current_schema(settings)
    database = db.Database(settings.database_url)
    try:
        report = build_demo(
            database=database,
            settings=settings,
            people=people,
            rounds=rounds,
            seed=seed,
            progress=lambda line: typer.echo(f"  {line}"),
        )
    except DomainError as error:
        raise _fail(error.message) from None
    finally:
        database.dispose()
    typer.echo(
        f"Demo ready: {report.people} people in {report.organisations} organisations, "
        f"{report.rounds} rounds. Organisers: {settings.base_url}/organiser"
    )


@app.command()
def render(
    directory: Annotated[Path, typer.Argument(help="Folder to write the images into.")],
    png: Annotated[bool, typer.Option("--png/--no-png", help="PNG copies as well as SVG.")] = True,
) -> None:
    """Write every round's anonymised network image and the growth charts, for a blog post."""
    from unmentor.network.images import NetworkImages

    settings = _settings()
    _require_current_schema(settings)
    database = db.Database(settings.database_url)
    images = NetworkImages(database)
    directory.mkdir(parents=True, exist_ok=True)
    formats = ["svg", "png"] if png else ["svg"]
    try:
        data = images.data()
        numbers = [
            n
            for n in data.round_numbers()
            if data.taking_part.get(n, 0) >= settings.public_min_people
        ]
        skipped = len(data.round_numbers()) - len(numbers)
        with typer.progressbar(numbers, label="Rendering rounds", show_pos=True) as progress:
            for number in progress:
                for fmt in formats:
                    content = images.network(number, public=True, fmt=fmt)
                    (directory / f"round-{number:03d}.{fmt}").write_bytes(content)
        for fmt in formats:
            (directory / f"growth.{fmt}").write_bytes(images.growth(fmt=fmt))
            (directory / f"outcomes.{fmt}").write_bytes(images.outcomes(fmt=fmt))
    finally:
        database.dispose()
    note = f" ({skipped} rounds below public_min_people left out)" if skipped else ""
    typer.echo(f"Wrote {len(numbers)} round images and the growth charts to {directory}{note}.")


# --- import and export (transfer) ------------------------------------------------------------


@contextlib.contextmanager
def _progressbar(total: int, label: str):
    """A progress bar for long transfers; silent for small ones."""
    if total < 5_000:
        yield lambda _n: None
        return
    with typer.progressbar(length=total, label=label, file=None) as bar:
        yield bar.update


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A CSV or XLSX file of participants or rounds.")],
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
        str | None, typer.Option(help="XLSX: the sheet to read (default: the first we recognise).")
    ] = None,
    max_rows: Annotated[int, typer.Option(min=1, help="Refuse files with more data rows.")] = (
        1_000_000
    ),
) -> None:
    """Import participants or past rounds from a spreadsheet (CSV or XLSX).

    \b
    Participants, one row per person:
      Name, Email, Organisation, [Sector], [Joined], [Status: active|pending|paused|left]
    Past rounds, one row per group:
      Round (number, or a date / month such as 2024-03), [Date],
      Person 1 email, Person 2 email, [Person 3 email], Met (yes / no / blank = unconfirmed)

    Column names are matched loosely (Organization, Org, Employer; E-mail, Email address;
    Full name; Date joined). The whole file is checked first: nothing is written unless it
    is clean, or with --skip-bad-rows only the good rows. Importing a file twice changes
    nothing the second time.
    """
    from unmentor.transfer.reading import TransferError
    from unmentor.transfer.service import ImportRefused, import_file

    settings = _settings()
    _require_current_schema(settings)
    database = db.Database(settings.database_url)
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
            progress=_progressbar,
        )
    except ImportRefused as refused:
        for line in refused.columns:
            typer.echo(f"  {line}")
        for problem in refused.checked.problems[:100]:
            typer.echo(f"  {problem}", err=True)
        more = len(refused.checked.problems) - 100
        if more > 0:
            typer.echo(f"  ... and {more} more", err=True)
        raise _fail(
            f"{len(refused.checked.errors)} problems in {file.name}, so nothing was imported "
            f"(all listed in {refused.report}; --skip-bad-rows imports the good rows)."
        ) from None
    except TransferError as error:
        raise _fail(str(error)) from None
    finally:
        database.dispose()
    typer.echo(f"{file.name}: {result.kind}, {result.rows} rows.")
    for line in result.notes + result.columns:
        typer.echo(f"  {line}")
    for problem in result.problems[:100]:
        typer.echo(f"  {problem}")
    if result.skipped_rows:
        typer.echo(f"Skipped {result.skipped_rows} bad rows (see {result.report}).")
    prefix = "Would import (dry run, nothing written)" if result.dry_run else "Imported"
    typer.echo(f"{prefix}: " + "; ".join(result.changes) + ".")


@app.command("export")
def export_command(
    directory: Annotated[Path, typer.Argument(help="Folder to write the files into.")],
) -> None:
    """Export participants, organisations, rounds, groups and outcomes as CSV and JSON.

    participants.csv and groups.csv are in the import formats: importing them (in that
    order) into an empty database reproduces the community and its history.
    """
    from unmentor.transfer.exporting import export_all

    settings = _settings()
    _require_current_schema(settings)
    database = db.Database(settings.database_url)
    steps = ["participants", "rounds", "files"]
    try:
        with typer.progressbar(length=len(steps), label="Exporting") as bar:
            exported = export_all(
                database=database, directory=directory, progress=lambda _step: bar.update(1)
            )
    except OSError as error:
        raise _fail(f"could not write to {directory}: {error.strerror or error}.") from None
    finally:
        database.dispose()
    typer.echo(
        f"Exported {exported.participants} participants, {exported.organisations} "
        f"organisations, {exported.rounds} rounds and {exported.groups} groups to {directory}: "
        + ", ".join(path.name for path in exported.files)
        + "."
    )


if __name__ == "__main__":
    app()
