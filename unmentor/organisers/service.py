"""Adding, listing and removing organisers, and signing them in by emailed link."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from unmentor.errors import Conflict, InvalidInput, LinkInvalid, NotFound
from unmentor.links.urls import absolute
from unmentor.mail.compose import compose
from unmentor.mail.outbox import enqueue
from unmentor.organisers import audit
from unmentor.organisers.models import Organiser, OrganiserApiToken, OrganiserLink, OrganiserRole
from unmentor.people.normalise import normalise_email, required_text
from unmentor.security import hash_token, new_token
from unmentor.sessions.models import SignInSession
from unmentor.settings import Settings

ORGANISER_LOGIN_PATH = "/organiser/login"


def _email_key(email: str) -> str:
    try:
        return normalise_email(email)
    except ValueError as error:
        raise InvalidInput(f"email {error}", field="email") from None


def _name(name: str, max_length: int = 200) -> str:
    try:
        return required_text(name, max_length=max_length)
    except ValueError as error:
        raise InvalidInput(f"name {error}", field="name") from None


def active_count(*, session: Session) -> int:
    """How many organisers (of any role) can sign in."""
    return session.exec(
        select(func.count()).select_from(Organiser).where(Organiser.removed_at.is_(None))
    ).one()


def active_organiser_emails(*, session: Session) -> list[str]:
    """The addresses of active organisers with the organiser role, for service alerts."""
    return list(
        session.exec(
            select(Organiser.email)
            .where(Organiser.removed_at.is_(None), Organiser.role == OrganiserRole.organiser)
            .order_by(Organiser.id)
        ).all()
    )


def list_all(*, session: Session) -> list[Organiser]:
    """Every organiser, active first, then by name."""
    rows = session.exec(select(Organiser)).all()
    return sorted(rows, key=lambda o: (o.removed_at is not None, o.name.lower(), o.id))


def get_active(*, session: Session, organiser_id: int) -> Organiser | None:
    found = session.get(Organiser, organiser_id)
    return found if found is not None and found.removed_at is None else None


def add(
    *,
    session: Session,
    name: str,
    email: str,
    role: OrganiserRole,
    settings: Settings,
    now: datetime,
) -> Organiser:
    """Add (or bring back) an organiser and email them a sign-in link."""
    name = _name(name)
    key = _email_key(email)
    found = session.exec(select(Organiser).where(Organiser.email == key)).first()
    if found is not None and found.removed_at is None:
        raise Conflict(f"{key} is already an organiser.")
    if found is None:
        found = Organiser(name=name, email=key, role=role, created_at=now)
    else:
        found.name, found.role, found.removed_at = name, role, None
    session.add(found)
    session.flush()
    audit.record(
        session=session,
        action=audit.Action.organiser_added,
        target=f"organiser {found.id}",
        detail=f"{name} as {role.value}",
        now=now,
    )
    send_link(
        session=session, organiser=found, settings=settings, now=now, template="organiser_invite"
    )
    return found


def remove(*, session: Session, organiser_id: int, now: datetime) -> Organiser:
    """Remove an organiser: their sessions, links and tokens stop working at once."""
    found = get_active(session=session, organiser_id=organiser_id)
    if found is None:
        raise NotFound(f"No organiser {organiser_id}.")
    others = session.exec(
        select(func.count())
        .select_from(Organiser)
        .where(
            Organiser.removed_at.is_(None),
            Organiser.role == OrganiserRole.organiser,
            Organiser.id != organiser_id,
        )
    ).one()
    if found.role == OrganiserRole.organiser and others == 0:
        # Nobody would be left to invite anyone: only the shared token's bootstrap could.
        raise Conflict("The last organiser cannot be removed; add another first.")
    found.removed_at = now
    session.add(found)
    session.exec(delete(SignInSession).where(SignInSession.organiser_id == organiser_id))
    session.exec(delete(OrganiserLink).where(OrganiserLink.organiser_id == organiser_id))
    session.exec(
        update(OrganiserApiToken)
        .where(
            OrganiserApiToken.organiser_id == organiser_id,
            OrganiserApiToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    audit.record(
        session=session,
        action=audit.Action.organiser_removed,
        target=f"organiser {organiser_id}",
        detail=found.name,
        now=now,
    )
    return found


def send_link(
    *,
    session: Session,
    organiser: Organiser,
    settings: Settings,
    now: datetime,
    template: str = "organiser_login",
) -> None:
    """Put a single-use sign-in link for `organiser` in the outbox (never sent here)."""
    token = new_token()
    session.add(
        OrganiserLink(
            token_hash=hash_token(token),
            organiser_id=organiser.id,
            created_at=now,
            expires_at=now + timedelta(minutes=settings.login_link_minutes),
        )
    )
    session.flush()
    email = compose(
        template,
        name=organiser.name,
        role=organiser.role.value,
        link=absolute(settings.base_url, ORGANISER_LOGIN_PATH, token),
        minutes=settings.login_link_minutes,
    )
    enqueue(
        session=session,
        idempotency_key=f"{template}:{hash_token(token)[:32]}",
        to_address=organiser.email,
        email=email,
        participant_id=None,
        now=now,
    )


def request_link(*, session: Session, email: str, settings: Settings, now: datetime) -> None:
    """Email a sign-in link if `email` is an active organiser's; silent otherwise."""
    try:
        key = _email_key(email)
    except InvalidInput:
        return
    found = session.exec(
        select(Organiser).where(Organiser.email == key, Organiser.removed_at.is_(None))
    ).first()
    if found is not None:
        send_link(session=session, organiser=found, settings=settings, now=now)


def check_link(*, session: Session, token: str, now: datetime) -> OrganiserLink:
    """The usable link for `token`; LinkInvalid says why it is not."""
    link = None
    if token and len(token) <= 100:
        link = session.exec(
            select(OrganiserLink).where(OrganiserLink.token_hash == hash_token(token))
        ).first()
    if link is None:
        raise LinkInvalid("This link is not valid. Please ask for a new one.")
    if link.used_at is not None:
        raise LinkInvalid("This link has already been used. Please ask for a new one.")
    if link.expires_at <= now:
        raise LinkInvalid("This link has expired. Please ask for a new one.")
    return link


def redeem_link(*, session: Session, token: str, now: datetime) -> Organiser:
    """Use up a sign-in link and return its organiser; a link works once."""
    link = check_link(session=session, token=token, now=now)
    used = session.exec(
        update(OrganiserLink)
        .where(OrganiserLink.id == link.id, OrganiserLink.used_at.is_(None))
        .values(used_at=now)
    )
    if used.rowcount != 1:
        raise LinkInvalid("This link has already been used. Please ask for a new one.")
    found = get_active(session=session, organiser_id=link.organiser_id)
    if found is None:
        raise LinkInvalid("This account has been removed.")
    return found


def forget_expired_links(*, session: Session, now: datetime) -> int:
    """Delete organiser links that can no longer be used; returns how many."""
    result = session.exec(delete(OrganiserLink).where(OrganiserLink.expires_at <= now))
    return result.rowcount or 0
