"""Stable, incremental force-directed layout of the cumulative network.

Why not networkx's `spring_layout`: it is O(n^2) per iteration in its dense form, needs scipy (not
a dependency) at 500 nodes and more, and a fresh layout per round reshuffles everyone, so a sequence
of images reads as noise rather than growth.

What this does instead: the layout of round N starts from round N-1's positions. Newcomers start
next to their placed partners (or on the rim when none is placed yet) and move freely. People
already there may move at most OLD_STEP per iteration, 0.6 units a round, about half the distance
between neighbours: every round links old people to random partners across the picture, and
without the cap those links would drag them there, reshuffling the image. So they drift, they
never jump (measured on synthetic communities: 1-2.5% of the layout's diagonal per round at
300-500 people, under 0.5% at 10,000, against 26-44% for a fresh layout of the same round).

The forces are Fruchterman-Reingold-like, in units where a lone pair settles one unit apart:

- repulsion 1/d between every two people: exact for small networks; for large ones approximated on
  a grid (particle-mesh: deposit people on a grid, convolve with the 1/d kernel by FFT, read the
  field back), which is O(n + cells log cells) rather than O(n^2);
- attraction along every link of every round (whatever its outcome, so a pending pair turning into
  "met" never moves anyone), divided by the person's number of links so that the picture does not
  shrink as people collect partners round after round;
- a weak pull to the centre so that pairs not linked to anyone else stay in the picture;
- when `groups` are given (the sector each person is coloured by), a pull towards the centre of
  one's own group (newcomers start on its outer edge), so that sectors form neighbourhoods
  (see below);
- a short-range push between any two people closer than MIN_GAP, so that no two dots are drawn on
  top of each other (the 1/d repulsion on the grid is smoothed below a cell and cannot do it).

Why sectors and not organisations for neighbourhoods: the scheme pairs people across
organisations, so an organisation's people never share a line and a neighbourhood of them says
nothing about the conversations; sectors are what the picture colours, so their neighbourhoods
are visible, and the lines running between them are the cross-sector conversations the scheme
exists for. Organisations are also what the public must not be able to pick out; sectors shown
in public are already folded ("Other") below the public threshold, and the caller passes those
folded labels, so a neighbourhood never isolates a rare sector either. A group's newcomers start
at the group's centre (round one: each group in its own wedge, in the order of its label), so
neighbourhoods keep their place from round to round.

Every random choice comes from a generator seeded with (seed, round), so the same input gives the
same positions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import numpy as np

from viz.data import Link, LinkArrays, as_link_arrays, present_keys

Positions = dict[int, tuple[float, float]]

ATTRACTION = 1.0
GRAVITY = 0.5
# Where people first go; matches the density the forces settle at, (ATTRACTION + GRAVITY) / pi.
AREA_PER_PERSON = 2.0
FIRST_ITERATIONS = 60
NEXT_ITERATIONS = 30
OLD_STEP = 0.02  # largest move per iteration of someone placed in an earlier round
COHESION = 2.0  # pull towards one's group's centre, against GRAVITY's pull to the middle
MIN_GAP = 0.6  # closest two people may be; lines are about one unit long
SEPARATION_PASSES = 4
EXACT_LIMIT = 200  # above this many people repulsion is computed on a grid
MESH_CELL = 1.0
MESH_MAX_CELLS = 256
_MESH_SIZES = (16, 24, 32, 48, 64, 96, 128, 160, 192, 256)


def compute_layouts(
    links: Iterable[Link] | LinkArrays,
    upto_round: int | None = None,
    *,
    present: Mapping[int, Collection[int]] | None = None,
    seed: int = 0,
    groups: Mapping[int, str | None] | None = None,
) -> dict[int, Positions]:
    """Positions after each round 1..upto_round, each layout grown from the one before.

    `groups` (key -> neighbourhood label, e.g. the sector a person is coloured by) draws each
    group together; without it people are placed by their links alone.
    """
    table = as_link_arrays(links)
    present = present or {}
    last = upto_round
    if last is None:
        last = int(max(table.round_number.max(initial=0), max(present, default=0)))
    layouts: dict[int, Positions] = {}
    keys = np.empty(0, dtype=np.int64)
    xy = np.empty((0, 2))
    extra: set[int] = set()
    for number in range(1, last + 1):
        extra.update(present.get(number, ()))
        keys, xy = _grow(
            keys, xy, table.upto(number), extra, seed=seed, round_number=number, groups=groups
        )
        layouts[number] = _as_positions(keys, xy)
    return layouts


def grow_layout(
    previous: Mapping[int, tuple[float, float]] | None,
    links: Iterable[Link] | LinkArrays,
    upto_round: int,
    *,
    present: Collection[int] = (),
    seed: int = 0,
    groups: Mapping[int, str | None] | None = None,
) -> Positions:
    """The layout after `upto_round`, grown from `previous` (the round before) with little drift."""
    previous = previous or {}
    prev_keys = np.array(sorted(previous), dtype=np.int64)
    prev_xy = np.array([previous[int(k)] for k in prev_keys], dtype=float).reshape(-1, 2)
    table = as_link_arrays(links).upto(upto_round)
    keys, xy = _grow(
        prev_keys, prev_xy, table, present, seed=seed, round_number=upto_round, groups=groups
    )
    return _as_positions(keys, xy)


def layout_stability(
    before: Mapping[int, tuple[float, float]], after: Mapping[int, tuple[float, float]]
) -> float:
    """Mean displacement of the people in both layouts, as a share of `before`'s diagonal extent."""
    shared = sorted(set(before) & set(after))
    if not shared:
        return 0.0
    old = np.array([before[k] for k in shared], dtype=float)
    new = np.array([after[k] for k in shared], dtype=float)
    extent = float(np.hypot(*(old.max(axis=0) - old.min(axis=0))))
    if extent == 0.0:
        return 0.0
    return float(np.linalg.norm(new - old, axis=1).mean() / extent)


