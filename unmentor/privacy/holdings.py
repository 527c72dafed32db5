"""How each place that holds personal data is erased and shown in the download.

One pair of small functions per place; `registry.py` lists them in the order erasure runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, select

from unmentor import ratelimit
from unmentor.blocking import service as blocking
from unmentor.blocking.models import BlockedPair
from unmentor.links.models import LinkToken
from unmentor.mail.models import OutboxMention, OutboxMessage
from unmentor.mail.transports import eml_filename
from unmentor.people.membership import email_rate_key
from unmentor.people.models import (
    Organisation,
    OrganisationMerge,
    OrganisationMergeMember,
    Participant,
)
from unmentor.rounds.departures import rewrite_for_group_as_it_is, tell_groupmates
from unmentor.rounds.models import Round, RoundMember, RoundSitOut
from unmentor.sessions.models import SignInSession
from unmentor.settings import Settings
from unmentor.stories import service as stories
from unmentor.stories.models import Story


@dataclass
class Erasure:
    """One erasure in progress: what the steps share."""

    session: Session
    settings: Settings
    participant: Participant
    now: datetime
    # Files of the file transport to delete: copies of mail to or naming the person.
    mail_files: set[str] = field(default_factory=set)
    deleted_files: int = 0


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- story: a few sentences about a conversation --------------------------------------------


def erase_stories(erasure: Erasure) -> None:
    # Their own stories, and every groupmate's story of a conversation with them: it is
    # about them too. Runs before the memberships it finds the groups by are deleted.
    stories.delete_for_groups_of(session=erasure.session, participant_id=erasure.participant.id)


def export_stories(session: Session, participant: Participant) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Story, Round.number)
        .join(Round, Round.id == Story.round_id)
        .where(Story.participant_id == participant.id)
        .order_by(Round.number)
    ).all()
    return [
        {
            "round": number,
            "text": story.text,
            "shown_as": story.attribution.value,
            "status": story.status.value,
            "edited_by_organisers": story.edited,
            "shared_at": iso(story.created_at),
            "decided_at": iso(story.decided_at),
        }
        for story, number in rows
    ]


# --- round_member ----------------------------------------------------------------------------


def erase_memberships(erasure: Erasure) -> None:
    # Groupmates in open rounds hear first, while the group still lists the person.
    tell_groupmates(
        session=erasure.session,
        settings=erasure.settings,
        participant=erasure.participant,
        now=erasure.now,
    )
    # A groupmate's not-met comment may name the person ("Sam never replied"): it goes too,
    # while their answer and reason stay.
    groups = erasure.session.exec(
        select(RoundMember.round_id, RoundMember.group_no).where(
            RoundMember.participant_id == erasure.participant.id
        )
    ).all()
    for round_id, group_no in groups:
        erasure.session.exec(
            update(RoundMember)
            .where(
                RoundMember.round_id == round_id,
                RoundMember.group_no == group_no,
                RoundMember.comment.is_not(None),
            )
            .values(comment=None)
        )
    erasure.session.exec(
        delete(RoundMember).where(RoundMember.participant_id == erasure.participant.id)
    )
    erasure.session.flush()


def export_memberships(session: Session, participant: Participant) -> list[dict[str, Any]]:
    mine = session.exec(
        select(Round, RoundMember)
        .join(RoundMember, RoundMember.round_id == Round.id)
        .where(RoundMember.participant_id == participant.id)
        .order_by(Round.number, RoundMember.chance)
    ).all()
    rounds = []
    for round_, member in mine:
        partners = session.exec(
            select(Participant.name)
            .join(RoundMember, RoundMember.participant_id == Participant.id)
            .where(
                RoundMember.round_id == round_.id,
                RoundMember.group_no == member.group_no,
                RoundMember.participant_id != participant.id,
            )
        ).all()
        rounds.append(
            {
                "round": round_.number,
                "period": round_.period,
                "met_with": sorted(partners),
                "your_answer": member.outcome.value if member.outcome else None,
                "reason": member.reason.value if member.reason else None,
                "time_picked": iso(member.meeting_at),
                "comment": member.comment,
                # A group formed during the round among members who asked for someone else.
                "second_chance_group": member.chance > 1,
                "asked_for_someone_else": (
                    member.second_chance.value if member.second_chance else None
                ),
                "asked_at": iso(member.second_chance_asked_at),
            }
        )
    return rounds


# --- round_sitout ----------------------------------------------------------------------------


def erase_sit_outs(erasure: Erasure) -> None:
    erasure.session.exec(
        delete(RoundSitOut).where(RoundSitOut.participant_id == erasure.participant.id)
    )


def export_sit_outs(session: Session, participant: Participant) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Round.number, RoundSitOut.reason)
        .join(RoundSitOut, RoundSitOut.round_id == Round.id)
        .where(RoundSitOut.participant_id == participant.id)
        .order_by(Round.number)
    ).all()
    return [{"round": number, "reason": reason} for number, reason in rows]


# --- blocked_pair: never-match lists ---------------------------------------------------------


def erase_blocked_pairs(erasure: Erasure) -> None:
    """Their own requests, and every request naming them, by id or by a typed address."""
    person = erasure.participant
    erasure.session.exec(
        delete(BlockedPair).where(
            or_(
                BlockedPair.participant_id == person.id,
                BlockedPair.other_id == person.id,
                BlockedPair.other_email == person.email,
            )
        )
    )


def export_blocked_pairs(session: Session, participant: Participant) -> list[dict[str, Any]]:
    # Only what they asked, naming the other only as they could already know them (an
    # address they typed, a past partner). Requests naming *them* stay confidential.
    partners = blocking.past_partners(session=session, participant_id=participant.id)
    rows = session.exec(
        select(BlockedPair)
        .where(BlockedPair.participant_id == participant.id)
        .order_by(BlockedPair.created_at, BlockedPair.id)
    ).all()
    return [
        {
            "never_introduce_to": row.other_email
            or partners.get(row.other_id, "someone you have not been introduced to"),
            "added_by": row.source.value,
            "added_at": iso(row.created_at),
        }
        for row in rows
    ]


# --- outbox_mention: mail to others that names the person ------------------------------------


def erase_mentions(erasure: Erasure) -> None:
    """Unsent mail the recipient still needs is rewritten without them; the rest is dropped."""
    session = erasure.session
    naming = session.exec(
        select(OutboxMessage)
        .join(OutboxMention, OutboxMention.message_id == OutboxMessage.id)
        .where(OutboxMention.participant_id == erasure.participant.id)
    ).all()
    dropped = []
    for message in naming:
        erasure.mail_files.add(eml_filename(message.idempotency_key))
        rewritten = message.sent_at is None and rewrite_for_group_as_it_is(
            session=session, settings=erasure.settings, message=message, now=erasure.now
        )
        if not rewritten:
            dropped.append(message.id)
    if dropped:
        session.exec(delete(OutboxMention).where(OutboxMention.message_id.in_(dropped)))
        session.exec(delete(OutboxMessage).where(OutboxMessage.id.in_(dropped)))
    session.exec(
        delete(OutboxMention).where(OutboxMention.participant_id == erasure.participant.id)
    )


def export_mentions(session: Session, participant: Participant) -> dict[str, int]:
    # Only a count: the emails themselves belong to the people they were sent to.
    count = session.exec(
        select(func.count())
        .select_from(OutboxMention)
        .where(OutboxMention.participant_id == participant.id)
    ).one()
    return {"emails_to_others_naming_you": count}


# --- outbox_message: mail to the person ------------------------------------------------------


def erase_own_mail(erasure: Erasure) -> None:
    session = erasure.session
    mine = OutboxMessage.participant_id == erasure.participant.id
    keys = session.exec(select(OutboxMessage.idempotency_key).where(mine)).all()
    erasure.mail_files.update(eml_filename(key) for key in keys)
    session.exec(
        delete(OutboxMention).where(
            OutboxMention.message_id.in_(select(OutboxMessage.id).where(mine))
        )
    )
    session.exec(delete(OutboxMessage).where(mine))
    # Mail addressed to them without a participant id (none today) goes by address.
    session.exec(delete(OutboxMessage).where(OutboxMessage.to_address == erasure.participant.email))


def export_own_mail(session: Session, participant: Participant) -> list[dict[str, Any]]:
    emails = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.participant_id == participant.id)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ).all()
    return [
        {
            # Every key starts with the template's name: "login", "introduction" ...
            "kind": m.idempotency_key.partition(":")[0],
            # The relay forgets subject and body once the email is sent.
            "subject": m.subject or None,
            "queued_at": iso(m.created_at),
            "sent_at": iso(m.sent_at),
        }
        for m in emails
    ]


# --- .eml files of the file transport --------------------------------------------------------


def erase_mail_files(erasure: Erasure) -> None:
    """Delete the copies of mail to or naming the person, and any file with their address."""
    directory = Path(erasure.settings.mail_dir)
    if not directory.is_dir():
        return
    address = erasure.participant.email.lower().encode()
    for path in directory.glob("*.eml"):
        try:
            # Files written before mentions were recorded are found by the address they hold.
            doomed = path.name in erasure.mail_files or address in path.read_bytes().lower()
            if doomed:
                path.unlink()
                erasure.deleted_files += 1
        except FileNotFoundError:  # the relay or another erasure got there first
            continue


# --- link_token, sign_in_session, rate_limit_counter -----------------------------------------


def erase_links(erasure: Erasure) -> None:
    erasure.session.exec(
        delete(LinkToken).where(LinkToken.participant_id == erasure.participant.id)
    )


def export_links(session: Session, participant: Participant) -> list[dict[str, Any]]:
    links = session.exec(
        select(LinkToken)
        .where(LinkToken.participant_id == participant.id)
        .order_by(LinkToken.created_at, LinkToken.id)
    ).all()
    return [
        {
            "purpose": link.purpose.value,
            "sent_at": iso(link.created_at),
            "expires_at": iso(link.expires_at),
            "used_at": iso(link.used_at),
        }
        for link in links
    ]


def erase_sessions(erasure: Erasure) -> None:
    erasure.session.exec(
        delete(SignInSession).where(SignInSession.participant_id == erasure.participant.id)
    )


def export_sessions(session: Session, participant: Participant) -> list[dict[str, Any]]:
    rows = session.exec(
        select(SignInSession)
        .where(SignInSession.participant_id == participant.id)
        .order_by(SignInSession.created_at, SignInSession.id)
    ).all()
    return [{"signed_in_at": iso(r.created_at), "expires_at": iso(r.expires_at)} for r in rows]


def erase_rate_counters(erasure: Erasure) -> None:
    ratelimit.forget(
        session=erasure.session, key=email_rate_key(erasure.participant.email, erasure.settings)
    )


# --- participant and organisation ------------------------------------------------------------


def erase_participant(erasure: Erasure) -> None:
    erasure.session.exec(delete(Participant).where(Participant.id == erasure.participant.id))


def export_participant(session: Session, participant: Participant) -> dict[str, Any]:
    organisation = (
        None
        if participant.organisation_id is None
        else session.get(Organisation, participant.organisation_id)
    )
    return {
        "name": participant.name,
        "email": participant.email,
        "organisation": organisation.name if organisation else None,
        "sector": participant.sector,
        "status": participant.status.value,
        "paused_until": iso(participant.paused_until),
        "joined_on": iso(participant.joined_on),
        "usually_free": participant.free_times.split(",") if participant.free_times else [],
        "time_zone": participant.time_zone,
        "rhythm": participant.rhythm,
        "about_me": participant.about_me,
        "signed_up_at": iso(participant.created_at),
        "privacy_notice_version_shown": participant.privacy_notice_version,
    }


def erase_merge_moves(erasure: Erasure) -> None:
    erasure.session.exec(
        delete(OrganisationMergeMember).where(
            OrganisationMergeMember.participant_id == erasure.participant.id
        )
    )


def export_merge_moves(session: Session, participant: Participant) -> list[dict[str, Any]]:
    rows = session.exec(
        select(OrganisationMerge)
        .join(OrganisationMergeMember, OrganisationMergeMember.merge_id == OrganisationMerge.id)
        .where(OrganisationMergeMember.participant_id == participant.id)
        .order_by(OrganisationMerge.merged_at)
    ).all()
    return [
        {
            "from": merge.source_name,
            "to": merge.target_name,
            "merged_at": iso(merge.merged_at),
            "split_at": iso(merge.split_at),
        }
        for merge in rows
    ]


def erase_empty_organisation(erasure: Erasure) -> None:
    organisation_id = erasure.participant.organisation_id
    if organisation_id is None:
        return
    remaining = erasure.session.exec(
        select(func.count()).where(Participant.organisation_id == organisation_id)
    ).one()
    if remaining == 0:
        erasure.session.exec(delete(Organisation).where(Organisation.id == organisation_id))
