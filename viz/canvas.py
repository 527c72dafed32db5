"""Figures to bytes, deterministically and safely in a web server.

Follows matplotlib's web_application_server_sgskip example: a bare `Figure` rendered by Agg, never
pyplot, so no GUI backend and no global figure manager. Two traps handled here:

- rcParams are process-global and `svg.hashsalt` (which fixes the ids matplotlib writes) is read at
  save time, so every render holds one lock while it runs inside `rc_context`; threads of a web
  server cannot see each other's settings half-way.
- matplotlib stamps a date and its version into SVG and PNG metadata; both are removed, so the same
  input gives the same bytes and the service can cache and ETag by content.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from io import BytesIO
from typing import Any, Literal

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from viz.style import BACKGROUND, TEXT

Format = Literal["svg", "png"]
DPI = 100
RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "unmentor",
    # Real <text> rather than glyph outlines: searchable, readable by screen readers, and smaller.
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",  # shipped with matplotlib: the same glyphs on every machine
    "font.size": 11,
    "text.color": TEXT,
    "axes.edgecolor": "#888888",
    "axes.labelcolor": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "path.simplify": True,
}
_LOCK = threading.RLock()


def render(
    draw: Callable[[Figure], None], *, size: tuple[int, int], fmt: Format, title: str | None
) -> bytes:
    """SVG or PNG bytes of a `size`-pixel figure filled by `draw`; same input, same bytes."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"fmt must be 'svg' or 'png', not {fmt!r}")
    width, height = size
    with _LOCK, matplotlib.rc_context(RC):
        fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor=BACKGROUND)
        FigureCanvasAgg(fig)
        draw(fig)
        out = BytesIO()
        if fmt == "svg":
            metadata = {"Date": None, "Creator": None, "Title": title}
        else:
            metadata = {"Software": None, "Title": title}
        fig.savefig(out, format=fmt, dpi=DPI, metadata=metadata, facecolor=BACKGROUND)
        return out.getvalue()
