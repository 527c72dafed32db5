"""The signed tokens in round emails: one purpose each, and links emailed before still work."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unmentor.errors import LinkInvalid
from unmentor.rounds.tokens import (
    MemberKey,
    outcome_token,
    pause_token,
    pause_tokens,
    pick_token,
    read_outcome_token,
    read_pause_token,
    read_pick_token,
    read_rematch_token,
    rematch_token,
)

SECRET = "a-secret-key-for-these-tests-only-0000"
ids = st.integers(min_value=1, max_value=9_999_999_999)
chances = st.integers(min_value=1, max_value=9)

MEMBER_TOKENS = [(outcome_token, read_outcome_token), (pick_token, read_pick_token)]


def old_token(purpose: str, *numbers: int) -> str:
    """A token as the hand-made HMAC scheme wrote them into emails already sent."""
    message = ":".join([purpose, *map(str, numbers)]).encode()
    mac = hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()[:32]
    return "-".join([*map(str, numbers), mac])


@given(round_id=ids, participant_id=ids, chance=chances)
def test_member_tokens_name_the_member_they_were_made_for(round_id, participant_id, chance):
    for make, read in MEMBER_TOKENS:
        token = make(SECRET, round_id, participant_id, chance)
        assert read(SECRET, token) == MemberKey(round_id, participant_id, chance)
        assert len(token) <= 100, "the pages and the API refuse longer tokens"


@given(round_id=ids, participant_id=ids)
def test_rematch_and_pause_tokens_round_trip(round_id, participant_id):
    assert read_rematch_token(SECRET, rematch_token(SECRET, round_id, participant_id)) == (
        MemberKey(round_id, participant_id)
    )
    assert read_pause_token(SECRET, pause_token(SECRET, participant_id)) == participant_id
    assert pause_tokens(SECRET)(participant_id) == pause_token(SECRET, participant_id)


def test_a_token_works_only_for_its_own_purpose_and_key() -> None:
    tokens = {
        "outcome": outcome_token(SECRET, 3, 4),
        "pick": pick_token(SECRET, 3, 4),
        "rematch": rematch_token(SECRET, 3, 4),
        "pause": pause_token(SECRET, 4),
    }
    readers = {
        "outcome": read_outcome_token,
        "pick": read_pick_token,
        "rematch": read_rematch_token,
        "pause": read_pause_token,
    }
    for purpose, token in tokens.items():
        for other, read in readers.items():
            if other == purpose:
                read(SECRET, token)
                with pytest.raises(LinkInvalid):
                    read("another-deployment-key-000000000000", token)
            else:
                with pytest.raises(LinkInvalid):
                    read(SECRET, token)


def test_a_changed_id_breaks_the_signature() -> None:
    token = outcome_token(SECRET, 3, 4)
    value, signature = token.split(".")
    forged = f"{value.replace('3-4', '3-5')}.{signature}"
    with pytest.raises(LinkInvalid):
        read_outcome_token(SECRET, forged)


def test_links_in_emails_sent_before_itsdangerous_still_work() -> None:
    assert read_outcome_token(SECRET, old_token("outcome", 12, 345)) == MemberKey(12, 345, 1)
    assert read_outcome_token(SECRET, old_token("outcome", 12, 345, 2)) == MemberKey(12, 345, 2)
    assert read_pick_token(SECRET, old_token("pick", 12, 345)) == MemberKey(12, 345, 1)
    assert read_pick_token(SECRET, old_token("pick", 12, 345, 3)) == MemberKey(12, 345, 3)
    assert read_rematch_token(SECRET, old_token("rematch", 12, 345)) == MemberKey(12, 345)
    assert read_pause_token(SECRET, old_token("pause", 345)) == 345


@pytest.mark.parametrize(
    "forged",
    [
        old_token("outcome", 12, 345).replace("12-345", "12-346"),  # someone else's answer
        old_token("pick", 12, 345),  # a pick link's token on the answer page
        "12-345-" + "0" * 32,
        "12-345-2-" + "0" * 32,
        old_token("outcome", 12, 345)[:-1],
    ],
)
def test_forged_old_style_tokens_fail(forged: str) -> None:
    with pytest.raises(LinkInvalid):
        read_outcome_token(SECRET, forged)


@pytest.mark.parametrize("junk", ["", "nonsense", "1-2", "1-2.", ".", "1-2-3-4.x", "é.é"])
def test_junk_is_refused(junk: str) -> None:
    with pytest.raises(LinkInvalid):
        read_outcome_token(SECRET, junk)
