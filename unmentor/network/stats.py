"""Numbers about the network for organisers and the API: one entry per round, and the pool."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from unmentor.matching import Candidate, fresh_partner_counts
from unmentor.network.data import load_network
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.rounds.history import earlier_pairs
from viz import metrics_by_round

FEW_FRESH_PARTNERS = 3


def network_stats(*, session: Session) -> dict[str, Any]:
    """Per-round metrics, participants by status, and who is running out of new partners."""
    data = load_network(session=session)
    by_round = metrics_by_round(
        data.people, data.links, organisation_of=data.organisation_of, sector_of=data.sector_of
    )
    statuses = dict(
        session.exec(select(Participant.status, func.count()).group_by(Participant.status)).all()
    )
    active = session.exec(
        select(Participant.id, Participant.organisation_id).where(
            Participant.status == ParticipantStatus.active
        )
    ).all()
    fresh = fresh_partner_counts(
        [Candidate(id=pid, org=str(org)) for pid, org in active], earlier_pairs(session=session)
    )
    running_dry = sorted(pid for pid, count in fresh.items() if count < FEW_FRESH_PARTNERS)
    rounds = []
    for metrics in by_round:
        entry = metrics.as_dict()
        entry["period"] = next(r.period for r in data.rounds if r.number == metrics.round_number)
        rounds.append(entry)
    return {
        "participants": {status.value: statuses.get(status, 0) for status in ParticipantStatus},
        "rounds": rounds,
        "few_fresh_partners": {
            "below": FEW_FRESH_PARTNERS,
            "count": len(running_dry),
            "participant_ids": running_dry,
        },
    }
