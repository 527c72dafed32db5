"""Edmonds' blossom search on the implicit graph: adding pairs, proving none can be added.

Used where the fast pairing stops short of the simple bound. One search from a free person
either finds an augmenting path (one more pair) or ends in a "Hungarian" tree, which proves no
augmenting path from that person exists now or later; the tree's people can then be left out
of later searches (Edmonds), so proving a matching maximum costs one scan per person.

The same tree gives every person w reachable from the root by an even alternating path; flipping
that path places the root and frees w without losing a pair. That is how priority is honoured
and how a triad partner is freed.

The search is e-maxx's formulation of Edmonds' algorithm; each scanned person's neighbours are a
numpy mask, so a scan is O(n) work in C and O(1) steps in Python.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import numpy as np

from unmentor.matching.pairing import lowest_first, pair_count


class Graph(Protocol):
    """What the search reads of a graph: Compatibility (compat.py) or a dense matrix."""

    n: int

    def neighbours(self, v: int) -> np.ndarray: ...


class OutOfBudget(Exception):
    """The exact search used up its work allowance; the caller reports "not proven"."""


@dataclass
class Tree:
    root: int
    end: int  # a free person an augmenting path reaches, or -1
    parent: np.ndarray
    outer: np.ndarray  # reachable from the root by an even alternating path
    base: np.ndarray  # blossom base per person; people sharing a base share a blossom
    members: np.ndarray  # everyone labelled (outer and inner)


G = TypeVar("G", bound=Graph)


class Blossom(Generic[G]):
    """Searches over `mate` (changed in place), restricted to people with `alive` set."""

    def __init__(self, compat: G, mate: np.ndarray, alive: np.ndarray, *, budget: float) -> None:
        self.compat = compat
        self.mate = mate
        self.alive = alive
        self.budget = budget  # element operations left; float("inf") for no limit
        self.index = np.arange(compat.n)

    def search(self, root: int) -> Tree:
        """Grow the alternating tree from free `root` until it augments or cannot grow."""
        n, mate = self.compat.n, self.mate
        parent = np.full(n, -1, dtype=np.int64)
        base = self.index.copy()
        outer = np.zeros(n, dtype=bool)
        outer[root] = True
        queue = deque([root])
        while queue:
            self.budget -= 12 * n
            if self.budget < 0:
                raise OutOfBudget
            v = queue.popleft()
            cand = self.compat.neighbours(v) & self.alive
            if mate[v] >= 0:
                cand[mate[v]] = False
            free = cand & (mate < 0)
            free[root] = False
            hits = np.flatnonzero(free)
            if hits.size:
                parent[hits[0]] = v
                return self._tree(root, int(hits[0]), parent, outer, base)
            # An edge between two outer people of different blossoms closes an odd cycle.
            while True:
                hits = np.flatnonzero(cand & self._outer(root, parent) & (base != base[v]))
                if hits.size == 0:
                    break
                self._contract(v, int(hits[0]), root, parent, base, outer, queue)
            # Matched, unlabelled neighbours become inner; their partners outer.
            inner = np.flatnonzero(cand & (parent < 0) & ~self._outer(root, parent) & (mate >= 0))
            if inner.size:
                partners = mate[inner]
                parent[inner] = v
                outer[partners] = True
                queue.extend(partners.tolist())
        return self._tree(root, -1, parent, outer, base)

    def augment(self, tree: Tree) -> None:
        """Flip the augmenting path found by `search`: one more pair."""
        self._flip(tree.end, tree.parent)

    def free_instead(self, tree: Tree, w: int) -> None:
        """Place the (free) root and free outer `w`, flipping the even path between them."""
        if w == tree.root:
            return
        mate = self.mate
        # As if w had a free neighbour d: augment through d, then drop d again.
        v = int(mate[w])
        mate[w] = -1
        while v != -1:
            pv = int(tree.parent[v])
            ppv = int(mate[pv])
            mate[v], mate[pv] = pv, v
            v = ppv

    def _outer(self, root: int, parent: np.ndarray) -> np.ndarray:
        mate = self.mate
        # e-maxx's test: the root, or matched to someone with a parent (inner, or in a blossom).
        out = (mate >= 0) & (parent[np.maximum(mate, 0)] >= 0)
        out[root] = True
        return out

    def _contract(self, v, to, root, parent, base, outer, queue) -> None:
        current = self._lca(v, to, base, parent)
        blossom = np.zeros(self.compat.n, dtype=bool)
        self._mark_path(v, current, to, base, parent, blossom)
        self._mark_path(to, current, v, base, parent, blossom)
        inside = blossom[base]
        base[inside] = current
        newly = np.flatnonzero(inside & ~outer)
        outer[newly] = True
        queue.extend(newly.tolist())

    def _lca(self, a: int, b: int, base, parent) -> int:
        mate = self.mate
        seen = set()
        while True:
            a = int(base[a])
            seen.add(a)
            if mate[a] < 0:
                break
            a = int(parent[mate[a]])
        while True:
            b = int(base[b])
            if b in seen:
                return b
            b = int(parent[mate[b]])

    def _mark_path(self, v: int, b: int, child: int, base, parent, blossom) -> None:
        mate = self.mate
        while base[v] != b:
            blossom[base[v]] = True
            blossom[base[mate[v]]] = True
            parent[v] = child
            child = int(mate[v])
            v = int(parent[mate[v]])

    def _flip(self, end: int, parent: np.ndarray) -> None:
        mate = self.mate
        v = end
        while v != -1:
            pv = int(parent[v])
            ppv = int(mate[pv])
            mate[v], mate[pv] = pv, v
            v = ppv

    def _tree(self, root, end, parent, outer, base) -> Tree:
        members = np.flatnonzero(outer | (parent >= 0))
        return Tree(root=root, end=end, parent=parent, outer=outer, base=base, members=members)


def complete(
    blossom: Blossom, eligible: np.ndarray, rng: np.random.Generator, *, target: int
) -> bool:
    """Augment until maximum; True when proven (the bound is met, or every search failed)."""
    mate = blossom.mate
    everyone = blossom.alive
    blossom.alive = alive = everyone.copy()
    try:
        for root in rng.permutation(np.flatnonzero((mate < 0) & eligible)).tolist():
            if pair_count(mate) >= target:
                return True
            if mate[root] >= 0 or not alive[root]:
                continue
            tree = blossom.search(root)
            if tree.end >= 0:
                blossom.augment(tree)
            else:
                # A Hungarian tree: no augmenting path will ever use these people (Edmonds).
                alive[tree.members] = False
        return True
    finally:
        blossom.alive = everyone


def prefer_priority(
    blossom: Blossom, priority: np.ndarray, eligible: np.ndarray, rng: np.random.Generator
) -> None:
    """Swap in free people over lower-priority placed ones until no such swap exists.

    The sets of people a maximum matching can place are the bases of a matroid, so a set with
    no improving single swap places as many people as possible at or above every priority.
    """
    mate = blossom.mate
    while True:
        changed = False
        placed = mate >= 0
        if not placed.any():
            return
        floor = priority[placed].min()
        free = np.flatnonzero(~placed & eligible & (priority > floor))
        for u in lowest_first(free, -priority, rng).tolist():
            if mate[u] >= 0 or priority[u] <= priority[mate >= 0].min():
                continue
            tree = blossom.search(u)
            if tree.end >= 0:  # only when maximality was not proven
                blossom.augment(tree)
                changed = True
                continue
            lower = np.flatnonzero(tree.outer & (mate >= 0) & (priority < priority[u]))
            if lower.size:
                lowest = lower[priority[lower] == priority[lower].min()]
                blossom.free_instead(tree, int(rng.choice(lowest)))
                changed = True
        if not changed:
            return
