"""Which period a day belongs to, and the dates of that period's round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from unmentor.settings import Settings


@dataclass(frozen=True)
class Period:
    key: str  # "2026-11": the first month of the period
    starts_on: date
    next_starts_on: date
    forms_on: date
    reminder_on: date
    closes_on: date


def _month_start(month_index: int) -> date:
    return date(month_index // 12, month_index % 12 + 1, 1)


def period_of(day: date, settings: Settings) -> Period:
    """The period containing `day`, with its forming, reminder and closing dates."""
    months = settings.round_every_months
    index = day.year * 12 + day.month - 1
    first = index - index % months
    starts_on = _month_start(first)
    forms_on = starts_on + timedelta(days=settings.round_form_day - 1)
    return Period(
        key=f"{starts_on.year:04d}-{starts_on.month:02d}",
        starts_on=starts_on,
        next_starts_on=_month_start(first + months),
        forms_on=forms_on,
        reminder_on=forms_on + timedelta(days=settings.round_reminder_after_days),
        closes_on=forms_on + timedelta(days=settings.round_close_after_days),
    )
