"""Issuing and redeeming single-use emailed links."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from unmentor.errors import LinkInvalid
from unmentor.links.models import LinkPurpose, LinkToken
from unmentor.security import hash_token, new_token


def issue(
    *,
    session: Session,
    participant_id: int,
    purpose: LinkPurpose,
    valid_for: timedelta,
    now: datetime,
) -> str:
    """Store a new link for the participant and return the token to put in the email."""
    token = new_token()
    # Plain SQL on the connection: a sign-up's cost is mostly the ORM's, not the database's.
    session.connection().execute(
        insert(LinkToken),
        {
            "token_hash": hash_token(token),
            "purpose": purpose,
            "participant_id": participant_id,
            "created_at": now,
            "expires_at": now + valid_for,
        },
    )
    return token


def check(*, session: Session, token: str, purpose: LinkPurpose, now: datetime) -> LinkToken:
    """The stored link for `token` if it can still be used; LinkInvalid says why not."""
    link = session.exec(
        select(LinkToken).where(
            LinkToken.token_hash == hash_token(token), LinkToken.purpose == purpose
        )
    ).first()
    if link is None:
        raise LinkInvalid("This link is not valid. Please ask for a new one.")
    if link.used_at is not None:
        raise LinkInvalid(
            "This link has already been used. Please ask for a new one.",
            used_by=link.participant_id,
        )
    if link.expires_at <= now:
        raise LinkInvalid("This link has expired. Please ask for a new one.")
    return link


def redeem(*, session: Session, token: str, purpose: LinkPurpose, now: datetime) -> int:
    """Use up the link and return its participant's id; a link works exactly once."""
    link = check(session=session, token=token, purpose=purpose, now=now)
    # The guarded UPDATE, not the check above, is what makes a link single-use when two
    # requests race with the same token.
    used = session.exec(
        update(LinkToken)
        .where(col(LinkToken.id) == link.id, col(LinkToken.used_at).is_(None))
        .values(used_at=now)
    )
    if used.rowcount != 1:
        raise LinkInvalid("This link has already been used. Please ask for a new one.")
    return link.participant_id


def forget_expired(*, session: Session, now: datetime) -> int:
    """Delete links that can no longer be used; returns how many."""
    result = session.exec(delete(LinkToken).where(col(LinkToken.expires_at) <= now))
    return result.rowcount or 0
