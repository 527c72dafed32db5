"""JSON routes for sign-up (public) and for organisers managing participants and organisations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import AfterValidator

from unmentor.api.deps import (
    ClientDep,
    DatabaseDep,
    OrganiserOnly,
    PathId,
    SettingsDep,
    StrictQuery,
)
from unmentor.api.errors import error_responses
from unmentor.clock import utcnow
from unmentor.people import membership, service
from unmentor.people.models import ParticipantStatus
from unmentor.people.normalise import optional_text
from unmentor.people.schemas import (
    Accepted,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationUpdate,
    Page,
    ParticipantCreate,
    ParticipantPublic,
    ParticipantUpdate,
    SignupRequest,
)
from unmentor.privacy import erasure
from unmentor.rounds import welcome
from unmentor.sqltypes import MAX_INT

ParticipantId = PathId
OrganisationId = PathId
PageNumber = Annotated[int, Query(ge=1, le=100_000, description="1-based page number.")]
PerPage = Annotated[int, Query(ge=1, le=200, description="Items per page.")]
Search = Annotated[
    str | None,
    Query(max_length=200, description="Part of a name or email."),
    AfterValidator(lambda text: optional_text(text) if text is not None else None),
]

public = APIRouter(prefix="/api/v1", tags=["sign-up"], dependencies=[StrictQuery])
organiser = APIRouter(
    prefix="/api/v1",
    dependencies=[OrganiserOnly, StrictQuery],
    responses=error_responses(400, 401, 403),
)


@public.post(
    "/signups",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses=error_responses(400, 422, 429),
)
def sign_up(
    request: SignupRequest,
    database: DatabaseDep,
    settings: SettingsDep,
    client: ClientDep,
) -> Accepted:
    """Sign up for rounds; the same reply whether or not the email is known.

    A verification link goes to the address (or, for a member, a sign-in link).
    """
    now = utcnow()
    with membership.counted_request(
        database=database, email=request.email, client=client, settings=settings, now=now
    ) as session:
        membership.sign_up(session=session, request=request, settings=settings, now=now)
    return Accepted(detail=membership.SIGNUP_ACCEPTED)


@organiser.get(
    "/participants",
    response_model=Page[ParticipantPublic],
    tags=["participants"],
    responses=error_responses(422),
)
def list_participants(
    database: DatabaseDep,
    q: Search = None,
    status: ParticipantStatus | None = None,
    organisation_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
    page: PageNumber = 1,
    per_page: PerPage = 50,
) -> Page[ParticipantPublic]:
    """Participants ordered by name, filtered by search text, status or organisation."""
    with database.read_session() as session:
        items, total = service.list_participants(
            session=session,
            search=q,
            status=status,
            organisation_id=organisation_id,
            offset=(page - 1) * per_page,
            limit=per_page,
        )
        return Page(
            items=[service.participant_public(session=session, participant=p) for p in items],
            total=total,
            page=page,
            per_page=per_page,
        )


@organiser.post(
    "/participants",
    status_code=status.HTTP_201_CREATED,
    response_model=ParticipantPublic,
    tags=["participants"],
    responses=error_responses(409, 422),
)
def create_participant(
    data: ParticipantCreate, database: DatabaseDep, settings: SettingsDep
) -> ParticipantPublic:
    """Add a participant directly (no verification email).

    An active one gets a welcome email before their first introduction, unless the
    `welcome_imported_people` setting is off.
    """
    now = utcnow()
    with database.session() as session:
        participant, _ = welcome.add_participant(
            session=session, data=data, settings=settings, now=now
        )
        return service.participant_public(session=session, participant=participant)


@organiser.get(
    "/participants/{participant_id}",
    response_model=ParticipantPublic,
    tags=["participants"],
    responses=error_responses(404, 422),
)
def get_participant(participant_id: ParticipantId, database: DatabaseDep) -> ParticipantPublic:
    """One participant."""
    with database.read_session() as session:
        participant = service.get_participant(session=session, participant_id=participant_id)
        return service.participant_public(session=session, participant=participant)


@organiser.patch(
    "/participants/{participant_id}",
    response_model=ParticipantPublic,
    tags=["participants"],
    responses=error_responses(404, 409, 422),
)
def update_participant(
    participant_id: ParticipantId, data: ParticipantUpdate, database: DatabaseDep
) -> ParticipantPublic:
    """Change a participant's details or status; only the fields sent change."""
    with database.session() as session:
        participant = service.get_participant(session=session, participant_id=participant_id)
        service.update_participant(
            session=session, participant=participant, data=data, now=utcnow()
        )
        return service.participant_public(session=session, participant=participant)


@organiser.delete(
    "/participants/{participant_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    tags=["participants"],
    responses=error_responses(404, 422),
)
def erase_participant(
    participant_id: ParticipantId, database: DatabaseDep, settings: SettingsDep
) -> Response:
    """Erase a participant and everything held about them (as they can do themselves)."""
    erasure.erase_person(
        database=database, participant_id=participant_id, settings=settings, now=utcnow()
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@organiser.get(
    "/organisations",
    response_model=Page[OrganisationPublic],
    tags=["organisations"],
    responses=error_responses(422),
)
def list_organisations(
    database: DatabaseDep, q: Search = None, page: PageNumber = 1, per_page: PerPage = 50
) -> Page[OrganisationPublic]:
    """Organisations ordered by name, with how many participants each has."""
    with database.read_session() as session:
        items, total = service.list_organisations(
            session=session, search=q, offset=(page - 1) * per_page, limit=per_page
        )
        return Page(items=items, total=total, page=page, per_page=per_page)


@organiser.post(
    "/organisations",
    status_code=status.HTTP_201_CREATED,
    response_model=OrganisationPublic,
    tags=["organisations"],
    responses=error_responses(409, 422),
)
def create_organisation(data: OrganisationCreate, database: DatabaseDep) -> OrganisationPublic:
    """Add an organisation; names are unique ignoring case and spacing."""
    with database.session() as session:
        organisation = service.create_organisation(session=session, name=data.name, now=utcnow())
        return service.organisation_public(session=session, organisation=organisation)


@organiser.get(
    "/organisations/{organisation_id}",
    response_model=OrganisationPublic,
    tags=["organisations"],
    responses=error_responses(404, 422),
)
def get_organisation(organisation_id: OrganisationId, database: DatabaseDep) -> OrganisationPublic:
    """One organisation."""
    with database.read_session() as session:
        organisation = service.get_organisation(session=session, organisation_id=organisation_id)
        return service.organisation_public(session=session, organisation=organisation)


@organiser.patch(
    "/organisations/{organisation_id}",
    response_model=OrganisationPublic,
    tags=["organisations"],
    responses=error_responses(404, 409, 422),
)
def rename_organisation(
    organisation_id: OrganisationId, data: OrganisationUpdate, database: DatabaseDep
) -> OrganisationPublic:
    """Rename an organisation (e.g. to fix how it is written)."""
    with database.session() as session:
        organisation = service.get_organisation(session=session, organisation_id=organisation_id)
        service.rename_organisation(session=session, organisation=organisation, name=data.name)
        return service.organisation_public(session=session, organisation=organisation)
