"""Public pages for blog readers: anonymised pictures and counts, nothing that names anyone.

Only rounds with at least `public_min_people` taking part are shown, and the images come from
viz's public mode (sectors as colours, no keys, labels, dates or metadata).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from unmentor.api.deps import PathId, SettingsDep
from unmentor.errors import NotFound
from unmentor.network.images import NetworkImages
from unmentor.web.rendering import render

router = APIRouter(include_in_schema=False)
MEDIA = {"svg": "image/svg+xml", "png": "image/png"}
RoundNumber = PathId


def images(request: Request) -> NetworkImages:
    return request.app.state.images


def _image(content: bytes, fmt: str) -> Response:
    # Public images change when a round does; a short cache keeps blogs fast and current.
    return Response(
        content, media_type=MEDIA[fmt], headers={"Cache-Control": "public, max-age=300"}
    )


@router.get("/public/", response_class=HTMLResponse)
def gallery(request: Request, settings: SettingsDep) -> HTMLResponse:
    data = images(request).data()
    numbers = data.published_rounds(settings.public_min_people)
    alt_texts = images(request).alt_texts(data)
    gallery = [(n, alt_texts.get(n, f"Round {n}: no groups.")) for n in numbers]
    return render(
        request, "public_gallery.html", rounds=gallery, latest=numbers[-1] if numbers else None
    )


@router.get("/public/rounds/{number}/network.{fmt}")
def round_image(
    request: Request, settings: SettingsDep, number: RoundNumber, fmt: Literal["svg", "png"]
) -> Response:
    data = images(request).data()
    if number not in data.published_rounds(settings.public_min_people):
        raise NotFound("There is no published picture for that round.")
    return _image(images(request).network(data, number, public=True, fmt=fmt), fmt)


@router.get("/public/network.{fmt}")
def whole_network(request: Request, settings: SettingsDep, fmt: Literal["svg", "png"]) -> Response:
    data = images(request).data()
    numbers = data.published_rounds(settings.public_min_people)
    if not numbers:
        raise NotFound("Nothing is published yet.")
    return _image(images(request).network(data, numbers[-1], public=True, fmt=fmt), fmt)


@router.get("/public/growth.{fmt}")
def growth(request: Request, fmt: Literal["svg", "png"]) -> Response:
    store = images(request)
    return _image(store.growth(store.data(), fmt=fmt), fmt)


@router.get("/public/outcomes.{fmt}")
def outcomes(request: Request, fmt: Literal["svg", "png"]) -> Response:
    store = images(request)
    return _image(store.outcomes(store.data(), fmt=fmt), fmt)
