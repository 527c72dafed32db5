"""Organiser pages: rounds at a glance, one round in detail, and a preview of the next one."""

from __future__ import annotations

import hmac
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from unmentor.api.deps import DatabaseDep, PathId, SettingsDep, admit
from unmentor.clock import utcnow
from unmentor.errors import NotFound
from unmentor.operations import notices
from unmentor.organisers import service as accounts
from unmentor.organisers.actor import Actor
from unmentor.people import organisations
from unmentor.people.service import get_participant
from unmentor.rounds import forming, outcomes, reminders, service
from unmentor.rounds.calendar import period_of
from unmentor.rounds.models import NotMetReason
from unmentor.rounds.preview import preview_round
from unmentor.sessions import service as sessions
from unmentor.sqltypes import MAX_INT
from unmentor.web.flash import Flash, flash_redirect
from unmentor.web.forms import require_csrf
from unmentor.web.public import picture_response
from unmentor.web.rendering import render, see_other
from unmentor.web.signin import (
    forget_organiser_cookie,
    keep_organiser_signed_in,
    organiser_session_id,
    organiser_signed_in,
)
from unmentor.words import count

HOME = "/organiser"
REROLLED = "Re-rolled: the groups below are a new draw. Nothing is sent until you form the round."
# The reasons as organisers read them, in the order the tables show them.
REASON_LABELS = {
    NotMetReason.no_time.value: "couldn't find a time",
    NotMetReason.no_reply.value: "partner didn't reply",
    NotMetReason.cancelled.value: "cancelled",
    NotMetReason.other.value: "something else",
    service.UNSPECIFIED: "no reason given",
}


class OrganiserSignInNeeded(Exception):
    """An organiser page was asked for without the organiser cookie."""


async def require_organiser_page(
    request: Request, database: DatabaseDep, settings: SettingsDep
) -> Actor:
    """Who is signed in on this browser, admitted by role (viewers only look).

    `async def` so that the actor is set in the request's own context and the route's thread
    sees it; the session lookup runs on the thread pool, off the event loop.
    """
    actor = await run_in_threadpool(organiser_signed_in, request, database, settings)
    if actor is None:
        raise OrganiserSignInNeeded
    return admit(request, actor)


OrganiserPage = Annotated[Actor, Depends(require_organiser_page)]


RoundNumber = PathId
router = APIRouter(include_in_schema=False)
pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_organiser_page)])
actions = APIRouter(
    include_in_schema=False, dependencies=[Depends(require_organiser_page), Depends(require_csrf)]
)


@router.get(HOME, response_class=HTMLResponse)
def home(request: Request, database: DatabaseDep, settings: SettingsDep) -> Response:
    if organiser_signed_in(request, database, settings):
        return see_other(f"{HOME}/dashboard")
    return render(request, "organiser_signin.html", error=None)


