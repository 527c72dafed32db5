"""Email texts, written as Jinja2 templates whose first line is the subject.

`<name>.txt` is the plain text every email has; a `<name>.html` beside it adds an HTML
alternative (multipart/alternative), rendered from the same values with autoescaping on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

_FOLDER = Path(__file__).parent / "templates"
_templates = Environment(
    loader=FileSystemLoader(_FOLDER),
    undefined=StrictUndefined,  # a missing value is a bug, not an email with a blank in it
    keep_trailing_newline=True,
    autoescape=False,  # plain-text mail
    auto_reload=False,  # templates ship with the code: no stat() per email of a big round
)
# Names and organisations are typed by people: in HTML they must never become markup.
_html_templates = Environment(
    loader=FileSystemLoader(_FOLDER), undefined=StrictUndefined, autoescape=True, auto_reload=False
)


def in_prose(names: list[str]) -> str:
    """Names as a sentence lists them: 'Bob', 'Bob and Cy', 'Bob, Cy and Dee'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


_templates.filters["in_prose"] = in_prose
_html_templates.filters["in_prose"] = in_prose


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "text/calendar; method=PUBLISH", say
    content: str


@dataclass(frozen=True)
class Email:
    subject: str
    body: str
    html: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    attachments: tuple[Attachment, ...] = ()

    def parts(self) -> str | None:
        """What the outbox keeps beside subject and body (HTML, headers, files), as JSON."""
        if self.html is None and not self.headers and not self.attachments:
            return None
        return json.dumps(
            {
                "html": self.html,
                "headers": [list(header) for header in self.headers],
                "attachments": [
                    [item.filename, item.content_type, item.content] for item in self.attachments
                ],
            },
            ensure_ascii=False,
        )


def read_parts(parts: str | None) -> tuple[str | None, list[tuple[str, str]], list[Attachment]]:
    """The HTML, headers and attachments `Email.parts` stored."""
    if not parts:
        return None, [], []
    data = json.loads(parts)
    return (
        data.get("html"),
        [(name, value) for name, value in data.get("headers", [])],
        [Attachment(*item) for item in data.get("attachments", [])],
    )


def compose(
    template: str,
    *,
    headers: tuple[tuple[str, str], ...] = (),
    attachments: tuple[Attachment, ...] = (),
    **context: object,
) -> Email:
    """Render `templates/<template>.txt` (and `.html` if there is one).

    The text's first line, 'Subject: ...', becomes the subject.
    """
    text = _templates.get_template(f"{template}.txt").render(**context)
    first_line, _, body = text.partition("\n")
    if not first_line.startswith("Subject: "):
        raise ValueError(f"mail template {template!r} must start with 'Subject: '")
    try:
        html = _html_templates.get_template(f"{template}.html").render(**context)
    except TemplateNotFound:
        html = None
    return Email(
        subject=first_line.removeprefix("Subject: ").strip(),
        body=body.lstrip("\n"),
        html=html,
        headers=headers,
        attachments=attachments,
    )
