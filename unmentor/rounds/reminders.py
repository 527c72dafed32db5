"""Reminders and re-sent introductions: the same answer links, at most one reminder a round."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, select

from unmentor.errors import Conflict, NotFound
from unmentor.organisers import audit
from unmentor.rounds.emails import group_email_rows, write_outbox_rows
from unmentor.rounds.history import first_meetings
from unmentor.rounds.members import groups_with_people, meetings_of
from unmentor.rounds.models import Round, RoundMember
from unmentor.rounds.rematch_rules import rematch_open
from unmentor.settings import Settings

# A second-chance group is not reminded within a week of its introduction.
SECOND_CHANCE_QUIET_DAYS = 7


def send_due_reminders(*, session: Session, settings: Settings, today: date, now: datetime) -> int:
    """Queue one reminder for each member of an open round who has not answered yet.

    A first group's reminder offers "ask for someone else" while the round still allows it.
    """
    due = session.exec(
        select(Round).where(Round.closed_at.is_(None), Round.reminder_on <= today)
    ).all()
    queued = 0
    for round_ in due:
        waiting = session.exec(
            select(
                RoundMember.participant_id,
                RoundMember.group_no,
                RoundMember.chance,
                RoundMember.joined_at,
            ).where(
                RoundMember.round_id == round_.id,
                RoundMember.outcome.is_(None),
                RoundMember.reminded_at.is_(None),
            )
        ).all()
        quiet_since = now - timedelta(days=SECOND_CHANCE_QUIET_DAYS)
        to_remind = {
            (group_no, pid)
            for pid, group_no, chance, joined_at in waiting
            if chance == 1 or joined_at is None or joined_at <= quiet_since
        }
        if not to_remind:
            continue
        groups = groups_with_people(
            session=session, round_id=round_.id, group_nos={g for g, _ in to_remind}
        )
        meetings = meetings_of(groups)
        # First groups share the round's forming time; each second-chance group has its own.
        batches: dict[datetime, dict[int, list]] = defaultdict(dict)
        for group_no, members in groups.items():
            batches[members[0][0].group_formed_at(round_)][group_no] = members
        rows = []
        for formed_at, batch in batches.items():
            rows += group_email_rows(
                template="reminder",
                key_prefix="reminder",
                round_id=round_.id,
                period_key=round_.period,
                closes_on=round_.closes_on,
                groups=[[person for _, person in group] for group in batch.values()],
                settings=settings,
                now=now,
                recipient_rows=to_remind,
                group_nos=list(batch),
                formed_at=formed_at,
                meetings=meetings,
                chances={g: members[0][0].chance for g, members in batch.items()},
                offer_rematch=rematch_open(round_, settings=settings, today=today),
            )
        write_outbox_rows(session, rows)
        for chance in {members[0][0].chance for members in groups.values()}:
            session.exec(
                update(RoundMember)
                .where(
                    RoundMember.round_id == round_.id,
                    RoundMember.chance == chance,
                    RoundMember.participant_id.in_(
                        {pid for g, pid in to_remind if groups[g][0][0].chance == chance}
                    ),
                    RoundMember.reminded_at.is_(None),
                )
                .values(reminded_at=now)
            )
        queued += len(rows)
    return queued


def record_past_reminders(*, session: Session, today: date) -> int:
    """Count every reminder whose day has passed as sent, without queueing any.

    For history written after the fact (the demo): otherwise the scheduler's first run would
    send, weeks late, one reminder to everyone in an open round who had not answered by its
    reminder day. Returns how many members were marked.
    """
    marked = 0
    for round_ in session.exec(select(Round).where(Round.reminder_on <= today)).all():
        at = datetime.combine(round_.reminder_on, time(9), tzinfo=UTC)
        result = session.exec(
            update(RoundMember)
            .where(
                RoundMember.round_id == round_.id,
                RoundMember.reminded_at.is_(None),
                or_(RoundMember.answered_at.is_(None), RoundMember.answered_at > at),
            )
            .values(reminded_at=at)
        )
        marked += result.rowcount or 0
    return marked


def resend_introduction(
    *, session: Session, settings: Settings, round_: Round, participant_id: int, now: datetime
) -> None:
    """Queue the introduction again for one member (lost it, or it bounced).

    For someone given a second chance, the introduction of their latest group.
    """
    if round_.closed_at is not None:
        raise Conflict(f"Round {round_.number} is closed.")
    member = session.exec(
        select(RoundMember)
        .where(RoundMember.round_id == round_.id, RoundMember.participant_id == participant_id)
        .order_by(RoundMember.chance.desc())
    ).first()
    if member is None:
        raise NotFound(f"Participant {participant_id} is not in round {round_.number}.")
    group = groups_with_people(session=session, round_id=round_.id, group_nos={member.group_no})
    audit.record(
        session=session,
        action=audit.Action.resend,
        target=f"round {round_.number}",
        detail=f"introduction to participant {participant_id}",
        now=now,
    )
    people = [person for _, person in group[member.group_no]]
    rows = group_email_rows(
        template="introduction",
        key_prefix=f"intro-again-{now:%Y%m%d%H%M%S%f}",
        round_id=round_.id,
        period_key=round_.period,
        closes_on=round_.closes_on,
        groups=[people],
        settings=settings,
        now=now,
        recipients={participant_id},
        group_nos=[member.group_no],
        formed_at=member.group_formed_at(round_),
        meetings=meetings_of(group),
        chances={member.group_no: member.chance},
        first_met=first_meetings(
            session=session, groups=[[p.id for p in people]], round_number=round_.number
        ),
    )
    write_outbox_rows(session, rows)
