"""Why people sit out, and how far from a possible better grouping a result could be.

The simple bound: people with no fresh partner can never be placed; of the rest (m people, the
largest organisation holding L), no matching has more than min(m // 2, m - L) pairs, because
every pair needs someone from outside that organisation. When L > m - L and the pairs reach
m - L, every pair holds exactly one member of that organisation, so a triad (at most one of
them, so two outsiders) would cost a pair: no triad can place more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from unmentor.matching.types import SitOut


@dataclass
class Bound:
    pairs: int  # no matching has more pairs
    majority_org: int  # code of an organisation holding more than half the eligible, or -1
    eligible: int  # people with at least one fresh partner

    def dominated(self, pairs: int) -> bool:
        """True when a majority organisation is what stops anyone else being placed."""
        return self.majority_org >= 0 and pairs == self.pairs


def simple_bound(org: np.ndarray, eligible: np.ndarray) -> Bound:
    """min(m // 2, m - L) over the m people who have any fresh partner."""
    m = int(np.count_nonzero(eligible))
    if m == 0:
        return Bound(pairs=0, majority_org=-1, eligible=0)
    sizes = np.bincount(org[eligible])
    big = int(np.argmax(sizes))
    largest = int(sizes[big])
    return Bound(
        pairs=min(m // 2, m - largest),
        majority_org=big if largest > m - largest else -1,
        eligible=m,
    )


def sit_out_reasons(
    unmatched: np.ndarray,
    org: np.ndarray,
    fresh: np.ndarray,
    bound: Bound,
    *,
    pairs: int,
    n: int,
    blocked: np.ndarray | None = None,
) -> np.ndarray:
    """One SitOut value per unmatched position (the most specific reason wins)."""
    codes = np.full(unmatched.size, SitOut.PARTNERS_NEEDED_ELSEWHERE, dtype=np.int8)
    if n == 1:
        codes[:] = SitOut.ALONE
        return codes
    left = int(np.count_nonzero(fresh[unmatched] > 0))
    if left == 1 and pairs == bound.eligible // 2:
        codes[:] = SitOut.ODD_ONE_OUT
    if bound.dominated(pairs):
        codes[org[unmatched] == bound.majority_org] = SitOut.ORGANISATION_MAJORITY
    codes[fresh[unmatched] == 0] = SitOut.NO_FRESH_PARTNER
    if blocked is not None:
        # Blocked people (not also met) among those ruled out: blocking is part of the cause.
        codes[(fresh[unmatched] == 0) & (blocked[unmatched] > 0)] = SitOut.NO_PARTNER_MET_OR_BLOCKED
    # Nobody outside their organisation is here at all: that is the organisation's size.
    outsiders = n - np.bincount(org)[org[unmatched]]
    codes[outsiders == 0] = SitOut.ORGANISATION_MAJORITY
    return codes


def sentence(kind: SitOut, *, org_size: int, n: int, pairs: int, group_size: int = 2) -> str:
    """The words organisers read for `kind`, with the numbers that explain it.

    `pairs` is the number of groups formed when `group_size` is above 2.
    """
    if kind is SitOut.ALONE:
        return "the only person available: nobody else is taking part this round"
    if kind is SitOut.NO_FRESH_PARTNER:
        return "has already met everyone available from other organisations"
    if kind is SitOut.NO_PARTNER_MET_OR_BLOCKED:
        # Either side may have asked; the sentence never says which.
        return "everyone left is someone they have met or asked not to meet"
    if kind is SitOut.ORGANISATION_MAJORITY and group_size > 2:
        return (
            f"their organisation has {org_size} of the {n} people taking part: more than the "
            f"{pairs} groups possible, and no group holds two people from one organisation"
        )
    if kind is SitOut.ORGANISATION_MAJORITY:
        return (
            f"their organisation has {org_size} of the {n} people taking part: more than half, "
            "so not all of them can meet someone from elsewhere"
        )
    if kind is SitOut.ODD_ONE_OUT:
        return "an odd number of people, and no group of three was possible"
    if group_size > 2:
        return (
            f"none of the {pairs} groups formed had room for them among people they have not "
            f"met, and too few were left for a group of {group_size - 1} or more (people who "
            "had sat out more often went first)"
        )
    return (
        f"everyone they have not met yet was needed to place someone else (at most {pairs} "
        "pairs were possible; people who had sat out more often went first)"
    )
