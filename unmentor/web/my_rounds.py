"""What /me shows of a person's rounds: this round's partners with the answer buttons, and
everyone they were introduced to before."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from unmentor.people.free_times import zone
from unmentor.rounds import times
from unmentor.rounds.emails import period_name
from unmentor.rounds.history import MyRound
from unmentor.rounds.tokens import outcome_token
from unmentor.settings import Settings

# How a past round's meeting reads: the group's outcome, as organisers count it.
OUTCOME_LABELS = {
    "met": "met",
    "not_met": "did not meet",
    "unconfirmed": "unconfirmed (nobody answered)",
}


@dataclass(frozen=True)
class CurrentRound:
    """An open round, with what its answer buttons and meeting time need."""

    round: MyRound
    period: str
    # The token of the member's emailed answer links: the buttons lead to the same pages.
    token: str
    meeting: str | None  # the picked time, in the person's own time zone


def page_context(
    *, rounds: list[MyRound], participant_id: int, time_zone: str | None, settings: Settings
) -> dict[str, Any]:
    """The template values for `rounds` (as `rounds_of` returns them)."""
    where = zone(time_zone, settings.time_zone)
    secret = settings.secret_key.get_secret_value()
    return {
        "current_rounds": [
            CurrentRound(
                round=r,
                period=period_name(r.period),
                token=outcome_token(secret, r.round_id, participant_id, r.chance),
                meeting=times.in_words(r.meeting_at, where) if r.meeting_at else None,
            )
            for r in rounds
            if r.is_open
        ],
        "past_rounds": [(r, period_name(r.period)) for r in rounds if not r.is_open],
        "outcome_labels": OUTCOME_LABELS,
    }
