"""The web application: JSON API, participant pages and static files, built from settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from unmentor import __version__
from unmentor.api.admission import AdmissionLimit
from unmentor.api.errors import install_api_error_handlers
from unmentor.blocking import routes as blocking_routes
from unmentor.db import Database, database_for
from unmentor.http import access_log
from unmentor.http.body_limit import BodyLimit
from unmentor.http.head import HeadAsGet
from unmentor.http.headers import SecurityHeaders
from unmentor.mail.loop import RelayLoop
from unmentor.mail.mailer import Mailer
from unmentor.mail.transports import Transport
from unmentor.network import routes as network_routes
from unmentor.network.images import NetworkImages
from unmentor.network.workers import Workers
from unmentor.operations.install import install as install_operations
from unmentor.organisers import routes as organiser_routes
from unmentor.people import organisation_routes
from unmentor.people import routes as people_routes
from unmentor.rounds import routes as rounds_routes
from unmentor.settings import Settings, load_settings
from unmentor.stories import routes as stories_routes
from unmentor.web import (
    accounts,
    answers,
    apidocs,
    blocked,
    never,
    organiser,
    organiser_stories,
    pages,
    picking,
    public,
    rematch,
    stories,
    unsubscribe,
)
from unmentor.web import organisations as organisation_pages
from unmentor.web import participants as participant_pages
from unmentor.web import transfer as transfer_pages
from unmentor.web.forms import CsrfFailed
from unmentor.web.rendering import message_page

API_PREFIX = "/api/"


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path.startswith(API_PREFIX) or path in ("/openapi.json", "/docs")


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    mail_transport: Transport | None = None,
    run_scheduler: bool = False,
    run_mail_relay: bool = False,
) -> FastAPI:
    """A ready-to-serve application; tests pass their own settings, database and transport.

    Requests never send mail, they only write the outbox. The relay loop that sends it runs
    beside the scheduler (`run_scheduler`), or alone with `run_mail_relay` (for tests); a web
    worker with neither sends no mail at all.
    """
    settings = settings or load_settings()
    database = database or database_for(settings)
    images = NetworkImages(
        database,
        min_people=settings.public_min_people,
        workers=Workers(settings.picture_processes),
        max_bytes=settings.picture_cache_megabytes * 2**20,
        scheme_name=settings.scheme_name,
        show_organisations=settings.public_show_organisations,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        access_log.install()  # again: the server may have configured logging since
        stop_mail = None
        if run_scheduler or run_mail_relay:
            # The relay keeps one connection through a run: not one from the requests' pool.
            relay_database = database.with_own_pool()
            mailer = Mailer(database=relay_database, settings=settings, transport=mail_transport)
            if run_scheduler:
                from scheduler.jobs import Context
                from scheduler.runner import start_in_background

                running = start_in_background(
                    Context(database=database, mailer=mailer, settings=settings)
                ).shutdown
            else:
                running = RelayLoop(mailer, poll_seconds=settings.mail_poll_seconds).start().stop

            def stop_mail() -> None:
                running()
                relay_database.dispose()

        yield
        if stop_mail is not None:
            # Waits for the message in flight: off the event loop.
            await anyio.to_thread.run_sync(stop_mail)
        images.close()
        database.dispose()

    app = FastAPI(
        title="UnMentor",
        version=__version__,
        summary="Random conversations across organisations, round by round.",
        lifespan=lifespan,
        # Served by web/apidocs.py from local files, not from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.images = images
    app.state.page_error_handler = _page_error

    install_api_error_handlers(app, is_api=_is_api)
    # The last added runs first: headers go on every answer, refusals at the door included.
    app.add_middleware(BodyLimit, limit_for=_body_limits(settings))
    app.add_middleware(AdmissionLimit, limit=settings.max_requests_in_flight)
    app.add_middleware(SecurityHeaders, https=settings.base_url.startswith("https://"))
    app.add_middleware(HeadAsGet)
    install_operations(app)  # /readyz, /metrics, request ids
    access_log.install()

    @app.exception_handler(CsrfFailed)
    async def _csrf_failed(request: Request, _error: CsrfFailed):
        return message_page(
            request,
            "Please try again",
            "This form had expired or did not come from this site. Reload the page and send "
            "it again.",
            status_code=403,
        )

    @app.exception_handler(pages.NotSignedIn)
    async def _not_signed_in(_request: Request, _error: pages.NotSignedIn):
        return RedirectResponse("/me", status_code=303)

    @app.exception_handler(organiser.OrganiserSignInNeeded)
    async def _organiser_sign_in(_request: Request, _error: organiser.OrganiserSignInNeeded):
        return RedirectResponse(organiser.HOME, status_code=303)

    for router in (
        organisation_routes.public,
        organisation_routes.organiser,
        people_routes.public,
        people_routes.organiser,
        rounds_routes.public,
        rounds_routes.organiser,
        blocking_routes.organiser,
        network_routes.organiser,
        stories_routes.organiser,
        organiser_routes.organiser,
        organiser_routes.bootstrap,
        pages.router,
        public.router,
        pages.posts,
        never.posts,
        answers.router,
        stories.router,
        unsubscribe.router,
        picking.router,
        rematch.router,
        organiser.router,
        organiser.pages,
        organiser.actions,
        transfer_pages.pages,
        blocked.pages,
        blocked.actions,
        organiser_stories.pages,
        organiser_stories.actions,
        organisation_pages.pages,
        organisation_pages.actions,
        participant_pages.pages,
        participant_pages.actions,
        transfer_pages.actions,
        accounts.router,
        accounts.posts,
        accounts.pages,
        accounts.actions,
        apidocs.router,
    ):
        app.include_router(router)
    app.mount(
        "/static", StaticFiles(directory=Path(__file__).parent / "web" / "static"), name="static"
    )
    app.mount(apidocs.ASSETS, StaticFiles(directory=apidocs.assets_directory()), name="docs-assets")

    # Browsers ask for /favicon.ico on any address they show, pictures included.
    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> RedirectResponse:
        return RedirectResponse("/static/favicon.svg", status_code=301)

    # Async and touching nothing: it answers even while every worker thread is busy.
    @app.get("/healthz", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def create_worker_app() -> FastAPI:
    """The app of one of several web workers (`unmentor serve --workers N`): no scheduler."""
    from unmentor.heap import freeze_startup_heap
    from unmentor.operations import logs

    settings = load_settings()
    logs.configure(settings.log_format)  # a fresh process: uvicorn left logging to us
    app = create_app(settings, run_scheduler=False)
    freeze_startup_heap()
    return app


def _body_limits(settings: Settings):
    """Spreadsheet uploads may be large; every other body is a small form or JSON document."""
    upload = ("POST", transfer_pages.IMPORT_PATH)

    def limit_for(scope) -> int:
        if (scope.get("method"), scope.get("path")) == upload:
            return settings.max_upload_bytes
        return settings.max_body_bytes

    return limit_for


async def _page_error(request: Request, status: int, message: str, headers=None):
    titles = {
        404: "Page not found",
        405: "Not allowed",
        413: "Too large",
        429: "Too many requests",
    }
    return message_page(
        request,
        titles.get(status, "Something is not right"),
        message if status != 404 else "There is no page at this address.",
        status_code=status,
        headers=headers,
        link=("/", "Home"),
    )