def layout_frame(
    *layouts: Mapping[int, tuple[float, float]], margin: float = 0.04
) -> tuple[float, float, float, float]:
    """A square (xmin, xmax, ymin, ymax) holding all the layouts, for images sharing one frame."""
    points = [np.array(list(layout.values()), dtype=float).reshape(-1, 2) for layout in layouts]
    return square_frame(np.concatenate([np.empty((0, 2)), *points]), margin=margin)


def square_frame(xy: np.ndarray, *, margin: float = 0.04) -> tuple[float, float, float, float]:
    """(xmin, xmax, ymin, ymax): the smallest square around the points, widened by `margin`."""
    if len(xy) == 0:
        return (-1.0, 1.0, -1.0, 1.0)
    centre = (xy.max(axis=0) + xy.min(axis=0)) / 2
    half = max(float((xy.max(axis=0) - xy.min(axis=0)).max()) / 2, 1.0) * (1 + margin)
    return (
        float(centre[0] - half),
        float(centre[0] + half),
        float(centre[1] - half),
        float(centre[1] + half),
    )


def _as_positions(keys: np.ndarray, xy: np.ndarray) -> Positions:
    return dict(zip(keys.tolist(), map(tuple, xy.tolist()), strict=True))


def _grow(
    prev_keys: np.ndarray,
    prev_xy: np.ndarray,
    table: LinkArrays,
    present: Collection[int],
    *,
    seed: int,
    round_number: int,
    groups: Mapping[int, str | None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted keys and their positions for the network in `table` (+ `present`), grown from prev."""
    rng = np.random.default_rng([seed, round_number])
    keys = present_keys(table, round_number, present)
    n = len(keys)
    if n == 0:
        return keys, np.empty((0, 2))
    edges = _edge_index(keys, table)
    group = _group_index(keys, groups)
    old = np.isin(keys, prev_keys)
    xy = np.empty((n, 2))
    if old.any():
        where = np.searchsorted(prev_keys, keys[old])
        xy[old] = prev_xy[where]
        if group is None:
            _place_newcomers(xy, old, edges, rng)
        else:
            _place_in_groups(xy, old, group, rng)
        iterations = NEXT_ITERATIONS
    else:
        xy[:] = _random_disk(rng, n, _radius(n))
        if group is not None:
            xy[:] = _wedges(xy, group)
        iterations = FIRST_ITERATIONS
    xy = _relax(xy, edges, old, iterations, group)
    return keys, xy


def _group_index(keys: np.ndarray, groups: Mapping[int, str | None] | None) -> np.ndarray | None:
    """Each key's group as an index into the sorted group labels (None: a group of its own)."""
    if groups is None:
        return None
    labels = [groups.get(k) for k in keys.tolist()]
    names = sorted({"" if label is None else label for label in labels})
    index = {name: i for i, name in enumerate(names)}
    return np.array([index["" if label is None else label] for label in labels], dtype=np.int64)


def _wedges(xy: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Points of a disk, each group turned into its own wedge (by label order): round one."""
    count = int(group.max()) + 1
    radius = np.hypot(xy[:, 0], xy[:, 1])
    angle = np.arctan2(xy[:, 1], xy[:, 0]) % (2 * np.pi)
    angle = 2 * np.pi * (group + angle / (2 * np.pi)) / count
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)


def _place_in_groups(
    xy: np.ndarray, old: np.ndarray, group: np.ndarray, rng: np.random.Generator
) -> None:
    """Each newcomer near the centre of its group's placed people, or on the rim if none is."""
    n = len(xy)
    count = np.bincount(group[old], minlength=int(group.max()) + 1)
    centre = (
        np.stack(
            [np.bincount(group[old], xy[old, axis], minlength=len(count)) for axis in (0, 1)],
            axis=1,
        )
        / np.maximum(count, 1)[:, None]
    )
    new = ~old
    known = new & (count[group] > 0)
    # On the group's outer edge (away from the middle of the picture), where the group can grow
    # without pushing its old people aside.
    spread = np.sqrt(np.maximum(count[group[known]], 1) * AREA_PER_PERSON / np.pi)
    mine = centre[group[known]]
    outward = np.arctan2(mine[:, 1], mine[:, 0])
    angle = outward + rng.uniform(-np.pi / 3, np.pi / 3, int(known.sum()))
    r = spread * rng.uniform(0.8, 1.1, int(known.sum()))
    xy[known] = mine + np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    rest = new & ~known
    if rest.any():
        # A group new this round starts together on the rim, at one angle of its own.
        radius = _radius(n)
        angle = rng.uniform(0, 2 * np.pi, int(group.max()) + 1)[group[rest]]
        r = radius * rng.uniform(0.85, 1.0, int(rest.sum()))
        xy[rest] = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
        xy[rest] += rng.normal(0.0, 0.5, (int(rest.sum()), 2))


def _edge_index(keys: np.ndarray, table: LinkArrays) -> np.ndarray:
    """Distinct undirected links as rows of sorted index pairs into `keys`."""
    if len(table) == 0:
        return np.empty((0, 2), dtype=np.int64)
    ia = np.searchsorted(keys, table.a)
    ib = np.searchsorted(keys, table.b)
    pairs = np.sort(np.stack([ia, ib], axis=1), axis=1)
    return np.unique(pairs, axis=0)


def _radius(n: int) -> float:
    return float(np.sqrt(n * AREA_PER_PERSON / np.pi)) + 1.0


def _random_disk(rng: np.random.Generator, count: int, radius: float) -> np.ndarray:
    angle = rng.uniform(0, 2 * np.pi, count)
    r = radius * np.sqrt(rng.uniform(0, 1, count))
    return np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)


def _place_newcomers(
    xy: np.ndarray, old: np.ndarray, edges: np.ndarray, rng: np.random.Generator
) -> None:
    """Put each newcomer beside the mean of its placed partners, or on the rim if it has none."""
    n = len(xy)
    placed = old.copy()
    # Two passes: a newcomer whose only partner is another newcomer placed in pass one follows it.
    for _ in range(2):
        todo = ~placed
        if not todo.any():
            return
        i, j = edges[:, 0], edges[:, 1]
        total = np.zeros((n, 2))
        count = np.zeros(n)
        for src, dst in ((i, j), (j, i)):
            use = todo[dst] & placed[src]
            np.add.at(total, dst[use], xy[src[use]])
            count += np.bincount(dst[use], minlength=n)
        ready = todo & (count > 0)
        if not ready.any():
            break
        jitter = rng.normal(0.0, 0.5, (int(ready.sum()), 2))
        xy[ready] = total[ready] / count[ready, None] + jitter
        placed |= ready
    rest = ~placed
    if rest.any():
        # Newcomers linked only among themselves start on the rim, where growth makes room.
        newcomers = int(rest.sum())
        radius = _radius(n)
        angle = rng.uniform(0, 2 * np.pi, newcomers)
        r = radius * rng.uniform(0.75, 1.0, newcomers)
        xy[rest] = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
        xy[rest] += rng.normal(0.0, 0.3, (newcomers, 2))


def _relax(
    xy: np.ndarray,
    edges: np.ndarray,
    old: np.ndarray,
    iterations: int,
    group: np.ndarray | None = None,
) -> np.ndarray:
    """Move people along the forces for a few cooling iterations; old people by at most OLD_STEP."""
    n = len(xy)
    xy = xy.copy()
    degree = np.bincount(edges.ravel(), minlength=n).astype(float)
    pull = ATTRACTION / np.maximum(degree, 1.0)
    start = max(_radius(n) / 5, 1.0)
    repulse = _exact_repulsion if n <= EXACT_LIMIT else _MeshRepulsion()
    for step in range(iterations):
        heat = start * (1 - step / iterations) + 0.05
        force = repulse(xy)
        force -= GRAVITY * xy
        if group is not None:
            force += COHESION * (_group_centres(xy, group)[group] - xy)
        if len(edges):
            diff = xy[edges[:, 1]] - xy[edges[:, 0]]
            for axis in (0, 1):
                force[:, axis] += pull * (
                    np.bincount(edges[:, 0], diff[:, axis], minlength=n)
                    - np.bincount(edges[:, 1], diff[:, axis], minlength=n)
                )
        move = 0.3 * force
        if step >= iterations // 2:
            # Collisions in the cooler half, within the same caps: dots drawn apart, old
            # people still only drift.
            move += _collisions(xy, MIN_GAP)
        length = np.hypot(move[:, 0], move[:, 1])
        cap = np.where(old, min(OLD_STEP, heat), heat)
        scale = np.minimum(1.0, cap / np.maximum(length, 1e-12))
        xy += move * scale[:, None]
    # The forces may still leave a few people on top of each other where a neighbourhood is
    # crowded: a few passes of collisions alone part them; old people move by at most half of
    # MIN_GAP in all, so the drift stays bounded.
    for _ in range(SEPARATION_PASSES):
        push = _collisions(xy, MIN_GAP)
        length = np.hypot(push[:, 0], push[:, 1])
        cap = np.where(old, MIN_GAP / (2 * SEPARATION_PASSES), MIN_GAP)
        xy += push * np.minimum(1.0, cap / np.maximum(length, 1e-12))[:, None]
    return xy


def _group_centres(xy: np.ndarray, group: np.ndarray) -> np.ndarray:
    count = np.maximum(np.bincount(group), 1)
    return np.stack([np.bincount(group, xy[:, axis]) for axis in (0, 1)], axis=1) / count[:, None]


def _collisions(xy: np.ndarray, gap: float) -> np.ndarray:
    """Moves that set apart every two people closer than `gap`, half the shortfall each.

    Neighbours are found on a grid of `gap`-sized cells (sorted cell keys, the 3x3 cells around
    each person), so this is O(n x people per cell) rather than O(n^2).
    """
    n = len(xy)
    push = np.zeros_like(xy)
    if n < 2:
        return push
    cell = np.floor((xy - xy.min(axis=0)) / gap).astype(np.int64)
    width = int(cell[:, 1].max()) + 3
    key = (cell[:, 0] + 1) * width + cell[:, 1] + 1
    order = np.argsort(key, kind="stable")
    counts = np.bincount(key, minlength=(int(cell[:, 0].max()) + 3) * width)
    starts = np.cumsum(counts) - counts
    # Half the neighbouring cells (and pairs within a cell once): each close pair is met once.
    for dx, dy in ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1)):
        target = key + dx * width + dy
        start, stop = starts[target], starts[target] + counts[target]
        for k in range(int(counts.max())):
            has = start + k < stop
            i = np.nonzero(has)[0]
            j = order[start[has] + k]
            if dx == 0 and dy == 0:
                keep = i < j
                i, j = i[keep], j[keep]
            delta = xy[i] - xy[j]
            dist = np.hypot(delta[:, 0], delta[:, 1])
            close = dist < gap
            if not close.any():
                continue
            i, j, delta, dist = i[close], j[close], delta[close], dist[close]
            # Two people on the very same spot part along a direction fixed by their rows.
            same = dist < 1e-9
            delta[same] = np.stack([np.cos(i[same] + j[same]), np.sin(i[same] + j[same])], 1)
            dist[same] = 1.0
            shift = delta * ((gap - np.where(same, 0.0, dist)) / (2 * dist))[:, None]
            np.add.at(push, i, shift)
            np.add.at(push, j, -shift)
    return push


