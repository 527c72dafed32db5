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
from unmentor.errors import Conflict
from unmentor.links import service as links
from unmentor.mail.mailer import Mailer
from unmentor.organisers import service as organiser_accounts
from unmentor.people import membership
from unmentor.rounds import forming, outcomes, rematch_pairing, reminders
from unmentor.rounds.calendar import period_of
from unmentor.sessions import service as sessions
from unmentor.settings import Settings

log = logging.getLogger("unmentor.scheduler")


@dataclass(frozen=True)
class Context:
    database: Database
    mailer: Mailer
    settings: Settings


def form_round(context: Context) -> str:
    """Form this period's round once its forming day has come (a no-op once formed)."""
    now = utcnow()
    period = period_of(now.date(), context.settings)
    if now.date() < period.forms_on:
        return f"not yet: the {period.key} round forms on {period.forms_on}"
    try:
        formed = forming.form_round(
            database=context.database, settings=context.settings, today=now.date(), now=now
        )
    except Conflict as refusal:
        return f"not formed: {refusal.message}"
    if not formed.created:
        return f"round {formed.round.number} for {period.key} already formed"
    context.mailer.nudge()
    return (
        f"formed round {formed.round.number}: {formed.groups} groups, "
        f"{formed.placed} people, {formed.sat_out} sat out"
    )


def send_reminders(context: Context) -> str:
    """Remind members of open rounds who have not answered, once per round."""
    now = utcnow()
    with context.database.session() as session:
        count = reminders.send_due_reminders(
            session=session, settings=context.settings, today=now.date(), now=now
        )
    if count:
        context.mailer.nudge()
    return f"{count} reminders queued"


def second_chances(context: Context) -> str:
    """Pair members waiting for someone else; after the rematch day, tell the rest kindly.

    Asking already pairs two compatible askers at once; this catches two asks that raced
    each other, and ends the wait of whoever is left when the rematch day has passed.
    """
    now = utcnow()
    with context.database.session() as session:
        settled = rematch_pairing.close_requests(
            session=session, settings=context.settings, today=now.date(), now=now
        )
    if settled.groups or settled.not_found:
        context.mailer.nudge()
    return f"{settled.groups} second-chance groups, {settled.not_found} told nobody was found"


def close_rounds(context: Context) -> str:
    """Close open rounds whose closing day has come."""
    now = utcnow()
    closed = []
    with context.database.session() as session:
        for round_ in outcomes.rounds_due_to_close(session=session, today=now.date()):
            outcomes.close_round(session=session, settings=context.settings, round_=round_, now=now)
            closed.append(str(round_.number))
    if closed:
        context.mailer.nudge()
    return f"closed rounds: {', '.join(closed) or 'none'}"


def send_mail(context: Context) -> str:
    """Send due emails, including retries of earlier failures (one relay run)."""
    report = context.mailer.deliver()
    summary = f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}"
    if report.unavailable:
        summary += f"; stopped, transport unavailable: {report.unavailable}"
    elif report.more_due:
        summary += "; more is due (the run reached mail_run_seconds)"
    return summary


def end_pauses(context: Context) -> str:
    """Make active again everyone whose pause has ended."""
    with context.database.session() as session:
        count = membership.resume_due_pauses(session=session, today=utcnow().date())
    return f"{count} participants resumed"


def tidy_up(context: Context) -> str:
    """Forget expired links, expired sessions and finished rate-limit windows."""
    now = utcnow()
    with context.database.session() as session:
        expired = links.forget_expired(session=session, now=now)
        expired += organiser_accounts.forget_expired_links(session=session, now=now)
        ended = sessions.forget_expired(session=session, now=now)
        ended += sessions.forget_stale_organiser_sessions(
            session=session, settings=context.settings
        )
        windows = ratelimit.forget_old_windows(session=session, now=now)
    return f"{expired} expired links, {ended} ended sessions, {windows} old counters removed"


def heartbeat(context: Context) -> str:
    """Show that the scheduler is alive (/readyz); tell organisers of email that failed for good."""
    from unmentor.operations import alerts

    with context.database.session() as session:
        queued = alerts.mail_failing(session=session, settings=context.settings, now=utcnow())
    if queued:
        context.mailer.nudge()
    return f"alive; {queued} alert emails queued" if queued else "alive"


def backup(context: Context) -> str:
    """Back the database up into backup_dir (when set), keeping the newest backup_keep."""
    from pathlib import Path

    from unmentor.backup import snapshot

    settings = context.settings
    if not settings.backup_dir:
        return "off (backup_dir is empty)"
    directory = Path(settings.backup_dir)
    target = snapshot.timestamped(directory, settings.database_url, utcnow())
    written = snapshot.backup(settings.database_url, target)
    removed = snapshot.prune(directory, settings.backup_keep)
    return f"backed up to {written}; {len(removed)} old backups deleted"


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Context], str]
    trigger: str  # "interval", "cron", or "loop" (run by the relay loop, not APScheduler)
    trigger_args: dict
    at_start: bool = False


# Round jobs run hourly and at start-up, so a tick missed while the service was down is caught
# up at once; each does nothing when there is nothing to do, and the database makes a second
# run harmless (one round per period, one reminder per member). Mail is sent by the relay loop
# beside the scheduler (unmentor.mail.loop), every mail_poll_seconds and when a job nudges it;
# `send_mail` is listed so that `unmentor jobs run send_mail` can run it by hand.
JOBS: tuple[Job, ...] = (
    Job("form_round", form_round, "interval", {"hours": 1}, at_start=True),
    Job("close_rounds", close_rounds, "interval", {"hours": 1}, at_start=True),
    Job("send_reminders", send_reminders, "interval", {"hours": 1}, at_start=True),
    Job("second_chances", second_chances, "interval", {"hours": 1}, at_start=True),
    Job("send_mail", send_mail, "loop", {}),
    Job("end_pauses", end_pauses, "cron", {"hour": 0, "minute": 5}),
    Job("tidy_up", tidy_up, "interval", {"hours": 1}),
    # At a quiet hour; does nothing unless backup_dir is set.
    Job("backup", backup, "cron", {"hour": 2, "minute": 30}),
    # Its successful runs are the heartbeat /readyz looks for (operations.models.HEARTBEAT).
    Job("heartbeat", heartbeat, "interval", {"minutes": 1}, at_start=True),
)


def run_job(job: Job, context: Context) -> str:
    """Run one job, logging rather than raising, so one failure does not stop the scheduler."""
    try:
        summary = job.run(context)
    except Exception as error:
        log.exception("job %s failed", job.name)
        _record(job, context, f"{type(error).__name__}: {error}")
        return "failed (see log)"
    log.info("job %s: %s", job.name, summary)
    _record(job, context, None)
    return summary


def _record(job: Job, context: Context, error: str | None) -> None:
    """Count the run in job_state; a third failure in a row alerts the organisers once."""
    from unmentor.operations.jobs import record_run

    try:
        with context.database.session() as session:
            opened = record_run(
                session=session, settings=context.settings, name=job.name, error=error, now=utcnow()
            )
    except Exception:  # the database itself may be what failed; the log has the job's error
        log.exception("could not record the run of job %s", job.name)
        return
    if opened:
        context.mailer.nudge()
