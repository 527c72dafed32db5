"""A second chance over real HTTP and SMTP: the reminder's link, the ask page, the introduction."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sqlmodel import select

from tests.conftest import ORGANISER_TOKEN, LiveServer
from tests.factories import make_participant, make_round
from tests.support import body_of, hidden_field, html_part, link_in, press_button, sign_in_by_link
from unmentor.clock import utcnow
from unmentor.links.urls import REMATCH_PATH as REMATCH
from unmentor.rounds import rematch_pairing, reminders
from unmentor.rounds.emails import rematch_link
from unmentor.rounds.models import Outcome, Round, RoundMember
from unmentor.rounds.tokens import read_outcome_token


def _open_round_from_today(server: LiveServer):
    """Ann+Bob and Cat+Dan in a round that started today, due for its reminder."""
    today = utcnow().date()
    with server.database.session() as session:
        ann = make_participant(session, name="Ann Smith", organisation="Devon CC")
        bob = make_participant(session, name="Bob Jones", organisation="NHS Devon")
        cat = make_participant(session, name="Cat Brown", organisation="Exeter Uni")
        dan = make_participant(session, name="Dan Green", organisation="NHS Devon")
        round_ = make_round(
            session, [[ann, bob], [cat, dan]], number=1, period=f"{today:%Y-%m}", closed=False
        )
        round_.starts_on = round_.reminder_on = today
        round_.closes_on = today + timedelta(days=25)
        session.add(round_)
    return round_, ann, bob, cat, dan


def test_reminder_offers_someone_else_and_askers_are_introduced(
    server: LiveServer, mailbox
) -> None:
    round_, ann, bob, cat, _ = _open_round_from_today(server)
    now = utcnow()
    with server.database.session() as session:
        assert (
            reminders.send_due_reminders(
                session=session, settings=server.settings, today=now.date(), now=now
            )
            == 4
        )
    server.deliver_mail()
    [reminder_ann] = mailbox.wait_for(ann.email)
    [reminder_cat] = mailbox.wait_for(cat.email)
    assert "Ask for someone else" in body_of(reminder_ann)

    with server.client() as http:
        link = link_in(reminder_ann, "/another-partner")
        page = http.get(link)
        assert page.status_code == 200 and "Bob Jones" in page.text
        asked = press_button(http, link, "/another-partner")
        assert asked.status_code == 200 and 'data-state="waiting"' in asked.text
    with server.client() as http:
        found = press_button(http, link_in(reminder_cat, "/another-partner"), "/another-partner")
        assert 'data-state="found"' in found.text and "Ann Smith" in found.text
    server.deliver_mail()
    intro_ann = mailbox.wait_for(ann.email, count=2)[-1]
    intro_cat = mailbox.wait_for(cat.email, count=2)[-1]
    assert "a second chance" in intro_ann["Subject"] and "Cat Brown" in intro_ann["Subject"]
    text = body_of(intro_cat)
    assert "You asked for someone else this round, and so did Ann Smith" in text
    assert ann.email in text
    assert "You asked for someone else" in html_part(intro_cat)
    assert not mailbox.to(bob.email) or all(
        "second chance" not in m["Subject"] for m in mailbox.to(bob.email)[1:]
    ), "the silent partner is not told"

    # Cat answers from the new introduction: her second group's row, not her first.
    with server.client() as http:
        met = link_in(intro_cat, "/outcome")
        token = parse_qs(urlsplit(met).query)["token"][0]
        secret = server.settings.secret_key.get_secret_value()
        assert read_outcome_token(secret, token).chance == 2, "the new links carry the chance"
        assert met.endswith("answer=met")
        answered = press_button(http, met, "/outcome")
        assert answered.status_code == 200 and "glad you met" in answered.text
    with server.database.read_session() as session:
        rows = session.exec(
            select(RoundMember.chance, RoundMember.outcome)
            .where(RoundMember.round_id == round_.id, RoundMember.participant_id == cat.id)
            .order_by(RoundMember.chance)
        ).all()
        assert session.get(Round, round_.id).closed_at is None
    assert rows == [(1, Outcome.not_met), (2, Outcome.met)]
    with server.organiser() as http:
        detail = http.get("/api/v1/rounds/1").json()
    with server.client() as http:
        form = http.get("/organiser")
        http.post(
            "/organiser/signin",
            data={"csrf_token": hidden_field(form.text, "csrf_token"), "token": ORGANISER_TOKEN},
        )
        page = http.get("/organiser/rounds/1")
    assert [g["second_chance"] for g in detail["group_list"]] == [False, False, True]
    assert detail["people"] == 4 and detail["second_chance_groups"] == 1
    assert page.status_code == 200
    assert page.text.count('class="second-chance-group"') == 1
    assert page.text.count('class="asked-again"') == 2


def test_my_page_links_the_offer(server: LiveServer, mailbox) -> None:
    _, ann, *_ = _open_round_from_today(server)
    with server.client() as http:
        sign_in_by_link(server, http, mailbox, ann.email)
        page = http.get("/me")
        assert "ask for someone else" in page.text and "/another-partner?token=" in page.text


def test_nobody_found_is_told_by_email(server: LiveServer, mailbox) -> None:
    round_, ann, *_ = _open_round_from_today(server)
    with server.client() as http:
        asked = press_button(http, rematch_link(server.settings, round_.id, ann.id), REMATCH)
        assert 'data-state="waiting"' in asked.text
    late = utcnow() + timedelta(days=server.settings.rematch_until_day + 1)
    with server.database.session() as session:
        settled = rematch_pairing.close_requests(
            session=session, settings=server.settings, today=late.date(), now=utcnow()
        )
    assert settled.not_found == 1
    server.deliver_mail()
    [told] = mailbox.wait_for(ann.email)
    assert "nobody else was free" in told["Subject"]
    assert "no second partner for you this round" in body_of(told).replace("\n", " ")
    assert told["List-Unsubscribe"]
