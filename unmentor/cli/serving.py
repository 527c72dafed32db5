"""Serving the site and running the scheduler."""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer

from unmentor.cli.common import (
    fail,
    job_context,
    open_database,
    require_current_schema,
    settings_or_exit,
)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Web worker processes. The scheduler never runs inside a worker: with "
            "several, it runs once, in this supervising process.",
        ),
    ] = 1,
    scheduler: Annotated[
        bool,
        typer.Option(
            "--scheduler/--no-scheduler",
            help="Run the scheduler and the mail relay (rounds, reminders, sending mail) "
            "here; turn it off when `unmentor scheduler` runs elsewhere: without it, this "
            "server sends no mail.",
        ),
    ] = True,
) -> None:
    """Serve the site and the API (docs at /docs), with the scheduler."""
    import uvicorn

    from unmentor.app import create_app
    from unmentor.heap import freeze_startup_heap
    from unmentor.operations import logs, metrics

    settings = settings_or_exit()
    require_current_schema(settings)
    logs.configure(settings.log_format)
    metrics.clear_multiprocess_dir()
    typer.echo(
        f"UnMentor on http://{host}:{port}  (mail: {settings.mail_backend}, "
        f"{workers} worker{'s' if workers > 1 else ''}, "
        f"scheduler {'on' if scheduler else 'off'})"
    )
    if workers == 1:
        application = create_app(settings, run_scheduler=scheduler)
        freeze_startup_heap()
        uvicorn.run(application, host=host, port=port, log_config=None, **proxy_options(settings))
        return
    # Each worker builds its own app from the same settings (the environment is inherited);
    # the scheduler runs here, in the supervisor, so there is exactly one however many workers.
    background = None
    if scheduler:
        from scheduler.runner import start_in_background

        background = start_in_background(job_context(settings))
    try:
        uvicorn.run(
            "unmentor.app:create_worker_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=None,  # logging is ours (log_format), in each worker too
            **proxy_options(settings),
        )
    finally:
        if background is not None:
            background.shutdown()


def proxy_options(settings) -> dict:
    """uvicorn's proxy settings: X-Forwarded-For believed only from `forwarded_allow_ips`.

    uvicorn's own default believes 127.0.0.1, so a client on the same machine (or any client
    when a proxy forwards without overwriting the header) could pick its address.
    """
    allowed = settings.forwarded_allow_ips.strip()
    return {"proxy_headers": bool(allowed), "forwarded_allow_ips": allowed or None}


def scheduler_alone() -> None:
    """Run the scheduler and the mail relay alone (web workers use --no-scheduler)."""
    from scheduler.runner import run_forever
    from unmentor.operations import logs

    settings = settings_or_exit()
    require_current_schema(settings)
    logs.configure(settings.log_format)
    typer.echo("Scheduler running; press Ctrl+C to stop.")
    with contextlib.suppress(KeyboardInterrupt):
        run_forever(job_context(settings))


def jobs_list() -> None:
    """Show every job and when it runs."""
    from scheduler.jobs import JOBS

    for job in JOBS:
        when = ", ".join(f"{key}={value}" for key, value in job.trigger_args.items())
        if job.trigger == "loop":
            when = "every mail_poll_seconds"
        typer.echo(f"{job.name:<12} {job.trigger:<9} {when:<22} {job.run.__doc__}")


def jobs_run(
    name: Annotated[str, typer.Argument(help="The job's name (see `jobs list`).")],
) -> None:
    """Run one job now, in this process."""
    from scheduler.jobs import JOBS

    job = next((j for j in JOBS if j.name == name), None)
    if job is None:
        raise fail(f"no job called {name!r}; choose from {', '.join(j.name for j in JOBS)}.")
    settings = settings_or_exit()
    require_current_schema(settings)
    context = job_context(settings)
    try:
        typer.echo(f"{job.name}: {job.run(context)}")
    finally:
        context.database.dispose()


def mail_send() -> None:
    """Send every email that is due now (the relay beside the scheduler does this by itself)."""
    from unmentor.mail.mailer import Mailer

    with open_database() as (settings, database):
        report = Mailer(database=database, settings=settings).deliver_all()
    typer.echo(f"Sent {report.sent}, will retry {report.retrying}, gave up on {report.failed}.")
    if report.unavailable:
        raise fail(f"stopped: the mail transport is unavailable ({report.unavailable}).")
