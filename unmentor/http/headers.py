"""Security headers on every response.

Pages get a Content-Security-Policy without inline scripts or styles and may not be framed.
Images are drawn by us and may hold inline styles (matplotlib's SVG does) but never scripts;
public ones stay embeddable, so a blog can show the network picture in a frame or an <img>.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI and ReDoc (/docs, /redoc; web/apidocs.py) come from our own files, but style
# their elements inline and ReDoc starts a web worker from a blob; the pages hold no data.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; font-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
DOCS_PATHS = ("/docs", "/redoc")
PUBLIC_PREFIX = "/public/"
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeaders:
    """ASGI middleware adding the headers to each response (a route's own win)."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self._headers_for(path, headers.get("content-type", "")):
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _headers_for(self, path: str, content_type: str) -> list[tuple[str, str]]:
        image = content_type.startswith("image/")
        headers = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")]
        if image:
            headers.append(("Content-Security-Policy", IMAGE_POLICY))
        elif path in DOCS_PATHS:
            headers.append(("Content-Security-Policy", DOCS_POLICY))
        else:
            headers.append(("Content-Security-Policy", PAGE_POLICY))
        if not (image and path.startswith(PUBLIC_PREFIX)):
            headers.append(("X-Frame-Options", "DENY"))
        if self.https:
            headers.append(("Strict-Transport-Security", HSTS))
        return headers
