"""Organiser page for organisations: likely duplicates to merge, merges to review or split,
owned email domains, people whose domain says another organisation, parents, names; each
organisation links to its people on the participants page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from unmentor.api.deps import DatabaseDep, SettingsDep
from unmentor.clock import utcnow
from unmentor.errors import Conflict, DomainError, InvalidInput, NotFound
from unmentor.people import domains, organisations, service
from unmentor.people.normalise import organisation_key
from unmentor.rounds import merge_cost
from unmentor.sqltypes import MAX_INT
from unmentor.web.flash import flash_redirect
from unmentor.web.forms import require_csrf
from unmentor.web.organiser import HOME, require_organiser_page
from unmentor.web.rendering import render

ORGANISATIONS_PATH = f"{HOME}/organisations"
DONE = {
    "merged": "Merged. The pairs formed across the two before the merge are listed below.",
    "split": "Split: the people the merge moved, and still there, are back.",
    "domain": "Domains saved.",
    "parent": "Parent saved.",
    "renamed": "Renamed.",
}
Id = Annotated[int, Form(ge=1, le=MAX_INT)]

pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_organiser_page)])
actions = APIRouter(
    include_in_schema=False, dependencies=[Depends(require_organiser_page), Depends(require_csrf)]
)


def _page(
    request: Request, database, settings, status_code: int = 200, search: str = "", **context
) -> Response:
    with database.read_session() as session:
        counts = organisations.organisation_counts(session=session)
        names = {o.id: o.name for o in counts}
        key = organisation_key(search) if search.strip() else ""
        shown = [o for o in counts if key in organisation_key(o.name)] if key else counts
        merges = [
            (m, merge_cost.pairs_across(session=session, merge_id=m.id))
            for m in organisations.merges(session=session)
        ]
        context = {
            "error": None,
            "duplicates": organisations.likely_duplicates(
                session=session, webmail=settings.webmail
            ),
            "merges": merges,
            "counts": shown,
            "search": search,
            "names": names,
            "parents": organisations.parents(session=session),
            "owned": domains.all_domains(session=session),
            "suggested": domains.suggested_domains(session=session, webmail=settings.webmail),
            "mismatches": domains.mismatches(session=session),
            **context,
        }
    return render(request, "organiser_organisations.html", status_code=status_code, **context)


@pages.get(ORGANISATIONS_PATH, response_class=HTMLResponse)
def organisations_page(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    return _page(request, database, settings, search=q)


def _act(request, database, settings, work, done: str) -> Response:
    try:
        with database.session() as session:
            work(session)
    except DomainError as error:
        status_code = (
            404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 422
        )
        return _page(request, database, settings, status_code=status_code, error=error.message)
    return flash_redirect(request, ORGANISATIONS_PATH, DONE[done])


@actions.post(f"{ORGANISATIONS_PATH}/merge")
def merge(
    request: Request, database: DatabaseDep, settings: SettingsDep, source_id: Id, target_id: Id
) -> Response:
    return _act(
        request,
        database,
        settings,
        lambda session: organisations.merge(
            session=session, source_id=source_id, target_id=target_id, now=utcnow()
        ),
        "merged",
    )


@actions.post(f"{ORGANISATIONS_PATH}/split")
def split(request: Request, database: DatabaseDep, settings: SettingsDep, merge_id: Id) -> Response:
    return _act(
        request,
        database,
        settings,
        lambda session: organisations.split(session=session, merge_id=merge_id, now=utcnow()),
        "split",
    )


@actions.post(f"{ORGANISATIONS_PATH}/domains")
def add_domain(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    organisation_id: Id,
    domain: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    return _act(
        request,
        database,
        settings,
        lambda session: domains.add_domain(
            session=session,
            organisation_id=organisation_id,
            domain=domain,
            webmail=settings.webmail,
            now=utcnow(),
        ),
        "domain",
    )


@actions.post(f"{ORGANISATIONS_PATH}/domains/remove")
def remove_domain(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    organisation_id: Id,
    domain: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    return _act(
        request,
        database,
        settings,
        lambda session: domains.remove_domain(
            session=session, organisation_id=organisation_id, domain=domain
        ),
        "domain",
    )


@actions.post(f"{ORGANISATIONS_PATH}/parent")
def set_parent(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    organisation_id: Id,
    parent: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    def work(session) -> None:
        parent_id = None
        if parent.strip():
            found = service.find_organisation(session=session, name=parent)
            if found is None:
                raise NotFound(f"No organisation called {parent.strip()!r}.")
            parent_id = found.id
        organisations.set_parent(
            session=session, organisation_id=organisation_id, parent_id=parent_id
        )

    return _act(request, database, settings, work, "parent")


@actions.post(f"{ORGANISATIONS_PATH}/rename")
def rename(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    organisation_id: Id,
    name: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    def work(session) -> None:
        if not name.strip():
            raise InvalidInput("Please give the organisation a name.", field="name")
        organisation = service.get_organisation(session=session, organisation_id=organisation_id)
        service.rename_organisation(session=session, organisation=organisation, name=name)

    return _act(request, database, settings, work, "renamed")
