"""'Never introduce me to ...' on /me over HTTP: pick a partner or type an address; confidential."""

from __future__ import annotations

import re

import pytest
from sqlmodel import func, select

from tests.blocking_support import cast_with_a_past, rows, signed_in
from tests.conftest import LiveServer
from tests.support import hidden_field
from unmentor.mail.models import OutboxMessage


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """These tests are about pages and what they reveal: SQLite is enough."""
    return sqlite_url


def _post(http, path: str, **data):
    csrf = hidden_field(http.get("/me").text, "csrf_token")
    return http.post(path, data={"csrf_token": csrf, **data})


def _never_list(html: str) -> list[str]:
    found = re.search(r'<ul id="never-list">(.*?)</ul>', html, re.S)
    if not found:
        return []
    return [" ".join(item.split("<form")[0].split()) for item in found.group(1).split("<li>")[1:]]


def _outbox_count(server: LiveServer) -> int:
    with server.database.read_session() as session:
        return session.exec(select(func.count()).select_from(OutboxMessage)).one()


def test_pick_a_partner_or_type_an_address_then_remove(server: LiveServer) -> None:
    cast = cast_with_a_past(server.database, server.settings)
    mail_before = _outbox_count(server)
    with signed_in(server, cast.ann) as http:
        page = http.get("/me").text
        # Only people Ann was introduced to are offered.
        assert f'<option value="{cast.bob.id}">Bob Other</option>' in page
        assert "Cy Third" not in page and "Dee Fourth" not in page

        added = _post(http, "/me/never", other_id=str(cast.bob.id))
        assert added.status_code == 303 and added.headers["location"] == "/me?never=added#never"
        # A participant's address and an address nobody has get exactly the same answer.
        known = _post(http, "/me/never", email="CY@example.org ")
        unknown = _post(http, "/me/never", email="nobody@example.org")
        assert (known.status_code, known.headers["location"], known.text) == (
            unknown.status_code,
            unknown.headers["location"],
            unknown.text,
        )
        page = http.get("/me?never=added").text
        assert _never_list(page) == ["Bob Other", "cy@example.org", "nobody@example.org"]
        assert "Cy Third" not in page, "a typed address must never reveal whose it is"
        # Adding the same again changes nothing; a stranger's id cannot be picked.
        assert _post(http, "/me/never", email="cy@example.org").status_code == 303
        stranger = _post(http, "/me/never", other_id=str(cast.dee.id))
        assert stranger.status_code == 404 and "Dee" not in stranger.text
        assert _post(http, "/me/never", email="ann@example.org").status_code == 422
        assert _post(http, "/me/never", email="not an address").status_code == 422
        assert len(rows(server.database)) == 3

        nobody = next(r for r in rows(server.database) if r.other_email == "nobody@example.org")
        removed = _post(http, "/me/never/remove", entry_id=str(nobody.id))
        assert removed.status_code == 303
        assert _never_list(http.get("/me").text) == ["Bob Other", "cy@example.org"]
    # Someone else cannot remove Ann's entries.
    with signed_in(server, cast.cy) as other:
        bob_entry = next(r for r in rows(server.database) if r.other_id == cast.bob.id)
        assert _post(other, "/me/never/remove", entry_id=str(bob_entry.id)).status_code == 404
    assert len(rows(server.database)) == 2
    assert _outbox_count(server) == mail_before, "nobody is emailed about a never-match request"


def test_the_other_person_never_learns(server: LiveServer) -> None:
    cast = cast_with_a_past(server.database, server.settings)
    with signed_in(server, cast.ann) as ann:
        assert _post(ann, "/me/never", other_id=str(cast.bob.id)).status_code == 303
        assert _post(ann, "/me/never", email="cy@example.org").status_code == 303
        mine = ann.get("/me/data.json").json()["never_introduce"]
    assert [entry["never_introduce_to"] for entry in mine] == ["Bob Other", "cy@example.org"]
    assert {entry["added_by"] for entry in mine} == {"participant"}
    for person in (cast.bob, cast.cy):
        with signed_in(server, person) as http:
            page = http.get("/me").text
            data = http.get("/me/data.json")
        assert _never_list(page) == []
        assert data.json()["never_introduce"] == []
        assert "never" not in data.text.replace('"never_introduce": []', "").lower()
        if person is cast.cy:  # never met Ann: nothing on the page names her
            assert "Ann" not in page