@router.post(f"{HOME}/signin", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def sign_in(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """The shared token: signs in only in transition; otherwise it creates the first organiser."""
    expected = settings.organiser_token.get_secret_value()
    if not hmac.compare_digest(token.encode(), expected.encode()):
        return render(
            request, "organiser_signin.html", status_code=403, error="That is not the token."
        )
    if not settings.organiser_token_signs_in:
        with database.read_session() as session:
            nobody_yet = accounts.active_count(session=session) == 0
        if nobody_yet:
            # The form carries the token on to /organiser/first: never kept in a cache.
            return render(
                request,
                "organiser_first.html",
                headers={"Cache-Control": "no-store"},
                token=token,
                error=None,
            )
        return render(
            request,
            "organiser_signin.html",
            status_code=403,
            error="The shared token only creates the first organiser. Ask for a sign-in link.",
        )
    with database.session() as session:
        session_id = sessions.open_for_organiser(session=session, settings=settings, now=utcnow())
    response = see_other(f"{HOME}/dashboard")
    keep_organiser_signed_in(response, session_id, settings)
    return response


@router.post(f"{HOME}/signout", dependencies=[Depends(require_csrf)])
def sign_out(request: Request, database: DatabaseDep) -> Response:
    session_id = organiser_session_id(request)
    if session_id:
        with database.session() as session:
            sessions.end(session=session, token=session_id)
    response = see_other(HOME)
    forget_organiser_cookie(response)
    return response


@pages.get(f"{HOME}/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, database: DatabaseDep, settings: SettingsDep) -> HTMLResponse:
    stats = request.app.state.images.stats()
    with database.read_session() as session:
        rounds = service.list_rounds(session=session)
        duplicates = organisations.likely_duplicates(session=session, webmail=settings.webmail)
        comments = service.recent_comments(session=session)
        health = notices.for_dashboard(session=session, now=utcnow())
    latest = rounds[0].number if rounds else None
    return render(
        request,
        "organiser_dashboard.html",
        stats=stats,
        rounds=rounds,
        figures={r.number: r.figures() for r in rounds},
        latest=latest,
        duplicates=duplicates,
        comments=comments,
        reason_labels=REASON_LABELS,
        health=health,
    )


@pages.get(f"{HOME}/experiments", response_class=HTMLResponse)
def experiments_page(request: Request) -> HTMLResponse:
    found = request.app.state.images.experiments()
    return render(request, "organiser_experiments.html", found=found)


@pages.get(f"{HOME}/images/rounds/{{number}}/network.{{fmt}}")
def round_picture(request: Request, number: RoundNumber, fmt: Literal["svg", "png"]) -> Response:
    images = request.app.state.images
    view = images.snapshot().organiser
    if number not in view.rounds:
        raise NotFound(f"No round number {number}.")
    picture = images.network(view, number, fmt=fmt)
    # Organiser pictures can carry names: never kept in a shared browser cache.
    return picture_response(request, picture, fmt, "private, no-store")


@pages.get(f"{HOME}/rounds", response_class=HTMLResponse)
def rounds_page(request: Request, database: DatabaseDep) -> HTMLResponse:
    with database.read_session() as session:
        rounds = service.list_rounds(session=session)
    return render(request, "organiser_rounds.html", rounds=rounds)


@pages.get(f"{HOME}/rounds/next", response_class=HTMLResponse)
def preview_page(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    seed: Annotated[int | None, Query(ge=0, le=MAX_INT)] = None,
    rerolled: Annotated[bool, Query()] = False,
) -> Response:
    if seed is None:
        # A seed in the address makes the preview reproducible: reloading shows the same.
        return see_other(f"{HOME}/rounds/next?seed={forming.new_seed()}")
    with database.read_session() as session:
        today = utcnow().date()
        preview = preview_round(session=session, settings=settings, today=today, seed=seed)
        current = forming.round_for_period(
            session=session, period_key=period_of(today, settings).key
        )
    return render(
        request,
        "organiser_preview.html",
        preview=preview,
        current=current,
        reroll=forming.new_seed(),
        # Only a flag comes from the address: the words are ours.
        flash=Flash(REROLLED) if rerolled else None,
    )


@actions.post(f"{HOME}/rounds")
def form_round(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    seed: Annotated[int, Form(ge=0, le=MAX_INT)],
) -> Response:
    now = utcnow()
    formed = forming.form_round(
        database=database, settings=settings, today=now.date(), now=now, seed=seed
    )
    number = formed.round.number
    if formed.created:
        text = (
            f"Round {number} formed: {count(formed.groups, 'group')}, "
            f"{count(formed.sat_out, 'person', 'people')} sitting out. "
            "The introductions are on their way."
        )
    else:
        text = f"Nothing new was formed: this period's round is already round {number}."
    return flash_redirect(request, f"{HOME}/rounds/{number}", text)


def _matches(member, typed: str) -> bool:
    folded = typed.casefold()
    return any(folded in (text or "").casefold() for text in (member.name, member.organisation))


@pages.get(f"{HOME}/rounds/{{number}}", response_class=HTMLResponse)
def round_page(
    request: Request,
    number: RoundNumber,
    database: DatabaseDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    with database.read_session() as session:
        detail = service.round_detail(session=session, number=number)
    waiting = [
        member
        for group in detail.group_list
        if group.outcome == "pending"
        for member in group.members
    ]
    typed = q.strip()
    shown = [m for m in waiting if _matches(m, typed)] if typed else waiting
    return render(
        request,
        "organiser_round.html",
        round=detail,
        waiting=waiting,
        shown=shown,
        q=typed,
        reason_labels=REASON_LABELS,
    )


@pages.get(f"{HOME}/rounds/{{number}}/close", response_class=HTMLResponse)
def close_confirmation(request: Request, number: RoundNumber, database: DatabaseDep) -> Response:
    """Closing cannot be undone: this page says what it will do and asks first."""
    with database.read_session() as session:
        summary = service.get_summary(session=session, number=number)
    if summary.status == "closed":
        return see_other(f"{HOME}/rounds/{number}")
    return render(request, "organiser_close.html", round=summary)


@actions.post(f"{HOME}/rounds/{{number}}/close")
def close(
    request: Request,
    number: RoundNumber,
    database: DatabaseDep,
    settings: SettingsDep,
) -> Response:
    with database.session() as session:
        round_ = service.get_round(session=session, number=number)
        closed = outcomes.close_round(
            session=session, settings=settings, round_=round_, now=utcnow()
        )
    text = (
        f"Round {number} is closed. {count(closed.unconfirmed, 'person', 'people')} who had not "
        f"answered {'is' if closed.unconfirmed == 1 else 'are'} recorded as unconfirmed"
    )
    if closed.paused:
        paused = len(closed.paused)
        text += (
            f"; {count(paused, 'person', 'people')} who never answer "
            f"{'was' if paused == 1 else 'were'} paused"
        )
    return flash_redirect(request, f"{HOME}/rounds/{number}", text + ".")


@actions.post(f"{HOME}/rounds/{{number}}/resend")
def resend(
    request: Request,
    number: RoundNumber,
    database: DatabaseDep,
    settings: SettingsDep,
    participant_id: Annotated[int, Form(ge=1, le=MAX_INT)],
) -> Response:
    with database.session() as session:
        round_ = service.get_round(session=session, number=number)
        reminders.resend_introduction(
            session=session,
            settings=settings,
            round_=round_,
            participant_id=participant_id,
            now=utcnow(),
        )
        person = get_participant(session=session, participant_id=participant_id)
        text = f"The introduction was sent again to {person.name} <{person.email}>."
    return flash_redirect(request, f"{HOME}/rounds/{number}", text)
