"""Telling the organisers, through the outbox, that something needs a person.

Each alert's idempotency key names its incident (a job's failures since a moment, or the
emails that failed for good on one day), so however often the check runs, one incident
sends one email to each address in `organiser_emails` and to each organiser account with the
organiser role (viewers are not asked to act).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from unmentor.mail.compose import Email
from unmentor.mail.models import OutboxMessage
from unmentor.mail.outbox import enqueue
from unmentor.organisers.service import active_organiser_emails
from unmentor.settings import Settings

# Alert emails are keyed under this prefix; they are about the service, not about a person.
KEY_PREFIX = "alert:"
FAILED_MAIL_WINDOW = timedelta(days=7)


def _send(*, session: Session, settings: Settings, key: str, email: Email, now: datetime) -> int:
    sent = 0
    accounts = active_organiser_emails(session=session)
    seen: set[str] = set()
    for address in [*settings.organiser_emails, *accounts]:
        if address.lower() in seen:
            continue
        seen.add(address.lower())
        if enqueue(
            session=session,
            idempotency_key=f"{KEY_PREFIX}{key}:{address.lower()}"[:200],
            to_address=address,
            email=email,
            participant_id=None,
            now=now,
        ):
            sent += 1
    return sent


def job_failing(*, session: Session, settings: Settings, state, now: datetime) -> int:
    """Queue the email saying job `state.name` keeps failing (once per incident)."""
    email = Email(
        subject=f"UnMentor: the {state.name} job keeps failing",
        body=(
            f"The scheduler job {state.name} has failed {state.consecutive_failures} times in "
            f"a row (since {state.incident_since:%Y-%m-%d %H:%M} UTC).\n\n"
            f"Last error:\n{state.last_error}\n\n"
            f"The organiser dashboard ({settings.base_url}/organiser/dashboard) shows it until "
            "a run succeeds. Run it by hand with `unmentor jobs run "
            f"{state.name}` to see the whole error.\n"
        ),
    )
    key = f"job:{state.name}:{state.incident_since.isoformat()}"
    return _send(session=session, settings=settings, key=key, email=email, now=now)


def failed_mail_count(*, session: Session, since: datetime) -> int:
    """Emails (alerts excluded) that the relay gave up on since `since`."""
    return session.exec(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.failed_at >= since)  # type: ignore[operator]
        .where(~OutboxMessage.idempotency_key.startswith(KEY_PREFIX))  # type: ignore[attr-defined]
    ).one()


def mail_failing(*, session: Session, settings: Settings, now: datetime) -> int:
    """Queue the day's email about emails that failed for good, if any did today (once a day).

    Alerts that fail are not counted: an unreachable organiser address must not alert itself.
    """
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    count = failed_mail_count(session=session, since=start_of_day)
    if not count:
        return 0
    email = Email(
        subject="UnMentor: emails could not be delivered",
        body=(
            f"Since {start_of_day:%Y-%m-%d} 00:00 UTC, {count} email(s) failed for good: the "
            "mail server refused them or every retry failed.\n\n"
            f"The organiser dashboard ({settings.base_url}/organiser/dashboard) lists how many "
            "failed in the last 7 days. The relay's log names each address and error.\n"
        ),
    )
    return _send(
        session=session, settings=settings, key=f"mail:{start_of_day.date()}", email=email, now=now
    )
