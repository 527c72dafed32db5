"""One-time messages after an action ("Round 3 is closed.", "Paused Ann until 3 March.").

After a form, the browser is sent on with a 303 (post/redirect/get), so what happened has to
travel with it. It travels in a short-lived cookie whose text we wrote and signed: nothing
from the address bar is ever shown, so a crafted link cannot make the site say something it
did not, and a sibling subdomain that can set cookies cannot either. `render` shows the
message once at the top of the next page (role="status") and clears the cookie, so a reload
does not say it twice.

The redirect goes to `#flash`, so the browser scrolls to the message without JavaScript;
`static/flash.js` also moves keyboard and screen-reader focus to it. Usage in a route:

    return flash_redirect(request, "/organiser/participants", "Erased Ann Example.")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from unmentor.security import Signer
from unmentor.web.forms import secure_cookies

FLASH_COOKIE = "um_flash"
FLASH_ANCHOR = "flash"
# Long enough for a slow redirect, short enough that a message never greets a later visit.
MAX_AGE_SECONDS = 120
MAX_LENGTH = 500
Kind = Literal["notice", "error"]
KINDS: tuple[Kind, ...] = ("notice", "error")


@dataclass(frozen=True)
class Flash:
    message: str
    kind: Kind = "notice"


def _signer(request: Request) -> Signer:
    settings = request.app.state.settings
    return Signer(settings.secret_key.get_secret_value(), purpose="flash")


def _encode(flash: Flash) -> str:
    return f"{flash.kind}:{flash.message[:MAX_LENGTH]}"


def _decode(value: str) -> Flash | None:
    kind, _, message = value.partition(":")
    for known in KINDS:
        if kind == known and message:
            return Flash(message, known)
    return None


def flash(request: Request, response: Response, message: str, kind: Kind = "notice") -> Response:
    """Have the next page rendered for this browser say `message` at its top."""
    signed = _signer(request).sign(_encode(Flash(message, kind)), max_age_seconds=MAX_AGE_SECONDS)
    response.set_cookie(
        FLASH_COOKIE,
        signed,
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request.app.state.settings),
    )
    return response


def flash_redirect(
    request: Request, path: str, message: str, kind: Kind = "notice"
) -> RedirectResponse:
    """A 303 to `path`, scrolled to the message, whose page will say `message` at its top."""
    response = RedirectResponse(f"{path}#{FLASH_ANCHOR}", status_code=303)
    flash(request, response, message, kind)
    return response


def take_flash(request: Request) -> Flash | None:
    """The message waiting for this request's page, if a genuine one is (`render` calls this)."""
    signed = request.cookies.get(FLASH_COOKIE)
    if not signed:
        return None
    value = _signer(request).unsign(signed)
    return None if value is None else _decode(value)


def clear_flash(request: Request, response: Response) -> None:
    """Forget the message once a page has shown it."""
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, httponly=True, samesite="lax")
