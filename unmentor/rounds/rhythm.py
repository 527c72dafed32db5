"""Who is due in the next round, given how often each person chose to take part.

A person with rhythm k (every k-th round) is due unless they were placed in a group in one
of the last k - 1 rounds. Being due is counted from placements, not from the calendar: someone
who sat out (nobody new to meet, an odd number) or was paused is due at once, and a change of
rhythm applies to the next round without any bookkeeping.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from unmentor.people.models import RHYTHMS, Participant
from unmentor.rounds.models import Round, RoundMember

LABELS = {1: "every round", 2: "every second round", 3: "every third round"}


def next_round_number(*, session: Session) -> int:
    """The number the next round formed will get."""
    return (session.exec(select(func.max(Round.number))).one() or 0) + 1


def resting(*, session: Session, next_number: int) -> set[int]:
    """People not due in round `next_number`: placed too recently for their rhythm."""
    recent = next_number - (max(RHYTHMS) - 1)
    rows = session.exec(
        select(RoundMember.participant_id, func.max(Round.number))
        .join(Round, col(Round.id) == RoundMember.round_id)
        .join(Participant, col(Participant.id) == RoundMember.participant_id)
        # Only the last few rounds can make anyone rest, and only people who chose to.
        .where(Round.number >= recent, Round.number < next_number, Participant.rhythm > 1)
        .group_by(col(RoundMember.participant_id), col(Participant.rhythm))
        .having(func.max(Round.number) > next_number - Participant.rhythm)
    ).all()
    return {pid for pid, _ in rows}


def parse_rhythm(value: object) -> int | None:
    """1, 2 or 3 from a number or words ('every second round', 'monthly'); None if blank."""
    raw = " ".join(str(value if value is not None else "").lower().replace("-", " ").split())
    if not raw:
        return None
    if raw in _WORDS:
        return _WORDS[raw]
    try:
        number = float(raw)
    except ValueError:
        number = None
    if number is not None and number.is_integer() and int(number) in RHYTHMS:
        return int(number)
    raise ValueError(
        f"unknown rhythm {raw!r} (use 1, 2 or 3: every round, every second or every third)"
    )


_WORDS = {
    **{label: k for k, label in LABELS.items()},
    "every": 1,
    "each round": 1,
    "every 2nd round": 2,
    "every other round": 2,
    "every 3rd round": 3,
    "every second": 2,
    "every third": 3,
}
