"""log_format = "json": every line a JSON object carrying the request id, which is echoed."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from tests.conftest import free_port
from unmentor.app import create_app
from unmentor.db import Database
from unmentor.operations import logs


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Logging does not depend on the database."""
    return sqlite_url


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """logs.configure changes the root logger and uvicorn's: put them back afterwards."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    named = {
        name: (list(logger.handlers), logger.propagate, logger.level)
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        for logger in [logging.getLogger(name)]
    }
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, (handlers, propagate, level) in named.items():
        logging.getLogger(name).handlers[:] = handlers
        logging.getLogger(name).propagate = propagate
        logging.getLogger(name).setLevel(level)


def _serve(app, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    # As `unmentor serve` runs it: logging is ours (log_config=None), access log on.
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=True)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return server, thread


def test_json_lines_carry_the_request_id(make_settings, restored_logging) -> None:
    port = free_port()
    settings = make_settings(base_url=f"http://127.0.0.1:{port}", log_format="json")
    stream = io.StringIO()
    logs.configure(settings.log_format, stream=stream)
    app = create_app(settings, database=Database(settings.database_url))

    @app.get("/test/log")
    def log_something() -> dict:  # a `def` route: runs on a worker thread
        logging.getLogger("unmentor.test").warning("inside the route")
        return {}

    server, thread = _serve(app, port)
    try:
        with httpx.Client(base_url=settings.base_url) as http:
            given = http.get("/test/log", headers={"X-Request-ID": "proxy-id-42"})
            made = http.get("/healthz")
            refused = http.get("/healthz", headers={"X-Request-ID": "bad id\twith tabs"})
    finally:
        server.should_exit = True
        thread.join(timeout=10)

    assert given.headers["x-request-id"] == "proxy-id-42"
    generated = made.headers["x-request-id"]
    assert len(generated) == 32 and generated != refused.headers["x-request-id"]
    assert refused.headers["x-request-id"] != "bad id\twith tabs"

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert all({"time", "level", "logger", "request_id", "message"} <= set(line) for line in lines)
    by_id = {}
    for line in lines:
        by_id.setdefault(line["request_id"], []).append(line)
    ours = by_id["proxy-id-42"]
    assert {"unmentor.test", "uvicorn.access"} <= {line["logger"] for line in ours}
    assert any(line["message"] == "inside the route" for line in ours)
    assert any("/healthz" in line["message"] for line in by_id[generated])
    assert any(line["request_id"] == "-" for line in lines), "start-up lines have no request"


def test_text_lines_carry_the_request_id(restored_logging) -> None:
    stream = io.StringIO()
    logs.configure("text", stream=stream)
    logging.getLogger("unmentor.test").info("outside any request")
    assert stream.getvalue() == "INFO unmentor.test [-]: outside any request\n"
