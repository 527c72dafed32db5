"""Named API tokens: shown once, stored as SHA-256 only, revocable, last-used noted cheaply."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlmodel import select

from tests.accounts_support import api, make_account
from tests.conftest import LiveServer
from unmentor.clock import utcnow
from unmentor.organisers import tokens
from unmentor.organisers.models import OrganiserApiToken


def _row(server: LiveServer, token_id: int) -> OrganiserApiToken:
    with server.database.read_session() as session:
        return session.get(OrganiserApiToken, token_id)


def test_a_token_is_shown_once_stored_hashed_noted_and_revoked(server: LiveServer) -> None:
    olga = make_account(server, "Olga", "olga@example.org")
    with api(server, olga) as olga_api:
        made = olga_api.post("/api/v1/tokens", json={"name": "nightly report"})
        assert made.status_code == 201
        secret, token_id = made.json()["token"], made.json()["id"]
        assert secret.startswith("umo_") and len(secret) > 40
        listed = olga_api.get("/api/v1/tokens").json()
        assert "token" not in listed[0] and "token_hash" not in listed[0]
        assert [t["name"] for t in listed] == ["nightly report", "tests"]

    row = _row(server, token_id)
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    with server.database.read_session() as session:
        values = [
            v
            for t in session.exec(select(OrganiserApiToken)).all()
            for v in t.model_dump().values()
        ]
    assert secret not in values, "the secret itself is stored nowhere"
    assert row.last_used_at is None

    with server.client(headers={"Authorization": f"Bearer {secret}"}) as script:
        assert script.get("/api/v1/rounds").status_code == 200
        first_use = _row(server, token_id).last_used_at
        assert first_use is not None
        assert script.get("/api/v1/rounds").status_code == 200
        assert _row(server, token_id).last_used_at == first_use, "not a write per request"

        with api(server, olga) as olga_api:
            assert olga_api.delete(f"/api/v1/tokens/{token_id}").status_code == 204
            # Someone else's token is not theirs to revoke.
            assert olga_api.delete("/api/v1/tokens/999").status_code == 404
        assert script.get("/api/v1/rounds").status_code == 403
    assert _row(server, token_id).revoked_at is not None


def test_last_used_is_written_at_most_once_a_minute(server: LiveServer) -> None:
    olga = make_account(server, "Olga", "olga@example.org")
    now = utcnow()
    with server.database.session() as session:
        made = tokens.create(session=session, organiser_id=olga.id, name="x", now=now)
        tokens.note_use(session=session, token_id=made.id, now=now)
        tokens.note_use(session=session, token_id=made.id, now=now + timedelta(seconds=59))
    assert _row(server, made.id).last_used_at == now
    later = now + tokens.LAST_USED_EVERY
    with server.database.session() as session:
        tokens.note_use(session=session, token_id=made.id, now=later)
    assert _row(server, made.id).last_used_at == later


def test_the_organisers_page_shows_a_new_token_once(server: LiveServer) -> None:
    from tests.accounts_support import browser
    from tests.support import hidden_field

    olga = make_account(server, "Olga", "olga@example.org")
    with browser(server, olga) as http:
        csrf = hidden_field(http.get("/organiser/organisers").text, "csrf_token")
        made = http.post("/organiser/tokens", data={"csrf_token": csrf, "name": "sheets"})
        assert made.status_code == 200 and 'id="new-token"' in made.text
        assert made.headers["cache-control"] == "no-store"
        secret = made.text.split('id="new-token"')[1].split("<code>")[1].split("</code>")[0]
        again = http.get("/organiser/organisers").text
        assert "sheets" in again and secret not in again
