"""The database schema."""

from __future__ import annotations

from typing import Annotated

import typer

from unmentor import db
from unmentor.cli.common import (
    settings_or_exit,
)


def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply migrations, creating the database (SQLite file) if needed."""
    settings = settings_or_exit()
    before = db.current_revision(settings.database_url)
    db.upgrade(settings.database_url, revision)
    after = db.current_revision(settings.database_url)
    if before == after:
        typer.echo(f"Database already at {after}.")
    else:
        typer.echo(f"Database upgraded from {before or 'empty'} to {after}.")


def db_revision(
    message: Annotated[str, typer.Argument(help="What the migration does.")],
) -> None:
    """Write a new migration from the difference between the models and the database."""
    from alembic import command

    settings = settings_or_exit()
    command.revision(db.alembic_config(settings.database_url), message=message, autogenerate=True)
