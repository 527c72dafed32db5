"""Organiser accounts from the shell: add the first (or any) organiser, list, remove, own data.

Shell access to the server is already full trust, so these work whether or not organisers
exist, and act in the audit log as "command line".
"""

from __future__ import annotations

import functools
import json
from typing import Annotated

import typer
from sqlmodel import Session, select

from unmentor.cli.common import open_database
from unmentor.clock import utcnow
from unmentor.errors import NotFound
from unmentor.organisers import privacy, service
from unmentor.organisers.actor import COMMAND_LINE, acting_as
from unmentor.organisers.models import Organiser, OrganiserRole


def audited(command):
    """Run a CLI command as the "command line" actor, so its actions reach the audit log."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        with acting_as(COMMAND_LINE):
            return command(*args, **kwargs)

    return run


def _by_email(session: Session, email: str) -> Organiser:
    found = session.exec(select(Organiser).where(Organiser.email == email.strip().lower())).first()
    if found is None:
        raise NotFound(f"No organiser has the address {email}.")
    return found


@audited
def organisers_add(
    email: Annotated[str, typer.Argument(help="Their address: the sign-in link goes there.")],
    name: Annotated[str, typer.Option(help="Their name, as the audit log shows it.")],
    role: Annotated[OrganiserRole, typer.Option(help="organiser acts; viewer only looks.")] = (
        OrganiserRole.organiser
    ),
) -> None:
    """Add an organiser (the first one, say) and queue their sign-in link in the outbox."""
    with open_database() as (settings, database), database.session() as session:
        added = service.add(
            session=session, name=name, email=email, role=role, settings=settings, now=utcnow()
        )
        typer.echo(
            f"Added {added.name} <{added.email}> as {added.role.value} (organiser {added.id}); "
            "their sign-in link is in the outbox."
        )


def organisers_list() -> None:
    """Every organiser: id, role, name, address, and whether removed."""
    with open_database() as (_, database), database.read_session() as session:
        everyone = service.list_all(session=session)
    for o in everyone:
        gone = f"  removed {o.removed_at:%Y-%m-%d}" if o.removed_at else ""
        typer.echo(f"{o.id:>5} {o.role.value:<9} {o.name} <{o.email}>{gone}")
    typer.echo(f"{len(everyone)} organisers.")


@audited
def organisers_remove(email: Annotated[str, typer.Argument(help="Their address.")]) -> None:
    """Remove an organiser: their sessions and API tokens stop working at once."""
    with open_database() as (_, database), database.session() as session:
        found = _by_email(session, email)
        service.remove(session=session, organiser_id=found.id, now=utcnow())
        typer.echo(f"Removed {found.name}.")


def organisers_data(email: Annotated[str, typer.Argument(help="Their address.")]) -> None:
    """Print everything held about an organiser, as JSON (their own data download)."""
    with open_database() as (_, database), database.read_session() as session:
        found = _by_email(session, email)
        data = privacy.export_organiser(session=session, organiser_id=found.id)
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@audited
def organisers_erase(email: Annotated[str, typer.Argument(help="Their address.")]) -> None:
    """Erase an organiser's own data: account removed, name and address replaced."""
    with open_database() as (_, database), database.session() as session:
        found = _by_email(session, email)
        privacy.erase_organiser(session=session, organiser_id=found.id, now=utcnow())
        typer.echo(f"Erased organiser {found.id}.")
