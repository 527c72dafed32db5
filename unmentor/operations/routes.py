"""/readyz and /metrics: plain `def` routes, since both read the database."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from unmentor.clock import utcnow
from unmentor.operations import metrics, readiness

router = APIRouter(include_in_schema=False)


@router.get("/readyz")
def ready(request: Request) -> JSONResponse:
    state = request.app.state
    checks = readiness.check(
        database=state.database,
        head=state.schema_head,
        expect_scheduler=state.settings.expect_scheduler,
        now=utcnow(),
    )
    failing = {name: verdict for name, verdict in checks.items() if verdict != "ok"}
    body: dict[str, object] = {"status": "not ready" if failing else "ready", "checks": checks}
    if failing:
        body["not_ready"] = sorted(failing)
    return JSONResponse(body, status_code=503 if failing else 200)


@router.get("/metrics")
def scrape(request: Request) -> Response:
    expected = request.app.state.settings.metrics_token.get_secret_value()
    if not expected:
        raise HTTPException(status_code=404)  # off: as if there were no such page
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        raise HTTPException(
            status_code=401, detail="Bearer token needed", headers={"WWW-Authenticate": "Bearer"}
        )
    body = metrics.exposition(request.app.state.request_metrics, request.app.state.database)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
