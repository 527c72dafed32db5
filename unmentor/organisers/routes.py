"""JSON routes for organiser accounts, their API tokens and the audit log."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from unmentor.api.deps import (
    ActorDep,
    DatabaseDep,
    Forbidden,
    NotAuthenticated,
    OrganiserOnly,
    PathId,
    SettingsDep,
    StrictQuery,
    _bearer,
    admit,
)
from unmentor.api.errors import error_responses
from unmentor.clock import utcnow
from unmentor.errors import Conflict, InvalidInput
from unmentor.organisers import audit, privacy, service, tokens
from unmentor.organisers.actor import SHARED_TOKEN
from unmentor.organisers.schemas import (
    AuditEntryPublic,
    AuditPagePublic,
    FirstOrganiser,
    OrganiserCreate,
    OrganiserPublic,
    TokenCreate,
    TokenCreated,
    TokenPublic,
)

organiser = APIRouter(
    prefix="/api/v1",
    tags=["organisers"],
    dependencies=[OrganiserOnly, StrictQuery],
    responses=error_responses(400, 401, 403, 422),
)
bootstrap = APIRouter(
    prefix="/api/v1", tags=["organisers"], responses=error_responses(400, 401, 403, 422)
)


@organiser.get("/organisers", response_model=list[OrganiserPublic])
def list_organisers(database: DatabaseDep, _actor: ActorDep) -> list[OrganiserPublic]:
    """Every organiser and viewer, removed ones last."""
    with database.read_session() as session:
        return [OrganiserPublic.of(o) for o in service.list_all(session=session)]


@organiser.post(
    "/organisers",
    status_code=status.HTTP_201_CREATED,
    response_model=OrganiserPublic,
    responses=error_responses(409),
)
def invite_organiser(
    data: OrganiserCreate, database: DatabaseDep, settings: SettingsDep, _actor: ActorDep
) -> OrganiserPublic:
    """Add an organiser or viewer; they are emailed a sign-in link."""
    with database.session() as session:
        added = service.add(
            session=session,
            name=data.name,
            email=data.email,
            role=data.role,
            settings=settings,
            now=utcnow(),
        )
        return OrganiserPublic.of(added)


@organiser.get("/organisers/me/data")
def my_data(database: DatabaseDep, actor: ActorDep) -> dict:
    """Everything held about you as an organiser (your own personal-data download)."""
    with database.read_session() as session:
        return privacy.export_organiser(session=session, organiser_id=_own(actor))


@organiser.delete(
    "/organisers/{organiser_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(404, 409),
)
def remove_organiser(organiser_id: PathId, database: DatabaseDep, _actor: ActorDep) -> Response:
    """Remove an organiser: their sessions and tokens stop working at once."""
    with database.session() as session:
        service.remove(session=session, organiser_id=organiser_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _own(actor) -> int:
    if actor.id is None:
        raise InvalidInput("The shared token has no tokens of its own: sign in as an organiser.")
    return actor.id


@organiser.get("/tokens", response_model=list[TokenPublic])
def list_tokens(database: DatabaseDep, actor: ActorDep) -> list[TokenPublic]:
    """Your own API tokens, newest first, with when each was last used."""
    with database.read_session() as session:
        return [
            TokenPublic.of(t) for t in tokens.list_for(session=session, organiser_id=_own(actor))
        ]


@organiser.post("/tokens", status_code=status.HTTP_201_CREATED, response_model=TokenCreated)
def create_token(data: TokenCreate, database: DatabaseDep, actor: ActorDep) -> TokenCreated:
    """A new named token for you; its secret is in this answer and nowhere else."""
    with database.session() as session:
        made = tokens.create(
            session=session, organiser_id=_own(actor), name=data.name, now=utcnow()
        )
    return TokenCreated(id=made.id, name=made.name, token=made.secret)


@organiser.delete(
    "/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(404)
)
def revoke_token(token_id: PathId, database: DatabaseDep, actor: ActorDep) -> Response:
    """Revoke one of your tokens."""
    with database.session() as session:
        tokens.revoke(session=session, organiser_id=_own(actor), token_id=token_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@organiser.get("/audit", response_model=AuditPagePublic)
def audit_log(
    database: DatabaseDep,
    _actor: ActorDep,
    page: Annotated[int, Query(ge=1, le=100_000, description="1-based page number.")] = 1,
) -> AuditPagePublic:
    """Who did what, newest first, 50 to a page."""
    with database.read_session() as session:
        found = audit.page(session=session, number=page)
    return AuditPagePublic(
        items=[AuditEntryPublic.of(e) for e in found.entries],
        page=found.page,
        pages=found.pages,
        total=found.total,
    )


async def require_shared_token(
    request: Request, settings: SettingsDep, credentials=Depends(_bearer)
):
    """Only the shared organiser token, which exists to create the first organiser."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated
    shared = settings.organiser_token.get_secret_value().encode()
    if not hmac.compare_digest(credentials.credentials.encode(), shared):
        raise Forbidden
    return admit(request, SHARED_TOKEN)


@bootstrap.post(
    "/first-organiser",
    status_code=status.HTTP_201_CREATED,
    response_model=OrganiserPublic,
    responses=error_responses(409),
    dependencies=[Depends(require_shared_token)],
)
def first_organiser(
    data: FirstOrganiser, database: DatabaseDep, settings: SettingsDep
) -> OrganiserPublic:
    """With the shared token, while no organiser exists: create the first one."""
    with database.session() as session:
        if service.active_count(session=session):
            raise Conflict("There are organisers already: ask one of them to invite you.")
        added = service.add(
            session=session,
            name=data.name,
            email=data.email,
            role=service.OrganiserRole.organiser,
            settings=settings,
            now=utcnow(),
        )
        return OrganiserPublic.of(added)
