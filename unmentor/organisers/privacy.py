"""An organiser's own personal data: what we hold about them, and erasing it.

Organisers are not participants, so the participant registry's erasure never touches them;
these two functions are its counterpart for an organiser (`unmentor organisers data|erase`,
`GET /api/v1/organisers/me/data`). Erasure keeps the audit log's entries, as the record of
what was done, but under a placeholder name: the organiser id alone no longer names anyone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, select

from unmentor.errors import NotFound
from unmentor.mail.models import OutboxMessage
from unmentor.organisers import service
from unmentor.organisers.models import AuditEntry, Organiser, OrganiserApiToken, OrganiserLink
from unmentor.sessions.models import SignInSession


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_organiser(*, session: Session, organiser_id: int) -> dict[str, Any]:
    """Everything held about the organiser, as JSON-ready data (never a token hash)."""
    found = session.get(Organiser, organiser_id)
    if found is None:
        raise NotFound(f"No organiser {organiser_id}.")
    own_tokens = session.exec(
        select(OrganiserApiToken).where(OrganiserApiToken.organiser_id == organiser_id)
    ).all()
    entries = session.exec(
        select(AuditEntry).where(AuditEntry.organiser_id == organiser_id).order_by(AuditEntry.id)
    ).all()
    signed_in = session.exec(
        select(SignInSession).where(SignInSession.organiser_id == organiser_id)
    ).all()
    return {
        "organiser": {
            "name": found.name,
            "email": found.email,
            "role": found.role.value,
            "created_at": _iso(found.created_at),
            "removed_at": _iso(found.removed_at),
        },
        "api_tokens": [
            {
                "name": t.name,
                "created_at": _iso(t.created_at),
                "last_used_at": _iso(t.last_used_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in own_tokens
        ],
        "sessions": [{"began": _iso(s.created_at), "ends": _iso(s.expires_at)} for s in signed_in],
        "audit": [
            {"at": _iso(e.at), "action": e.action, "target": e.target, "detail": e.detail}
            for e in entries
        ],
    }


def erase_organiser(*, session: Session, organiser_id: int, now: datetime) -> None:
    """Remove the organiser and replace their name and address everywhere we keep them."""
    found = session.get(Organiser, organiser_id)
    if found is None:
        raise NotFound(f"No organiser {organiser_id}.")
    if found.removed_at is None:
        service.remove(session=session, organiser_id=organiser_id, now=now)
    placeholder = f"erased organiser {organiser_id}"
    address = found.email
    session.exec(
        update(AuditEntry)
        .where(AuditEntry.organiser_id == organiser_id)
        .values(organiser_name=placeholder)
    )
    # Entries naming them as a target ("organiser 3") keep only the id; the detail of an
    # "organiser added/removed" entry held their name.
    session.exec(
        update(AuditEntry)
        .where(AuditEntry.target == f"organiser {organiser_id}")
        .values(detail=placeholder)
    )
    session.exec(delete(OrganiserApiToken).where(OrganiserApiToken.organiser_id == organiser_id))
    session.exec(delete(OrganiserLink).where(OrganiserLink.organiser_id == organiser_id))
    session.exec(delete(SignInSession).where(SignInSession.organiser_id == organiser_id))
    session.exec(delete(OutboxMessage).where(OutboxMessage.to_address == address))
    found.name = placeholder
    found.email = f"erased-organiser-{organiser_id}@invalid"
    session.add(found)
    session.flush()
