"""A participant's usual free half-days and time zone: what they tell us, stored on their row.

Rounds use these to suggest meeting times (unmentor.rounds.times); they live with people because
setting them is something a participant does for themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
WEEKDAY_NAMES = dict(
    zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"), strict=True)
)
# Half-days in local time: a slot must start and end inside one of them.
PARTS = {"am": (time(9, 0), time(12, 0)), "pm": (time(13, 0), time(17, 0))}
PART_NAMES = {"am": "Morning (9-12)", "pm": "Afternoon (1-5)"}
HALF_DAYS = tuple(f"{day}-{part}" for day in WEEKDAYS for part in PARTS)


def parse_free_times(value: str | None) -> frozenset[str]:
    """The half-days stored as 'mon-am,thu-pm'; unknown keys are dropped."""
    if not value:
        return frozenset()
    return frozenset(key for key in value.split(",") if key in HALF_DAYS)


def store_free_times(keys: Iterable[str]) -> str | None:
    """Half-days in a stable order, for the participant row; None when none is given."""
    chosen = set(keys)
    unknown = chosen - set(HALF_DAYS)
    if unknown:
        raise ValueError(f"unknown free times: {', '.join(sorted(unknown))}")
    return ",".join(key for key in HALF_DAYS if key in chosen) or None


def zone(name: str | None, default: str) -> ZoneInfo:
    """The participant's time zone, or the default when none (or an unknown one) is set."""
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def is_time_zone(name: str) -> bool:
    return name in time_zones()


_ZONES: tuple[str, ...] = ()


def time_zones() -> tuple[str, ...]:
    """Every IANA zone name this machine knows, sorted (read once)."""
    global _ZONES
    if not _ZONES:
        _ZONES = tuple(sorted(available_timezones()))
    return _ZONES
