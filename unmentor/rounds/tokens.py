"""The token in a member's "did you meet?" links.

It is derived from (round, participant) — and the chance, for a second-chance group — with an
HMAC rather than stored: the introduction, the reminder and a re-sent introduction all carry
the same working links, forming a round needs no extra queries, and nothing secret sits in the
database. A made-up token fails the MAC check. A first group's links keep their old shape, so
links emailed before second chances existed still work.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from typing import NamedTuple

from unmentor.errors import LinkInvalid

_SHAPE = re.compile(r"^(\d{1,10})-(\d{1,10})-([0-9a-f]{32})$")
# A second-chance group's links carry the chance: round-participant-chance-mac.
_CHANCE_SHAPE = re.compile(r"^(\d{1,10})-(\d{1,10})-([2-9])-([0-9a-f]{32})$")
_INVALID = "This link is not valid. Please use the link from your email."


class MemberKey(NamedTuple):
    """One row of round_member: a person in a round, in their first group or a later one."""

    round_id: int
    participant_id: int
    chance: int = 1


def _mac(secret_key: str, round_id: int, participant_id: int) -> str:
    message = f"outcome:{round_id}:{participant_id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def _chance_token(purpose: str, secret_key: str, key: MemberKey) -> str:
    mac = _purpose_mac(secret_key, purpose, key.round_id, key.participant_id, key.chance)
    return f"{key.round_id}-{key.participant_id}-{key.chance}-{mac}"


def _read_chance_token(purpose: str, secret_key: str, token: str) -> MemberKey | None:
    """The key of a genuine chance-carrying token; None if it has another shape."""
    match = _CHANCE_SHAPE.match(token)
    if match is None:
        return None
    key = MemberKey(int(match[1]), int(match[2]), int(match[3]))
    if not hmac.compare_digest(match[4], _purpose_mac(secret_key, purpose, *key)):
        raise LinkInvalid(_INVALID)
    return key


def outcome_token(secret_key: str, round_id: int, participant_id: int, chance: int = 1) -> str:
    """The token for one member's answer links (a first group's links keep their old shape)."""
    if chance > 1:
        return _chance_token("outcome", secret_key, MemberKey(round_id, participant_id, chance))
    return f"{round_id}-{participant_id}-{_mac(secret_key, round_id, participant_id)}"


def read_outcome_token(secret_key: str, token: str) -> MemberKey:
    """The member a genuine answer token belongs to; LinkInvalid otherwise."""
    if (key := _read_chance_token("outcome", secret_key, token)) is not None:
        return key
    match = _SHAPE.match(token)
    if match is None:
        raise LinkInvalid(_INVALID)
    round_id, participant_id = int(match[1]), int(match[2])
    if not hmac.compare_digest(match[3], _mac(secret_key, round_id, participant_id)):
        raise LinkInvalid(_INVALID)
    return MemberKey(round_id, participant_id)


def _purpose_mac(secret_key: str, purpose: str, *ids: int) -> str:
    message = ":".join([purpose, *map(str, ids)]).encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


_PAUSE_SHAPE = re.compile(r"^(\d{1,10})-([0-9a-f]{32})$")


def pause_token(secret_key: str, participant_id: int) -> str:
    """The token of a person's List-Unsubscribe link, which pauses them (never deletes).

    It never expires, like the header that carries it: a mail client may offer "unsubscribe"
    on an email months old, and pausing is harmless and undone from /me.
    """
    return f"{participant_id}-{_purpose_mac(secret_key, 'pause', participant_id)}"


def pause_tokens(secret_key: str) -> Callable[[int], str]:
    """`pause_token` for many people: the key is set up once (an import welcomes 100,000)."""
    keyed = hmac.new(secret_key.encode(), digestmod=hashlib.sha256)

    def token(participant_id: int) -> str:
        mac = keyed.copy()
        mac.update(f"pause:{participant_id}".encode())
        return f"{participant_id}-{mac.hexdigest()[:32]}"

    return token


def read_pause_token(secret_key: str, token: str) -> int:
    """The participant id of a genuine pause token; LinkInvalid otherwise."""
    match = _PAUSE_SHAPE.match(token)
    if match is None or not hmac.compare_digest(
        match[2], _purpose_mac(secret_key, "pause", int(match[1]))
    ):
        raise LinkInvalid("This link is not valid. Please use the link from your email.")
    return int(match[1])


def pick_token(secret_key: str, round_id: int, participant_id: int, chance: int = 1) -> str:
    """The token of a member's "pick a time" link: like the answer links, for another page."""
    if chance > 1:
        return _chance_token("pick", secret_key, MemberKey(round_id, participant_id, chance))
    return (
        f"{round_id}-{participant_id}-{_purpose_mac(secret_key, 'pick', round_id, participant_id)}"
    )


def read_pick_token(secret_key: str, token: str) -> MemberKey:
    """The member a genuine pick token belongs to; LinkInvalid otherwise."""
    if (key := _read_chance_token("pick", secret_key, token)) is not None:
        return key
    match = _SHAPE.match(token)
    if match is None:
        raise LinkInvalid("This link is not valid. Please use the link from your email.")
    round_id, participant_id = int(match[1]), int(match[2])
    expected = _purpose_mac(secret_key, "pick", round_id, participant_id)
    if not hmac.compare_digest(match[3], expected):
        raise LinkInvalid(_INVALID)
    return MemberKey(round_id, participant_id)


def rematch_token(secret_key: str, round_id: int, participant_id: int) -> str:
    """The token of a member's "ask for someone else" link (from their first group)."""
    mac = _purpose_mac(secret_key, "rematch", round_id, participant_id)
    return f"{round_id}-{participant_id}-{mac}"


def read_rematch_token(secret_key: str, token: str) -> MemberKey:
    """The first-group member a genuine rematch token belongs to; LinkInvalid otherwise."""
    match = _SHAPE.match(token)
    if match is None:
        raise LinkInvalid(_INVALID)
    round_id, participant_id = int(match[1]), int(match[2])
    expected = _purpose_mac(secret_key, "rematch", round_id, participant_id)
    if not hmac.compare_digest(match[3], expected):
        raise LinkInvalid(_INVALID)
    return MemberKey(round_id, participant_id)
