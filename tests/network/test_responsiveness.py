"""The site keeps answering while heavy work runs: /healthz p99 under 200 ms over real HTTP.

The heavy work is a 40,000-row upload to /organiser/import and the first (uncached) drawing
of a 5,000-person network. Both used to run where they could stall the event loop (the import
on it; drawing on a thread holding the GIL for long stretches, see unmentor.network.workers).
"""

from __future__ import annotations

import csv
import math
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlmodel import func, select

from tests.support import hidden_field
from unmentor.network.synthetic import load_community
from unmentor.people.models import Participant
from viz.synthetic import synthetic_community

# serial: a crowd or a latency measurement must not share the two cores with other tests.
pytestmark = [pytest.mark.slow, pytest.mark.serial]

P99_LIMIT = 0.200
UPLOAD_ROWS = 40_000


def _p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(0.99 * len(ordered)) - 1]


def _health_while(server, work: Callable[[], httpx.Response]) -> tuple[httpx.Response, list[float]]:
    """`work()` on a thread, and the latency of every /healthz answered until it finished."""
    result: list[httpx.Response] = []
    worker = threading.Thread(target=lambda: result.append(work()))
    latencies: list[float] = []
    with httpx.Client(base_url=server.url, timeout=10) as http:
        for _ in range(10):
            http.get("/healthz")  # connection open and code paths warm before measuring
        worker.start()
        while worker.is_alive():
            start = time.perf_counter()
            response = http.get("/healthz")
            latencies.append(time.perf_counter() - start)
            assert response.status_code == 200
            time.sleep(0.005)
    worker.join()
    return result[0], latencies


def _people_csv(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Full name", "E-mail address", "Organization", "Sector"])
        for n in range(rows):
            writer.writerow(
                [f"Person {n}", f"person.{n}@example{n % 97}.org", f"Org {n % 800}", ""]
            )
    return path


# The event loop is the subject here, not the database: SQLite only (the same import on
# PostgreSQL takes ~80 s here, which is the import's own speed, issue 11's concern).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_health_answers_during_a_large_import(server, organiser_pages, tmp_path) -> None:
    sheet = _people_csv(tmp_path / "people.csv", UPLOAD_ROWS)
    http = organiser_pages()
    form = http.get("/organiser/import")

    def upload() -> httpx.Response:
        with sheet.open("rb") as handle:
            return http.post(
                "/organiser/import",
                data={"csrf_token": hidden_field(form.text, "csrf_token")},
                files={"file": ("people.csv", handle, "text/csv")},
                timeout=120,
            )

    response, latencies = _health_while(server, upload)
    assert response.status_code == 200, response.text[-2000:]
    with server.database.read_session() as session:
        assert session.exec(select(func.count()).select_from(Participant)).one() == UPLOAD_ROWS
    assert len(latencies) >= 20, "the import finished before it could be measured against"
    assert _p99(latencies) < P99_LIMIT, f"p99 {_p99(latencies) * 1000:.0f} ms"


def test_health_answers_during_a_first_drawing(server) -> None:
    community = synthetic_community(5000, 6, seed=1)
    load_community(database=server.database, community=community)

    def draw() -> httpx.Response:
        with httpx.Client(base_url=server.url, timeout=120) as http:
            return http.get("/public/network.png")

    response, latencies = _health_while(server, draw)
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    assert server.images.cache.builds == 2, "the layouts and the picture, drawn for this request"
    assert len(latencies) >= 20, "the drawing finished before it could be measured against"
    assert _p99(latencies) < P99_LIMIT, f"p99 {_p99(latencies) * 1000:.0f} ms"


def test_health_answers_while_the_animation_and_feed_are_first_made(server) -> None:
    community = synthetic_community(2000, 6, seed=1)
    load_community(database=server.database, community=community)

    def draw() -> httpx.Response:
        with httpx.Client(base_url=server.url, timeout=120) as http:
            feed = http.get("/public/feed.atom")
            assert feed.status_code == 200 and b"<entry>" in feed.content
            return http.get("/public/network.gif")

    response, latencies = _health_while(server, draw)
    assert response.status_code == 200 and response.content.startswith(b"GIF89a")
    assert len(latencies) >= 20, "the drawing finished before it could be measured against"
    assert _p99(latencies) < P99_LIMIT, f"p99 {_p99(latencies) * 1000:.0f} ms"
