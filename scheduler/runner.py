"""APScheduler wiring: which job runs when, in a web process or on its own."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from scheduler.jobs import JOBS, Context, run_job


def configure(scheduler: BaseScheduler, context: Context) -> BaseScheduler:
    """Add every job; ticks missed while a run was slow collapse into one run."""
    for job in JOBS:
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


def start_in_background(context: Context) -> BackgroundScheduler:
    """A scheduler on a thread of this process (the default for `unmentor serve`)."""
    scheduler = configure(BackgroundScheduler(timezone="UTC"), context)
    scheduler.start()
    return scheduler


def run_forever(context: Context) -> None:
    """The scheduler alone in the foreground (`unmentor scheduler`)."""
    configure(BlockingScheduler(timezone="UTC"), context).start()
