"""Participant pages: sign up, confirm, sign in by link, and manage my membership.

A GET never changes anything: emailed links open a page with a button, because mail scanners
fetch links before people do. Every POST carries a CSRF token.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import select

from unmentor.api.deps import ClientDep, DatabaseDep, SettingsDep
from unmentor.blocking import service as blocking
from unmentor.clock import utcnow
from unmentor.errors import LinkInvalid, NotFound, readable_message
from unmentor.links import service as links
from unmentor.links.models import LinkPurpose
from unmentor.links.urls import LOGIN_PATH, MANAGE_PATH, VERIFY_PATH
from unmentor.mail.compose import in_prose
from unmentor.people import free_times, membership, suggestions
from unmentor.people.models import ABOUT_ME_MAX, NAME_MAX, TAKING_PART, Participant
from unmentor.people.normalise import normalise_email, optional_text
from unmentor.people.schemas import SignupRequest
from unmentor.people.service import get_participant, organisation_of
from unmentor.privacy import download, erasure
from unmentor.rounds import history, rematch
from unmentor.rounds.emails import rematch_link
from unmentor.rounds.rhythm import LABELS as RHYTHM_LABELS
from unmentor.sessions import service as sessions
from unmentor.web import my_rounds
from unmentor.web.flash import flash_redirect
from unmentor.web.forms import require_csrf
from unmentor.web.notice import privacy_notice, shown_version
from unmentor.web.rendering import message_page, render, see_other, unusable_link_page
from unmentor.web.signin import (
    forget_session_cookie,
    keep_signed_in,
    session_id,
    signed_in_participant,
)

# A token longer than this is not one of ours; refusing early keeps junk out of the queries.
Token = Annotated[str, Query(max_length=100)]
TokenField = Annotated[str, Form(max_length=100)]


class NotSignedIn(Exception):
    """A /me action without a valid sign-in cookie."""


def current_participant(request: Request, database: DatabaseDep) -> int:
    participant_id = signed_in_participant(request, database)
    if participant_id is None:
        raise NotSignedIn
    return participant_id


ParticipantIdDep = Annotated[int, Depends(current_participant)]
router = APIRouter(include_in_schema=False)
posts = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])


@router.get("/", response_class=HTMLResponse)
def signup_form(request: Request, settings: SettingsDep) -> HTMLResponse:
    values = {"rhythm": str(settings.default_rhythm)}
    return render(
        request,
        "signup.html",
        values=values,
        errors={},
        rhythms=RHYTHM_LABELS,
        notice=privacy_notice(settings),
    )


@posts.post("/signup", response_class=HTMLResponse)
def signup_submit(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    client: ClientDep,
    name: Annotated[str, Form(max_length=2000)] = "",
    email: Annotated[str, Form(max_length=2000)] = "",
    organisation: Annotated[str, Form(max_length=2000)] = "",
    sector: Annotated[str, Form(max_length=2000)] = "",
    privacy_notice_version: Annotated[str, Form(max_length=100)] = "",
    offered: Annotated[str, Form(max_length=10)] = "",
    rhythm: Annotated[str, Form(max_length=20)] = "",
    about_me: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    values = {
        "name": name,
        "email": email,
        "organisation": organisation,
        "sector": sector,
        "about_me": about_me,
    }
    try:
        signup = SignupRequest(
            **values,
            privacy_notice_version=shown_version(privacy_notice_version),
            rhythm=int(rhythm) if rhythm.isdigit() else None,
        )
    except ValidationError as error:
        errors = {str(e["loc"][0]): readable_message(e, to_person=True) for e in error.errors()}
        values["rhythm"] = rhythm
        return render(
            request,
            "signup.html",
            status_code=422,
            values=values,
            errors=errors,
            notice=privacy_notice(settings),
            rhythms=RHYTHM_LABELS,
        )
    if signup.organisation is None and not offered:
        # A blank organisation from an address whose domain an organisation owns: offer it
        # once, filled in (this works without JavaScript); a second blank submit is final.
        with database.read_session() as session:
            owners = suggestions.suggest(session=session, typed="", email=signup.email, limit=1)
        if owners:
            return render(
                request,
                "signup.html",
                values={**values, "organisation": owners[0].name, "rhythm": rhythm},
                errors={},
                offered=owners[0].name,
                notice=privacy_notice(settings),
                rhythms=RHYTHM_LABELS,
            )
    now = utcnow()
    with membership.counted_request(
        database=database, email=signup.email, client=client, settings=settings, now=now
    ) as session:
        membership.sign_up(session=session, request=signup, settings=settings, now=now)
    return see_other("/signup/sent")


@router.get("/signup/sent", response_class=HTMLResponse)
def signup_sent(request: Request) -> HTMLResponse:
    return message_page(request, "Check your email", membership.SIGNUP_ACCEPTED)


def _confirmed(database, participant_id: int | None) -> bool:
    """Whether this participant has confirmed their address (and has not left since)."""
    if participant_id is None:
        return False
    with database.read_session() as session:
        status = session.exec(
            select(Participant.status).where(Participant.id == participant_id)
        ).first()
    return status in TAKING_PART


def _link_page(
    request: Request, database, token: str, purpose: LinkPurpose, **context
) -> HTMLResponse:
    """The page behind an emailed link: a button if the link is usable, a reason if not."""
    try:
        with database.read_session() as session:
            links.check(session=session, token=token, purpose=purpose, now=utcnow())
    except LinkInvalid as error:
        if purpose == LinkPurpose.verify and _confirmed(database, error.used_by):
            return message_page(
                request,
                "Your email is already confirmed",
                "You have used this link before: your address is confirmed and you take part "
                "in the next round. Your page is where you pause, leave or choose how often.",
                link=("/me", "Go to my page"),
            )
        return unusable_link_page(
            request,
            error.message,
            link=("/me", "Get a new link") if purpose == LinkPurpose.login else ("/", "Sign up"),
        )
    return render(request, "confirm.html", token=token, **context)


@router.get(VERIFY_PATH, response_class=HTMLResponse)
def verify_page(request: Request, database: DatabaseDep, token: Token = "") -> HTMLResponse:
    return _link_page(
        request,
        database,
        token,
        LinkPurpose.verify,
        title="Confirm your email",
        text="Press the button to confirm your address and join the next round.",
        action=VERIFY_PATH,
        button="Confirm my email",
    )


@posts.post(VERIFY_PATH)
def verify_submit(
    database: DatabaseDep,
    settings: SettingsDep,
    token: TokenField = "",
) -> Response:
    now = utcnow()
    with database.session() as session:
        participant = membership.verify(session=session, token=token, settings=settings, now=now)
        new_session = sessions.open_for_participant(
            session=session, participant_id=participant.id, settings=settings, now=now
        )
    response = see_other(f"{MANAGE_PATH}?welcome=1")
    keep_signed_in(response, new_session, settings)
    return response


@router.get(LOGIN_PATH, response_class=HTMLResponse)
def login_page(request: Request, database: DatabaseDep, token: Token = "") -> HTMLResponse:
    return _link_page(
        request,
        database,
        token,
        LinkPurpose.login,
        title="Sign in",
        text="Press the button to manage your membership.",
        action=LOGIN_PATH,
        button="Sign in",
    )


@posts.post(LOGIN_PATH)
def login_submit(database: DatabaseDep, settings: SettingsDep, token: TokenField = "") -> Response:
    now = utcnow()
    with database.session() as session:
        participant = membership.sign_in(session=session, token=token, now=now)
        new_session = sessions.open_for_participant(
            session=session, participant_id=participant.id, settings=settings, now=now
        )
    response = see_other(MANAGE_PATH)
    keep_signed_in(response, new_session, settings)
    return response


@router.get(MANAGE_PATH, response_class=HTMLResponse)
def manage_page(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    welcome: bool = False,
    never: Literal["added", "removed"] | None = None,
    times: Literal["saved"] | None = None,
    rhythm: Literal["saved"] | None = None,
    about: Literal["saved"] | None = None,
) -> HTMLResponse:
    participant_id = signed_in_participant(request, database)
    if participant_id is None:
        response = render(request, "signin.html", error=None)
        if session_id(request):
            forget_session_cookie(response)
        return response
    try:
        with database.read_session() as session:
            participant = get_participant(session=session, participant_id=participant_id)
            organisation = organisation_of(session=session, participant=participant)
            never_list = blocking.own_entries(session=session, participant_id=participant_id)
            partners = blocking.past_partners(session=session, participant_id=participant_id)
            rounds = history.rounds_of(session=session, participant_id=participant_id)
            second_chances = [
                (
                    offer,
                    rematch_link(settings, offer.round.id, participant_id),
                    in_prose(offer.partners) or "your partner",
                )
                for offer in rematch.open_offers(
                    session=session,
                    settings=settings,
                    participant_id=participant_id,
                    today=utcnow().date(),
                )
            ]
    except NotFound:
        response = render(request, "signin.html", error=None)
        forget_session_cookie(response)
        return response
    today = utcnow().date()
    return render(
        request,
        "manage.html",
        participant=participant,
        organisation=organisation,
        welcome=welcome,
        never=never,
        rhythm_saved=rhythm == "saved",
        about_saved=about == "saved",
        about_max=ABOUT_ME_MAX,
        never_list=never_list,
        partners=partners,
        pause_from=today + timedelta(days=1),
        pause_to=today + timedelta(days=settings.max_pause_days),
        notice=privacy_notice(settings),
        times_saved=times == "saved",
        free_times=free_times.parse_free_times(participant.free_times),
        time_zone=participant.time_zone or settings.time_zone,
        time_zones=free_times.time_zones(),
        weekday_names=free_times.WEEKDAY_NAMES,
        part_names=free_times.PART_NAMES,
        rhythms=RHYTHM_LABELS,
        second_chances=second_chances,
        **my_rounds.page_context(
            rounds=rounds,
            participant_id=participant_id,
            time_zone=participant.time_zone,
            settings=settings,
        ),
    )


@posts.post("/me/rhythm")
def set_rhythm(
    participant_id: ParticipantIdDep,
    database: DatabaseDep,
    rhythm: Annotated[int, Form(ge=1, le=3)],
) -> Response:
    with database.session() as session:
        membership.set_rhythm(
            session=session, participant_id=participant_id, rhythm=rhythm, now=utcnow()
        )
    return see_other(f"{MANAGE_PATH}?rhythm=saved")


@posts.post("/me/about", response_class=HTMLResponse)
def set_about_me(
    request: Request,
    participant_id: ParticipantIdDep,
    database: DatabaseDep,
    about_me: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        line = optional_text(about_me, max_length=ABOUT_ME_MAX)
    except ValueError as error:
        return message_page(
            request,
            "Your “about me” was not changed",
            f"It {error}.",
            status_code=422,
            link=(f"{MANAGE_PATH}#about", "Back"),
        )
    with database.session() as session:
        membership.set_about_me(
            session=session, participant_id=participant_id, about_me=line, now=utcnow()
        )
    return see_other(f"{MANAGE_PATH}?about=saved#about")


@posts.post("/me/link", response_class=HTMLResponse)
def request_link(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    client: ClientDep,
    email: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        address = normalise_email(email)
    except ValueError as error:
        said = "Please enter your email address." if not email.strip() else str(error)
        return render(request, "signin.html", status_code=422, error=said, email=email)
    now = utcnow()
    with membership.counted_request(
        database=database, email=address, client=client, settings=settings, now=now
    ) as session:
        membership.request_link(session=session, email=address, settings=settings, now=now)
    return message_page(request, "Check your email", membership.LINK_ACCEPTED)


@posts.post("/me/pause")
def pause(
    request: Request,
    participant_id: ParticipantIdDep,
    database: DatabaseDep,
    settings: SettingsDep,
    until: Annotated[date, Form()],
) -> Response:
    with database.session() as session:
        membership.pause(
            session=session,
            participant_id=participant_id,
            until=until,
            settings=settings,
            now=utcnow(),
        )
    return flash_redirect(
        request,
        MANAGE_PATH,
        f"You are paused until {until:%-d %B %Y}: we will not introduce you to anyone before "
        "then. You can take part again at any time below.",
    )


@posts.post("/me/organisation", response_class=HTMLResponse)
def change_organisation(
    request: Request,
    participant_id: ParticipantIdDep,
    database: DatabaseDep,
    organisation: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        name = optional_text(organisation, max_length=NAME_MAX)
    except ValueError as error:
        return message_page(
            request,
            "Your organisation was not changed",
            f"The organisation {error}.",
            status_code=422,
            link=(MANAGE_PATH, "Back"),
        )
    with database.session() as session:
        membership.change_organisation(
            session=session, participant_id=participant_id, organisation=name, now=utcnow()
        )
    return see_other(MANAGE_PATH)


@posts.post("/me/times")
def save_free_times(
    participant_id: ParticipantIdDep,
    database: DatabaseDep,
    settings: SettingsDep,
    free: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006 (FastAPI copies it)
    time_zone: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    with database.session() as session:
        membership.set_free_times(
            session=session,
            participant_id=participant_id,
            free=free,
            time_zone=time_zone or None,
            settings=settings,
            now=utcnow(),
        )
    return see_other(f"{MANAGE_PATH}?times=saved#times")


@posts.post("/me/resume")
def resume(request: Request, participant_id: ParticipantIdDep, database: DatabaseDep) -> Response:
    with database.session() as session:
        membership.resume(session=session, participant_id=participant_id, now=utcnow())
    return flash_redirect(request, MANAGE_PATH, "Welcome back: you take part in the next round.")


@posts.post("/me/leave")
def leave(request: Request, participant_id: ParticipantIdDep, database: DatabaseDep) -> Response:
    with database.session() as session:
        membership.leave(
            session=session,
            participant_id=participant_id,
            now=utcnow(),
            keep_session=session_id(request),
        )
    return flash_redirect(
        request,
        MANAGE_PATH,
        "You have left UnMentor: you will not be introduced to anyone again. Your data is kept "
        "until you erase it below; you can also take part again.",
    )


@posts.post("/me/erase", response_class=HTMLResponse)
def erase(
    request: Request,
    participant_id: ParticipantIdDep,
    database: DatabaseDep,
    settings: SettingsDep,
    confirm: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    if confirm != "yes":
        return message_page(
            request,
            "Nothing was erased",
            "Tick the box to confirm that you want everything about you erased.",
            status_code=422,
            link=(MANAGE_PATH, "Back"),
        )
    erasure.erase_person(
        database=database, participant_id=participant_id, settings=settings, now=utcnow()
    )
    response = message_page(
        request,
        "Your data is erased",
        "Everything we held about you has been deleted. Thank you for taking part.",
        link=("/", "Home"),
    )
    forget_session_cookie(response)
    return response


@posts.post("/me/signout")
def sign_out(request: Request, database: DatabaseDep) -> Response:
    token = session_id(request)
    if token:
        with database.session() as session:
            sessions.end(session=session, token=token)
    response = see_other(MANAGE_PATH)
    forget_session_cookie(response)
    return response


@posts.post("/me/signout-everywhere")
def sign_out_everywhere(participant_id: ParticipantIdDep, database: DatabaseDep) -> Response:
    with database.session() as session:
        sessions.end_all_for(session=session, participant_id=participant_id)
    response = see_other(MANAGE_PATH)
    forget_session_cookie(response)
    return response


@router.get("/me/data.json")
def download_data(participant_id: ParticipantIdDep, database: DatabaseDep) -> Response:
    with database.read_session() as session:
        data = download.export_data(session=session, participant_id=participant_id)
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-unmentor-data.json"'},
    )
