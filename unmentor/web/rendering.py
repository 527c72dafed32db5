"""Rendering templates with what every page needs (CSRF token, cookies)."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from unmentor.web.flash import clear_flash, take_flash
from unmentor.web.forms import csrf_token, set_csrf_cookie_if_new
from unmentor.words import count

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
# Not "count": Jinja's own count filter is another name for length.
templates.env.filters["counted"] = count  # {{ n | counted("row") }}: "1 row", "3 rows"


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


def see_other(path: str) -> RedirectResponse:
    """Post/redirect/get: after a form, send the browser to a page it can reload safely."""
    return RedirectResponse(path, status_code=303)
