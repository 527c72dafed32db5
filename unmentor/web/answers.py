"""The page behind "we met" / "we didn't meet" links: a button to press, never a GET that acts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse

from unmentor.api.deps import DatabaseDep, SettingsDep
from unmentor.clock import utcnow
from unmentor.errors import LinkInvalid
from unmentor.links.urls import MANAGE_PATH, OUTCOME_PATH
from unmentor.mail.compose import in_prose
from unmentor.rounds import outcomes
from unmentor.rounds.emails import period_name
from unmentor.rounds.models import COMMENT_MAX, NotMetReason, Outcome
from unmentor.web.forms import require_csrf
from unmentor.web.rendering import message_page, render, unusable_link_page
from unmentor.web.stories import form_context as story_form_context

REASONS = {
    NotMetReason.no_time: "We couldn't find a time",
    NotMetReason.no_reply: "My partner didn't reply",
    NotMetReason.cancelled: "It was cancelled",
    NotMetReason.other: "Something else",
}

router = APIRouter(include_in_schema=False)


@router.get(OUTCOME_PATH, response_class=HTMLResponse)
def answer_page(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    token: Annotated[str, Query(max_length=100)] = "",
    answer: Annotated[str, Query(max_length=20)] = "met",
) -> HTMLResponse:
    try:
        with database.read_session() as session:
            found = outcomes.member_for_token(session=session, settings=settings, token=token)
    except LinkInvalid as error:
        return unusable_link_page(request, error.message)
    if found.round.closed_at is not None:
        return message_page(
            request,
            "This round is closed",
            "Thank you, but answers for this round can no longer be recorded.",
            status_code=409,
        )
    return render(
        request,
        "answer.html",
        token=token,
        answer="not_met" if answer == "not_met" else "met",
        partners=in_prose(found.partner_names) or "your partner",
        period=period_name(found.round.period),
        current=found.member.outcome.value if found.member.outcome else None,
        reasons=REASONS,
        comment_max=COMMENT_MAX,
    )


@router.post(OUTCOME_PATH, response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def answer_submit(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=100)] = "",
    outcome: Annotated[Outcome, Form()] = Outcome.met,
    reason: Annotated[str, Form(max_length=20)] = "",
    # Room for the \r\n a browser sends per line break; the stored text is checked after.
    comment: Annotated[str, Form(max_length=2 * COMMENT_MAX)] = "",
) -> HTMLResponse:
    known = {member.value for member in NotMetReason}
    with database.session() as session:
        outcomes.record_answer(
            session=session,
            settings=settings,
            token=token,
            outcome=outcome,
            reason=NotMetReason(reason) if reason in known else None,
            comment=comment,
            now=utcnow(),
        )
    if outcome == Outcome.met:
        # With thanks, the offer to share a few sentences about it (stories, issue 14).
        context = story_form_context(database, settings, token)
        return render(request, "story.html", thanks=True, **context)
    text = "Thank you for letting us know. We will introduce you to someone new next round."
    return message_page(request, "Answer recorded", text, link=(MANAGE_PATH, "Go to my page"))
