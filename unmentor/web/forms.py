"""Form safety for the pages: CSRF tokens and the participant's sign-in cookie.

CSRF uses a signed double submit: a random nonce lives in an HttpOnly cookie and every form
carries an HMAC of it. A page on another site can make a browser send the cookie, but cannot
read it to compute the matching form field.
"""

from __future__ import annotations

import hmac

from fastapi import Request, Response

from unmentor.security import Signer, new_token
from unmentor.settings import Settings

CSRF_COOKIE = "um_csrf"
CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "um_session"


class CsrfFailed(Exception):
    """A form arrived without a valid CSRF token (stale page, or another site posting)."""


def _secure(settings: Settings) -> bool:
    return settings.base_url.startswith("https://")


def csrf_nonce(request: Request) -> str:
    """The browser's CSRF nonce, minting one for this response if it has none yet."""
    nonce = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_nonce", None)
    if not nonce:
        nonce = new_token()
        request.state.new_csrf_nonce = nonce
    return nonce


def csrf_token(request: Request, settings: Settings) -> str:
    """The value for a form's hidden csrf_token field."""
    return Signer(settings.secret_key.get_secret_value(), purpose="csrf").mac(csrf_nonce(request))


def set_csrf_cookie_if_new(request: Request, response: Response, settings: Settings) -> None:
    """Persist a nonce minted while rendering this response."""
    nonce = getattr(request.state, "new_csrf_nonce", None)
    if nonce:
        response.set_cookie(
            CSRF_COOKIE, nonce, httponly=True, samesite="lax", secure=_secure(settings)
        )


async def check_csrf(request: Request, settings: Settings) -> None:
    """Raise CsrfFailed unless the posted form's token matches the browser's cookie."""
    nonce = request.cookies.get(CSRF_COOKIE)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not nonce or not isinstance(sent, str):
        raise CsrfFailed
    expected = Signer(settings.secret_key.get_secret_value(), purpose="csrf").mac(nonce)
    if not hmac.compare_digest(sent, expected):
        raise CsrfFailed


async def require_csrf(request: Request) -> None:
    """Dependency for every form POST: refuse it (CsrfFailed) without a valid token."""
    await check_csrf(request, request.app.state.settings)


def signed_in_participant(request: Request, settings: Settings) -> int | None:
    """The participant id from a valid sign-in cookie, if any."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    value = Signer(settings.secret_key.get_secret_value(), purpose="session").unsign(cookie)
    return int(value) if value and value.isdigit() else None


def sign_in_cookie(response: Response, participant_id: int, settings: Settings) -> None:
    """Keep the participant signed in on this browser for `session_days`."""
    max_age = settings.session_days * 86_400
    value = Signer(settings.secret_key.get_secret_value(), purpose="session").sign(
        str(participant_id), max_age_seconds=max_age
    )
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=_secure(settings),
    )


def sign_out_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE)


ORGANISER_COOKIE = "um_organiser"
ORGANISER_HOURS = 12


def organiser_signed_in(request: Request, settings: Settings) -> bool:
    """Whether this browser holds a valid organiser cookie."""
    cookie = request.cookies.get(ORGANISER_COOKIE)
    signer = Signer(settings.secret_key.get_secret_value(), purpose="organiser")
    return bool(cookie) and signer.unsign(cookie) == "organiser"


def organiser_cookie(response: Response, settings: Settings) -> None:
    """Keep the organiser signed in on this browser for a working day."""
    max_age = ORGANISER_HOURS * 3600
    value = Signer(settings.secret_key.get_secret_value(), purpose="organiser").sign(
        "organiser", max_age_seconds=max_age
    )
    response.set_cookie(
        ORGANISER_COOKIE,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=_secure(settings),
    )
