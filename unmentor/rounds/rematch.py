"""A second chance inside the round: someone whose group did not meet asks for someone else.

Who may ask: a member of a round's first group who is active, in an open round, on or
before the rematch day (`rematch_rules.py`), when nobody in their group has said they met —
their partner has not replied, has left, has paused or said they could not meet.

Askers are paired among themselves by the matching engine, under the same rules as a round
(different organisations, never in one group before — in any round, this one included —
and no blocked pair), as they arrive: asking runs the engine over everyone waiting, so two
compatible askers are introduced at once rather than a day later; the daily job
(`close_requests`) pairs once more (two asks racing each other each see the other as not
yet waiting) and, after the rematch day, tells whoever is still waiting kindly that nobody
could be found (both in `rematch_pairing.py`). Pairs only: a group of three needs three
compatible askers at one moment.

The first group stays on record (its red line matters to organisers); the asker joins one
more group of the same round with `chance = 2`, whose links carry the chance.

Not penalised twice: asking records "we didn't meet: partner didn't reply" for the asker
only (unless they had already answered). The silent partner's unanswered round counts once
toward the auto-pause of people who never answer, exactly as if nobody had asked; they are
not blocked, flagged or told. For the asker, a round counts as silent only when every group
they were in that round went unanswered (outcomes.py), so asking never counts against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from unmentor.errors import Conflict, LinkInvalid
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.rounds.models import (
    FIRST_CHANCE,
    SECOND_CHANCE,
    NotMetReason,
    Outcome,
    Round,
    RoundMember,
    SecondChance,
)
from unmentor.rounds.rematch_pairing import lock_round, pair_waiting
from unmentor.rounds.rematch_rules import rematch_deadline, rematch_open
from unmentor.rounds.tokens import read_rematch_token
from unmentor.settings import Settings


class State:
    """What the ask page says (and whether it offers the button)."""

    can_ask = "can_ask"
    waiting = SecondChance.waiting.value
    found = SecondChance.found.value
    not_found = SecondChance.not_found.value
    met = "met"  # someone in the group said they met: nothing to replace
    inactive = "inactive"  # the asker is paused or has left
    too_late = "too_late"
    closed = "closed"


@dataclass(frozen=True)
class Offer:
    round: Round
    participant_id: int
    name: str
    partners: list[str]
    state: str
    deadline: date
    new_partners: list[str] = field(default_factory=list)


def _first_row(session: Session, round_id: int, participant_id: int) -> RoundMember | None:
    return session.exec(
        select(RoundMember).where(
            RoundMember.round_id == round_id,
            RoundMember.participant_id == participant_id,
            RoundMember.chance == FIRST_CHANCE,
        )
    ).first()


def _names(session: Session, round_id: int, group_no: int, but: int) -> list[str]:
    return list(
        session.exec(
            select(Participant.name)
            .join(RoundMember, col(RoundMember.participant_id) == Participant.id)
            .where(
                RoundMember.round_id == round_id,
                RoundMember.group_no == group_no,
                RoundMember.participant_id != but,
            )
            .order_by(Participant.name)
        ).all()
    )


def offer(
    *, session: Session, settings: Settings, round_: Round, participant_id: int, today: date
) -> Offer:
    """Whether this member of the round may ask for someone else, or how their request stands."""
    member = _first_row(session, round_.id, participant_id)
    person = session.get(Participant, participant_id)
    if member is None or person is None:
        raise LinkInvalid("This link no longer belongs to anyone taking part.")
    answers = session.exec(
        select(RoundMember.outcome).where(
            RoundMember.round_id == round_.id, RoundMember.group_no == member.group_no
        )
    ).all()
    new_partners = []
    if member.second_chance is not None:
        state = member.second_chance.value
        second = session.exec(
            select(RoundMember.group_no).where(
                RoundMember.round_id == round_.id,
                RoundMember.participant_id == participant_id,
                RoundMember.chance == SECOND_CHANCE,
            )
        ).first()
        if second is not None:
            new_partners = _names(session, round_.id, second, participant_id)
    elif round_.closed_at is not None:
        state = State.closed
    elif Outcome.met in answers:
        state = State.met
    elif not rematch_open(round_, settings=settings, today=today):
        state = State.too_late
    elif person.status != ParticipantStatus.active:
        state = State.inactive
    else:
        state = State.can_ask
    return Offer(
        round=round_,
        participant_id=participant_id,
        name=person.name,
        partners=_names(session, round_.id, member.group_no, participant_id),
        state=state,
        deadline=rematch_deadline(round_, settings=settings),
        new_partners=new_partners,
    )


def offer_for_token(*, session: Session, settings: Settings, token: str, today: date) -> Offer:
    """The offer an emailed "ask for someone else" link leads to; LinkInvalid if none."""
    round_id, participant_id, _ = read_rematch_token(settings.secret_key.get_secret_value(), token)
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise LinkInvalid("This link no longer belongs to anyone taking part.")
    return offer(
        session=session,
        settings=settings,
        round_=round_,
        participant_id=participant_id,
        today=today,
    )


def open_offers(
    *, session: Session, settings: Settings, participant_id: int, today: date
) -> list[Offer]:
    """The person's open rounds where they may ask, or have asked: for their own page."""
    rounds = session.exec(
        select(Round)
        .join(RoundMember, col(RoundMember.round_id) == Round.id)
        .where(
            col(Round.closed_at).is_(None),
            RoundMember.participant_id == participant_id,
            RoundMember.chance == FIRST_CHANCE,
        )
        .order_by(col(Round.number))
    ).all()
    offers = [
        offer(
            session=session, settings=settings, round_=r, participant_id=participant_id, today=today
        )
        for r in rounds
    ]
    shown = {State.can_ask, State.waiting, State.found, State.not_found}
    return [o for o in offers if o.state in shown]


def ask(*, session: Session, settings: Settings, token: str, today: date, now: datetime) -> Offer:
    """Record a request for someone else and introduce the asker at once if someone fits.

    Asking twice changes nothing (a double click); asking when not allowed is a Conflict.
    """
    round_id, participant_id, _ = read_rematch_token(settings.secret_key.get_secret_value(), token)
    lock_round(session, round_id)
    current = offer_for_token(session=session, settings=settings, token=token, today=today)
    if current.state in (State.waiting, State.found, State.not_found):
        return current
    if current.state != State.can_ask:
        raise Conflict(_why_not[current.state])
    member = _first_row(session, round_id, participant_id)
    assert member is not None  # can_ask: the token's member is in the round
    member.second_chance = SecondChance.waiting
    member.second_chance_asked_at = now
    if member.outcome is None:
        member.outcome = Outcome.not_met
        member.reason = NotMetReason.no_reply
        member.answered_at = now
    session.add(member)
    session.flush()
    pair_waiting(session=session, settings=settings, round_=current.round, now=now)
    return offer_for_token(session=session, settings=settings, token=token, today=today)


_why_not = {
    State.met: "Someone in your group has said you met, so there is nobody to replace.",
    State.too_late: "It is too late in this round to ask for someone else.",
    State.closed: "This round is closed.",
    State.inactive: "Your participation is paused: resume it on your page to ask.",
}
