"""Ways to hand an email over: print it, write it to a file, or send it by SMTP.

A relay run opens its transport once, sends message after message, and closes it, so SMTP uses
one connection for the whole run. A transport raises `TransportUnavailable` when it cannot
send anything at all (the server is down, hangs, or refuses our login): the run stops there
instead of failing every message in turn. Any other error belongs to the one message.
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from unmentor.settings import Settings

log = logging.getLogger("unmentor.mail")


class TransportUnavailable(Exception):
    """The transport cannot send now, whatever the message; try again later."""


class Transport(Protocol):
    def open(self) -> None:
        """Get ready to send; raise TransportUnavailable if that is impossible now."""

    def send(self, message: EmailMessage) -> None:
        """Hand `message` over or raise; raising means 'try again later'."""

    def close(self) -> None:
        """Let go of whatever `open` or `send` holds; never raises."""


class ConsoleTransport:
    """Prints each email to the log: the development default, so links show in the terminal."""

    def open(self) -> None:
        pass

    def send(self, message: EmailMessage) -> None:
        # Decoded text, not the wire form: quoted-printable would break the links in two.
        headers = "\n".join(f"{name}: {message[name]}" for name in ("From", "To", "Subject"))
        plain = message.get_body(("plain",))
        body = plain.get_content().rstrip("\n") if plain is not None else ""
        log.info("email (mail_backend=console, not sent)\n%s\n\n%s\n", headers, body)

    def close(self) -> None:
        pass


class FileTransport:
    """Writes each email as an .eml file, named after its idempotency key."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def open(self) -> None:
        pass

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = eml_filename(message["X-Unmentor-Key"] or "message")
        (self.directory / name).write_bytes(message.as_bytes())

    def close(self) -> None:
        pass


def eml_filename(idempotency_key: str) -> str:
    """The file the file transport writes an outbox message to (erasure deletes it by this)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", idempotency_key) + ".eml"


# The server answered, about this message only (a refused recipient, say): the connection is
# still good, smtplib has already reset the transaction, and the next message can go.
_MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)


class SmtpTransport:
    """Sends through an SMTP relay over one connection, reconnecting once if it was dropped.

    Every socket operation is bounded by `smtp_timeout_seconds`, so a server that accepts
    connections and never answers fails the run after that long instead of hanging it.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self.connections = 0  # opened so far; a run should need one

    def open(self) -> None:
        if self._smtp is not None:
            return
        s = self.settings
        smtp = None
        try:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_username:
                smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
        except (OSError, smtplib.SMTPException) as error:  # refused, timed out, bad login ...
            if smtp is not None:
                _drop(smtp)
            raise TransportUnavailable(_describe(error)) from error
        self._smtp = smtp
        self.connections += 1

    def send(self, message: EmailMessage) -> None:
        try:
            self._send_once(message)
        except smtplib.SMTPServerDisconnected as error:
            self._abandon()
            # smtplib reports a reply that timed out as a disconnection: that server is hung,
            # and sending again would only wait as long again.
            if isinstance(error.__context__, TimeoutError):
                raise TransportUnavailable(_describe(error)) from error
            # Servers close idle or long-lived connections: one fresh connection is normal.
            try:
                self._send_once(message)
            except smtplib.SMTPServerDisconnected as error:
                self._abandon()
                raise TransportUnavailable(_describe(error)) from error

    def _send_once(self, message: EmailMessage) -> None:
        self.open()
        smtp = self._smtp
        assert smtp is not None  # open() connected or raised
        try:
            smtp.send_message(message)
        except _MESSAGE_ERRORS as error:
            if smtp.sock is None:  # a 421: the server closed the connection, not a refusal
                raise smtplib.SMTPServerDisconnected(_describe(error)) from error
            raise
        except smtplib.SMTPServerDisconnected:
            raise
        except (OSError, smtplib.SMTPException) as error:  # a timeout mid-conversation, say
            # The conversation is in an unknown state: never reuse this connection, and do
            # not wait for a polite QUIT from a server that has stopped answering.
            self._abandon()
            raise TransportUnavailable(_describe(error)) from error

    def close(self) -> None:
        if self._smtp is not None:
            smtp, self._smtp = self._smtp, None
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                _drop(smtp)

    def _abandon(self) -> None:
        if self._smtp is not None:
            smtp, self._smtp = self._smtp, None
            _drop(smtp)


def _drop(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(OSError):
        smtp.close()


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def make_transport(settings: Settings) -> Transport:
    """The transport named by `mail_backend`."""
    if settings.mail_backend == "smtp":
        return SmtpTransport(settings)
    if settings.mail_backend == "file":
        return FileTransport(settings.mail_dir)
    return ConsoleTransport()
