"""With several web workers, every scrape reports the requests of all of them."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.loadkit import serve

TOKEN = "metrics-token-0123456789"


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.mark.slow
def test_request_counts_add_up_over_workers(sqlite_url, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_999.db").write_bytes(b"left by an earlier run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    with serve(sqlite_url, workers=2, metrics_token=TOKEN) as served:
        assert not (folder / "counter_999.db").exists(), "serve starts from an empty folder"
        for _ in range(30):
            # A new connection each time, so that both workers get some.
            reply = httpx.get(f"{served.url}/api/v1/stats/experiments", timeout=10)
            assert reply.status_code == 401
        scrapes = []
        for _ in range(6):
            reply = httpx.get(
                f"{served.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
            )
            assert reply.status_code == 200
            scrapes.append(reply.text)
        pids = {p.name.split("_")[-1] for p in folder.glob("counter_*.db")}
    assert len(pids) == 2, "both workers answered (and wrote their counts)"
    series = (
        r'unmentor_http_requests_total\{method="GET",'
        r'route="/api/v1/stats/experiments",status="401"\} (\S+)'
    )
    for text in scrapes:
        assert float(re.search(series, text).group(1)) == 30, "whichever worker answers"
