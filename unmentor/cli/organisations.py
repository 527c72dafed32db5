"""Organisations that are really one: list likely duplicates, merge them, split a merge."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlmodel import Session

from unmentor.cli.common import open_database
from unmentor.clock import utcnow
from unmentor.errors import NotFound
from unmentor.people import organisations, service
from unmentor.people.models import Organisation
from unmentor.rounds import merge_cost


def _organisation(session: Session, text: str) -> Organisation:
    """An organisation by id, or by name ignoring case and spacing."""
    if text.isdigit():
        return service.get_organisation(session=session, organisation_id=int(text))
    found = service.find_organisation(session=session, name=text)
    if found is None:
        raise NotFound(f"No organisation called {text!r}.")
    return found


def organisations_duplicates() -> None:
    """List likely duplicate organisations: ids, names, member counts and why."""
    with open_database() as (settings, database), database.read_session() as session:
        found = organisations.likely_duplicates(session=session, webmail=settings.webmail)
    for d in found:
        typer.echo(
            f"{d.first.id:>6} {d.first.name} ({d.first.members})  ~  "
            f"{d.second.id:>6} {d.second.name} ({d.second.members})  [{d.reason}]"
        )
    typer.echo(f"{len(found)} likely duplicates.")


def organisations_merge(
    source: Annotated[str, typer.Argument(help="Organisation merged away: id or name.")],
    target: Annotated[str, typer.Argument(help="Organisation that stays: id or name.")],
) -> None:
    """Merge SOURCE into TARGET: its members move, its name becomes an alias of TARGET."""
    with open_database() as (_, database), database.session() as session:
        record = organisations.merge(
            session=session,
            source_id=_organisation(session, source).id,
            target_id=_organisation(session, target).id,
            now=utcnow(),
        )
        pairs = merge_cost.pairs_across(session=session, merge_id=record.id)
        typer.echo(
            f"Merged {record.source_name!r} into {record.target_name!r} (merge {record.id}): "
            f"{record.moved} people moved."
        )
        for pair in pairs:
            typer.echo(
                f"  round {pair.round_number}: participants {pair.source_member} and "
                f"{pair.target_member} were grouped across the two"
            )
        typer.echo(f"{len(pairs)} pairs had been formed across the two before the merge.")


def organisations_split(
    merge_id: Annotated[int, typer.Argument(help="The merge's number, as merge printed it.")],
) -> None:
    """Undo a merge where still possible: the people it moved, still there, move back."""
    with open_database() as (_, database), database.session() as session:
        moved = organisations.split(session=session, merge_id=merge_id, now=utcnow())
    typer.echo(f"Split merge {merge_id}: {moved} people moved back.")
