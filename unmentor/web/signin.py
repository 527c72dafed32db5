"""The sign-in cookies of participants and organisers, backed by server-side sessions.

A cookie holds only a random session id: whether it still opens anything is decided by the
`sign_in_session` table at every request, so signing out, leaving, erasure or a new organiser
token take effect on every browser at once.
"""

from __future__ import annotations

from fastapi import Request, Response

from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.organisers.actor import Actor
from unmentor.sessions import service as sessions
from unmentor.sessions.service import ORGANISER_HOURS
from unmentor.settings import Settings
from unmentor.web.forms import secure_cookies

SESSION_COOKIE = "um_session"
ORGANISER_COOKIE = "um_organiser"


def session_id(request: Request) -> str:
    """The participant session id this browser sent ('' for none)."""
    return request.cookies.get(SESSION_COOKIE, "")


def signed_in_participant(request: Request, database: Database) -> int | None:
    """The participant whose live session this browser holds, if any."""
    token = session_id(request)
    if not token:
        return None
    with database.read_session() as session:
        return sessions.participant_for(session=session, token=token, now=utcnow())


def keep_signed_in(response: Response, token: str, settings: Settings) -> None:
    """Give the browser its session id for `session_days`."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86_400,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(settings),
    )


def forget_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE)


def organiser_session_id(request: Request) -> str:
    return request.cookies.get(ORGANISER_COOKIE, "")


def organiser_signed_in(request: Request, database: Database, settings: Settings) -> Actor | None:
    """The organiser whose live session this browser holds, if any."""
    token = organiser_session_id(request)
    if not token:
        return None
    with database.read_session() as session:
        return sessions.organiser_actor(
            session=session, token=token, settings=settings, now=utcnow()
        )


def keep_organiser_signed_in(response: Response, token: str, settings: Settings) -> None:
    """Give the browser its organiser session id for a working day."""
    response.set_cookie(
        ORGANISER_COOKIE,
        token,
        max_age=ORGANISER_HOURS * 3600,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(settings),
    )


def forget_organiser_cookie(response: Response) -> None:
    response.delete_cookie(ORGANISER_COOKIE)
