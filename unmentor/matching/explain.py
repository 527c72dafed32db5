"""Why someone was left out, in words an organiser can act on."""

from __future__ import annotations

import numpy as np

from unmentor.matching.prepare import Problem


def reasons_for(
    problem: Problem, unmatched: np.ndarray, fresh: np.ndarray, *, pairs_possible: int
) -> dict[int, str]:
    """A reason for each left-out position, keyed by the caller's id."""
    n = problem.n
    if unmatched.size == 0:
        return {}
    sizes = np.bincount(problem.org)
    largest = int(np.argmax(sizes))
    dominant = sizes[largest] > n - sizes[largest]
    reasons = {}
    for position in unmatched:
        position = int(position)
        ident = int(problem.ids[position])
        if n == 1:
            reasons[ident] = "nobody else is taking part this round"
        elif fresh[position] <= 0:
            reasons[ident] = "has already met everyone available from other organisations"
        elif dominant and problem.org[position] == largest:
            reasons[ident] = (
                f"their organisation has {int(sizes[largest])} of the {n} people taking part: "
                "more than half, so not all of them can meet someone from elsewhere"
            )
        elif (n - unmatched.size) % 2 == 0 and unmatched.size == 1:
            reasons[ident] = "an odd number of people, and no group of three fitted"
        else:
            reasons[ident] = (
                "the people they could still meet were all needed elsewhere "
                f"(at most {pairs_possible} pairs were possible)"
            )
    return reasons
