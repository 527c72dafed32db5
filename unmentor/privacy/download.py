"""'Download my data': every section of the registry that can be shown."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from unmentor.people.service import get_participant
from unmentor.privacy.registry import REGISTRY


def export_data(*, session: Session, participant_id: int) -> dict[str, Any]:
    """Everything we hold about the participant, as JSON-ready data."""
    participant = get_participant(session=session, participant_id=participant_id)
    return {
        holding.section: holding.export(session, participant)
        for holding in REGISTRY
        if holding.export is not None and holding.section is not None
    }
