"""The matching engine: who meets whom this round. Pure Python and numpy; no database, no web.

    from unmentor.matching import Candidate, match_round
    result = match_round(candidates, history, seed=42, triads=True)

`match_arrays` is the same engine for numpy arrays, for populations of a million.
"""

from unmentor.matching.engine import EXACT_LIMIT, fresh_partner_counts, match_arrays, match_round
from unmentor.matching.types import ArrayMatch, Candidate, MatchResult, Reason, SitOut

__all__ = [
    "EXACT_LIMIT",
    "ArrayMatch",
    "Candidate",
    "MatchResult",
    "Reason",
    "SitOut",
    "fresh_partner_counts",
    "match_arrays",
    "match_round",
]
