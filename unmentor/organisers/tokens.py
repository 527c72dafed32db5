"""Named API tokens: created once (shown once), stored hashed, revocable, last-used time.

A token is 256 random bits, so storing its plain SHA-256 is enough: a slow password hash
defends guessable secrets, and there is nothing here to guess. Looking a token up by its
hash is one indexed read, cheap enough for every API request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, select

from unmentor.errors import InvalidInput, NotFound
from unmentor.organisers import audit
from unmentor.organisers.actor import Actor
from unmentor.organisers.models import Organiser, OrganiserApiToken
from unmentor.people.normalise import required_text
from unmentor.security import hash_token, new_token

# A prefix makes a leaked token recognisable (secret scanners, logs) without revealing it.
PREFIX = "umo_"
# `last_used_at` is written at most this often per token: a busy script would otherwise
# turn every read request into a write (SQLite's single writer).
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    id: int
    name: str
    secret: str  # shown once, never stored


def create(*, session: Session, organiser_id: int, name: str, now: datetime) -> NewToken:
    """A new token for the organiser; the secret is returned here and nowhere else."""
    try:
        name = required_text(name, max_length=100)
    except ValueError as error:
        raise InvalidInput(f"name {error}", field="name") from None
    secret = PREFIX + new_token()
    row = OrganiserApiToken(
        organiser_id=organiser_id, name=name, token_hash=hash_token(secret), created_at=now
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        action=audit.Action.token_created,
        target=f"token {row.id}",
        detail=f"{name} for organiser {organiser_id}",
        now=now,
    )
    return NewToken(id=row.id, name=name, secret=secret)


def list_for(*, session: Session, organiser_id: int) -> list[OrganiserApiToken]:
    """The organiser's tokens, newest first (revoked ones too, marked)."""
    return list(
        session.exec(
            select(OrganiserApiToken)
            .where(OrganiserApiToken.organiser_id == organiser_id)
            .order_by(OrganiserApiToken.created_at.desc(), OrganiserApiToken.id.desc())
        ).all()
    )


def revoke(*, session: Session, organiser_id: int, token_id: int, now: datetime) -> None:
    """Revoke one of the organiser's own tokens; it stops working on the next request."""
    row = session.get(OrganiserApiToken, token_id)
    if row is None or row.organiser_id != organiser_id:
        raise NotFound(f"No token {token_id}.")
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
        audit.record(
            session=session,
            action=audit.Action.token_revoked,
            target=f"token {token_id}",
            detail=row.name,
            now=now,
        )


def actor_for(*, session: Session, secret: str) -> tuple[Actor, int, datetime | None] | None:
    """The organiser a live token belongs to, the token's id and when it was last noted."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    row = session.exec(
        select(OrganiserApiToken, Organiser)
        .join(Organiser, Organiser.id == OrganiserApiToken.organiser_id)
        .where(
            OrganiserApiToken.token_hash == hash_token(secret),
            OrganiserApiToken.revoked_at.is_(None),
            Organiser.removed_at.is_(None),
        )
    ).first()
    if row is None:
        return None
    token, organiser = row
    return (
        Actor(id=organiser.id, name=organiser.name, role=organiser.role),
        token.id,
        token.last_used_at,
    )


def note_use(*, session: Session, token_id: int, now: datetime) -> None:
    """Set the last-used time unless it was set less than LAST_USED_EVERY ago.

    The guard is in the UPDATE itself, so two workers racing write once at most.
    """
    session.exec(
        update(OrganiserApiToken)
        .where(
            OrganiserApiToken.id == token_id,
            or_(
                OrganiserApiToken.last_used_at.is_(None),
                OrganiserApiToken.last_used_at <= now - LAST_USED_EVERY,
            ),
        )
        .values(last_used_at=now)
    )


def due_for_note(last_used: datetime | None, now: datetime) -> bool:
    """Whether a use now should be written (read-side check, to skip the write cheaply)."""
    return last_used is None or last_used <= now - LAST_USED_EVERY