def _exact_repulsion(xy: np.ndarray) -> np.ndarray:
    """Sum over all others of (x_i - x_j) / |x_i - x_j|^2, in row blocks to bound memory."""
    n = len(xy)
    force = np.empty_like(xy)
    block = max(1, 2_000_000 // max(n, 1))
    for start in range(0, n, block):
        delta = xy[start : start + block, None, :] - xy[None, :, :]
        dist2 = np.maximum((delta**2).sum(axis=-1), 0.01)
        force[start : start + block] = (delta / dist2[..., None]).sum(axis=1)
    return force


class _MeshRepulsion:
    """Particle-mesh approximation of `_exact_repulsion`: O(n + cells log cells) per call."""

    def __init__(self) -> None:
        self._kernels: dict[tuple[int, float], np.ndarray] = {}

    def __call__(self, xy: np.ndarray) -> np.ndarray:
        lo = xy.min(axis=0) - 2 * MESH_CELL
        span = float((xy.max(axis=0) - lo).max()) + 2 * MESH_CELL
        size = next((s for s in _MESH_SIZES if s * MESH_CELL >= span), MESH_MAX_CELLS)
        # Quantised so that a network wider than the largest grid reuses a few cached kernels.
        cell = max(MESH_CELL, float(np.ceil(4 * (span - 2 * MESH_CELL) / (size - 2))) / 4)
        kernel = self._kernel(size, cell)
        # Cloud-in-cell: each person is shared between the four surrounding grid points; reading
        # the field back with the same weights makes a person's force on itself exactly zero.
        u = (xy - lo) / cell
        base = np.floor(u).astype(np.int64)
        frac = u - base
        corners = []
        density = np.zeros(4 * size * size)
        for dx in (0, 1):
            for dy in (0, 1):
                wx = frac[:, 0] if dx else 1 - frac[:, 0]
                wy = frac[:, 1] if dy else 1 - frac[:, 1]
                weight = wx * wy
                index = (base[:, 0] + dx) * (2 * size) + base[:, 1] + dy
                corners.append((index, weight))
                density += np.bincount(index, weight, minlength=4 * size * size)
        field = np.fft.ifft2(np.fft.fft2(density.reshape(2 * size, 2 * size)) * kernel).ravel()
        force = np.zeros(len(xy), dtype=complex)
        for index, weight in corners:
            force += weight * field[index]
        return np.stack([force.real, force.imag], axis=1)

    def _kernel(self, size: int, cell: float) -> np.ndarray:
        """FFT of the kernel (dx + i dy) / d^2 on a grid padded to 2*size: nothing wraps around."""
        found = self._kernels.get((size, cell))
        if found is None:
            offsets = np.fft.fftfreq(2 * size, 1.0 / (2 * size)) * cell
            dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
            dist2 = np.maximum(dx**2 + dy**2, cell**2)
            kernel = (dx + 1j * dy) / dist2
            kernel[0, 0] = 0
            found = self._kernels[(size, cell)] = np.fft.fft2(kernel)
        return found


def nearest_distances(xy: np.ndarray) -> np.ndarray:
    """Each point's distance to its nearest other point, capped at the mean spacing.

    Searched on a grid of cells the size of the mean spacing (the 3x3 cells around each point),
    so it is O(n) for a layout; a point with nobody that near gets the mean spacing, which is
    all a caller sizing dots needs to know.
    """
    n = len(xy)
    if n < 2:
        return np.full(n, 1.0)
    span = np.maximum(xy.max(axis=0) - xy.min(axis=0), 1e-9)
    cell_size = max(float(np.sqrt(span[0] * span[1] / n)), float(span.max()) / 2048, 1e-9)
    best = np.full(n, cell_size)
    cell = np.floor((xy - xy.min(axis=0)) / cell_size).astype(np.int64)
    width = int(cell[:, 1].max()) + 3
    key = (cell[:, 0] + 1) * width + cell[:, 1] + 1
    order = np.argsort(key, kind="stable")
    counts = np.bincount(key, minlength=(int(cell[:, 0].max()) + 3) * width)
    starts = np.cumsum(counts) - counts
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            target = key + dx * width + dy
            start, stop = starts[target], starts[target] + counts[target]
            for k in range(int(counts[target].max(initial=0))):
                has = start + k < stop
                i = np.nonzero(has)[0]
                j = order[start[has] + k]
                keep = i != j
                i, j = i[keep], j[keep]
                dist = np.hypot(*(xy[i] - xy[j]).T)
                np.minimum.at(best, i, dist)
    return best
