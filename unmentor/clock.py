"""Time as the service sees it: aware UTC datetimes, and dates on the UTC calendar."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the form every timestamp column takes)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC, the calendar the service schedules by."""
    return utcnow().date()
