"""Security headers on pages, API responses and images; X-Forwarded-For only from proxies."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import select

from tests.conftest import LiveServer, free_port, start_server
from tests.factories import make_community
from unmentor.app import create_app
from unmentor.cli.serving import proxy_options
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.ratelimit import RateLimitCounter, hashed_key
from unmentor.rounds import forming
from unmentor.settings import load_settings

COMMON = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Headers do not depend on the database."""
    return sqlite_url


def _has_common_headers(reply) -> None:
    for name, value in COMMON.items():
        assert reply.headers[name] == value, name


def test_pages_forbid_inline_scripts_and_framing(server: LiveServer) -> None:
    with server.client() as http:
        for path in ["/", "/me", "/verify?token=x", "/me/login?token=x", "/outcome?token=x",
                     "/public/", "/organiser", "/no-such-page"]:  # fmt: skip
            reply = http.get(path)
            _has_common_headers(reply)
            policy = reply.headers["content-security-policy"]
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
            assert "frame-ancestors 'none'" in policy and reply.headers["x-frame-options"] == "DENY"
            assert "strict-transport-security" not in reply.headers


def test_api_responses_have_the_headers(server: LiveServer) -> None:
    with server.client() as http:
        for reply in (http.get("/healthz"), http.get("/api/v1/rounds"), http.get("/openapi.json")):
            _has_common_headers(reply)
            assert "default-src 'self'" in reply.headers["content-security-policy"]
            assert reply.headers["x-frame-options"] == "DENY"


def test_public_images_stay_embeddable(server: LiveServer) -> None:
    with server.database.session() as session:
        make_community(session, {"A": 5, "B": 5, "C": 2})
    now = utcnow()
    forming.form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now
    )
    with server.client() as http:
        for path in ("/public/network.svg", "/public/growth.svg", "/public/rounds/1/network.png"):
            reply = http.get(path)
            assert reply.status_code == 200 and reply.headers["content-type"].startswith("image/")
            _has_common_headers(reply)
            assert "x-frame-options" not in reply.headers, path
            policy = reply.headers["content-security-policy"]
            assert "frame-ancestors" not in policy and "script-src" not in policy
            assert policy.startswith("default-src 'none'")


def test_templates_hold_no_inline_script_or_style() -> None:
    import re
    from pathlib import Path

    templates = Path(__file__).parents[2] / "unmentor" / "web" / "templates"
    for template in templates.glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert not re.search(r"\son[a-z]+\s*=", text), template.name
        assert not re.search(r"\sstyle\s*=|<style", text), template.name


@pytest.fixture
def server_overrides(request) -> dict:
    return getattr(request, "param", {})


def test_hsts_when_the_site_is_https(make_settings) -> None:
    port = free_port()
    settings = make_settings(base_url="https://unmentor.example")
    database = Database(settings.database_url)
    uv, thread = start_server(create_app(settings, database=database), port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            reply = http.get("/")
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        database.dispose()
    assert reply.headers["strict-transport-security"].startswith("max-age=")


def _client_keys(server: LiveServer) -> set[str]:
    with server.database.read_session() as session:
        keys = session.exec(select(RateLimitCounter.key)).all()
    return {key for key in keys if key.startswith("client:")}


def _key(server: LiveServer, address: str) -> str:
    return hashed_key("client", address, secret=server.settings.secret_key.get_secret_value())


def _sign_ups(server: LiveServer, forwarded_for: list[str]) -> list[int]:
    with server.client() as http:
        return [
            http.post(
                "/api/v1/signups",
                json={"name": "N", "email": f"n{i}@example.org", "organisation": "O"},
                headers={"X-Forwarded-For": address},
            ).status_code
            for i, address in enumerate(forwarded_for)
        ]


@pytest.mark.parametrize("server_overrides", [{"signup_limit_per_client": 2}], indirect=True)
def test_a_spoofed_forwarded_for_does_not_change_the_rate_limit_key(server: LiveServer) -> None:
    statuses = _sign_ups(server, ["203.0.113.1", "203.0.113.2", "203.0.113.3"])
    assert statuses == [202, 202, 429]
    assert _client_keys(server) == {_key(server, "127.0.0.1")}


@pytest.mark.parametrize(
    "server_overrides", [{"forwarded_allow_ips": "127.0.0.1", "signup_limit_per_client": 2}],
    indirect=True,
)  # fmt: skip
def test_a_trusted_proxy_names_the_client(server: LiveServer) -> None:
    statuses = _sign_ups(server, ["198.51.100.7, 203.0.113.1", "203.0.113.2", "203.0.113.2"])
    assert statuses == [202, 202, 202]
    assert _client_keys(server) == {_key(server, "203.0.113.1"), _key(server, "203.0.113.2")}


def test_serve_believes_forwarded_headers_only_when_told() -> None:
    assert proxy_options(load_settings(forwarded_allow_ips="")) == {
        "proxy_headers": False,
        "forwarded_allow_ips": None,
    }
    assert proxy_options(load_settings(forwarded_allow_ips="10.0.0.0/8")) == {
        "proxy_headers": True,
        "forwarded_allow_ips": "10.0.0.0/8",
    }
    with pytest.raises(ValueError, match="forwarded_allow_ips"):
        load_settings(forwarded_allow_ips="not-an-address")
