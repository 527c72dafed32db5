"""Opening, finding and ending sign-in sessions.

The browser holds a random 256-bit id; only its SHA-256 is stored, so the table alone opens
nothing. A session names its participant by foreign key, and erasing the participant deletes
the row, so a kept cookie can never reach whoever is given a later id.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from unmentor.organisers.actor import SHARED_TOKEN, Actor
from unmentor.organisers.models import Organiser
from unmentor.security import hash_token, new_token
from unmentor.sessions.models import SessionKind, SignInSession
from unmentor.settings import Settings

ORGANISER_HOURS = 12


def organiser_key(settings: Settings) -> str:
    """What an organiser session remembers of the token it was opened with.

    Keyed with the secret key, so a leaked table does not let anyone test guesses of a
    short organiser token; changing either secret ends every organiser session.
    """
    return hmac.new(
        settings.secret_key.get_secret_value().encode(),
        b"organiser-session:" + settings.organiser_token.get_secret_value().encode(),
        hashlib.sha256,
    ).hexdigest()


def open_for_participant(
    *, session: Session, participant_id: int, settings: Settings, now: datetime
) -> str:
    """A new session for the participant; returns the id to put in the cookie."""
    token = new_token()
    session.add(
        SignInSession(
            token_hash=hash_token(token),
            kind=SessionKind.participant,
            participant_id=participant_id,
            created_at=now,
            expires_at=now + timedelta(days=settings.session_days),
        )
    )
    session.flush()
    return token


def open_for_organiser(*, session: Session, settings: Settings, now: datetime) -> str:
    """A new organiser session, valid for a working day or until the token changes."""
    token = new_token()
    session.add(
        SignInSession(
            token_hash=hash_token(token),
            kind=SessionKind.organiser,
            organiser_key=organiser_key(settings),
            created_at=now,
            expires_at=now + timedelta(hours=ORGANISER_HOURS),
        )
    )
    session.flush()
    return token


def open_for_named_organiser(*, session: Session, organiser_id: int, now: datetime) -> str:
    """A new session for an organiser signed in by emailed link, for a working day."""
    token = new_token()
    session.add(
        SignInSession(
            token_hash=hash_token(token),
            kind=SessionKind.organiser,
            organiser_id=organiser_id,
            created_at=now,
            expires_at=now + timedelta(hours=ORGANISER_HOURS),
        )
    )
    session.flush()
    return token


def organiser_actor(
    *, session: Session, token: str, settings: Settings, now: datetime
) -> Actor | None:
    """Who this organiser session id signs in: a named organiser, the shared token, or None.

    A shared-token session counts only while `organiser_token_signs_in` allows it and the
    token is unchanged; a named one only while the organiser is not removed.
    """
    row = _live(session, token, SessionKind.organiser, now)
    if row is None:
        return None
    if row.organiser_id is None:
        if settings.organiser_token_signs_in and hmac.compare_digest(
            row.organiser_key or "", organiser_key(settings)
        ):
            return SHARED_TOKEN
        return None
    found = session.get(Organiser, row.organiser_id)
    if found is None or found.removed_at is not None:
        return None
    return Actor(id=found.id, name=found.name, role=found.role)


def _live(session: Session, token: str, kind: SessionKind, now: datetime) -> SignInSession | None:
    # Refuse junk before hashing: our ids are 43 characters.
    if not token or len(token) > 100:
        return None
    row = session.exec(
        select(SignInSession).where(
            SignInSession.token_hash == hash_token(token), SignInSession.kind == kind
        )
    ).first()
    if row is None or row.expires_at <= now:
        return None
    return row


def participant_for(*, session: Session, token: str, now: datetime) -> int | None:
    """The participant signed in with this session id, or None."""
    row = _live(session, token, SessionKind.participant, now)
    return row.participant_id if row is not None else None


def end(*, session: Session, token: str) -> None:
    """End one session (signing out on this browser)."""
    session.exec(delete(SignInSession).where(SignInSession.token_hash == hash_token(token)))


def end_all_for(*, session: Session, participant_id: int, keep: str | None = None) -> int:
    """End the participant's sessions on every browser (but `keep`'s); returns how many."""
    statement = delete(SignInSession).where(SignInSession.participant_id == participant_id)
    if keep:
        statement = statement.where(SignInSession.token_hash != hash_token(keep))
    return session.exec(statement).rowcount or 0


def forget_expired(*, session: Session, now: datetime) -> int:
    """Delete sessions that have expired; returns how many."""
    expired = session.exec(delete(SignInSession).where(SignInSession.expires_at <= now))
    return expired.rowcount or 0


def forget_stale_organiser_sessions(*, session: Session, settings: Settings) -> int:
    """Delete organiser sessions opened with a token that is no longer the organiser's."""
    result = session.exec(
        delete(SignInSession).where(
            SignInSession.kind == SessionKind.organiser,
            SignInSession.organiser_id.is_(None),
            SignInSession.organiser_key != organiser_key(settings),
        )
    )
    return result.rowcount or 0
