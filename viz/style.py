"""Colours and line styles, in one place so every picture speaks the same visual language.

Outcomes differ by style as well as colour (met solid slate, did not meet solid red, not confirmed
dashed grey, awaiting answer dotted black), for readers who cannot tell the colours apart, and
no outcome colour is close to a category colour. Red belongs to "did not meet" alone: no
category colour is red or close to it, so a reader (and
a test counting red pixels) can trust that red means a conversation that did not happen. The
category palette is Okabe-Ito's colour-blind-safe set minus its vermillion, plus a few of tab10.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from viz.data import Outcome, Person

NOT_MET_RED = "#d62728"
OTHER_GREY = "#7f7f7f"
NOT_GIVEN_GREY = "#c7c7c7"
CATEGORY_PALETTE = (
    "#0072b2",  # blue
    "#e69f00",  # orange
    "#009e73",  # green
    "#cc79a7",  # pink
    "#56b4e9",  # sky blue
    "#9467bd",  # purple
    "#8c564b",  # brown
    "#f0e442",  # yellow
    "#17becf",  # cyan
    "#bcbd22",  # olive
)
OTHER = "Other"
NOT_GIVEN = "Not given"
BACKGROUND = "white"
TEXT = "#222222"


@dataclass(frozen=True)
class EdgeStyle:
    """How the links of one outcome are drawn; `label` is what the legend says."""

    colour: str
    dashes: Literal["solid"] | tuple[float, tuple[float, ...]]
    alpha: float
    label: str


EDGE_STYLES: dict[Outcome, EdgeStyle] = {
    "met": EdgeStyle("#4f5b66", "solid", 0.45, "Met"),
    "not_met": EdgeStyle(NOT_MET_RED, "solid", 0.9, "Did not meet"),
    "unconfirmed": EdgeStyle("#8f8f8f", (0, (3.0, 2.0)), 0.55, "Not confirmed"),
    # Black and dotted: no sector colour is near black, and the dots tell it from "met" (solid
    # slate) without colour.
    "pending": EdgeStyle("#111111", (0, (1.0, 1.5)), 0.85, "Awaiting answer"),
}
#: The current round's links are drawn on top, this much wider and more opaque.
CURRENT_WIDTH_FACTOR = 2.4
CURRENT_ALPHA = 0.95

BAR_COLOURS: dict[Outcome, str] = {
    "met": "#4f5b66",
    "not_met": NOT_MET_RED,
    "unconfirmed": "#c4c4c4",
    "pending": "#9fc0ef",
}


def category_colours(
    people: Iterable[Person], *, min_size: int = 1, palette: tuple[str, ...] = CATEGORY_PALETTE
) -> dict[str | None, tuple[str, str]]:
    """Category -> (legend label, colour): biggest categories first, small or surplus ones "Other".

    Computed over everyone passed (not only who is drawn in a round), so a sector keeps its colour
    from one round's image to the next. Categories with fewer than `min_size` people (people with
    no category included) are folded into "Other", which public images use so that a colour never
    singles out one or two people.
    """
    counts = Counter(person.category for person in people)
    named = sorted(
        (c for c in counts if c is not None and counts[c] >= min_size),
        key=lambda c: (-counts[c], c),
    )
    result: dict[str | None, tuple[str, str]] = {}
    for index, name in enumerate(named):
        if index < len(palette):
            result[name] = (name, palette[index])
        else:
            result[name] = (OTHER, OTHER_GREY)
    for category in counts:
        if category is None and counts[None] >= min_size:
            result[None] = (NOT_GIVEN, NOT_GIVEN_GREY)
        elif category not in result:
            result[category] = (OTHER, OTHER_GREY)
    return result


def with_overrides(
    colours: dict[str | None, tuple[str, str]], overrides: Mapping[str, str] | None
) -> dict[str | None, tuple[str, str]]:
    """`colours` with the caller's fixed colours for some categories (e.g. a sector's brand)."""
    if not overrides:
        return colours
    return {
        category: (label, overrides.get(label, colour))
        for category, (label, colour) in colours.items()
    }
