"""Until when a round offers second chances (a leaf module: emails and reminders use it)."""

from __future__ import annotations

from datetime import date, timedelta

from unmentor.rounds.models import Round
from unmentor.settings import Settings


def rematch_deadline(round_: Round, *, settings: Settings) -> date:
    """The last day a member may ask for someone else: `rematch_until_day` days after the
    round starts, and never later than the day before it closes (a group needs time to meet)."""
    wanted = round_.starts_on + timedelta(days=settings.rematch_until_day)
    return min(wanted, round_.closes_on - timedelta(days=1))


def rematch_open(round_: Round, *, settings: Settings, today: date) -> bool:
    """Whether members of this round may still ask for someone else today."""
    return (
        settings.rematch_until_day > 0
        and round_.closed_at is None
        and today <= rematch_deadline(round_, settings=settings)
    )
