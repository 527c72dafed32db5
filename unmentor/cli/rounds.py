"""Rounds by hand, the demo community, and pictures for a blog post."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unmentor.cli.common import fail, open_database
from unmentor.clock import utcnow
from unmentor.sqltypes import MAX_INT


def round_form(
    seed: Annotated[
        int | None, typer.Option(min=0, max=MAX_INT, help="Seed from a preview.")
    ] = None,
) -> None:
    """Form the current period's round now and queue the introductions."""
    from unmentor.mail.mailer import Mailer
    from unmentor.rounds import forming

    now = utcnow()
    with open_database() as (settings, database):
        formed = forming.form_round(
            database=database, settings=settings, today=now.date(), now=now, seed=seed
        )
        if not formed.created:
            raise fail(
                f"the round for {formed.round.period} is already formed "
                f"(round {formed.round.number})."
            )
        report = Mailer(database=database, settings=settings).deliver_all()
    typer.echo(
        f"Formed round {formed.round.number} ({formed.round.period}): {formed.groups} groups, "
        f"{formed.placed} people placed, {formed.sat_out} sat out; {report.sent} emails sent."
    )


def round_close(number: Annotated[int, typer.Argument(help="The round's number.")]) -> None:
    """Close a round now: missing answers become unconfirmed."""
    from unmentor.rounds import outcomes
    from unmentor.rounds import service as rounds

    with open_database() as (settings, database), database.session() as session:
        round_ = rounds.get_round(session=session, number=number)
        closed = outcomes.close_round(
            session=session, settings=settings, round_=round_, now=utcnow()
        )
    typer.echo(
        f"Closed round {number}: {closed.unconfirmed} answers missing became unconfirmed; "
        f"{len(closed.paused)} people paused for never answering."
    )


def round_list() -> None:
    """List rounds with their met / not met / unconfirmed counts."""
    from unmentor.rounds import service as rounds

    with open_database() as (_, database), database.read_session() as session:
        summaries = rounds.list_rounds(session=session)
    if not summaries:
        typer.echo("No rounds yet: `unmentor round form` forms the first.")
    for r in summaries:
        rate = f"{r.met_rate:.0%}" if r.met_rate is not None else "-"
        typer.echo(
            f"round {r.number:>3}  {r.period}  {r.status:<6}  {r.people:>6} people  "
            f"{r.groups:>5} groups  met {r.met:>4}  not met {r.not_met:>4}  "
            f"unconfirmed {r.unconfirmed:>4}  waiting {r.pending:>4}  met rate {rate}"
        )


def demo(
    people: Annotated[int, typer.Option(min=2, max=100_000, help="How many participants.")] = 320,
    rounds: Annotated[int, typer.Option(min=1, max=60, help="How many rounds of history.")] = 8,
    seed: Annotated[int, typer.Option(help="Same seed, same community.")] = 2026,
) -> None:
    """Fill an empty database with a realistic community and several rounds."""
    from unmentor.demo import build_demo

    with open_database() as (settings, database):
        report = build_demo(
            database=database,
            settings=settings,
            people=people,
            rounds=rounds,
            seed=seed,
            progress=lambda line: typer.echo(f"  {line}"),
        )
    typer.echo(
        f"Demo ready: {report.people} people in {report.organisations} organisations, "
        f"{report.rounds} rounds. Organisers: {settings.base_url}/organiser"
    )


def render(
    directory: Annotated[Path, typer.Argument(help="Folder to write the images into.")],
    png: Annotated[bool, typer.Option("--png/--no-png", help="PNG copies as well as SVG.")] = True,
) -> None:
    """Write every round's anonymised network image, the animation and the charts, for a blog."""
    from unmentor.network.images import NetworkImages

    directory.mkdir(parents=True, exist_ok=True)
    formats = ["svg", "png"] if png else ["svg"]
    with open_database() as (settings, database):
        # Drawn on this thread: a command has nobody else to keep responsive.
        images = NetworkImages(database, min_people=settings.public_min_people)
        snapshot = images.snapshot()
        view = snapshot.public
        numbers = view.rounds
        skipped = len(snapshot.organiser.rounds) - len(numbers)
        with typer.progressbar(numbers, label="Rendering rounds", show_pos=True) as progress:
            for number in progress:
                for fmt in formats:
                    picture = images.network(view, number, fmt=fmt)
                    (directory / f"round-{number:03d}.{fmt}").write_bytes(picture.content)
        for fmt in formats:
            (directory / f"growth.{fmt}").write_bytes(images.growth(view, fmt=fmt).content)
            (directory / f"outcomes.{fmt}").write_bytes(images.outcomes(view, fmt=fmt).content)
            connectivity = images.connectivity_chart(view, fmt=fmt).content
            (directory / f"connectivity.{fmt}").write_bytes(connectivity)
        if numbers:
            (directory / "network.gif").write_bytes(images.animation(view).content)
    note = f" ({skipped} rounds below public_min_people left out)" if skipped else ""
    typer.echo(
        f"Wrote {len(numbers)} round images, the animation and the growth and connectivity "
        f"charts to {directory}{note}."
    )
