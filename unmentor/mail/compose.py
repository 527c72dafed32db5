"""Email texts, written as Jinja2 templates whose first line is the subject."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    undefined=StrictUndefined,  # a missing value is a bug, not an email with a blank in it
    keep_trailing_newline=True,
    autoescape=False,  # plain-text mail
)


def in_prose(names: list[str]) -> str:
    """Names as a sentence lists them: 'Bob', 'Bob and Cy', 'Bob, Cy and Dee'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


_templates.filters["in_prose"] = in_prose


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def compose(template: str, **context: object) -> Email:
    """Render `templates/<template>.txt`; its first line, 'Subject: ...', becomes the subject."""
    text = _templates.get_template(f"{template}.txt").render(**context)
    first_line, _, body = text.partition("\n")
    if not first_line.startswith("Subject: "):
        raise ValueError(f"mail template {template!r} must start with 'Subject: '")
    return Email(subject=first_line.removeprefix("Subject: ").strip(), body=body.lstrip("\n"))
