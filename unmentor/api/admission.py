"""Saying "busy, try again" at the door, before a flood can queue without end.

Pure ASGI so that it costs nothing per request and sees every request, pages and API alike.
One worker's event loop runs it, so a plain counter is safe.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

# Load balancers ask this while the worker is at its limit; it must keep answering.
ALWAYS_ADMITTED = frozenset({"/healthz"})
RETRY_AFTER_SECONDS = 5


class AdmissionLimit:
    """Answer 503 with Retry-After at once when this worker already has `limit` requests."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in ALWAYS_ADMITTED:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            refusal = JSONResponse(
                {
                    "detail": "The service is busy right now; please try again shortly.",
                    "errors": [],
                },
                status_code=503,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
            await refusal(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
