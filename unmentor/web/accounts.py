"""Organiser pages for accounts: sign-in by emailed link, organisers and tokens, the audit log."""

from __future__ import annotations

import hmac
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from unmentor.api.deps import DatabaseDep, PathId, SettingsDep, admit
from unmentor.clock import utcnow
from unmentor.errors import Conflict, InvalidInput, LinkInvalid
from unmentor.organisers import audit, service, tokens
from unmentor.organisers.actor import SHARED_TOKEN
from unmentor.organisers.models import OrganiserRole
from unmentor.organisers.service import ORGANISER_LOGIN_PATH
from unmentor.sessions import service as sessions
from unmentor.web.forms import require_csrf
from unmentor.web.organiser import HOME, OrganiserPage, require_organiser_page
from unmentor.web.rendering import message_page, render, see_other, unusable_link_page
from unmentor.web.signin import keep_organiser_signed_in

ORGANISERS_PATH = f"{HOME}/organisers"
AUDIT_PATH = f"{HOME}/audit"

router = APIRouter(include_in_schema=False)
posts = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])
pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_organiser_page)])
actions = APIRouter(
    include_in_schema=False, dependencies=[Depends(require_organiser_page), Depends(require_csrf)]
)

Email = Annotated[str, Form(max_length=320)]
Name = Annotated[str, Form(max_length=200)]


@posts.post(f"{HOME}/link", response_class=HTMLResponse)
def ask_for_link(
    request: Request, database: DatabaseDep, settings: SettingsDep, email: Email = ""
) -> HTMLResponse:
    with database.session() as session:
        service.request_link(session=session, email=email, settings=settings, now=utcnow())
    # The same answer whether or not the address is an organiser's.
    return message_page(
        request,
        "Check your email",
        "If that address belongs to an organiser, a sign-in link is on its way. It works once.",
    )


@router.get(ORGANISER_LOGIN_PATH, response_class=HTMLResponse)
def login_page(request: Request, database: DatabaseDep, token: str = "") -> HTMLResponse:
    try:
        with database.read_session() as session:
            service.check_link(session=session, token=token, now=utcnow())
    except LinkInvalid as error:
        return unusable_link_page(
            request,
            error.message,
            link=(HOME, "Ask for a new link"),
        )
    # A GET never changes state: mail scanners follow links; only the button signs in.
    return render(
        request,
        "confirm.html",
        token=token,
        title="Sign in as an organiser",
        text="Press the button to sign in to the organiser pages on this browser.",
        action=ORGANISER_LOGIN_PATH,
        button="Sign in",
    )


@posts.post(ORGANISER_LOGIN_PATH)
def login_submit(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    now = utcnow()
    try:
        with database.session() as session:
            organiser = service.redeem_link(session=session, token=token, now=now)
            session_id = sessions.open_for_named_organiser(
                session=session, organiser_id=organiser.id, now=now
            )
    except LinkInvalid as error:
        return unusable_link_page(
            request,
            error.message,
            link=(HOME, "Ask for a new link"),
        )
    response = see_other(f"{HOME}/dashboard")
    keep_organiser_signed_in(response, session_id, settings)
    return response


@posts.post(f"{HOME}/first", response_class=HTMLResponse)
def first_organiser(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=500)] = "",
    name: Name = "",
    email: Email = "",
) -> HTMLResponse:
    """With the shared token and while nobody is an organiser: create the first one."""
    expected = settings.organiser_token.get_secret_value()
    if not hmac.compare_digest(token.encode(), expected.encode()):
        return render(
            request, "organiser_signin.html", status_code=403, error="That is not the token."
        )
    admit(request, SHARED_TOKEN)
    try:
        with database.session() as session:
            if service.active_count(session=session):
                raise Conflict("There are organisers already: ask one of them to invite you.")
            service.add(
                session=session,
                name=name,
                email=email,
                role=OrganiserRole.organiser,
                settings=settings,
                now=utcnow(),
            )
    except (InvalidInput, Conflict) as error:
        return render(
            request, "organiser_first.html", status_code=400, token=token, error=error.message
        )
    return message_page(
        request,
        "Check your email",
        "You are the first organiser. A sign-in link is on its way to your address.",
    )


def _organisers_page(request: Request, database, actor, *, new_token=None, error=None, status=200):
    with database.read_session() as session:
        everyone = service.list_all(session=session)
        own = tokens.list_for(session=session, organiser_id=actor.id) if actor.id else []
    return render(
        request,
        "organiser_accounts.html",
        status_code=status,
        organisers=everyone,
        me=actor,
        own_tokens=own,
        new_token=new_token,
        error=error,
        roles=[r.value for r in OrganiserRole],
    )


@pages.get(ORGANISERS_PATH, response_class=HTMLResponse)
def organisers_page(request: Request, database: DatabaseDep, actor: OrganiserPage) -> HTMLResponse:
    return _organisers_page(request, database, actor)


@actions.post(ORGANISERS_PATH, response_class=HTMLResponse)
def invite(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    actor: OrganiserPage,
    name: Name = "",
    email: Email = "",
    role: Annotated[Literal["organiser", "viewer"], Form()] = "organiser",
) -> Response:
    try:
        with database.session() as session:
            service.add(
                session=session,
                name=name,
                email=email,
                role=OrganiserRole(role),
                settings=settings,
                now=utcnow(),
            )
    except (InvalidInput, Conflict) as error:
        return _organisers_page(request, database, actor, error=error.message, status=400)
    return see_other(f"{ORGANISERS_PATH}?invited=1")


@actions.post(f"{ORGANISERS_PATH}/{{organiser_id}}/remove", response_class=HTMLResponse)
def remove(
    request: Request, organiser_id: PathId, database: DatabaseDep, actor: OrganiserPage
) -> Response:
    try:
        with database.session() as session:
            service.remove(session=session, organiser_id=organiser_id, now=utcnow())
    except Conflict as error:
        return _organisers_page(request, database, actor, error=error.message, status=409)
    return see_other(ORGANISERS_PATH)


@actions.post(f"{HOME}/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    database: DatabaseDep,
    actor: OrganiserPage,
    name: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    if actor.id is None:
        return _organisers_page(
            request, database, actor, error="Sign in by link to make tokens.", status=400
        )
    try:
        with database.session() as session:
            made = tokens.create(session=session, organiser_id=actor.id, name=name, now=utcnow())
    except InvalidInput as error:
        return _organisers_page(request, database, actor, error=error.message, status=400)
    # Rendered, not redirected: the secret is shown on this one response and never again.
    response = _organisers_page(request, database, actor, new_token=made)
    response.headers["Cache-Control"] = "no-store"
    return response


@actions.post(f"{HOME}/tokens/{{token_id}}/revoke")
def revoke_token(token_id: PathId, database: DatabaseDep, actor: OrganiserPage) -> Response:
    if actor.id is not None:
        with database.session() as session:
            tokens.revoke(session=session, organiser_id=actor.id, token_id=token_id, now=utcnow())
    return see_other(ORGANISERS_PATH)


@pages.get(AUDIT_PATH, response_class=HTMLResponse)
def audit_page(
    request: Request,
    database: DatabaseDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    with database.read_session() as session:
        found = audit.page(session=session, number=page)
    return render(request, "organiser_audit.html", log=found)
