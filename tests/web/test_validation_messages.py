"""Every validation message is a plain sentence about its field, on the pages and in the API."""

from __future__ import annotations

import re

import pytest

from tests.conftest import LiveServer
from tests.support import ORGANISER_TOKEN, hidden_field
from unmentor.errors import readable_message

NEEDS_AT = "That doesn't look like an email address: it needs an @."


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def _sign_up(server: LiveServer, **fields):
    with server.client() as http:
        csrf = hidden_field(http.get("/").text, "csrf_token")
        return http.post("/signup", data={"csrf_token": csrf, **fields})


def _field_error(html: str, field: str) -> str:
    return re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html).group(1)


def test_an_empty_form_names_each_missing_field_in_a_summary(server: LiveServer) -> None:
    reply = _sign_up(server, name="  ", email="")
    assert reply.status_code == 422
    html = reply.text.replace("&#39;", "'")
    assert _field_error(html, "name") == "Please enter your name."
    assert _field_error(html, "email") == "Please enter your email address."
    summary = re.search(r'<div class="card error-summary".*?</div>', html, re.S).group(0)
    assert 'role="alert"' in summary
    assert "Please fix these 2 things before signing up" in summary
    assert '<a href="#name">Please enter your name.</a>' in summary
    assert '<a href="#email">Please enter your email address.</a>' in summary
    # The error and the hint are both read out with the field.
    email_input = re.search(r'<input id="email"[^>]*>', html, re.S).group(0)
    assert 'aria-describedby="email-error email-hint"' in email_input
    assert 'aria-invalid="true"' in email_input and 'autocomplete="email"' in email_input
    assert "String should have" not in html


def test_an_address_without_an_at_says_so(server: LiveServer) -> None:
    reply = _sign_up(server, name="Ann", email="ann.example.org")
    html = reply.text.replace("&#39;", "'")
    assert _field_error(html, "email") == NEEDS_AT
    assert "Please fix this before signing up" in html


def test_a_clean_form_ties_hints_to_fields_and_fills_in_what_it_can(server: LiveServer) -> None:
    with server.client() as http:
        html = http.get("/").text
    for field, autocomplete in (("name", "name"), ("email", "email")):
        tag = re.search(rf'<input id="{field}"[^>]*>', html, re.S).group(0)
        assert f'aria-describedby="{field}-hint"' in tag
        assert f'autocomplete="{autocomplete}"' in tag
        assert f'id="{field}-hint"' in html
    assert "error-summary" not in html


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "Ann", "email": ""}, "email", "Please enter an email address."),
        ({"name": "Ann", "email": "ab"}, "email", NEEDS_AT),
        ({"name": "Ann"}, "email", "Please enter an email address."),
        ({"name": "", "email": "ann@example.org"}, "name", "Please enter a name."),
        (
            {"name": "x" * 201, "email": "ann@example.org"},
            "name",
            "The name can be at most 200 characters long.",
        ),
        (
            {"name": "Ann", "email": "ann@"},
            "email",
            "That doesn't look like an email address: there must be something after the @-sign.",
        ),
    ],
)
def test_the_api_says_the_same_in_its_own_error_shape(server, body, field, message) -> None:
    with server.client() as http:
        reply = http.post("/api/v1/signups", json=body)
    assert reply.status_code == 422
    problems = reply.json()["errors"]
    assert {"field": field, "message": message} in problems
    assert reply.json()["detail"].startswith("The input is not valid (")


def test_unknown_pydantic_messages_still_read_as_sentences() -> None:
    problem = {"loc": ("body", "seed"), "type": "int_parsing", "msg": "Input should be a number"}
    assert readable_message(problem) == "Input should be a number."
    sized = {"loc": ("body", "sector"), "type": "value_error", "msg": "Value error, must be x"}
    assert readable_message(sized) == "The sector must be x."


def test_the_sign_in_page_asks_for_the_address_plainly(server: LiveServer) -> None:
    with server.client() as http:
        csrf = hidden_field(http.get("/me").text, "csrf_token")
        reply = http.post("/me/link", data={"csrf_token": csrf, "email": ""})
    assert reply.status_code == 422
    assert "Please enter your email address." in reply.text


def test_nothing_typed_is_asked_for_whatever_the_check() -> None:
    empty_date = {
        "loc": ("body", "until"),
        "type": "date_parsing",
        "msg": "Input should be a valid date",
        "input": "",
    }
    assert readable_message(empty_date) == "Please enter a date."
    assert readable_message(empty_date, to_person=True) == "Please enter the date to pause until."


def test_a_page_form_refused_by_its_types_says_sentences(server: LiveServer) -> None:
    with server.client() as http:
        csrf = hidden_field(http.get("/organiser").text, "csrf_token")
        http.post("/organiser/signin", data={"csrf_token": csrf, "token": ORGANISER_TOKEN})
        reply = http.post("/organiser/rounds", data={"csrf_token": csrf, "seed": "abc"})
    assert reply.status_code == 422
    assert "The input is not valid (" not in reply.text
    assert "Input should be a valid integer" in reply.text


def test_the_never_match_form_ties_its_error_to_the_field(server: LiveServer) -> None:
    with server.client() as http:
        csrf = hidden_field(http.get("/organiser").text, "csrf_token")
        http.post("/organiser/signin", data={"csrf_token": csrf, "token": ORGANISER_TOKEN})
        reply = http.post(
            "/organiser/blocked",
            data={"csrf_token": csrf, "asker": "", "other": "someone.example.org"},
        )
    assert reply.status_code == 422
    other = re.search(r'<input id="other"[^>]*>', reply.text, re.S).group(0)
    asker = re.search(r'<input id="asker"[^>]*>', reply.text, re.S).group(0)
    said = re.search(r'id="blocked-error"[^>]*>(.*?)</p>', reply.text).group(1)
    assert said.replace("&#39;", "'") in ("Please enter an email address.", NEEDS_AT)
    invalid = [tag for tag in (asker, other) if 'aria-invalid="true"' in tag]
    assert len(invalid) == 1 and 'aria-describedby="blocked-error"' in invalid[0]
