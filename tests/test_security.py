"""Signed cookies and CSRF tokens: one itsdangerous signer per purpose, with an expiry."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from unmentor.security import Signer

SECRET = "a-secret-key-for-these-tests-only-0000"


@given(value=st.text(max_size=200))
def test_a_signed_value_comes_back_until_it_expires(value: str) -> None:
    signer = Signer(SECRET, purpose="flash")
    signed = signer.sign(value, max_age_seconds=60, now=1_000)
    assert signer.unsign(signed, now=1_059) == value
    assert signer.unsign(signed, now=1_061) is None


def test_a_value_signed_for_one_purpose_or_key_is_refused_by_another() -> None:
    signed = Signer(SECRET, purpose="flash").sign("Round 3 is closed.", max_age_seconds=60)
    assert Signer(SECRET, purpose="session").unsign(signed) is None
    assert Signer("another-deployment-key-000000000000", purpose="flash").unsign(signed) is None
    mac = Signer(SECRET, purpose="csrf").mac("nonce")
    assert Signer(SECRET, purpose="csrf").check_mac("nonce", mac)
    assert not Signer(SECRET, purpose="flash").check_mac("nonce", mac)
    assert not Signer(SECRET, purpose="csrf").check_mac("other nonce", mac)


def test_tampered_or_made_up_values_are_refused() -> None:
    signer = Signer(SECRET, purpose="flash")
    signed = signer.sign("Round 3 is closed.", max_age_seconds=60)
    payload, signature = signed.split(".")
    assert signer.unsign(f"{payload}x.{signature}") is None
    for junk in ["", ".", "abc", "abc.def", "a.b.c", signed[:-2]]:
        assert signer.unsign(junk) is None
    # Genuinely signed, but not the [value, expiry] pair a Signer writes.
    assert signer.unsign(signer._serializer.dumps({"value": "x"})) is None
    assert signer.unsign(signer._serializer.dumps(["x", "never"])) is None
    assert not signer.check_mac("nonce", "é")
