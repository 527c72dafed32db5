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
from unmentor.network.views import View
from unmentor.stories.published import approved_stories
from unmentor.web.atom import atom_feed, round_entry, story_entry
from unmentor.web.rendering import render

router = APIRouter(include_in_schema=False)
MEDIA = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "gif": "image/gif",
    "atom": "application/atom+xml",
}
#: Pixel sizes of the pictures, for the width and height of <img> (the page and embed snippets).
SIZES = {"network": (1200, 960), "growth": (1200, 640), "outcomes": (1200, 520)}
SIZES |= {"organisations": (1200, 960), "animation": (900, 720)}
SIZES |= {"connectivity": (900, 560), "card": (1200, 630)}
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


def _base_url(request: Request) -> str:
    return request.app.state.settings.base_url.rstrip("/")


def _round(view: View, number: str) -> int:
    """The published round `number` names, or not found (0, 99, "abc", a too-small round)."""
    if not number.isdecimal() or int(number) not in view.rounds:
        raise NotFound("There is no published picture for that round.")
    return int(number)


@router.get("/public/", response_class=HTMLResponse)
async def gallery(request: Request) -> HTMLResponse:
    def work() -> HTMLResponse:
        store = images(request)
        view = store.snapshot().public
        alt_texts = store.alt_texts(view)
        # An open round's figures are so far: its caption says so, as its alt text does.
        gallery = [(n, alt_texts[n], view.figures[n].open) for n in view.rounds]
        latest = view.rounds[-1] if view.rounds else None
        return render(
            request,
            "public_gallery.html",
            rounds=gallery,
            latest=latest,
            connectivity=store.connectivity(view) if view.rounds else [],
            open_rounds=[n for n in view.rounds if n not in view.closed_at],
            base_url=_base_url(request),
            sizes=SIZES,
        )

    return await _off_the_loop(request, work)


@router.get("/public/rounds/{number}/", response_class=HTMLResponse)
async def round_page(
    request: Request, number: Annotated[str, PathParam(max_length=20)]
) -> HTMLResponse:
    def work() -> HTMLResponse:
        store = images(request)
        view = store.snapshot().public
        found = _round(view, number)
        at = view.rounds.index(found)
        return render(
            request,
            "public_round.html",
            number=found,
            alt=store.alt_texts(view)[found],
            figures=store.figure_lines(view)[found],
            previous=view.rounds[at - 1] if at > 0 else None,
            next=view.rounds[at + 1] if at + 1 < len(view.rounds) else None,
            closed=found in view.closed_at,
            base_url=_base_url(request),
            sizes=SIZES,
        )

    return await _off_the_loop(request, work)


@router.get("/public/rounds/{number}/card.png")
async def round_card(
    request: Request, number: Annotated[str, PathParam(max_length=20)]
) -> Response:
    def work() -> Picture:
        store = images(request)
        view = store.snapshot().public
        return store.card(view, _round(view, number))

    return _image(request, await _off_the_loop(request, work), "png")


@router.get("/public/network.gif")
async def animation(request: Request) -> Response:
    # Declared before /public/network.{fmt}, which would otherwise take "gif" and refuse it.
    def work() -> Picture:
        store = images(request)
        view = store.snapshot().public
        if not view.rounds:
            raise NotFound("Nothing is published yet.")
        return store.animation(view)

    return _image(request, await _off_the_loop(request, work), "gif")


@router.get("/public/connectivity.{fmt}")
async def connectivity(request: Request, fmt: Literal["svg", "png"]) -> Response:
    def work() -> Picture:
        store = images(request)
        return store.connectivity_chart(store.snapshot().public, fmt=fmt)

    return _image(request, await _off_the_loop(request, work), fmt)


@router.get("/public/feed.atom")
async def feed(request: Request) -> Response:
    base_url = _base_url(request)
    settings = request.app.state.settings

    def work() -> Picture:
        store = images(request)
        view = store.snapshot().public
        # Stories are not part of the network's data version (approving one changes no
        # picture), so the feed is keyed by the stories it shows as well: a few dozen rows.
        with store.database.read_session() as session:
            stories = approved_stories(
                session=session, min_people=settings.public_min_people, limit=FEED_STORIES
            )
        shown = ",".join(f"{s.id}@{s.updated_at.isoformat()}" for s in stories)

        def build() -> Picture:
            alt_texts, figures = store.alt_texts(view), store.figure_lines(view)
            entries = [
                round_entry(
                    base_url=base_url,
                    number=n,
                    starts_on=view.starts_on[n],
                    closed_at=view.closed_at[n],
                    alt=alt_texts[n],
                    lines=figures[n],
                )
                for n in view.published()
            ]
            entries += [story_entry(base_url=base_url, story=story) for story in stories]
            document = atom_feed(base_url=base_url, title=settings.scheme_name, entries=entries)
            return Picture.of(document)

        return store.memo(view, f"feed {base_url} {shown}", build)

    return picture_response(request, await _off_the_loop(request, work), "atom", _FEED_CACHE)


# The newest stories a feed reader is offered; older ones stay on /public/stories.
FEED_STORIES = 50
# Feed readers poll; an hour between polls is plenty for a monthly round.
_FEED_CACHE = "public, max-age=3600"


@router.get("/public/rounds/{number}/network.{fmt}")
async def round_image(
    request: Request, number: Annotated[str, PathParam(max_length=20)], fmt: Literal["svg", "png"]
) -> Response:
    # Any number that is not a published round (0, 99, "abc") is simply not there: a reader
    # who mistypes the address gets "not found", not a validation message about a path.
    def work() -> Picture:
        store = images(request)
        view = store.snapshot().public
        return store.network(view, _round(view, number), fmt=fmt)

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
