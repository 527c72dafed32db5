"""Rendering templates with what every page needs (CSRF token, cookies)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from unmentor.web.flash import clear_flash, take_flash
from unmentor.web.forms import csrf_token, set_csrf_cookie_if_new
from unmentor.words import count

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
# Not "count": Jinja's own count filter is another name for length.
templates.env.filters["counted"] = count  # {{ n | counted("row") }}: "1 row", "3 rows"

_MENU_LINK = re.compile(r'<a href="([^"]*)"')


def mark_current(menu: str, path: str) -> Markup:
    """The menu's link to `path` marked aria-current="page", so it is shown and announced.

    A filter over the menu's markup rather than a test on each link: a link someone adds to a
    menu later is marked too. The menu is our template's markup, never a visitor's text.
    """
    return Markup(
        _MENU_LINK.sub(
            lambda link: link[0] + ' aria-current="page"' if link[1] == path else link[0],
            str(menu),
        )
    )


templates.env.filters["mark_current"] = mark_current


def render(
    request: Request,
    template: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: object,
) -> HTMLResponse:
    """An HTML response for `template`, with a CSRF token ready for its forms.

    A message left by the action before (unmentor.web.flash) is shown once, at the top.
    """
    settings = request.app.state.settings
    context.setdefault("csrf_token", csrf_token(request, settings))
    context.setdefault("flash", take_flash(request))
    response = templates.TemplateResponse(
        request, template, context, status_code=status_code, headers=headers
    )
    set_csrf_cookie_if_new(request, response, settings)
    clear_flash(request, response)
    return response


def message_page(
    request: Request,
    title: str,
    text: str,
    *,
    status_code: int = 200,
    link: tuple[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page that only says something, optionally with one link onwards."""
    return render(
        request,
        "message.html",
        status_code=status_code,
        headers=headers,
        title=title,
        text=text,
        link=link,
    )


def unusable_link_page(
    request: Request, reason: str, *, link: tuple[str, str] | None = None
) -> HTMLResponse:
    """The one answer to an emailed link that is forged, expired, used or for someone gone.

    400 rather than 404: the address exists, this token does not work at it.
    """
    return message_page(request, "This link cannot be used", reason, status_code=400, link=link)


def see_other(path: str) -> RedirectResponse:
    """Post/redirect/get: after a form, send the browser to a page it can reload safely."""
    return RedirectResponse(path, status_code=303)
