"""APScheduler wiring: which job runs when, in a web process or on its own.

Wherever the scheduler runs, the mail relay loop runs beside it, on its own thread: a slow or
hung SMTP server then delays mail only, never a round job (nor, in a web process, a request).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from scheduler.jobs import JOBS, Context, run_job
from unmentor.mail.loop import RelayLoop


def configure(scheduler: BaseScheduler, context: Context) -> BaseScheduler:
    """Add every scheduled job; ticks missed while a run was slow collapse into one run."""
    for job in JOBS:
        if job.trigger == "loop":
            continue
        # Passing next_run_time=None would add the job paused, so only pass it to run at once.
        start_now = {"next_run_time": datetime.now(UTC)} if job.at_start else {}
        scheduler.add_job(
            run_job,
            job.trigger,
            args=(job, context),
            id=job.name,
            name=job.name,
            coalesce=True,  # many missed ticks become one run, not a burst
            max_instances=1,
            misfire_grace_time=None,
            replace_existing=True,
            **start_now,
            **job.trigger_args,
        )
    return scheduler


def start_relay(context: Context) -> RelayLoop:
    """The mail relay loop on a daemon thread of this process."""
    return RelayLoop(context.mailer, poll_seconds=context.settings.mail_poll_seconds).start()


@dataclass
class Background:
    """The scheduler and the relay loop running on threads of a web process."""

    scheduler: BackgroundScheduler
    relay: RelayLoop

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=False)
        self.relay.stop()


def start_in_background(context: Context) -> Background:
    """The scheduler and the relay on threads of this process (the default for `serve`)."""
    relay = start_relay(context)
    scheduler = configure(BackgroundScheduler(timezone="UTC"), context)
    scheduler.start()
    return Background(scheduler=scheduler, relay=relay)


def run_forever(context: Context) -> None:
    """The scheduler alone in the foreground (`unmentor scheduler`), with the relay loop."""
    relay = start_relay(context)
    try:
        configure(BlockingScheduler(timezone="UTC"), context).start()
    finally:
        relay.stop()
