"""At most one group of three, and only to place someone who would otherwise sit out.

With a maximum matching M leaving r out, a triad places one more person exactly when some
maximum matching leaves a person z out and pairs two of z's fresh partners x, y together
(then {z, x, y} plus the other pairs of that matching). Usually z = r and (x, y) is a pair of M:
one vectorised check. Otherwise (Gallai-Edmonds) z and x, y lie in one blossom K of r's
Hungarian tree: flipping the even path r..z frees z, and either a pair of the new matching
inside K fits z, or K - {z, x, y} has a perfect matching for some triangle, which one
augmenting-path search inside K decides. Whoever is placed this way, the people placed are the
pairs' people plus r, so trying free people by descending priority places the highest first.
"""

from __future__ import annotations

import numpy as np

from unmentor.matching.compat import Compatibility
from unmentor.matching.exact import Blossom, Tree
from unmentor.matching.pairing import lowest_first

# At large sizes only this many free people are tried directly (each try is O(n)).
DIRECT_TRIES = 16


def find_triad(
    blossom: Blossom[Compatibility],
    priority: np.ndarray,
    eligible: np.ndarray,
    fresh: np.ndarray,
    rng: np.random.Generator,
    *,
    exhaustive: bool,
) -> tuple[tuple[int, int, int] | None, bool]:
    """A triad (taken out of `mate`), or None; and whether "None" is proven."""
    mate = blossom.mate
    compat = blossom.compat
    free = lowest_first(np.flatnonzero((mate < 0) & eligible), -priority, rng)
    if free.size == 0:
        return None, True
    a = np.flatnonzero(mate > np.arange(mate.size))
    b = mate[a]
    direct = free[fresh[free] >= 2]
    for r in direct[: None if exhaustive else DIRECT_TRIES].tolist():
        both = compat.valid(np.full(a.size, r), a) & compat.valid(np.full(a.size, r), b)
        ok = np.flatnonzero(both)
        if ok.size:
            i = int(rng.choice(ok))
            return _take(mate, r, int(a[i]), int(b[i])), True
    if not exhaustive:
        return None, False
    tried: set[tuple[int, int]] = set()
    for r in free.tolist():
        tree = blossom.search(r)
        if tree.end >= 0:
            raise RuntimeError("find_triad needs a maximum matching")
        for members in _blossoms(tree, rng):
            key = (int(members.min()), int(members.size))
            if key in tried:
                continue
            tried.add(key)
            found = _inside(blossom, tree, members, rng)
            if found is not None:
                return found, True
    return None, True


def _blossoms(tree: Tree, rng: np.random.Generator) -> list[np.ndarray]:
    """The tree's blossoms of three or more people, in random order."""
    outer = np.flatnonzero(tree.outer)
    bases = tree.base[outer]
    counts = np.bincount(bases)
    groups = [outer[bases == b] for b in np.flatnonzero(counts >= 3).tolist()]
    return [groups[i] for i in rng.permutation(len(groups)).tolist()]


def _inside(blossom: Blossom[Compatibility], tree: Tree, members: np.ndarray, rng) -> tuple | None:
    """A triad within blossom `members`, with the rest of it perfectly matched; else None."""
    mate = blossom.mate
    compat = blossom.compat
    in_k = np.zeros(mate.size, dtype=bool)
    in_k[members] = True
    saved = mate.copy()
    for z in rng.permutation(members).tolist():
        blossom.free_instead(tree, z)  # z free, the rest of the blossom paired inside it
        near = np.flatnonzero(compat.neighbours(z) & in_k)
        partners = mate[near]
        ok = np.flatnonzero((partners >= 0) & in_k[np.maximum(partners, 0)])
        ok = ok[compat.valid(partners[ok], np.full(ok.size, z))]
        if ok.size:
            i = int(rng.choice(ok))
            return _take(mate, z, int(near[i]), int(partners[i]))
        found = _by_augmenting(blossom, z, near, in_k)
        if found is not None:
            return found
        mate[:] = saved
    return None


def _by_augmenting(blossom: Blossom[Compatibility], z: int, near: np.ndarray, in_k: np.ndarray):
    """Triangle z, x, y whose removal leaves the blossom perfectly matchable, by search."""
    mate = blossom.mate
    compat = blossom.compat
    for i, x in enumerate(near.tolist()):
        ys = near[i + 1 :]
        ys = ys[compat.valid(np.full(ys.size, x), ys)]
        for y in ys.tolist():
            trial = mate.copy()
            x2, y2 = int(trial[x]), int(trial[y])
            trial[[x, y, x2, y2]] = -1
            alive = in_k.copy()
            alive[[z, x, y]] = False
            probe = Blossom(compat, trial, alive, budget=blossom.budget)
            tree = probe.search(x2)
            blossom.budget = probe.budget
            if tree.end >= 0:
                probe.augment(tree)
                mate[:] = trial
                return (z, x, y)
    return None


def _take(mate: np.ndarray, z: int, x: int, y: int) -> tuple[int, int, int]:
    mate[[x, y]] = -1
    mate[z] = -1
    return (z, x, y)
