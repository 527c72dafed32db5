"""One error shape for the whole JSON API, and the mapping from service errors to HTTP.

Every error body is {"detail": "<a sentence for people>", "errors": [{"field", "message"}]}, so
a client can always show `detail` and, for bad input, point at the fields.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from unmentor.api.deps import Forbidden, NotAuthenticated, UnknownQueryParameters, ViewerOnly
from unmentor.db import is_busy_error
from unmentor.errors import (
    Busy,
    Conflict,
    DomainError,
    InvalidInput,
    LinkInvalid,
    NotFound,
    RateLimited,
    readable_message,
)


class FieldProblem(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    detail: str
    errors: list[FieldProblem] = []


def error_responses(*codes: int) -> dict[int | str, dict]:
    """OpenAPI entries documenting that these status codes answer with an ErrorBody."""
    descriptions = {
        400: "The request cannot be read (for example, the body is not valid JSON).",
        401: "No organiser token was sent.",
        403: "The token is not the organiser's.",
        404: "Not found.",
        409: "Conflicts with existing data.",
        422: "The input is not valid.",
        429: "Too many requests; see Retry-After.",
    }
    return {code: {"model": ErrorBody, "description": descriptions[code]} for code in codes}


STATUS_OF = {
    NotFound: 404,
    Conflict: 409,
    InvalidInput: 422,
    LinkInvalid: 400,
    RateLimited: 429,
    Busy: 503,
}


def status_for(error: DomainError) -> int:
    """The HTTP status that tells a client what kind of refusal this is."""
    for kind, status in STATUS_OF.items():
        if isinstance(error, kind):
            return status
    return 400


def json_error(status: int, detail: str, *, errors=(), headers=None) -> JSONResponse:
    body = ErrorBody(detail=detail, errors=list(errors))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _field_name(location: tuple) -> str:
    parts = [str(part) for part in location if part not in ("body",)]
    return ".".join(parts) or "body"


def validation_problems(error: RequestValidationError) -> list[FieldProblem]:
    """Each failed check as a field and a sentence, without echoing whole inputs back."""
    problems = []
    for item in error.errors():
        problems.append(
            FieldProblem(
                field=_field_name(tuple(item.get("loc", ()))), message=readable_message(item)
            )
        )
    return problems


def install_api_error_handlers(app: FastAPI, *, is_api) -> None:
    """Answer API errors as ErrorBody JSON; `is_api(request)` leaves pages to their own handlers."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError):
        problems = validation_problems(error)
        if not is_api(request):
            # A person reads sentences; the field names are for API clients.
            said = " ".join(dict.fromkeys(p.message for p in problems)) or _summary(problems)
            return await app.state.page_error_handler(request, 422, said)
        return json_error(422, _summary(problems), errors=problems)

    @app.exception_handler(DomainError)
    async def _refused(request: Request, error: DomainError):
        status = status_for(error)
        headers = None
        if isinstance(error, RateLimited | Busy):
            headers = {"Retry-After": str(error.retry_after_seconds)}
        if not is_api(request):
            return await app.state.page_error_handler(request, status, error.message, headers)
        field_errors = []
        if isinstance(error, InvalidInput) and error.field:
            field_errors = [FieldProblem(field=error.field, message=error.message)]
        return json_error(status, error.message, errors=field_errors, headers=headers)

    async def _saturated(request: Request, error: Exception):
        # A crowd that outruns the database gets "try again shortly", never a 500; any other
        # database error is a fault and goes on to the 500 handler.
        if not is_busy_error(error):
            raise error
        return await _refused(request, Busy())

    app.add_exception_handler(PoolTimeout, _saturated)
    app.add_exception_handler(OperationalError, _saturated)

    @app.exception_handler(NotAuthenticated)
    async def _no_token(request: Request, _error: NotAuthenticated):
        return json_error(
            401,
            "This needs the organiser token: send 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.exception_handler(UnknownQueryParameters)
    async def _unknown_query(request: Request, error: UnknownQueryParameters):
        problems = [
            FieldProblem(field=f"query.{name}", message="is not a parameter of this request")
            for name in error.names
        ]
        return json_error(422, _summary(problems), errors=problems)

    @app.exception_handler(Forbidden)
    async def _wrong_token(request: Request, _error: Forbidden):
        return json_error(403, "That token is not the organiser token.")

    @app.exception_handler(ViewerOnly)
    async def _viewer_only(request: Request, _error: ViewerOnly):
        text = "Viewers can see everything but change nothing: ask an organiser."
        if not is_api(request):
            return await app.state.page_error_handler(request, 403, text, None)
        return json_error(403, text)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException):
        if error.status_code == 405:
            error.headers = {**(error.headers or {}), "Allow": _allowed_methods(app, request)}
        if not is_api(request):
            return await app.state.page_error_handler(
                request, error.status_code, str(error.detail), error.headers
            )
        return json_error(error.status_code, str(error.detail), headers=error.headers)


def _allowed_methods(app: FastAPI, request: Request) -> str:
    """Every method some route accepts at this path (Starlette lists only the first route's).

    Each method is tried against the router's own matching, so routes inside included
    routers count too (FastAPI keeps those behind one entry per router).
    """
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in app.router.routes
        )
    ]
    if "GET" in allowed:
        allowed.append("HEAD")  # answered for every GET route (http/head.py)
    return ", ".join(sorted(allowed))


_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


def _summary(problems: list[FieldProblem]) -> str:
    listed = "; ".join(f"{p.field}: {p.message.rstrip('.')}" for p in problems[:5])
    return f"The input is not valid ({listed})." if listed else "The input is not valid."
