"""The tokens in a member's emailed links: answer, pick a time, ask for someone else, pause.

A token is the ids it is for, signed (itsdangerous, a salt per purpose) rather than stored:
the introduction, the reminder and a re-sent introduction all carry the same working links,
forming a round needs no extra queries, and nothing secret sits in the database. A member's
token names (round, participant, chance), so a second-chance group's links differ from the
first group's; a pause token names the participant alone.

Links emailed before itsdangerous carried a hand-made HMAC ("12-345-<32 hex>", with the chance
before the MAC for a second chance). They are still read: answer and pick links stop working when
their round closes, but a pause link in an old email's List-Unsubscribe header never does.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from typing import NamedTuple

from itsdangerous import BadSignature, Signer

from unmentor.errors import LinkInvalid
from unmentor.security import salt

_INVALID = "This link is not valid. Please use the link from your email."
_IDS = re.compile(r"^\d{1,10}(?:-\d{1,10}){0,2}$")
# The hand-made tokens: ids, then 32 hex digits of HMAC-SHA256 over "purpose:id:id...".
_LEGACY = re.compile(r"^(\d{1,10}(?:-\d{1,10}){0,1}(?:-[2-9])?)-([0-9a-f]{32})$")


class MemberKey(NamedTuple):
    """One row of round_member: a person in a round, in their first group or a later one."""

    round_id: int
    participant_id: int
    chance: int = 1


def _signer(secret_key: str, purpose: str) -> Signer:
    return Signer(secret_key, salt=salt(f"link.{purpose}"))


def _sign(secret_key: str, purpose: str, *ids: int) -> str:
    return _signer(secret_key, purpose).sign("-".join(map(str, ids))).decode()


def _legacy_mac(secret_key: str, purpose: str, ids: tuple[int, ...]) -> str:
    message = ":".join([purpose, *map(str, ids)]).encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def _read(secret_key: str, purpose: str, token: str, *, sizes: tuple[int, ...]) -> tuple[int, ...]:
    """The ids a genuine token for `purpose` names (as many as one of `sizes`); LinkInvalid else."""
    if (legacy := _LEGACY.match(token)) is not None:
        ids = tuple(map(int, legacy[1].split("-")))
        if len(ids) in sizes and hmac.compare_digest(
            legacy[2], _legacy_mac(secret_key, purpose, ids)
        ):
            return ids
        raise LinkInvalid(_INVALID)
    try:
        value = _signer(secret_key, purpose).unsign(token).decode()
    except (BadSignature, UnicodeError):
        raise LinkInvalid(_INVALID) from None
    if _IDS.match(value) is None or len(ids := tuple(map(int, value.split("-")))) not in sizes:
        raise LinkInvalid(_INVALID)
    return ids


def _member(secret_key: str, purpose: str, token: str) -> MemberKey:
    return MemberKey(*_read(secret_key, purpose, token, sizes=(2, 3)))


def outcome_token(secret_key: str, round_id: int, participant_id: int, chance: int = 1) -> str:
    """The token for one member's answer links."""
    return _sign(secret_key, "outcome", round_id, participant_id, chance)


def read_outcome_token(secret_key: str, token: str) -> MemberKey:
    """The member a genuine answer token belongs to; LinkInvalid otherwise."""
    return _member(secret_key, "outcome", token)


def pick_token(secret_key: str, round_id: int, participant_id: int, chance: int = 1) -> str:
    """The token of a member's "pick a time" link: like the answer links, for another page."""
    return _sign(secret_key, "pick", round_id, participant_id, chance)


def read_pick_token(secret_key: str, token: str) -> MemberKey:
    """The member a genuine pick token belongs to; LinkInvalid otherwise."""
    return _member(secret_key, "pick", token)


def rematch_token(secret_key: str, round_id: int, participant_id: int) -> str:
    """The token of a member's "ask for someone else" link (from their first group)."""
    return _sign(secret_key, "rematch", round_id, participant_id)


def read_rematch_token(secret_key: str, token: str) -> MemberKey:
    """The first-group member a genuine rematch token belongs to; LinkInvalid otherwise."""
    return MemberKey(*_read(secret_key, "rematch", token, sizes=(2,)))


def pause_token(secret_key: str, participant_id: int) -> str:
    """The token of a person's List-Unsubscribe link, which pauses them (never deletes).

    It never expires, like the header that carries it: a mail client may offer "unsubscribe"
    on an email months old, and pausing is harmless and undone from /me.
    """
    return _sign(secret_key, "pause", participant_id)


def pause_tokens(secret_key: str) -> Callable[[int], str]:
    """`pause_token` for many people: the key is set up once (an import welcomes 100,000)."""
    signer = _signer(secret_key, "pause")

    def token(participant_id: int) -> str:
        return signer.sign(str(participant_id)).decode()

    return token


def read_pause_token(secret_key: str, token: str) -> int:
    """The participant id of a genuine pause token; LinkInvalid otherwise."""
    (participant_id,) = _read(secret_key, "pause", token, sizes=(1,))
    return participant_id
