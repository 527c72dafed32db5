"""What a participant does for themselves: sign up, verify, sign in by link, pause, leave.

Erasing and the personal-data download live in unmentor.privacy, above people and rounds.

Replies never reveal whether an email is known: the caller gets the same outcome either way and
the difference only shows in the email that the address's owner receives.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from unmentor import ratelimit
from unmentor.db import Database
from unmentor.errors import Conflict, InvalidInput, RateLimited
from unmentor.links import service as links
from unmentor.links.models import LinkPurpose
from unmentor.links.urls import LOGIN_PATH, MANAGE_PATH, VERIFY_PATH, absolute
from unmentor.mail.compose import compose
from unmentor.mail.outbox import enqueue
from unmentor.people import free_times
from unmentor.people.models import RHYTHMS, TAKING_PART, Participant, ParticipantStatus
from unmentor.people.schemas import SignupRequest
from unmentor.people.service import find_by_email, get_participant, organisation_id_for
from unmentor.security import hash_token
from unmentor.sessions import service as sessions
from unmentor.settings import Settings

SIGNUP_ACCEPTED = (
    "Thank you. If this address can take part, we have sent it an email with a link: "
    "please open it to confirm your address."
)
LINK_ACCEPTED = "If this address belongs to a participant, we have sent it a link."


@contextmanager
def counted_request(
    *, database: Database, email: str, client: str, settings: Settings, now: datetime
) -> Iterator[Session]:
    """A transaction for a sign-up or link request that also counts it against the limits.

    The count comes last, just before the commit: a crowd behind one address (an office, a
    proxy) all bumps one counter row, and PostgreSQL holds that row's lock from the bump to
    the commit, so counting first made every sign-up wait for the one before it to finish.
    Over a limit the work is rolled back, and the request is counted in a transaction of its
    own (refused requests must count, or a client could retry for free).
    """
    secret = settings.secret_key.get_secret_value()
    limits = {
        email_rate_key(email, settings): settings.signup_limit_per_email,
        ratelimit.hashed_key("client", client, secret=secret): settings.signup_limit_per_client,
    }
    try:
        with database.session() as session:
            yield session
            refusal = ratelimit.enforce(session=session, limits=limits, now=now)
            if refusal is not None:
                raise refusal
    except RateLimited:
        with database.session() as session:
            ratelimit.enforce(session=session, limits=limits, now=now)
        raise


def email_rate_key(email: str, settings: Settings) -> str:
    """The rate-limit key of an address (erasure deletes its counters by it)."""
    return ratelimit.hashed_key("email", email, secret=settings.secret_key.get_secret_value())


def _send_link_email(
    *,
    session: Session,
    participant: Participant,
    purpose: LinkPurpose,
    template: str,
    settings: Settings,
    now: datetime,
) -> None:
    if purpose == LinkPurpose.verify:
        valid_for = timedelta(hours=settings.verification_link_hours)
        path = VERIFY_PATH
    else:
        valid_for = timedelta(minutes=settings.login_link_minutes)
        path = LOGIN_PATH
    token = links.issue(
        session=session,
        participant_id=participant.id,
        purpose=purpose,
        valid_for=valid_for,
        now=now,
    )
    email = compose(
        template,
        name=participant.name,
        link=absolute(settings.base_url, path, token),
        hours=settings.verification_link_hours,
        minutes=settings.login_link_minutes,
    )
    enqueue(
        session=session,
        idempotency_key=f"{template}:{hash_token(token)[:32]}",
        to_address=participant.email,
        email=email,
        participant_id=participant.id,
        now=now,
    )


def _adding_participant(insert):
    return (
        insert(Participant)
        .on_conflict_do_nothing(index_elements=["email"])
        .returning(Participant.id)
    )


_ADD_PARTICIPANT = {
    "postgresql": _adding_participant(postgresql.insert),
    "sqlite": _adding_participant(sqlite.insert),
}


def sign_up(*, session: Session, request: SignupRequest, settings: Settings, now: datetime) -> None:
    """Register a new person (pending until verified) or email a known one what they need."""
    participant = find_by_email(session=session, email=request.email)
    if participant is None:
        values: dict[str, Any] = {
            "name": request.name,
            "email": request.email,
            "organisation_id": organisation_id_for(
                session=session, name=request.organisation, now=now
            ),
            "sector": request.sector,
            "privacy_notice_version": request.privacy_notice_version,
            "rhythm": request.rhythm or settings.default_rhythm,
            "about_me": request.about_me,
            "status": ParticipantStatus.pending,
            "created_at": now,
            "updated_at": now,
        }
        # Plain SQL that yields to a concurrent sign-up with the same email instead of failing
        # (no savepoint, no unit of work: this is the busiest write of a launch day).
        connection = session.connection()
        new_id = connection.execute(
            _ADD_PARTICIPANT[connection.dialect.name], values
        ).scalar_one_or_none()
        if new_id is None:
            # A concurrent sign-up with the same email won: treat this one as a repeat.
            participant = find_by_email(session=session, email=request.email)
            if participant is None:
                raise Conflict("Please try again.")
        else:
            participant = Participant(id=new_id, **values)
    if participant.status in (ParticipantStatus.pending, ParticipantStatus.left):
        # Someone who left rejoins by verifying again; their old details stay until then.
        _send_link_email(
            session=session,
            participant=participant,
            purpose=LinkPurpose.verify,
            template="verify",
            settings=settings,
            now=now,
        )
    else:
        _send_link_email(
            session=session,
            participant=participant,
            purpose=LinkPurpose.login,
            template="already_member",
            settings=settings,
            now=now,
        )


def verify(*, session: Session, token: str, settings: Settings, now: datetime) -> Participant:
    """Use a verification link: the participant becomes active and gets a welcome email."""
    participant_id = links.redeem(session=session, token=token, purpose=LinkPurpose.verify, now=now)
    participant = get_participant(session=session, participant_id=participant_id)
    if participant.status in (ParticipantStatus.pending, ParticipantStatus.left):
        participant.status = ParticipantStatus.active
        participant.paused_until = None
        participant.joined_on = participant.joined_on or now.date()
        participant.updated_at = now
        session.add(participant)
        enqueue(
            session=session,
            idempotency_key=f"welcome:{participant.id}:{hash_token(token)[:16]}",
            to_address=participant.email,
            email=compose(
                "welcome",
                name=participant.name,
                manage_url=absolute(settings.base_url, MANAGE_PATH),
            ),
            participant_id=participant.id,
            now=now,
        )
    session.flush()
    return participant


def request_link(*, session: Session, email: str, settings: Settings, now: datetime) -> None:
    """Email a sign-in link to a known participant (or a fresh verification link if pending)."""
    participant = find_by_email(session=session, email=email)
    if participant is None:
        return
    pending = participant.status == ParticipantStatus.pending
    _send_link_email(
        session=session,
        participant=participant,
        purpose=LinkPurpose.verify if pending else LinkPurpose.login,
        template="verify" if pending else "login",
        settings=settings,
        now=now,
    )


def sign_in(*, session: Session, token: str, now: datetime) -> Participant:
    """Use a sign-in link; the caller then keeps the participant signed in with a cookie."""
    participant_id = links.redeem(session=session, token=token, purpose=LinkPurpose.login, now=now)
    return get_participant(session=session, participant_id=participant_id)


def pause(
    *, session: Session, participant_id: int, until: date, settings: Settings, now: datetime
) -> Participant:
    """Leave the participant out of rounds until `until` (then they are active again)."""
    participant = get_participant(session=session, participant_id=participant_id)
    today = now.date()
    if participant.status not in TAKING_PART:
        raise Conflict("Only an active participant can pause.")
    if until <= today:
        raise InvalidInput("Choose a date after today.", field="until")
    if until > today + timedelta(days=settings.max_pause_days):
        raise InvalidInput(
            f"You can pause for at most {settings.max_pause_days} days.", field="until"
        )
    return _set_status(session, participant, ParticipantStatus.paused, until=until, now=now)


def change_organisation(
    *, session: Session, participant_id: int, organisation: str | None, now: datetime
) -> Participant:
    """Move to another organisation (an already tidied name; None: no organisation)."""
    participant = get_participant(session=session, participant_id=participant_id)
    participant.organisation_id = organisation_id_for(session=session, name=organisation, now=now)
    participant.updated_at = now
    session.add(participant)
    session.flush()
    return participant


def pause_by_unsubscribe(
    *, session: Session, participant_id: int, settings: Settings, now: datetime
) -> Participant | None:
    """A mail client's "unsubscribe": pause as long as allowed, never delete.

    Returns the participant when they are (now) paused, None when they no longer take part
    (pending, left or erased), so there is nothing to pause. A longer pause already chosen
    is kept. Repeating it changes nothing, as RFC 8058 one-click POSTs may be repeated.
    """
    participant = session.get(Participant, participant_id)
    if participant is None or participant.status not in TAKING_PART:
        return None
    until = now.date() + timedelta(days=settings.max_pause_days)
    if participant.status == ParticipantStatus.paused and participant.paused_until:
        until = max(until, participant.paused_until)
    if participant.status == ParticipantStatus.paused and participant.paused_until == until:
        return participant
    return _set_status(session, participant, ParticipantStatus.paused, until=until, now=now)


def set_free_times(
    *,
    session: Session,
    participant_id: int,
    free: list[str],
    time_zone: str | None,
    settings: Settings,
    now: datetime,
) -> Participant:
    """Keep the participant's usual free half-days and time zone, for suggesting times.

    The default zone is stored as None, so a deployment that changes its default moves
    everyone who never chose one.
    """
    participant = get_participant(session=session, participant_id=participant_id)
    try:
        participant.free_times = free_times.store_free_times(free)
    except ValueError:
        raise InvalidInput("Choose from the times shown.", field="free") from None
    if time_zone is not None and not free_times.is_time_zone(time_zone):
        raise InvalidInput("Choose a time zone from the list.", field="time_zone")
    participant.time_zone = None if time_zone in (None, settings.time_zone) else time_zone
    participant.updated_at = now
    session.add(participant)
    session.flush()
    return participant


def set_rhythm(*, session: Session, participant_id: int, rhythm: int, now: datetime) -> Participant:
    """Take part every round, every second or every third, from the next round on."""
    if rhythm not in RHYTHMS:
        raise InvalidInput("Choose every round, every second or every third.", field="rhythm")
    participant = get_participant(session=session, participant_id=participant_id)
    participant.rhythm = rhythm
    participant.updated_at = now
    session.add(participant)
    session.flush()
    return participant


def set_about_me(
    *, session: Session, participant_id: int, about_me: str | None, now: datetime
) -> Participant:
    """Change the one-line profile groupmates see in introductions (None: remove it)."""
    participant = get_participant(session=session, participant_id=participant_id)
    participant.about_me = about_me
    participant.updated_at = now
    session.add(participant)
    session.flush()
    return participant


def resume(*, session: Session, participant_id: int, now: datetime) -> Participant:
    """Take part again from the next round (after a pause, or after leaving)."""
    participant = get_participant(session=session, participant_id=participant_id)
    if participant.status == ParticipantStatus.pending:
        raise Conflict("Please confirm your email first, using the link we sent.")
    if participant.joined_on is None:
        participant.joined_on = now.date()
    return _set_status(session, participant, ParticipantStatus.active, until=None, now=now)


def leave(
    *, session: Session, participant_id: int, now: datetime, keep_session: str | None = None
) -> Participant:
    """Stop taking part; the data stays (so they can come back) until they erase it.

    Every sign-in session ends except `keep_session`, the browser that pressed the button,
    which still needs to download or erase the data, or come back.
    """
    participant = get_participant(session=session, participant_id=participant_id)
    sessions.end_all_for(session=session, participant_id=participant_id, keep=keep_session)
    return _set_status(session, participant, ParticipantStatus.left, until=None, now=now)


def _set_status(
    session: Session,
    participant: Participant,
    status: ParticipantStatus,
    *,
    until: date | None,
    now: datetime,
) -> Participant:
    participant.status = status
    participant.paused_until = until
    participant.updated_at = now
    session.add(participant)
    session.flush()
    return participant


def resume_due_pauses(*, session: Session, today: date) -> int:
    """Make active again everyone whose pause has ended; returns how many."""
    result = session.exec(
        update(Participant)
        .where(
            col(Participant.status) == ParticipantStatus.paused,
            col(Participant.paused_until) <= today,
        )
        .values(status=ParticipantStatus.active, paused_until=None)
    )
    return result.rowcount or 0
