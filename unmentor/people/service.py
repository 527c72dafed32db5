"""Queries and changes on organisations and participants, shared by the API, pages and CLI."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from unmentor.errors import Conflict, InvalidInput, NotFound
from unmentor.organisers import audit
from unmentor.people.models import Organisation, Participant, ParticipantStatus
from unmentor.people.normalise import organisation_key, tidy_text
from unmentor.people.schemas import (
    OrganisationPublic,
    OrganisationRef,
    ParticipantCreate,
    ParticipantPublic,
    ParticipantUpdate,
)

# Lookups that every sign-up makes, built once: building a statement costs more than running it.
_ORGANISATION_BY_KEY = select(Organisation).where(Organisation.name_key == bindparam("name_key"))
_PARTICIPANT_BY_EMAIL = select(Participant).where(Participant.email == bindparam("email"))


def find_organisation(*, session: Session, name: str) -> Organisation | None:
    """The organisation whose name matches `name` ignoring case and spacing."""
    key = organisation_key(name)
    return session.exec(_ORGANISATION_BY_KEY, params={"name_key": key}).first()


def get_or_create_organisation(*, session: Session, name: str, now: datetime) -> Organisation:
    """The organisation called `name` (however it is spaced or capitalised), created if new.

    A name merged into another organisation gives that one.
    """
    existing = find_organisation(session=session, name=name)
    if existing is not None:
        return _merged_target(session, existing)
    organisation = Organisation(
        name=tidy_text(name), name_key=organisation_key(name), created_at=now
    )
    # A savepoint, so that losing a race with a concurrent sign-up keeps our transaction alive.
    try:
        with session.begin_nested():
            session.add(organisation)
    except IntegrityError:
        found = find_organisation(session=session, name=name)
        if found is None:
            raise
        return _merged_target(session, found)
    return organisation


def _merged_target(session: Session, organisation: Organisation) -> Organisation:
    # Merges never form a loop (only live organisations are merged), but a bound costs nothing.
    for _ in range(100):
        if organisation.merged_into_id is None:
            break
        organisation = session.get(Organisation, organisation.merged_into_id)
    return organisation


def organisation_ids_by_key(*, session: Session) -> dict[str, int]:
    """Every organisation's id by its name key; an alias's key gives the id it was merged into."""
    rows = session.exec(
        select(Organisation.name_key, Organisation.id, Organisation.merged_into_id)
    ).all()
    merged_into = {organisation_id: into for _, organisation_id, into in rows}
    ids = {}
    for key, organisation_id, _ in rows:
        for _ in range(100):  # merges form no loops; a bound costs nothing
            if merged_into.get(organisation_id) is None:
                break
            organisation_id = merged_into[organisation_id]
        ids[key] = organisation_id
    return ids


def get_organisation(*, session: Session, organisation_id: int) -> Organisation:
    """The organisation with this id, or NotFound."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"No organisation with id {organisation_id}.")
    return organisation


def organisation_public(*, session: Session, organisation: Organisation) -> OrganisationPublic:
    """The API view of an organisation, with its participant count."""
    count = session.exec(
        select(func.count()).where(Participant.organisation_id == organisation.id)
    ).one()
    return OrganisationPublic(id=organisation.id, name=organisation.name, participants=count)


def list_organisations(
    *, session: Session, search: str | None, offset: int, limit: int
) -> tuple[list[OrganisationPublic], int]:
    """A page of organisations ordered by name, with the total that match `search`."""
    members = (
        select(Participant.organisation_id, func.count().label("n"))
        .group_by(Participant.organisation_id)
        .subquery()
    )
    # Organisations merged into others are aliases, not organisations of their own.
    live = Organisation.merged_into_id.is_(None)
    query = (
        select(Organisation, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.organisation_id == Organisation.id)
        .where(live)
    )
    count_query = select(func.count()).select_from(Organisation).where(live)
    if search:
        pattern = f"%{organisation_key(search)}%"
        query = query.where(Organisation.name_key.like(pattern))
        count_query = count_query.where(Organisation.name_key.like(pattern))
    total = session.exec(count_query).one()
    rows = session.exec(
        query.order_by(Organisation.name_key, Organisation.id).offset(offset).limit(limit)
    ).all()
    items = [OrganisationPublic(id=o.id, name=o.name, participants=n) for o, n in rows]
    return items, total


def create_organisation(*, session: Session, name: str, now: datetime) -> Organisation:
    """A new organisation; Conflict if one by that name (ignoring case and spacing) exists."""
    if find_organisation(session=session, name=name) is not None:
        raise Conflict(f"An organisation called {tidy_text(name)!r} already exists.")
    return get_or_create_organisation(session=session, name=name, now=now)


def rename_organisation(*, session: Session, organisation: Organisation, name: str) -> None:
    """Rename; Conflict if the new name is another organisation's."""
    other = find_organisation(session=session, name=name)
    if other is not None and other.id != organisation.id:
        raise Conflict(f"Another organisation is already called {tidy_text(name)!r}.")
    organisation.name = tidy_text(name)
    organisation.name_key = organisation_key(name)
    session.add(organisation)
    session.flush()


