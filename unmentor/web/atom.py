"""The public Atom feed (RFC 4287): one entry per published round and per approved story.

Built with ElementTree rather than a template, so every title, figure and alt text is escaped by
the XML writer and the document is well-formed whatever it holds. Ids are tag URIs made of the
site's host, the round's first day and its number: they never change once a round is
published, whatever the feed's address or the page's layout becomes. An entry's `updated` is the
moment its round closed (when its figures stopped changing); the feed's is the newest entry's.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree

from unmentor.stories.published import PublishedStory

ATOM = "http://www.w3.org/2005/Atom"
#: When nothing is published yet the feed still needs an `updated`; a fixed one keeps it stable.
EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    """One feed entry: a published round or an approved story."""

    id: str
    title: str
    updated: datetime
    link: str  # the page the entry is about
    summary: str  # plain text
    content_html: str
    image: str | None = None  # a picture readers may show beside it (an enclosure)


def round_entry_id(*, base_url: str, starts_on: date, number: int) -> str:
    """The entry id of a round: `tag:host,first-day:round-N`, fixed once published."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"tag:{host},{starts_on.isoformat()}:unmentor/round-{number}"


def round_entry(
    *,
    base_url: str,
    number: int,
    starts_on: date,
    closed_at: datetime,
    alt: str,
    lines: Sequence[str],
) -> Entry:
    """The entry of a published round: its picture, its figures and a link to its page."""
    page = f"{base_url}/public/rounds/{number}/"
    picture = f"{base_url}/public/rounds/{number}/network.png"
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    content = (
        f'<p><img src="{html.escape(picture)}" width="1200" height="960" alt="{html.escape(alt)}">'
        f"</p><ul>{items}</ul>"
        f'<p><a href="{html.escape(page)}">Round {number} on its own page</a></p>'
    )
    return Entry(
        id=round_entry_id(base_url=base_url, starts_on=starts_on, number=number),
        title=f"Round {number}",
        updated=closed_at,
        link=page,
        summary="; ".join(lines) + ".",
        content_html=content,
        image=f"{base_url}/public/rounds/{number}/card.png",
    )


def story_entry(*, base_url: str, story: PublishedStory) -> Entry:
    """The entry of an approved story; its id is fixed by the story's never-reused id."""
    host = urlsplit(base_url).hostname or "localhost"
    page = f"{base_url}/public/stories#story-{story.id}"
    signed = f"— {story.attribution}" if story.attribution else ""
    content = f"<blockquote><p>{html.escape(story.text)}</p></blockquote>" + (
        f"<p>{html.escape(signed)}</p>" if signed else ""
    )
    return Entry(
        id=f"tag:{host},{story.approved_at.date().isoformat()}:unmentor/story-{story.id}",
        title=f"A conversation in {story.month} (round {story.round_number})",
        # An organiser's later edit is a change readers should see again.
        updated=max(_utc(story.approved_at), _utc(story.updated_at)),
        link=page,
        summary=story.text,
        content_html=content,
    )


def atom_feed(*, base_url: str, title: str, entries: Iterable[Entry]) -> bytes:
    """The feed document, newest entry first."""
    entries = sorted(entries, key=lambda e: (_utc(e.updated), e.id), reverse=True)
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    self_url = f"{base_url}/public/feed.atom"
    _add(feed, "id", self_url)
    _add(feed, "title", title)
    _add(
        feed,
        "subtitle",
        "Each round of random conversations across organisations as it closes, and stories "
        "from the conversations.",
    )
    updated = max((_utc(e.updated) for e in entries), default=EMPTY_FEED_UPDATED)
    _add(feed, "updated", _stamp(updated))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=f"{base_url}/public/")
    author = _add(feed, "author")
    _add(author, "name", "UnMentor")
    _add(feed, "icon", f"{base_url}/static/favicon.svg")
    for entry in entries:
        node = _add(feed, "entry")
        _add(node, "id", entry.id)
        _add(node, "title", entry.title)
        _add(node, "updated", _stamp(_utc(entry.updated)))
        _add(node, "link", rel="alternate", type="text/html", href=entry.link)
        if entry.image:
            _add(node, "link", rel="enclosure", type="image/png", href=entry.image)
        _add(node, "summary", entry.summary)
        _add(node, "content", entry.content_html, type="html")
    ElementTree.indent(feed)
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _add(parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str):
    node = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        node.text = text
    return node


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the service stores UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
