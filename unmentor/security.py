"""Secrets for links, cookies and forms.

Emailed tokens carry 256 random bits, so a plain SHA-256 is enough to store them: there is
nothing to brute-force. Everything signed rather than stored (cookies, CSRF tokens, the links in
round emails) goes through itsdangerous with the settings' secret key and a salt per purpose,
so a value signed for one purpose is refused for every other.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from itsdangerous import BadSignature, URLSafeSerializer
from itsdangerous import Signer as _ItsdangerousSigner


def new_token() -> str:
    """A fresh URL-safe token with 256 bits of randomness."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The form in which a token is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def salt(purpose: str) -> str:
    """The itsdangerous salt for one purpose (the same secret key signs them all)."""
    return f"unmentor.{purpose}"


class Signer:
    """Signs short strings for one purpose, with an expiry, for cookies that must not be forged."""

    def __init__(self, secret_key: str, *, purpose: str) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt=salt(purpose))
        self._signer = _ItsdangerousSigner(secret_key, salt=salt(purpose))

    def sign(self, value: str, *, max_age_seconds: int, now: float | None = None) -> str:
        """`value` with its expiry time, signed."""
        expires = int((now if now is not None else time.time()) + max_age_seconds)
        return self._serializer.dumps([value, expires])

    def unsign(self, signed: str, *, now: float | None = None) -> str | None:
        """The value, or None when the signature is wrong or has expired."""
        try:
            value, expires = self._serializer.loads(signed)
        except (BadSignature, TypeError, ValueError):
            return None
        if not isinstance(value, str) or not isinstance(expires, int):
            return None
        if expires < (now if now is not None else time.time()):
            return None
        return value

    def mac(self, value: str) -> str:
        """A signature of `value` alone, with no expiry (for tokens bound to another secret)."""
        return self._signer.get_signature(value).decode()

    def check_mac(self, value: str, mac: str) -> bool:
        """Whether `mac` is this signer's signature of `value`."""
        return self._signer.verify_signature(value.encode(), mac.encode())
