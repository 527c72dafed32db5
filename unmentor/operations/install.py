"""Adding the operations parts to an app: one call from create_app."""

from __future__ import annotations

from fastapi import FastAPI

from unmentor.db import head_revision
from unmentor.operations import metrics, routes
from unmentor.operations.requestid import RequestId


def install(app: FastAPI) -> None:
    """Request ids and metrics on every request (outermost), /readyz and /metrics.

    Call it after the other middleware: the last added runs first, so refusals at the door
    (503, 413) are counted and carry a request id too.
    """
    app.state.schema_head = head_revision()  # read once: the code's head cannot change
    app.state.request_metrics = metrics.RequestMetrics()
    app.add_middleware(metrics.Measure, metrics=app.state.request_metrics)
    app.add_middleware(RequestId)
    app.include_router(routes.router)
