"""Where List-Unsubscribe leads: a pause, not the loss of the account.

GET shows a page with a button (mail scanners fetch links). POST pauses: it is the RFC 8058
one-click request a mail client sends by itself, so it carries no CSRF token and no cookie;
the signed token in the address is what authorises it, and pausing twice changes nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from unmentor.api.deps import DatabaseDep, SettingsDep
from unmentor.clock import utcnow
from unmentor.errors import LinkInvalid
from unmentor.links.urls import MANAGE_PATH, PAUSE_PATH
from unmentor.people import membership
from unmentor.rounds.tokens import read_pause_token
from unmentor.web.rendering import message_page, render, unusable_link_page

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Query(max_length=100)]
INVALID = "This link is not valid. Please use the link from your email."


@router.get(PAUSE_PATH, response_class=HTMLResponse)
def pause_page(request: Request, settings: SettingsDep, token: Token = "") -> HTMLResponse:
    try:
        read_pause_token(settings.secret_key.get_secret_value(), token)
    except LinkInvalid:
        return unusable_link_page(request, INVALID)
    return render(
        request,
        "pause.html",
        token=token,
        days=settings.max_pause_days,
    )


@router.post(PAUSE_PATH, response_class=HTMLResponse)
def pause_now(
    request: Request, database: DatabaseDep, settings: SettingsDep, token: Token = ""
) -> HTMLResponse:
    try:
        participant_id = read_pause_token(settings.secret_key.get_secret_value(), token)
    except LinkInvalid:
        return unusable_link_page(request, INVALID)
    with database.session() as session:
        paused = membership.pause_by_unsubscribe(
            session=session, participant_id=participant_id, settings=settings, now=utcnow()
        )
        until = (
            paused.paused_until.strftime("%-d %B %Y")
            if paused and paused.paused_until is not None
            else None
        )
    if until is None:
        return message_page(
            request,
            "Nothing to pause",
            "You are not taking part at the moment, so we will not introduce you to anyone.",
        )
    return message_page(
        request,
        "Paused",
        f"We will not introduce you to anyone until {until}. Your account is kept: you can "
        "take part again, or leave, whenever you like.",
        link=(MANAGE_PATH, "Manage your membership"),
    )
