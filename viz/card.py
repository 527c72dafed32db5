"""A 1200x630 share card of one round: its network picture beside its headline figures.

1200x630 is the size Open Graph and Twitter's large summary card show uncropped. The picture is
the round's still (`render_network`, so the card follows its styling), the text panel is drawn
by matplotlib with the same fonts, and Pillow puts the two side by side. No metadata is written,
so the same input gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from io import BytesIO

from matplotlib.figure import Figure
from PIL import Image

from viz.canvas import render
from viz.data import Link, LinkArrays, Person
from viz.network import PUBLIC_MIN_CATEGORY, render_network
from viz.style import BACKGROUND, TEXT

SIZE = (1200, 630)
PICTURE_WIDTH = 800


def render_card(
    people: Iterable[Person],
    links: Iterable[Link] | LinkArrays,
    round_number: int,
    *,
    layout: Mapping[int, Sequence[float]] | None,
    frame: tuple[float, float, float, float] | None,
    headline: str,
    lines: Sequence[str],
    public: bool,
    legend_title: str | None = None,
    min_category: int = PUBLIC_MIN_CATEGORY,
) -> bytes:
    """PNG bytes, 1200x630: the network after `round_number` and, beside it, `headline`, `lines`."""
    width, height = SIZE
    picture = render_network(
        people,
        links,
        round_number,
        public=public,
        fmt="png",
        layout=layout,
        frame=frame,
        legend_title=legend_title,
        title=f"After round {round_number}",
        size=(PICTURE_WIDTH, height),
        min_category=min_category,
    )

    def draw(fig: Figure) -> None:
        fig.text(0.08, 0.86, headline, fontsize=26, fontweight="bold", va="top", wrap=True)
        y = 0.68
        for line in lines:
            fig.text(0.08, y, line, fontsize=15, va="top", color=TEXT, wrap=True)
            y -= 0.085
        fig.text(
            0.08,
            0.05,
            "UnMentor\nrandom conversations across\norganisations, one a month",
            fontsize=10,
            color="#555555",
        )

    panel = render(draw, size=(width - PICTURE_WIDTH, height), fmt="png", title=None)
    card = Image.new("RGB", SIZE, BACKGROUND)
    with Image.open(BytesIO(picture)) as image:
        card.paste(image.convert("RGB"), (0, 0))
    with Image.open(BytesIO(panel)) as image:
        card.paste(image.convert("RGB"), (PICTURE_WIDTH, 0))
    out = BytesIO()
    card.save(out, format="PNG", optimize=False)
    return out.getvalue()
