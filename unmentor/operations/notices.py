"""What the organiser dashboard says about the service's own health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from unmentor.operations import alerts, jobs
from unmentor.operations.models import JobState


@dataclass(frozen=True)
class Notices:
    failing_jobs: list[JobState]
    failed_emails: int  # in the last alerts.FAILED_MAIL_WINDOW
    failed_days: int

    def __bool__(self) -> bool:
        return bool(self.failing_jobs or self.failed_emails)


def for_dashboard(*, session: Session, now: datetime) -> Notices:
    """Jobs in an open incident, and emails that failed for good in the last week."""
    return Notices(
        failing_jobs=jobs.failing_jobs(session=session),
        failed_emails=alerts.failed_mail_count(
            session=session, since=now - alerts.FAILED_MAIL_WINDOW
        ),
        failed_days=alerts.FAILED_MAIL_WINDOW.days,
    )
