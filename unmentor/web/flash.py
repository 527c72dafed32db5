"""One-time messages after an action, such as "Round 3 is closed.", at the top of the next page.

After a POST the browser is sent on (post/redirect/get), so what happened has to travel with
it. It travels in a short-lived cookie whose text we wrote and signed: nothing from the address
bar is ever shown, so a crafted link cannot make the site say something it did not. The page
that shows the message deletes the cookie, so a reload does not say it twice.

The redirect goes to `#flash`, so the browser scrolls to the message without JavaScript;
`static/flash.js` also moves keyboard and screen-reader focus to it.
"""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from unmentor.security import Signer
from unmentor.settings import Settings
from unmentor.web.forms import secure_cookies

FLASH_COOKIE = "um_flash"
FLASH_ANCHOR = "flash"
# Long enough for a slow redirect, short enough that a message never greets a later visit.
MAX_AGE_SECONDS = 60
MAX_TEXT = 500


def _signer(settings: Settings) -> Signer:
    return Signer(settings.secret_key.get_secret_value(), purpose="flash")


def set_flash(response: Response, text: str, settings: Settings) -> None:
    """Carry `text` (written by us, never by the visitor) to the next page this browser opens."""
    response.set_cookie(
        FLASH_COOKIE,
        _signer(settings).sign(text[:MAX_TEXT], max_age_seconds=MAX_AGE_SECONDS),
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(settings),
    )


def redirect_with_flash(path: str, text: str, settings: Settings) -> Response:
    """See other `path`, scrolled to the message, which says `text`."""
    response = RedirectResponse(f"{path}#{FLASH_ANCHOR}", status_code=303)
    set_flash(response, text, settings)
    return response


def take_flash(request: Request, settings: Settings) -> str | None:
    """The message waiting for this page, if a genuine one is (the caller deletes the cookie)."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    return _signer(settings).unsign(raw)


def forget_flash(response: Response) -> None:
    response.delete_cookie(FLASH_COOKIE)
