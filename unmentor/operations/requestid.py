"""A request id for every request: taken from X-Request-ID or made up, echoed, and logged.

The id lives in a context variable, which `def` routes see too (their worker thread runs in a
copy of the request's context), so every log line written while answering carries it.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

HEADER = "x-request-id"
# A proxy's id is believed only when it is short and plain: it goes into every log line.
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,128}")

current: ContextVar[str] = ContextVar("unmentor_request_id", default="-")


def _chosen(scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == HEADER.encode():
            text = value.decode("latin-1")
            if _ACCEPTED.fullmatch(text):
                return text
            break
    return uuid.uuid4().hex


class RequestId:
    """ASGI middleware: sets `current` for the request and answers with X-Request-ID."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _chosen(scope)
        # Not reset afterwards: the server runs each request in a task of its own, whose
        # context ends with it, and its log line about an unhandled error comes after we return.
        current.set(request_id)

        async def send_with_id(message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != HEADER.encode()]
                headers.append((HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)
