"""Synthetic communities for benchmarks, tests and demo pictures.

A community grows: a quarter of the final number of people take part in round one and the rest
join over the following rounds. Each round about half of those who have joined are paired at random
(an odd one out makes a triad when it can), and each pair's outcome is drawn with fixed shares:
65% met, 15% did not meet, 20% never confirmed. Nobody is paired with the same person twice and
pairs never share an organisation, as the matcher promises; who cannot be placed sits out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from viz.data import OUTCOMES, Link, Outcome, Person

SECTORS = (
    "Public sector",
    "Charity",
    "Business",
    "Education",
    "Health",
    "Social enterprise",
    "Housing",
    "Arts",
)
OUTCOME_SHARES: dict[Outcome, float] = {"met": 0.65, "not_met": 0.15, "unconfirmed": 0.20}


@dataclass(frozen=True)
class Community:
    """People, their organisations and the links of every round of a synthetic community."""

    people: list[Person]
    organisation: dict[int, str]
    links: list[Link]
    rounds: int


def synthetic_community(
    size: int,
    rounds: int,
    *,
    seed: int = 0,
    organisations: int | None = None,
    open_last_round: bool = False,
    paired_share: float = 0.5,
) -> Community:
    """A growing community of `size` people over `rounds` rounds, deterministic for a seed."""
    rng = np.random.default_rng(seed)
    organisations = organisations or max(4, size // 8)
    org_of = rng.integers(0, organisations, size)
    sector_of_org = rng.integers(0, len(SECTORS), organisations)
    # Keys look like database ids: large, sparse, unrelated to the order people are drawn in.
    keys = np.sort(rng.choice(np.arange(1000, 1000 + 50 * size), size, replace=False))
    joined = np.ceil(size * (0.25 + 0.75 * np.arange(1, rounds + 1) / rounds)).astype(int)
    seen: set[tuple[int, int]] = set()
    links: list[Link] = []
    codes = np.array([OUTCOMES.index(o) for o in OUTCOME_SHARES])
    for number in range(1, rounds + 1):
        pool = rng.permutation(joined[number - 1])
        pool = pool[: max(2, int(len(pool) * paired_share))]
        groups = _groups(pool, org_of, seen, rng)
        pairs = [(u, v) for group in groups for u, v in _pairs_of(group)]
        drawn = rng.choice(codes, len(pairs), p=list(OUTCOME_SHARES.values()))
        for (u, v), code in zip(pairs, drawn, strict=True):
            seen.add((min(u, v), max(u, v)))
            outcome: Outcome = "pending" if open_last_round and number == rounds else OUTCOMES[code]
            links.append(Link(int(keys[u]), int(keys[v]), number, outcome))
    people = [Person(int(keys[i]), SECTORS[sector_of_org[org_of[i]]]) for i in range(size)]
    organisation = {int(keys[i]): f"org-{org_of[i]}" for i in range(size)}
    return Community(people, organisation, links, rounds)


def _groups(
    pool: np.ndarray, org_of: np.ndarray, seen: set[tuple[int, int]], rng: np.random.Generator
) -> list[tuple[int, ...]]:
    """Greedy valid pairs from a shuffled pool; whoever cannot be placed sits this round out."""
    waiting: list[int] = []
    groups: list[tuple[int, ...]] = []
    for person in pool.tolist():
        for index, other in enumerate(waiting):
            pair = (min(person, other), max(person, other))
            if org_of[person] != org_of[other] and pair not in seen:
                groups.append((other, person))
                del waiting[index]
                break
        else:
            waiting.append(person)
            if len(waiting) > 8:  # keeps the scan short; the rest simply sit out
                waiting.pop(0)
    if waiting and groups:
        odd = waiting[0]
        last = groups[-1]
        if all(org_of[odd] != org_of[m] and (min(odd, m), max(odd, m)) not in seen for m in last):
            groups[-1] = (*last, odd)
    del rng
    return groups


def _pairs_of(group: tuple[int, ...]) -> list[tuple[int, int]]:
    return [(group[i], group[j]) for i in range(len(group)) for j in range(i + 1, len(group))]
