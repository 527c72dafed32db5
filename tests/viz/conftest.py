"""Fixtures for the viz tests: a small hand-made network with known outcomes, a synthetic one, and
helpers that read SVG and PNG output by content.

The hand-made network's keys are large "canary" numbers, so a test can assert that no key leaks
into a public image.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from io import BytesIO

import matplotlib.image
import numpy as np
import pytest

from viz.data import Link, Person
from viz.synthetic import Community, synthetic_community

SVG_NS = "{http://www.w3.org/2000/svg}"
K = 987_654_320  # keys are K + 1 .. K + 8


@dataclass(frozen=True)
class SmallNetwork:
    """Eight people, three rounds; round 3 is still open (two pairs pending)."""

    people: list[Person]
    links: list[Link]
    organisation: dict[int, str]
    keys: list[int]


def small() -> SmallNetwork:
    """The hand-made network; the comments give what each round's picture must show."""
    k = {i: K + i for i in range(1, 9)}
    people = [
        Person(k[1], "Health"),
        Person(k[2], "Charity"),
        Person(k[3], "Arts"),
        Person(k[4], "Arts"),
        Person(k[5], "Charity"),
        Person(k[6], "Arts"),
        Person(k[7], None),
        Person(k[8], "Health"),
    ]
    links = [
        # round 1: one met, one not met, one unconfirmed
        Link(k[1], k[2], 1, "met"),
        Link(k[3], k[4], 1, "not_met"),
        Link(k[5], k[6], 1, "unconfirmed"),
        # round 2: two pairs and a triad (4, 6, 7); two not met
        Link(k[1], k[3], 2, "met"),
        Link(k[2], k[5], 2, "not_met"),
        Link(k[4], k[6], 2, "met"),
        Link(k[4], k[7], 2, "met"),
        Link(k[6], k[7], 2, "not_met"),
        # round 3 (open): person 8 joins
        Link(k[1], k[4], 3, "pending"),
        Link(k[2], k[6], 3, "pending"),
        Link(k[3], k[7], 3, "not_met"),
        Link(k[5], k[8], 3, "met"),
    ]
    organisation = {
        k[1]: "A",
        k[2]: "B",
        k[3]: "C",
        k[4]: "A",
        k[5]: "C",
        k[6]: "B",
        k[7]: "D",
        k[8]: "B",
    }
    return SmallNetwork(people, links, organisation, list(k.values()))


@pytest.fixture
def network() -> SmallNetwork:
    return small()


@pytest.fixture(scope="session")
def community() -> Community:
    """300 people over 8 rounds: above the size where repulsion switches to the grid."""
    return synthetic_community(300, 8, seed=7)


class Svg:
    """An SVG document read by content: groups by id, paths in them, text and where it sits."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.text = data.decode("utf-8")
        self.root = ET.fromstring(data)
        self.parent = {child: parent for parent in self.root.iter() for child in parent}

    def group(self, gid: str) -> ET.Element | None:
        return next((g for g in self.root.iter(f"{SVG_NS}g") if g.get("id") == gid), None)

    def ids(self) -> list[str]:
        """Every id in document order."""
        return [e.get("id") for e in self.root.iter() if e.get("id")]

    def count_paths(self, gid: str) -> int:
        group = self.group(gid)
        return 0 if group is None else len(group.findall(f"{SVG_NS}path"))

    def edge_count(self, outcome: str, round_number: int | None = None) -> int:
        """Links of an outcome drawn, in one round or all rounds."""
        total = 0
        for gid in self.ids():
            parts = gid.split("-")
            wanted_round = round_number is None or parts[1:2] == [f"r{round_number}"]
            if len(parts) == 3 and parts[0] == "edges" and parts[2] == outcome and wanted_round:
                total += self.count_paths(gid)
        return total

    def styles(self, gid: str) -> list[dict[str, str]]:
        group = self.group(gid)
        assert group is not None, gid
        return [_style(path.get("style", "")) for path in group.findall(f"{SVG_NS}path")]

    def node_count(self) -> int:
        """Dots drawn: scatter markers are <use> elements inside the nodes-* groups."""
        return sum(
            len(list(g.iter(f"{SVG_NS}use")))
            for g in self.root.iter(f"{SVG_NS}g")
            if (g.get("id") or "").startswith("nodes-")
        )

    def dots(self) -> np.ndarray:
        """(x, y) of every dot, in SVG coordinates."""
        return np.array(
            [
                (float(use.get("x")), float(use.get("y")))
                for g in self.root.iter(f"{SVG_NS}g")
                if (g.get("id") or "").startswith("nodes-")
                for use in g.iter(f"{SVG_NS}use")
            ]
        ).reshape(-1, 2)

    def texts(self) -> list[tuple[str, bool]]:
        """(text, inside the legend) for every <text> element."""
        legend = self.group("legend")
        inside = set(legend.iter()) if legend is not None else set()
        return [("".join(t.itertext()), t in inside) for t in self.root.iter(f"{SVG_NS}text")]

    def without_legend(self) -> str:
        """The document serialised with the legend group removed."""
        root = ET.fromstring(self.data)
        for parent in root.iter():
            for child in list(parent):
                if child.get("id") == "legend":
                    parent.remove(child)
        return ET.tostring(root, encoding="unicode")


def _style(text: str) -> dict[str, str]:
    pairs = (item.split(":", 1) for item in text.split(";") if ":" in item)
    return {key.strip(): value.strip() for key, value in pairs}


@pytest.fixture
def read_svg():
    return Svg


def read_png(data: bytes) -> np.ndarray:
    """RGB(A) floats in [0, 1], rows first."""
    return matplotlib.image.imread(BytesIO(data), format="png")


def red_mask(image: np.ndarray) -> np.ndarray:
    """Pixels that are unmistakably the not-met red (#d62728), not a pink anti-aliased fringe."""
    rgb = (image[..., :3] * 255).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (r > 180) & (g < 90) & (b < 90)


@pytest.fixture
def png_tools():
    return read_png, red_mask
