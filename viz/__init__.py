"""Pictures and numbers of the unmentor network: plain data in, SVG/PNG bytes or dicts out.

`viz` imports nothing from the service: the service turns its rows into `Person`, `Link`,
`GrowthPoint` and `RoundMark` values and calls these pure functions.
"""

from viz.data import OUTCOMES, GrowthPoint, Link, LinkArrays, Outcome, Person, RoundMark
from viz.layout import (
    Positions,
    compute_layouts,
    grow_layout,
    layout_frame,
    layout_stability,
)
from viz.network import render_network

__all__ = [
    "OUTCOMES",
    "GrowthPoint",
    "Link",
    "LinkArrays",
    "Outcome",
    "Person",
    "Positions",
    "RoundMark",
    "compute_layouts",
    "grow_layout",
    "layout_frame",
    "layout_stability",
    "render_network",
]
