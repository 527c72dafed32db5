"""The "ask for someone else" page: a button to press, never a GET that acts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse

from unmentor.api.deps import DatabaseDep, SettingsDep
from unmentor.clock import utcnow
from unmentor.errors import LinkInvalid
from unmentor.links.urls import MANAGE_PATH, REMATCH_PATH
from unmentor.mail.compose import in_prose
from unmentor.rounds import rematch
from unmentor.rounds.emails import period_name
from unmentor.web.forms import require_csrf
from unmentor.web.rendering import render, unusable_link_page

router = APIRouter(include_in_schema=False)


def _page(request: Request, token: str, offer: rematch.Offer, *, status_code: int = 200):
    return render(
        request,
        "another_partner.html",
        status_code=status_code,
        token=token,
        state=offer.state,
        partners=in_prose(offer.partners) or "your partner",
        new_partners=in_prose(offer.new_partners),
        period=period_name(offer.round.period),
        deadline=offer.deadline.strftime("%-d %B %Y"),
        manage_path=MANAGE_PATH,
    )


@router.get(REMATCH_PATH, response_class=HTMLResponse)
def ask_page(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    token: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    try:
        with database.read_session() as session:
            offer = rematch.offer_for_token(
                session=session, settings=settings, token=token, today=utcnow().date()
            )
    except LinkInvalid as error:
        return unusable_link_page(request, error.message)
    return _page(request, token, offer)


@router.post(REMATCH_PATH, response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def ask_submit(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    now = utcnow()
    with database.session() as session:
        offer = rematch.ask(
            session=session, settings=settings, token=token, today=now.date(), now=now
        )
    return _page(request, token, offer)
