"""Refusing request bodies over a size limit, counted as they stream in.

Content-Length is checked first, but a chunked body has none and a client can lie, so the
bytes are also counted as the application reads them: a route never sees more than the limit,
and nothing reads a 200 MB body whole before refusing it.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """The request body is over its limit (HTTP 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is too large (at most {_size(limit)}).")


def _size(limit: int) -> str:
    if limit >= 2**20:
        return f"{limit / 2**20:g} MB"
    if limit >= 2**10:
        return f"{limit / 2**10:g} KB"
    return f"{limit} bytes"


class BodyLimit:
    """ASGI middleware: `limit_for(scope)` bytes at most for each request's body.

    The refusal is raised from `receive`, inside the application, so its exception handlers
    answer it in the usual shape (JSON for the API, a page for pages).
    """

    def __init__(self, app: ASGIApp, *, limit_for: Callable[[Scope], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = _content_length(scope)
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge as refusal:
            # Read outside any route (so no handler answered): answer here, in the API's shape.
            if started:
                raise
            response = JSONResponse({"detail": refusal.detail, "errors": []}, status_code=413)
            await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
