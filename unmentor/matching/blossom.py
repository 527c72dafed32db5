"""Edmonds' blossom search on the implicit compatibility graph.

Used only where the fast pairing falls short of the bound: one search from each person left
out either finds an augmenting path (one more pair) or proves there is none from them, and a
person with no augmenting path never gets one later (Berge). The same search, aimed at a
placed person of lower priority, swaps who sits out without losing a pair.

This is the textbook O(V^3) algorithm (e-maxx's formulation), with each person's neighbour
scan done as numpy masks: a search costs O(n^2) work in C and O(n) steps in Python.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from unmentor.matching.compat import Compatibility


class BlossomSearch:
    def __init__(self, compat: Compatibility, mate: np.ndarray) -> None:
        self.compat = compat
        self.mate = mate
        self.n = compat.n

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

    def search(self, root: int, *, targets: np.ndarray | None = None):
        """Grow the alternating tree from `root`.

        Returns ("augment", end, parent) when a path to an unmatched person exists, else
        ("outer", outer_mask, parent): everyone reachable at even distance.
        """
        n, mate, compat = self.n, self.mate, self.compat
        used = np.zeros(n, dtype=bool)
        parent = np.full(n, -1, dtype=np.int64)
        base = np.arange(n, dtype=np.int64)
        used[root] = True
        queue = deque([root])
        everyone = np.arange(n)
        while queue:
            v = queue.popleft()
            cand = compat.neighbours(v)
            cand &= base != base[v]
            if mate[v] >= 0:
                cand[mate[v]] = False
            mate_safe = np.where(mate >= 0, mate, 0)
            # 1. An unmatched, unlabelled neighbour ends an augmenting path.
            free = cand & (mate < 0) & (parent < 0)
            free[root] = False
            hits = np.flatnonzero(free)
            if hits.size:
                end = int(hits[0])
                parent[end] = v
                return "augment", end, parent
            # 2. An outer neighbour in another blossom closes an odd cycle: contract it.
            outer = (everyone == root) | ((mate >= 0) & (parent[mate_safe] >= 0))
            for to in np.flatnonzero(cand & outer):
                to = int(to)
                if base[v] == base[to]:
                    continue
                current = self._lca(v, to, base, parent)
                blossom = np.zeros(n, dtype=bool)
                self._mark_path(v, current, to, base, parent, blossom)
                self._mark_path(to, current, v, base, parent, blossom)
                inside = blossom[base]
                base[inside] = current
                newly = inside & ~used
                used |= inside
                queue.extend(int(x) for x in np.flatnonzero(newly))
            # 3. Unlabelled matched neighbours become inner; their partners outer.
            outer = (everyone == root) | ((mate >= 0) & (parent[mate_safe] >= 0))
            label = cand & (parent < 0) & (mate >= 0) & ~outer & (base != base[v])
            inner = np.flatnonzero(label)
            if inner.size:
                partners = mate[inner]
                keep = ~used[partners]
                inner, partners = inner[keep], partners[keep]
                parent[inner] = v
                used[partners] = True
                queue.extend(int(x) for x in partners)
        return "outer", used, parent

    def flip(self, end: int, parent: np.ndarray) -> None:
        """Augment along the path that ends at unmatched `end`."""
        self._flip_from(end, parent)

    def _flip_from(self, v: int, parent: np.ndarray) -> None:
        mate = self.mate
        while v != -1:
            pv = int(parent[v])
            ppv = int(mate[pv])
            mate[v] = pv
            mate[pv] = v
            v = ppv

    def augment_from(self, root: int) -> bool:
        """One more pair through `root` if any alternating path allows it."""
        kind, end, parent = self.search(root)
        if kind != "augment":
            return False
        self.flip(end, parent)
        return True

    def swap_in(self, root: int, out: int, parent: np.ndarray) -> None:
        """Place unmatched `root` and leave out `out`, an outer vertex of root's tree.

        Flipping the even path root..out is an augmentation to a dummy neighbour of `out`;
        the dummy is then dropped, leaving `out` unmatched.
        """
        # flip() from the dummy would first pair `out` with it; leaving `out` unmatched instead
        # and walking on from its old partner does the same without a dummy row.
        partner = int(self.mate[out])
        self.mate[out] = -1
        self._flip_from(partner, parent)
