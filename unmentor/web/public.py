"""Public pages for blog readers: anonymised pictures and counts, nothing that names anyone.

Everything here comes from the public view (unmentor.network.views): only rounds with at least
`public_min_people` taking part, sectors that few share shown as "Other", viz's public mode.

These routes are open to anyone, so they are built to be cheap and to stay in their lane:
pictures come from a cache checked against the data version, carry an ETag (a blog that
revalidates gets a 304 without the bytes), and their work runs on threads of their own
(PUBLIC_THREADS at a time), so a crowd asking for pictures queues here instead of taking
every thread the rest of the site needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal, TypeVar

import anyio
from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from unmentor.errors import NotFound
from unmentor.network.images import NetworkImages
from unmentor.network.jobs import Picture
from unmentor.web.rendering import render

router = APIRouter(include_in_schema=False)
MEDIA = {"svg": "image/svg+xml", "png": "image/png"}
PUBLIC_THREADS = 8
T = TypeVar("T")


def images(request: Request) -> NetworkImages:
    return request.app.state.images


async def _off_the_loop(request: Request, work: Callable[[], T]) -> T:
    """`work()` on one of the public pages' own threads: it reads the database and may wait."""
    limiter = getattr(request.app.state, "public_limiter", None)
    if limiter is None:
        limiter = request.app.state.public_limiter = anyio.CapacityLimiter(PUBLIC_THREADS)
    return await anyio.to_thread.run_sync(work, limiter=limiter)


def picture_response(request: Request, picture: Picture, fmt: str, cache: str) -> Response:
    """The picture (gzipped when the client takes it), or 304 when it holds these very bytes."""
    gzipped = picture.gzipped is not None and "gzip" in request.headers.get("accept-encoding", "")
    # A strong ETag names one representation, so the gzip copy has a tag of its own.
    etag = picture.etag[:-1] + '-gzip"' if gzipped else picture.etag
    headers = {"Cache-Control": cache, "ETag": etag, "Vary": "Accept-Encoding"}
    sent = request.headers.get("if-none-match", "")
    tags = {tag.strip().removeprefix("W/") for tag in sent.split(",")}
    if etag in tags or "*" in tags:
        return Response(status_code=304, headers=headers)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
        return Response(picture.gzipped, media_type=MEDIA[fmt], headers=headers)
    return Response(picture.content, media_type=MEDIA[fmt], headers=headers)


def _image(request: Request, picture: Picture, fmt: str) -> Response:
    # Public images change when a round does; a short cache keeps blogs fast and current.
    return picture_response(request, picture, fmt, "public, max-age=300")


@router.get("/public/", response_class=HTMLResponse)
async def gallery(request: Request) -> HTMLResponse:
    def work() -> HTMLResponse:
        store = images(request)
        view = store.snapshot().public
        alt_texts = store.alt_texts(view)
        # An open round's figures are so far: its caption says so, as its alt text does.
        gallery = [(n, alt_texts[n], view.figures[n].open) for n in view.rounds]
        latest = view.rounds[-1] if view.rounds else None
        return render(request, "public_gallery.html", rounds=gallery, latest=latest)

    return await _off_the_loop(request, work)


@router.get("/public/rounds/{number}/network.{fmt}")
async def round_image(
    request: Request, number: Annotated[str, PathParam(max_length=20)], fmt: Literal["svg", "png"]
) -> Response:
    # Any number that is not a published round (0, 99, "abc") is simply not there: a reader
    # who mistypes the address gets "not found", not a validation message about a path.
    def work() -> Picture:
        store = images(request)
        view = store.snapshot().public
        if not number.isdecimal() or int(number) not in view.rounds:
            raise NotFound("There is no published picture for that round.")
        return store.network(view, int(number), fmt=fmt)

    return _image(request, await _off_the_loop(request, work), fmt)


@router.get("/public/network.{fmt}")
async def whole_network(request: Request, fmt: Literal["svg", "png"]) -> Response:
    def work() -> Picture:
        store = images(request)
        view = store.snapshot().public
        if not view.rounds:
            raise NotFound("Nothing is published yet.")
        return store.network(view, view.rounds[-1], fmt=fmt)

    return _image(request, await _off_the_loop(request, work), fmt)


@router.get("/public/growth.{fmt}")
async def growth(request: Request, fmt: Literal["svg", "png"]) -> Response:
    def work() -> Picture:
        store = images(request)
        return store.growth(store.snapshot().public, fmt=fmt)

    return _image(request, await _off_the_loop(request, work), fmt)


@router.get("/public/outcomes.{fmt}")
async def outcomes(request: Request, fmt: Literal["svg", "png"]) -> Response:
    def work() -> Picture:
        store = images(request)
        return store.outcomes(store.snapshot().public, fmt=fmt)

    return _image(request, await _off_the_loop(request, work), fmt)


@router.get("/public/organisations.{fmt}")
async def organisations(request: Request, fmt: Literal["svg", "png"]) -> Response:
    """Sectors (or, when the deployment allows, large organisations) and their conversations."""

    def work() -> Picture:
        store = images(request)
        view = store.snapshot().public
        if not view.rounds:
            raise NotFound("Nothing is published yet.")
        return store.organisations(view, fmt=fmt)

    return _image(request, await _off_the_loop(request, work), fmt)
