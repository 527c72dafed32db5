"""A welcome for people the organisers added (an import, the API, the organiser page, the CLI).

People who sign up themselves are welcomed when they confirm their address; people added by
someone else had their first contact from the service be an introduction to a stranger. This
email comes first: what the scheme is, when their first introduction comes, and how to pause
(also the List-Unsubscribe header) or leave. The `welcome_imported_people` setting turns it off.

An import can add 100,000 people at once, so the email is rendered once, with markers where the
name and the pause link go, and each person's copy is made by replacing the markers: rendering
two Jinja templates per person took longer than the rest of the import. A test checks that the
copies equal what `compose` makes for each person.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from markupsafe import escape
from sqlalchemy import insert
from sqlmodel import Session, col, select

from unmentor.links.urls import MANAGE_PATH, PAUSE_PATH, absolute
from unmentor.mail.compose import Email, compose
from unmentor.mail.models import OutboxMessage
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.people.schemas import ParticipantCreate
from unmentor.people.service import create_participant
from unmentor.rounds.calendar import period_of
from unmentor.rounds.emails import pause_link, unsubscribe_headers
from unmentor.rounds.models import Round
from unmentor.rounds.tokens import pause_tokens
from unmentor.settings import Settings

TEMPLATE = "added_welcome"
# Plain ASCII that no template, escaping or JSON encoding changes.
_NAME = "UNMENTOR-NAME-MARKER-6c1f"
_PAUSE = "UNMENTOR-PAUSE-MARKER-6c1f"
_MARKERS = re.compile(f"({_NAME}|{_PAUSE})")
# Characters that neither HTML escaping nor JSON changes.
_PLAIN = re.compile(r"[A-Za-z0-9 .,()\-]*")


def idempotency_key(participant_id: int) -> str:
    """One welcome per person, ever (ids are never reused)."""
    return f"added_welcome:{participant_id}"


def next_round_on(*, session: Session, settings: Settings, today: date) -> date:
    """The day the next round forms: this period's, unless it has formed already."""
    period = period_of(today, settings)
    formed = session.exec(select(Round.id).where(Round.period == period.key)).first()
    if formed is None:
        return max(period.forms_on, today)
    return period_of(period.next_starts_on, settings).forms_on


def compose_welcome(
    *, name: str, participant_id: int, settings: Settings, next_round: date
) -> Email:
    """The welcome for one person, rendered the ordinary way (the reference for `Welcomer`)."""
    return _compose(
        name,
        pause_link(settings, participant_id),
        unsubscribe_headers(settings, participant_id),
        settings,
        next_round,
    )


def _compose(
    name: str,
    pause_url: str,
    headers: tuple[tuple[str, str], ...],
    settings: Settings,
    next_round: date,
) -> Email:
    manage = absolute(settings.base_url, MANAGE_PATH)
    return compose(
        TEMPLATE,
        headers=headers,
        name=name,
        next_round=next_round.strftime("%-d %B %Y"),
        manage_url=manage,
        pause_url=pause_url,
        leave_url=f"{manage}#leave",
    )


@dataclass
class Welcomer:
    """Makes outbox rows of the welcome for many people from one rendering."""

    settings: Settings
    next_round: date
    now: datetime

    def __post_init__(self) -> None:
        # The same headers as unsubscribe_headers, with the marker for the link (a test
        # compares the copies with compose_welcome, which uses unsubscribe_headers itself).
        headers = (
            ("List-Unsubscribe", f"<{_PAUSE}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        )
        pattern = _compose(_NAME, _PAUSE, headers, self.settings, self.next_round)
        self._pause_token = pause_tokens(self.settings.secret_key.get_secret_value())
        self._pause_base = absolute(self.settings.base_url, PAUSE_PATH) + "?token="
        self._subject = pattern.subject[:300]
        # Cut once at the markers: joining the pieces copies each text once, where replacing
        # scanned it once per marker.
        self._body = _MARKERS.split(pattern.body)
        parts = pattern.parts()
        assert parts is not None  # the welcome email has HTML beside its text
        self._parts = _MARKERS.split(parts)

    def row(self, participant_id: int, name: str, email: str) -> dict:
        """The outbox row of one person's welcome."""
        pause = self._pause_base + self._pause_token(participant_id)
        if _PLAIN.fullmatch(name):
            in_json = name  # nothing to escape, in HTML or in JSON (most names)
        else:
            in_json = json.dumps(str(escape(name)), ensure_ascii=False)[1:-1]
        return {
            "idempotency_key": idempotency_key(participant_id),
            "participant_id": participant_id,
            "to_address": email,
            "subject": self._subject,
            "body": _fill(self._body, name, pause),
            "parts": _fill(self._parts, in_json, pause),
            "created_at": self.now,
            "send_after": self.now,
            "attempts": 0,
        }


def _fill(pieces: list[str], name: str, pause: str) -> str:
    return "".join(
        name if piece == _NAME else pause if piece == _PAUSE else piece for piece in pieces
    )


def welcomer(*, session: Session, settings: Settings, now: datetime) -> Welcomer | None:
    """A Welcomer for people added now, or None when the setting turns welcomes off."""
    if not settings.welcome_imported_people:
        return None
    return Welcomer(
        settings, next_round_on(session=session, settings=settings, today=now.date()), now
    )


def write_welcomes(*, session: Session, rows: list[dict]) -> None:
    """Insert welcome rows in bulk (their keys are new: the people are)."""
    if rows:
        session.exec(insert(OutboxMessage), params=rows)


def add_participant(
    *, session: Session, data: ParticipantCreate, settings: Settings, now: datetime
) -> tuple[Participant, bool]:
    """An organiser adds one person (page, API or command line); (them, whether welcomed).

    One place, so that however an organiser adds someone, an active person hears from the
    service before their first introduction to a stranger.
    """
    participant = create_participant(
        session=session, data=data, now=now, default_rhythm=settings.default_rhythm
    )
    welcomed = welcome_added(
        session=session, participant_ids=[participant.id], settings=settings, now=now
    )
    return participant, welcomed > 0


def welcome_added(
    *, session: Session, participant_ids: Iterable[int], settings: Settings, now: datetime
) -> int:
    """Queue a welcome for each of these people who is active; returns how many were queued.

    Paused, pending and departed people get none: their first introduction is not next.
    """
    maker = welcomer(session=session, settings=settings, now=now)
    ids = list(participant_ids)
    if maker is None or not ids:
        return 0
    people = session.exec(
        select(Participant.id, Participant.name, Participant.email).where(
            col(Participant.id).in_(ids), col(Participant.status) == ParticipantStatus.active
        )
    ).all()
    taken = set(
        session.exec(
            select(OutboxMessage.idempotency_key).where(
                col(OutboxMessage.idempotency_key).in_([idempotency_key(i) for i, _, _ in people])
            )
        ).all()
    )
    rows = [maker.row(*person) for person in people if idempotency_key(person[0]) not in taken]
    write_welcomes(session=session, rows=rows)
    return len(rows)