def organisation_of(*, session: Session, participant: Participant) -> Organisation | None:
    """The participant's organisation; None for someone without one."""
    if participant.organisation_id is None:
        return None
    return session.get(Organisation, participant.organisation_id)


def organisation_id_for(*, session: Session, name: str | None, now: datetime) -> int | None:
    """The id of the organisation called `name` (created if new); None when `name` is blank."""
    if not name:
        return None
    return get_or_create_organisation(session=session, name=name, now=now).id


def participant_public(*, session: Session, participant: Participant) -> ParticipantPublic:
    """The organiser's view of a participant."""
    organisation = organisation_of(session=session, participant=participant)
    return ParticipantPublic(
        id=participant.id,
        name=participant.name,
        email=participant.email,
        organisation=None
        if organisation is None
        else OrganisationRef(id=organisation.id, name=organisation.name),
        sector=participant.sector,
        status=participant.status,
        paused_until=participant.paused_until,
        joined_on=participant.joined_on,
        rhythm=participant.rhythm,
        about_me=participant.about_me,
        created_at=participant.created_at,
    )


def get_participant(*, session: Session, participant_id: int) -> Participant:
    """The participant with this id, or NotFound."""
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFound(f"No participant with id {participant_id}.")
    return participant


def find_by_email(*, session: Session, email: str) -> Participant | None:
    """The participant with this (already normalised) email."""
    return session.exec(_PARTICIPANT_BY_EMAIL, params={"email": email}).first()


def list_participants(
    *,
    session: Session,
    search: str | None = None,
    status: ParticipantStatus | None = None,
    organisation_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Participant], int]:
    """A page of participants ordered by name, and how many match in all."""
    conditions = []
    if search:
        pattern = f"%{search.strip().lower()}%"
        conditions.append(
            or_(func.lower(Participant.name).like(pattern), Participant.email.like(pattern))
        )
    if status is not None:
        conditions.append(Participant.status == status)
    if organisation_id is not None:
        conditions.append(Participant.organisation_id == organisation_id)
    total = session.exec(select(func.count()).select_from(Participant).where(*conditions)).one()
    items = session.exec(
        select(Participant)
        .where(*conditions)
        .order_by(func.lower(Participant.name), Participant.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return list(items), total


def create_participant(
    *, session: Session, data: ParticipantCreate, now: datetime, default_rhythm: int = 1
) -> Participant:
    """Add a participant as an organiser would; Conflict if the email is taken."""
    if find_by_email(session=session, email=data.email) is not None:
        raise Conflict("A participant with this email already exists.")
    active = data.status == ParticipantStatus.active
    participant = Participant(
        name=data.name,
        email=data.email,
        organisation_id=organisation_id_for(session=session, name=data.organisation, now=now),
        sector=data.sector,
        status=data.status,
        joined_on=(data.joined_on or now.date()) if active else data.joined_on,
        rhythm=data.rhythm or default_rhythm,
        about_me=data.about_me,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(participant)
    except IntegrityError:
        raise Conflict("A participant with this email already exists.") from None
    audit.record(
        session=session,
        action=audit.Action.participant_added,
        target=f"participant {participant.id}",
        now=now,
    )
    return participant


def update_participant(
    *, session: Session, participant: Participant, data: ParticipantUpdate, now: datetime
) -> Participant:
    """Apply an organiser's change; only the fields given change."""
    changes = data.model_dump(exclude_unset=True)
    if "email" in changes and changes["email"] != participant.email:
        if find_by_email(session=session, email=changes["email"]) is not None:
            raise Conflict("A participant with this email already exists.")
        participant.email = changes["email"]
    if changes.get("name") is not None:
        participant.name = changes["name"]
    if "sector" in changes:
        participant.sector = changes["sector"]
    if changes.get("rhythm") is not None:
        participant.rhythm = changes["rhythm"]
    if "about_me" in changes:
        participant.about_me = changes["about_me"]
    if "organisation" in changes:
        participant.organisation_id = organisation_id_for(
            session=session, name=changes["organisation"], now=now
        )
    status = changes.get("status")
    if status is not None or "paused_until" in changes:
        _apply_status(
            participant,
            status=status or participant.status,
            paused_until=changes.get("paused_until", participant.paused_until),
            today=now.date(),
        )
    participant.updated_at = now
    session.add(participant)
    session.flush()
    # Which fields, never their values: the log must hold nothing erasure would miss.
    audit.record(
        session=session,
        action=audit.Action.participant_changed,
        target=f"participant {participant.id}",
        detail=", ".join(sorted(changes)),
        now=now,
    )
    return participant


def _apply_status(
    participant: Participant, *, status: ParticipantStatus, paused_until: date | None, today: date
) -> None:
    if status == ParticipantStatus.paused:
        if paused_until is None:
            raise InvalidInput("Pausing needs a paused_until date.", field="paused_until")
        if paused_until <= today:
            raise InvalidInput("paused_until must be a date after today.", field="paused_until")
        participant.paused_until = paused_until
    else:
        participant.paused_until = None
    if status == ParticipantStatus.active and participant.joined_on is None:
        participant.joined_on = today
    participant.status = status
