"""Erasing a person: every place in the registry, in one transaction, then the WAL."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from unmentor.db import Database
from unmentor.organisers import audit
from unmentor.people.service import get_participant
from unmentor.privacy.holdings import Erasure
from unmentor.privacy.registry import REGISTRY
from unmentor.settings import Settings


def erase(*, session: Session, participant_id: int, settings: Settings, now: datetime) -> Erasure:
    """Delete the person and everything held about them (NotFound if unknown).

    Anyone they were due to meet in an open round is told first; mail naming them is
    rewritten or dropped; the file transport's copies go too. The caller commits.
    """
    participant = get_participant(session=session, participant_id=participant_id)
    # By id only: the entry must not keep what the erasure removes.
    audit.record(
        session=session, action=audit.Action.erase, target=f"participant {participant_id}", now=now
    )
    erasure = Erasure(session=session, settings=settings, participant=participant, now=now)
    for holding in REGISTRY:
        if holding.erase is not None:
            holding.erase(erasure)
    session.flush()
    session.expunge(participant)
    return erasure


def erase_person(
    *, database: Database, participant_id: int, settings: Settings, now: datetime
) -> Erasure:
    """`erase` in its own transaction, then push the old page copies out of SQLite's WAL."""
    with database.session() as session:
        erasure = erase(session=session, participant_id=participant_id, settings=settings, now=now)
    database.checkpoint()
    return erasure
