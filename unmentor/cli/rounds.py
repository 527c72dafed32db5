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
    """List rounds with groups met / not met / unconfirmed / awaiting (an open one's so far)."""
    from unmentor.rounds import service as rounds

    with open_database() as (_, database), database.read_session() as session:
        summaries = rounds.list_rounds(session=session)
    if not summaries:
        typer.echo("No rounds yet: `unmentor round form` forms the first.")
    for r in summaries:
        typer.echo(
            f"round {r.number:>3}  {r.period}  {r.status:<6}  {r.people:>6} people  "
            f"{r.groups:>5} groups  met {r.met:>4}  not met {r.not_met:>4}  "
            f"unconfirmed {r.unconfirmed:>4}  awaiting {r.pending:>4}  "
            f"met rate {r.figures().rate_text()}"
        )


def demo(
    people: Annotated[int, typer.Option(min=2, max=100_000, help="How many participants.")] = 320,
    rounds: Annotated[int, typer.Option(min=1, max=60, help="How many rounds of history.")] = 8,
    seed: Annotated[int, typer.Option(help="Same seed, same community.")] = 2026,
    features: Annotated[
        bool,
        typer.Option(
            "--features/--without-features",
            help="People choose rhythms and free times and pick suggested times, and meet more "
            "often for it; without, the same community behaves as before those features.",
        ),
    ] = True,
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh", help="Delete everything in the database first (it asks before it does)."
        ),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", "-y", help="With --fresh: do not ask (only for a local SQLite file)."
        ),
    ] = False,
) -> None:
    """Fill an empty database with a realistic community and several rounds."""
    from unmentor import wiping
    from unmentor.demo import build_demo

    with open_database() as (settings, database):
        with database.read_session() as session:
            held = wiping.holdings(session=session)
        where = wiping.described(settings.database_url)
        if not held.is_empty:
            if not fresh:
                raise fail(_not_empty(where, held))
            _confirm_wipe(settings, where, held, yes=yes)
            wiping.wipe(database=database)
            typer.echo(f"Deleted everything in {where}.")
        report = build_demo(
            database=database,
            settings=settings,
            people=people,
            rounds=rounds,
            seed=seed,
            progress=lambda line: typer.echo(f"  {line}"),
            features=features,
        )
    typer.echo(
        f"Demo ready: {report.people} people in {report.organisations} organisations, "
        f"{report.rounds} rounds.\n"
        f"Next: `unmentor serve` (or `make run`). Organisers: `unmentor organisers add EMAIL "
        f"--name NAME`, then ask for a sign-in link at {settings.base_url}/organiser (or use "
        "the organiser_token there to create the first account). To take part yourself, "
        "sign up at "
        f'{settings.base_url}/: with mail_backend = "console" your confirmation link is '
        "printed in the log (the demo's people are made up and are never emailed about the "
        "past)."
    )


def _not_empty(where: str, held) -> str:
    return (
        f"the demo needs an empty database, and {where} holds {held.in_words()}.\n"
        "To start afresh: `unmentor demo --fresh` deletes everything in it first (it asks "
        "before it does).\n"
        "To keep it, give the demo a database of its own:\n"
        "  UNMENTOR_DATABASE_URL=sqlite:///demo.db unmentor db upgrade\n"
        "  UNMENTOR_DATABASE_URL=sqlite:///demo.db unmentor demo"
    )


def _confirm_wipe(settings, where: str, held, *, yes: bool) -> None:
    """Stop unless wiping this database is allowed and confirmed.

    A plain yes is enough for a local SQLite file; any other database (a shared PostgreSQL,
    say) must be named in full, so that a stray UNMENTOR_DATABASE_URL cannot be wiped by
    habit, and never in production.
    """
    from sqlalchemy.engine import make_url

    from unmentor import wiping

    refusal = wiping.refusal(settings)
    if refusal:
        raise fail(f"nothing was deleted: {refusal}")
    if wiping.is_local_file(settings.database_url):
        if yes or typer.confirm(
            f"Delete everything in {where} ({held.in_words()})? This cannot be undone."
        ):
            return
        raise fail("nothing was deleted.")
    if yes:
        raise fail(
            f"nothing was deleted: --yes answers only for a local SQLite file, and {where} is "
            "not one. Run without --yes and type the database's name when asked."
        )
    name = make_url(settings.database_url).database or ""
    typed = typer.prompt(
        f"{where} is not a local SQLite file and holds {held.in_words()}. To delete "
        f"everything in it, type its name ({name})",
        default="",
        show_default=False,
    )
    if not name or typed.strip() != name:
        raise fail("nothing was deleted.")


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
        images = NetworkImages(
            database,
            min_people=settings.public_min_people,
            scheme_name=settings.scheme_name,
            show_organisations=settings.public_show_organisations,
        )
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
            if numbers:
                picture = images.organisations(view, fmt=fmt)
                (directory / f"organisations.{fmt}").write_bytes(picture.content)
            connectivity = images.connectivity_chart(view, fmt=fmt).content
            (directory / f"connectivity.{fmt}").write_bytes(connectivity)
        if numbers:
            (directory / "network.gif").write_bytes(images.animation(view).content)
    note = f" ({skipped} rounds below public_min_people left out)" if skipped else ""
    typer.echo(
        f"Wrote {len(numbers)} round images, the animation and the growth and connectivity "
        f"charts to {directory}{note}."
    )
