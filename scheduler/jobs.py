"""The recurring jobs: plain functions, each opening its own session.

Correctness never depends on a job running exactly once: each is safe to run twice or late,
because the database decides (outbox claims, guarded updates).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from unmentor import ratelimit
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.links import service as links
from unmentor.mail.mailer import Mailer
from unmentor.people import membership

log = logging.getLogger("unmentor.scheduler")


@dataclass(frozen=True)
class Context:
    database: Database
    mailer: Mailer


def send_mail(context: Context) -> str:
    """Send due emails, including retries of earlier failures."""
    report = context.mailer.deliver()
    return f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}"


def end_pauses(context: Context) -> str:
    """Make active again everyone whose pause has ended."""
    with context.database.session() as session:
        count = membership.resume_due_pauses(session=session, today=utcnow().date())
    return f"{count} participants resumed"


def tidy_up(context: Context) -> str:
    """Forget expired links and finished rate-limit windows."""
    now = utcnow()
    with context.database.session() as session:
        expired = links.forget_expired(session=session, now=now)
        windows = ratelimit.forget_old_windows(session=session, now=now)
    return f"{expired} expired links, {windows} old counters removed"


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Context], str]
    trigger: str  # "interval" or "cron"
    trigger_args: dict


JOBS: tuple[Job, ...] = (
    Job("send_mail", send_mail, "interval", {"minutes": 1}),
    Job("end_pauses", end_pauses, "cron", {"hour": 0, "minute": 5}),
    Job("tidy_up", tidy_up, "interval", {"hours": 1}),
)


def run_job(job: Job, context: Context) -> str:
    """Run one job, logging rather than raising, so one failure does not stop the scheduler."""
    try:
        summary = job.run(context)
    except Exception:
        log.exception("job %s failed", job.name)
        return "failed (see log)"
    log.info("job %s: %s", job.name, summary)
    return summary
