"""Numbers about the network for organisers and the API: one entry per round, and the pool."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from unmentor.blocking import service as blocking
from unmentor.network.data import NetworkData, load_network
from unmentor.network.jobs import stats_job
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.rounds.history import earlier_pairs
from viz import LinkArrays

FEW_FRESH_PARTNERS = 3
# viz counts outcomes per link (a triad is three); organisers are shown the rounds' figures
# (unmentor.rounds.figures, per group) instead, so these link counts never reach them.
_LINK_SHARES = ("not_met_rate", "unconfirmed_rate")


def _inline(job: Callable, *args: object) -> Any:
    return job(*args)


def _figures_of(data: NetworkData, number: int) -> dict[str, Any]:
    """The round's figures, and the cumulative met rate over the rounds up to it, per group."""
    figures = data.figures.get(number)
    if figures is None:
        return {}
    upto = [f for n, f in data.figures.items() if n <= number]
    met = sum(f.met for f in upto)
    counted = sum(f.met + f.not_met + f.unconfirmed for f in upto)
    shown = figures.as_dict()
    del shown["number"]
    return {
        **shown,
        "people_this_round": shown.pop("people"),
        "cumulative_met": met,
        "cumulative_met_rate": round(met / counted, 4) if counted else None,
    }


def network_stats(
    *, session: Session, data: NetworkData | None = None, run: Callable = _inline
) -> dict[str, Any]:
    """Per-round metrics, participants by status, and who is running out of new partners.

    `data` is the network already read in this session's moment (read afresh when omitted);
    `run` is where the heavy part is computed (a worker process in the web app).
    """
    data = data or load_network(session=session)
    statuses = dict(
        session.exec(select(Participant.status, func.count()).group_by(Participant.status)).all()
    )
    active = session.exec(
        select(Participant.id, Participant.organisation_id).where(
            Participant.status == ParticipantStatus.active
        )
    ).all()
    blocked = blocking.pairs_for_matching(session=session)
    by_round, fresh = run(
        stats_job,
        data.people,
        LinkArrays.of(data.links),
        data.organisation_of,
        data.sector_of,
        [tuple(row) for row in active],
        # A partner kept apart by a never-match list is no fresh partner either.
        earlier_pairs(session=session) + blocked,
    )
    active_ids = {pid for pid, _ in active}
    kept_apart = {pid for a, b in blocked if a in active_ids and b in active_ids for pid in (a, b)}
    running_dry = sorted(pid for pid, count in fresh.items() if count < FEW_FRESH_PARTNERS)
    period_of = {r.number: r.period for r in data.rounds}
    rounds = [
        {
            **{key: value for key, value in entry.items() if key not in _LINK_SHARES},
            **_figures_of(data, entry["round_number"]),
            "period": period_of.get(entry["round_number"]),
        }
        for entry in by_round
    ]
    return {
        "participants": {status.value: statuses.get(status, 0) for status in ParticipantStatus},
        "rounds": rounds,
        "few_fresh_partners": {
            "below": FEW_FRESH_PARTNERS,
            "count": len(running_dry),
            "participant_ids": running_dry,
            # Active people kept apart from at least one other active person: "fewer new
            # partners" can come from never-match lists as well as from having met.
            "kept_apart": len(kept_apart),
        },
    }
