"""What every command shares: settings, errors, the database, progress bars."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from pydantic import ValidationError

from unmentor import db
from unmentor.errors import DomainError
from unmentor.settings import Settings, load_settings


def settings_or_exit() -> Settings:
    """The settings, or a readable message and exit code 2 when they are not valid."""
    try:
        return load_settings()
    except ValidationError as error:
        typer.echo(f"Error: the settings are not valid:\n{error}", err=True)
        raise typer.Exit(2) from None


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error for people and return the exit to raise."""
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


def require_current_schema(settings: Settings) -> None:
    """Stop with advice, rather than a traceback, when migrations have not been applied."""
    head = db.head_revision()
    current = db.current_revision(settings.database_url)
    if current != head:
        raise fail(
            f"the database is at schema {current or 'empty'}, this version needs {head}; "
            "run `unmentor db upgrade` first."
        )


@contextlib.contextmanager
def open_database() -> Iterator[tuple[Settings, db.Database]]:
    """Settings and a migrated database for one command, disposed of afterwards.

    A service's refusal (DomainError) becomes its message and exit code 1, not a traceback.
    """
    settings = settings_or_exit()
    require_current_schema(settings)
    database = db.database_for(settings)
    try:
        yield settings, database
    except DomainError as error:
        raise fail(error.message) from None
    finally:
        database.dispose()


def job_context(settings: Settings):
    from scheduler.jobs import Context
    from unmentor.mail.mailer import Mailer

    database = db.database_for(settings)
    return Context(
        database=database,
        mailer=Mailer(database=database.with_own_pool(), settings=settings),
        settings=settings,
    )


@contextlib.contextmanager
def progressbar(total: int, label: str):
    """A progress bar for long transfers; silent for small ones."""
    if total < 5_000:
        yield lambda _n: None
        return
    with typer.progressbar(length=total, label=label, file=None) as bar:
        yield bar.update
