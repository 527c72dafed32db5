"""/docs and /redoc come whole from the service: nothing is fetched from another host."""

from __future__ import annotations

import re

import pytest

from tests.conftest import LiveServer


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_docs_pages_use_only_our_own_files(server: LiveServer, path: str) -> None:
    with server.client() as http:
        page = http.get(path)
        assert page.status_code == 200
        assert "<script>" not in page.text, "an inline script: the page's CSP would block it"
        policy = page.headers["content-security-policy"]
        assert "http" not in policy and "unsafe-inline" not in policy.split("style-src")[0]
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert assets and all(asset.startswith("/") for asset in assets), assets
        for asset in assets:
            reply = http.get(asset)
            assert reply.status_code == 200, asset
            assert len(reply.content) > 100, asset
