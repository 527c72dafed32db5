"""JSON routes for organisations that are really one: suggestions, duplicates, merges, domains.

Paths beside /organisations/{id}, not under it, so that no other method of that route claims them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from unmentor.api.deps import DatabaseDep, OrganiserOnly, PathId, SettingsDep, StrictQuery
from unmentor.api.errors import error_responses
from unmentor.clock import utcnow
from unmentor.people import domains, organisations, service, suggestions
from unmentor.people.models import OrganisationMerge
from unmentor.people.schemas import (
    CrossPairPublic,
    DomainMismatch,
    LikelyDuplicatePublic,
    MergePublic,
    MergeRequest,
    OrganisationDetail,
    OrganisationPublic,
    OrganisationSuggestion,
    ParentUpdate,
)
from unmentor.rounds import merge_cost

public = APIRouter(prefix="/api/v1", tags=["sign-up"], dependencies=[StrictQuery])
organiser = APIRouter(
    prefix="/api/v1",
    tags=["organisations"],
    dependencies=[OrganiserOnly, StrictQuery],
    responses=error_responses(400, 401, 403),
)


@public.get(
    "/organisation-suggestions",
    response_model=list[OrganisationSuggestion],
    responses=error_responses(422),
)
def suggest(
    database: DatabaseDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200, description="What the person typed so far.")] = "",
    email: Annotated[
        str, Query(max_length=320, description="Their email (only its domain is used).")
    ] = "",
) -> list[OrganisationSuggestion]:
    """Existing organisations matching what was typed, for the sign-up form.

    Only organisations with a confirmed member are offered, a few at a time, by name alone.
    """
    with database.read_session() as session:
        return suggestions.suggest(
            session=session, typed=q, email=email, limit=settings.organisation_suggestions
        )


def merge_public(session, record: OrganisationMerge) -> MergePublic:
    """The API view of a merge, with the pairs it shows were formed across the two."""
    pairs = merge_cost.pairs_across(session=session, merge_id=record.id)
    return MergePublic(
        **record.model_dump(exclude={"pairs_across"}),
        pairs_across=[CrossPairPublic(**vars(p)) for p in pairs],
    )


@organiser.get("/organisation-duplicates", response_model=list[LikelyDuplicatePublic])
def likely_duplicates(database: DatabaseDep, settings: SettingsDep) -> list[LikelyDuplicatePublic]:
    """Pairs of organisations that are probably one, with why and how many people each has."""
    with database.read_session() as session:
        found = organisations.likely_duplicates(session=session, webmail=settings.webmail)
    return [
        LikelyDuplicatePublic(
            first=OrganisationPublic(
                id=d.first.id, name=d.first.name, participants=d.first.members
            ),
            second=OrganisationPublic(
                id=d.second.id, name=d.second.name, participants=d.second.members
            ),
            reason=d.reason,
        )
        for d in found
    ]


@organiser.get("/organisation-mismatches", response_model=list[DomainMismatch])
def mismatches(database: DatabaseDep) -> list[DomainMismatch]:
    """People whose email domain is owned by another organisation than the one they gave."""
    with database.read_session() as session:
        return [DomainMismatch(**vars(m)) for m in domains.mismatches(session=session)]


@organiser.post(
    "/organisation-merges",
    status_code=status.HTTP_201_CREATED,
    response_model=MergePublic,
    responses=error_responses(404, 409, 422),
)
def merge(data: MergeRequest, database: DatabaseDep) -> MergePublic:
    """Merge `source_id` into `target_id`: members move, the source's name becomes an alias."""
    with database.session() as session:
        record = organisations.merge(
            session=session, source_id=data.source_id, target_id=data.target_id, now=utcnow()
        )
        return merge_public(session, record)


@organiser.get("/organisation-merges", response_model=list[MergePublic])
def list_merges(database: DatabaseDep) -> list[MergePublic]:
    """Every merge, newest first, with the pairs formed across the two before it."""
    with database.read_session() as session:
        return [merge_public(session, r) for r in organisations.merges(session=session)]


@organiser.post(
    "/organisation-merges/{merge_id}/split",
    response_model=MergePublic,
    responses=error_responses(404, 409, 422),
)
def split(merge_id: PathId, database: DatabaseDep) -> MergePublic:
    """Undo a merge where it still can be: the people it moved, and still there, move back."""
    with database.session() as session:
        organisations.split(session=session, merge_id=merge_id, now=utcnow())
        return merge_public(session, session.get_one(OrganisationMerge, merge_id))


@organiser.get(
    "/organisations/{organisation_id}/detail",
    response_model=OrganisationDetail,
    responses=error_responses(404, 422),
)
def detail(organisation_id: PathId, database: DatabaseDep) -> OrganisationDetail:
    """One organisation with its parent and owned domains."""
    with database.read_session() as session:
        organisation = service.get_organisation(session=session, organisation_id=organisation_id)
        counted = service.organisation_public(session=session, organisation=organisation)
        return OrganisationDetail(
            **counted.model_dump(),
            parent_id=organisation.parent_id,
            domains=domains.domains_of(session=session, organisation_id=organisation_id),
        )


@organiser.put(
    "/organisations/{organisation_id}/parent",
    response_model=OrganisationDetail,
    responses=error_responses(404, 409, 422),
)
def set_parent(organisation_id: PathId, data: ParentUpdate, database: DatabaseDep):
    """Place an organisation inside a parent (`separate_by = "parent"` then keeps them apart)."""
    with database.session() as session:
        organisations.set_parent(
            session=session, organisation_id=organisation_id, parent_id=data.parent_id
        )
    return detail(organisation_id, database)


@organiser.put(
    "/organisations/{organisation_id}/domains/{domain}",
    response_model=OrganisationDetail,
    responses=error_responses(404, 409, 422),
)
def add_domain(
    organisation_id: PathId,
    domain: Annotated[str, Path(max_length=255)],
    database: DatabaseDep,
    settings: SettingsDep,
):
    """Give an email domain to an organisation (never public webmail)."""
    with database.session() as session:
        domains.add_domain(
            session=session,
            organisation_id=organisation_id,
            domain=domain,
            webmail=settings.webmail,
            now=utcnow(),
        )
    return detail(organisation_id, database)


@organiser.delete(
    "/organisations/{organisation_id}/domains/{domain}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(404, 422),
)
def remove_domain(
    organisation_id: PathId, domain: Annotated[str, Path(max_length=255)], database: DatabaseDep
) -> Response:
    """Take an email domain away from an organisation."""
    with database.session() as session:
        domains.remove_domain(session=session, organisation_id=organisation_id, domain=domain)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
