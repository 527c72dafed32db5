"""Organiser pages for people: find and filter them, add one, fix details, pause, resume, erase.

Thin: the queries are unmentor.people.directory's, the changes the same services the API uses.
Every action lands on a page that says what happened (unmentor.web.flash); erasing asks first,
on a page of its own, since it cannot be undone.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from unmentor.api.deps import DatabaseDep, PathId, SettingsDep
from unmentor.clock import utcnow
from unmentor.errors import Conflict, DomainError, InvalidInput, readable_message
from unmentor.people import directory, service
from unmentor.people.models import NO_ORGANISATION, ParticipantStatus
from unmentor.people.schemas import ParticipantCreate, ParticipantUpdate
from unmentor.privacy import erasure
from unmentor.rounds import welcome
from unmentor.rounds.rhythm import LABELS as RHYTHM_LABELS
from unmentor.sqltypes import MAX_INT
from unmentor.web.flash import flash_redirect
from unmentor.web.forms import require_csrf
from unmentor.web.organiser import HOME, require_organiser_page
from unmentor.web.rendering import render

PEOPLE_PATH = f"{HOME}/participants"
STATUS_LABELS = {
    ParticipantStatus.active.value: "Taking part",
    ParticipantStatus.paused.value: "Paused",
    ParticipantStatus.pending.value: "Not confirmed yet",
    ParticipantStatus.left.value: "Left",
}
# What a pause lasts unless the organiser picks another end.
DEFAULT_PAUSE_DAYS = 90
Text = Annotated[str, Form(max_length=2000)]

pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_organiser_page)])
actions = APIRouter(
    include_in_schema=False, dependencies=[Depends(require_organiser_page), Depends(require_csrf)]
)


def _person_path(participant_id: int) -> str:
    return f"{PEOPLE_PATH}/{participant_id}"


def _status(value: str) -> ParticipantStatus | None:
    return ParticipantStatus(value) if value in STATUS_LABELS else None


@pages.get(PEOPLE_PATH, response_class=HTMLResponse)
def people_page(
    request: Request,
    database: DatabaseDep,
    q: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
    organisation: Annotated[str, Query(max_length=200)] = "",
    organisation_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    unknown_organisation = None
    with database.read_session() as session:
        if organisation_id is not None:
            found = service.get_organisation(session=session, organisation_id=organisation_id)
            organisation = found.name
        elif organisation.strip():
            named = directory.organisation_named(session=session, name=organisation)
            if named is None:
                unknown_organisation = organisation.strip()
            else:
                organisation_id = named.id
        people = directory.search_people(
            session=session,
            search=q,
            status=_status(status),
            organisation_id=organisation_id,
            offset=(page - 1) * directory.PER_PAGE,
            limit=directory.PER_PAGE,
        )
    if unknown_organisation is not None:
        people = directory.PeoplePage([], 0, 0, directory.PER_PAGE)
    filters = {"q": q, "status": status, "organisation": organisation}
    kept = {key: value for key, value in filters.items() if value}
    return _list_page(
        request,
        people=people,
        filters=filters,
        unknown_organisation=unknown_organisation,
        page=page,
        previous_link=f"?{urlencode({**kept, 'page': page - 1})}" if page > 1 else None,
        next_link=f"?{urlencode({**kept, 'page': page + 1})}" if people.has_next else None,
    )


def _list_page(request: Request, *, status_code: int = 200, **context) -> HTMLResponse:
    context = {
        "people": directory.PeoplePage([], 0, 0, directory.PER_PAGE),
        "filters": {"q": "", "status": "", "organisation": ""},
        "unknown_organisation": None,
        "page": 1,
        "previous_link": None,
        "next_link": None,
        "values": {},
        "errors": {},
        "adding": False,
        **context,
    }
    return render(
        request,
        "organiser_participants.html",
        status_code=status_code,
        statuses=STATUS_LABELS,
        no_organisation=NO_ORGANISATION,
        rhythms=RHYTHM_LABELS,
        welcome=request.app.state.settings.welcome_imported_people,
        **context,
    )


def _detail(
    request: Request,
    database,
    participant_id: int,
    *,
    status_code: int = 200,
    values: dict | None = None,
    errors: dict | None = None,
) -> HTMLResponse:
    with database.read_session() as session:
        person = service.get_participant(session=session, participant_id=participant_id)
        organisation = service.organisation_of(session=session, participant=person)
    today = utcnow().date()
    shown = {
        "name": person.name,
        "email": person.email,
        "organisation": organisation.name if organisation else "",
        "sector": person.sector or "",
        "rhythm": str(person.rhythm),
        **(values or {}),
    }
    return render(
        request,
        "organiser_participant.html",
        status_code=status_code,
        person=person,
        organisation=organisation,
        values=shown,
        errors=errors or {},
        statuses=STATUS_LABELS,
        rhythms=RHYTHM_LABELS,
        pause_until=(today + timedelta(days=DEFAULT_PAUSE_DAYS)).isoformat(),
        tomorrow=(today + timedelta(days=1)).isoformat(),
        list_path=PEOPLE_PATH,
    )


@pages.get(f"{PEOPLE_PATH}/{{participant_id}}", response_class=HTMLResponse)
def person_page(request: Request, participant_id: PathId, database: DatabaseDep) -> HTMLResponse:
    return _detail(request, database, participant_id)


def _field_errors(error: ValidationError) -> dict[str, str]:
    return {str(problem["loc"][0]): readable_message(problem) for problem in error.errors()}


def _rhythm(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@actions.post(PEOPLE_PATH, response_class=HTMLResponse)
def add_person(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    name: Text = "",
    email: Text = "",
    organisation: Text = "",
    sector: Text = "",
    rhythm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    values = {"name": name, "email": email, "organisation": organisation, "sector": sector}
    errors: dict[str, str] = {}
    try:
        data = ParticipantCreate(**values, rhythm=_rhythm(rhythm))
    except ValidationError as error:
        errors = _field_errors(error)
    else:
        now = utcnow()
        try:
            with database.session() as session:
                person, welcomed = welcome.add_participant(
                    session=session, data=data, settings=settings, now=now
                )
                person_id, person_name = person.id, person.name
        except Conflict as error:
            errors = {"email": error.message}
        else:
            said = f"Added {person_name}: they take part from the next round."
            if welcomed:
                said += " A welcome email is on its way to them."
            return flash_redirect(request, _person_path(person_id), said)
    return _list_page(
        request, status_code=422, values={**values, "rhythm": rhythm}, errors=errors, adding=True
    )


@actions.post(f"{PEOPLE_PATH}/{{participant_id}}", response_class=HTMLResponse)
def edit_person(
    request: Request,
    participant_id: PathId,
    database: DatabaseDep,
    name: Text = "",
    email: Text = "",
    organisation: Text = "",
    sector: Text = "",
    rhythm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    values = {"name": name, "email": email, "organisation": organisation, "sector": sector}
    try:
        changes = ParticipantUpdate(**values, rhythm=_rhythm(rhythm))
    except ValidationError as error:
        return _detail(
            request,
            database,
            participant_id,
            status_code=422,
            values={**values, "rhythm": rhythm},
            errors=_field_errors(error),
        )
    try:
        with database.session() as session:
            directory.edit_person(
                session=session, participant_id=participant_id, changes=changes, now=utcnow()
            )
    except Conflict as error:
        return _detail(
            request,
            database,
            participant_id,
            status_code=409,
            values={**values, "rhythm": rhythm},
            errors={"email": error.message},
        )
    return flash_redirect(request, _person_path(participant_id), "Saved.")


@actions.post(f"{PEOPLE_PATH}/{{participant_id}}/pause")
def pause_person(
    request: Request,
    participant_id: PathId,
    database: DatabaseDep,
    until: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        end = date.fromisoformat(until) if until else None
    except ValueError:
        end = None
    try:
        with database.session() as session:
            person = directory.pause_person(
                session=session, participant_id=participant_id, until=end, now=utcnow()
            )
            assert person.paused_until is not None  # pausing sets it (or raises)
            said = (
                f"Paused {person.name} until {person.paused_until.strftime('%-d %B %Y')}: "
                "they are left out of rounds until then."
            )
    except (Conflict, InvalidInput) as error:
        return flash_redirect(request, _person_path(participant_id), error.message, "error")
    return flash_redirect(request, _person_path(participant_id), said)


@actions.post(f"{PEOPLE_PATH}/{{participant_id}}/resume")
def resume_person(request: Request, participant_id: PathId, database: DatabaseDep) -> Response:
    try:
        with database.session() as session:
            person = directory.resume_person(
                session=session, participant_id=participant_id, now=utcnow()
            )
            said = f"{person.name} takes part again from the next round."
    except Conflict as error:
        return flash_redirect(request, _person_path(participant_id), error.message, "error")
    return flash_redirect(request, _person_path(participant_id), said)


@pages.get(f"{PEOPLE_PATH}/{{participant_id}}/erase", response_class=HTMLResponse)
def erase_page(request: Request, participant_id: PathId, database: DatabaseDep) -> HTMLResponse:
    with database.read_session() as session:
        person = service.get_participant(session=session, participant_id=participant_id)
    return render(request, "organiser_erase.html", person=person, list_path=PEOPLE_PATH)


@actions.post(f"{PEOPLE_PATH}/{{participant_id}}/erase")
def erase_person(
    request: Request,
    participant_id: PathId,
    database: DatabaseDep,
    settings: SettingsDep,
    confirmed: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    if confirmed != "yes":
        # Only the confirmation page's form says yes: anything else goes there first.
        return flash_redirect(
            request,
            f"{_person_path(participant_id)}/erase",
            "Please confirm the erasure: it cannot be undone.",
            "error",
        )
    with database.read_session() as session:
        name = service.get_participant(session=session, participant_id=participant_id).name
    try:
        erasure.erase_person(
            database=database, participant_id=participant_id, settings=settings, now=utcnow()
        )
    except DomainError as error:
        return flash_redirect(request, _person_path(participant_id), error.message, "error")
    return flash_redirect(
        request,
        PEOPLE_PATH,
        f"Erased {name}: everything held about them is gone, and anyone they were due to meet "
        "this round has been told.",
    )
