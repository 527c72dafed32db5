"""The audit log: one function records an organiser action, in the action's own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from unmentor.clock import utcnow
from unmentor.organisers import actor as actors
from unmentor.organisers.models import AuditEntry


class Action(StrEnum):
    form = "form"
    reroll = "re-roll"
    close = "close"
    resend = "resend"
    import_ = "import"
    erase = "erase"
    block = "block"
    unblock = "unblock"
    settings = "settings"
    participant_added = "participant added"
    participant_changed = "participant changed"
    organisation_changed = "organisation changed"
    organiser_added = "organiser added"
    organiser_removed = "organiser removed"
    token_created = "token created"
    token_revoked = "token revoked"
    story_edited = "story edited"
    story_approved = "story approved"
    story_rejected = "story rejected"


def record(
    *,
    session: Session,
    action: Action,
    target: str = "",
    detail: str = "",
    now: datetime | None = None,
) -> None:
    """Note that the current organiser did `action` to `target`; nothing when nobody acts.

    Written in the caller's transaction, so an action that rolls back leaves no entry and
    one that commits always has one. The scheduler acts as nobody and is not recorded.
    """
    who = actors.current()
    if who is None:
        return
    session.connection().execute(
        insert(AuditEntry),
        {
            "at": now or utcnow(),
            "organiser_id": who.id,
            "organiser_name": who.name[:200],
            "action": action.value,
            "target": target[:200],
            "detail": detail[:1000],
        },
    )


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    page: int
    pages: int
    total: int


def page(*, session: Session, number: int, per_page: int = 50) -> AuditPage:
    """One page of the log, newest first (ties by id, so pages never overlap)."""
    total = session.exec(select(func.count()).select_from(AuditEntry)).one()
    pages = max(1, -(-total // per_page))
    number = min(max(1, number), pages)
    entries = session.exec(
        select(AuditEntry)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .offset((number - 1) * per_page)
        .limit(per_page)
    ).all()
    return AuditPage(entries=list(entries), page=number, pages=pages, total=total)
