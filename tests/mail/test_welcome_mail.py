"""The welcome for someone an organiser added, sent by the relay through a real SMTP server,
before their first introduction."""

from __future__ import annotations

from tests.conftest import LiveServer
from tests.support import body_of, html_part
from unmentor.clock import utcnow
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.rounds.emails import pause_link
from unmentor.rounds.forming import form_round


def test_added_by_the_api_welcomed_first_then_introduced(server: LiveServer, mailbox) -> None:
    with server.organiser() as api:
        for name, email, organisation in (
            ("Ann <Smith>", "ann@example.org", "Devon CC"),
            ("Bob Jones", "bob@example.org", "NHS Devon"),
        ):
            added = api.post(
                "/api/v1/participants",
                json={"name": name, "email": email, "organisation": organisation},
            )
            assert added.status_code == 201, added.text
        ann_id = api.get("/api/v1/participants", params={"q": "ann@"}).json()["items"][0]["id"]
    [welcome] = mailbox.wait_for("ann@example.org")  # the relay loop sends it by itself
    assert welcome["Subject"].startswith("Welcome to UnMentor")
    assert welcome.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in welcome.get_payload()] == [
        "text/plain",
        "text/html",
    ]
    text, html = body_of(welcome).replace("\r\n", "\n"), html_part(welcome)
    link = pause_link(server.settings, ann_id)
    assert "".join(welcome["List-Unsubscribe"].split()) == f"<{link}>"
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Hello Ann <Smith>," in text and "Ann &lt;Smith&gt;" in html
    prose = " ".join(text.split())
    assert "introduces people who work in different organisations" in prose
    assert "Your first introduction comes with the next round" in prose
    for part in (text, html):
        assert f"{server.url}/me" in part and f"{server.url}/me#leave" in part and link in part

    now = utcnow()
    form_round(database=server.database, settings=server.settings, today=now.date(), now=now)
    server.deliver_mail()
    first, introduction = mailbox.wait_for("ann@example.org", count=2)
    assert first["Subject"] == welcome["Subject"]
    assert "Bob Jones" in body_of(introduction), "the welcome came before the introduction"

    with server.client() as http:  # a mail client's one-click "unsubscribe" pauses
        assert http.post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with server.database.read_session() as session:
        assert session.get(Participant, ann_id).status == ParticipantStatus.paused
