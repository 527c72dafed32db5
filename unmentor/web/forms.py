"""Form safety for the pages: CSRF tokens.

CSRF uses a signed double submit: a random nonce lives in an HttpOnly cookie and every form
carries its signature (unmentor.security, salted for CSRF). A page on another site can make a
browser send the cookie, but cannot read it to compute the matching form field.
"""

from __future__ import annotations

from fastapi import Request, Response

from unmentor.security import Signer, new_token
from unmentor.settings import Settings

CSRF_COOKIE = "um_csrf"
CSRF_FIELD = "csrf_token"


class CsrfFailed(Exception):
    """A form arrived without a valid CSRF token (stale page, or another site posting)."""


def secure_cookies(settings: Settings) -> bool:
    """Whether cookies must only travel over HTTPS (the site is served over it)."""
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
            CSRF_COOKIE, nonce, httponly=True, samesite="lax", secure=secure_cookies(settings)
        )


async def check_csrf(request: Request, settings: Settings) -> None:
    """Raise CsrfFailed unless the posted form's token matches the browser's cookie."""
    nonce = request.cookies.get(CSRF_COOKIE)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not nonce or not isinstance(sent, str):
        raise CsrfFailed
    if not Signer(settings.secret_key.get_secret_value(), purpose="csrf").check_mac(nonce, sent):
        raise CsrfFailed


async def require_csrf(request: Request) -> None:
    """Dependency for every form POST: refuse it (CsrfFailed) without a valid token."""
    await check_csrf(request, request.app.state.settings)
