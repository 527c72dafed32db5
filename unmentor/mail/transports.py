"""Ways to hand an email over: print it, write it to a file, or send it by SMTP."""

from __future__ import annotations

import logging
import re
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from unmentor.settings import Settings

log = logging.getLogger("unmentor.mail")


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand `message` over or raise; raising means 'try again later'."""


class ConsoleTransport:
    """Prints each email to the log: the development default, so links show in the terminal."""

    def send(self, message: EmailMessage) -> None:
        # Decoded text, not the wire form: quoted-printable would break the links in two.
        headers = "\n".join(f"{name}: {message[name]}" for name in ("From", "To", "Subject"))
        body = message.get_content().rstrip("\n")
        log.info("email (mail_backend=console, not sent)\n%s\n\n%s\n", headers, body)


class FileTransport:
    """Writes each email as an .eml file, named after its idempotency key."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = eml_filename(message["X-Unmentor-Key"] or "message")
        (self.directory / name).write_bytes(message.as_bytes())


def eml_filename(idempotency_key: str) -> str:
    """The file the file transport writes an outbox message to (erasure deletes it by this)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", idempotency_key) + ".eml"


class SmtpTransport:
    """Sends through an SMTP relay, one connection per batch call."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_username:
                smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
            smtp.send_message(message)


def make_transport(settings: Settings) -> Transport:
    """The transport named by `mail_backend`."""
    if settings.mail_backend == "smtp":
        return SmtpTransport(settings)
    if settings.mail_backend == "file":
        return FileTransport(settings.mail_dir)
    return ConsoleTransport()
