"""Introductions people act on: text and HTML, buttons, starters, one-click pause."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import body_of, html_part, token_of
from unmentor.clock import utcnow
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.rounds.emails import answer_links, pause_link
from unmentor.rounds.forming import form_round
from unmentor.rounds.tokens import read_pause_token


@pytest.fixture
def server_overrides() -> dict:
    return {"conversation_starters": ["What keeps you busy?", "Best <b>advice</b> you had?"]}


@pytest.fixture
def introduced(server: LiveServer, mailbox):
    with server.database.session() as session:
        ann = make_participant(session, name="Ann Smith", organisation="Devon CC")
        bob = make_participant(
            session, name="Bob <Jones>", organisation="NHS & Co", sector="Health"
        )
    now = utcnow()
    formed = form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now, seed=1
    )
    server.deliver_mail()
    [message] = mailbox.wait_for(ann.email)
    return formed.round, ann, bob, message


def test_the_introduction_has_text_and_html_alternatives(server: LiveServer, introduced) -> None:
    round_, ann, _, message = introduced
    assert message.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in message.get_payload()]
    assert kinds == ["text/plain", "text/html"], "plain text first: the fallback"
    text, html = body_of(message).replace("\r\n", "\n"), html_part(message)
    met, not_met = answer_links(server.settings, round_.id, ann.id)
    for part in (text, html.replace("&amp;", "&")):
        assert met in part and not_met in part
        assert "What keeps you busy?" in part
    assert "Bob <Jones>, NHS & Co (Health)" in text
    # People type names: in HTML they stay text, never markup.
    assert "Bob &lt;Jones&gt;" in html and "NHS &amp; Co" in html and "<Jones>" not in html
    assert "Best &lt;b&gt;advice&lt;/b&gt; you had?" in html
    assert 'id="met"' in html and 'id="not-met"' in html
    assert message["Message-ID"], "idempotency-derived Message-ID kept"


def test_list_unsubscribe_pauses_in_one_click(server: LiveServer, introduced) -> None:
    _, ann, _, message = introduced
    link = pause_link(server.settings, ann.id)
    # Long headers may be folded (RFC 5322): compare without the folding whitespace.
    assert "".join(message["List-Unsubscribe"].split()) == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with server.client() as http:
        shown = http.get(link)
        assert shown.status_code == 200 and "Pause my introductions" in shown.text
        assert _status(server, ann.id) == ParticipantStatus.active, "GET changes nothing"
        # What a mail client sends (RFC 8058): no cookie, no CSRF token.
        reply = http.post(link, data={"List-Unsubscribe": "One-Click"})
        again = http.post(link, data={"List-Unsubscribe": "One-Click"})
        forged = http.post(link[:-4] + "0000", data={"List-Unsubscribe": "One-Click"})
    assert reply.status_code == 200 and again.status_code == 200
    assert forged.status_code == 400
    with server.database.read_session() as session:
        person = session.get(Participant, ann.id)
    assert person.status == ParticipantStatus.paused, "paused, not deleted"
    assert person.paused_until == utcnow().date() + timedelta(days=server.settings.max_pause_days)
    secret = server.settings.secret_key.get_secret_value()
    assert read_pause_token(secret, token_of(link)) == ann.id


def test_pausing_someone_who_left_does_nothing(server: LiveServer, introduced) -> None:
    _, _, bob, _ = introduced
    with server.database.session() as session:
        person = session.get(Participant, bob.id)
        person.status = ParticipantStatus.left
        session.add(person)
    with server.client() as http:
        reply = http.post(pause_link(server.settings, bob.id))
    assert reply.status_code == 200 and "Nothing to pause" in reply.text
    assert _status(server, bob.id) == ParticipantStatus.left


def _status(server: LiveServer, participant_id: int) -> ParticipantStatus:
    with server.database.read_session() as session:
        return session.get(Participant, participant_id).status
