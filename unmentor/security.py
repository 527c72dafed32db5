"""Secrets for links, cookies and forms.

Emailed tokens carry 256 random bits, so a plain SHA-256 is enough to store them: there is
nothing to brute-force. Cookies and CSRF tokens are HMAC-signed with the settings' secret key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time


def new_token() -> str:
    """A fresh URL-safe token with 256 bits of randomness."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The form in which a token is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


class Signer:
    """Signs short strings with an expiry, for cookies that must not be forged."""

    def __init__(self, secret_key: str, *, purpose: str) -> None:
        # Deriving a key per purpose stops a session cookie being replayed as a CSRF token.
        self._key = hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).digest()

    def _mac(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def sign(self, value: str, *, max_age_seconds: int, now: float | None = None) -> str:
        """`value` with an expiry time and a MAC; `value` must not contain '.'."""
        expires = int((now if now is not None else time.time()) + max_age_seconds)
        payload = f"{value}.{expires}"
        return f"{payload}.{self._mac(payload)}"

    def unsign(self, signed: str, *, now: float | None = None) -> str | None:
        """The value, or None when the signature is wrong or has expired."""
        try:
            value, expires, mac = signed.rsplit(".", 2)
            expires_at = int(expires)
        except ValueError:
            return None
        if not hmac.compare_digest(mac, self._mac(f"{value}.{expires}")):
            return None
        if expires_at < (now if now is not None else time.time()):
            return None
        return value

    def mac(self, value: str) -> str:
        """A MAC of `value` alone, with no expiry (for tokens bound to another secret)."""
        return self._mac(value)
