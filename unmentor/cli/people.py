"""Looking up and adding participants."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from unmentor.cli.common import fail, open_database
from unmentor.clock import utcnow
from unmentor.errors import readable_message
from unmentor.people import service
from unmentor.people.models import NO_ORGANISATION, ParticipantStatus
from unmentor.people.schemas import ParticipantCreate
from unmentor.rounds import welcome


def participants_list(
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Part of a name or email.")
    ] = None,
    status: Annotated[ParticipantStatus | None, typer.Option(help="Only this status.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 100,
) -> None:
    """List participants: id, name, email, organisation, status."""
    with open_database() as (_, database), database.read_session() as session:
        items, total = service.list_participants(
            session=session, search=search, status=status, limit=limit
        )
        rows = [service.participant_public(session=session, participant=p) for p in items]
    for p in rows:
        organisation = p.organisation.name if p.organisation else NO_ORGANISATION
        typer.echo(f"{p.id:>6}  {p.name:<28} {p.email:<32} {organisation:<28} {p.status}")
    typer.echo(f"{len(rows)} shown of {total}.")


def participants_add(
    name: Annotated[str, typer.Argument(help="Full name.")],
    email: Annotated[str, typer.Argument(help="Email address.")],
    organisation: Annotated[
        str, typer.Argument(help='Organisation (matched ignoring case); "" for none.')
    ],
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
        problems = " ".join(readable_message(e) for e in error.errors())
        raise fail(problems, 2) from None
    now = utcnow()
    with open_database() as (settings, database), database.session() as session:
        participant, _ = welcome.add_participant(
            session=session, data=data, settings=settings, now=now
        )
    typer.echo(f"Added participant {participant.id}: {participant.name} <{participant.email}>.")
