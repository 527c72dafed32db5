"""Pictures and numbers of the unmentor network: plain data in, SVG/PNG bytes or dicts out.

`viz` imports nothing from the service: the service turns its rows into `Person`, `Link`,
`GrowthPoint` and `RoundMark` values and calls these pure functions.

- `render_network` / `render_rounds`: the network after a round (or every round, one frame),
  people coloured by category, links by outcome, the round shown emphasised.
- `compute_layouts` / `grow_layout`: stable positions, round after round; `layout_stability`
  measures how far people moved; `layout_frame` gives a frame shared by several images.
- `render_growth`, `render_outcomes`: sign-ups and activity over time; outcome shares per round
  (counted by the caller, `RoundOutcomes`; an open round's drawn as provisional).
- `network_metrics` / `metrics_by_round`: counts, rates and connectedness; `describe`: alt text.

Public images (`public=True`) carry counts and colours only: no keys, labels or dates, categories
with fewer than three people folded into "Other", and the same bytes for the same input.
"""

from viz.data import (
    OUTCOMES,
    GrowthPoint,
    Link,
    LinkArrays,
    Outcome,
    Person,
    RoundMark,
    RoundOutcomes,
)
from viz.growth import render_growth, render_outcomes
from viz.layout import (
    Positions,
    compute_layouts,
    grow_layout,
    layout_frame,
    layout_stability,
)
from viz.metrics import NetworkMetrics, describe, metrics_by_round, network_metrics
from viz.network import render_network, render_rounds
from viz.style import category_colours

__all__ = [
    "OUTCOMES",
    "GrowthPoint",
    "Link",
    "LinkArrays",
    "NetworkMetrics",
    "Outcome",
    "Person",
    "Positions",
    "RoundMark",
    "RoundOutcomes",
    "category_colours",
    "compute_layouts",
    "describe",
    "grow_layout",
    "layout_frame",
    "layout_stability",
    "metrics_by_round",
    "network_metrics",
    "render_growth",
    "render_network",
    "render_outcomes",
    "render_rounds",
]
