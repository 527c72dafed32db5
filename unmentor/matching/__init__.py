"""The matching engine: pure Python and numpy, no database and no web.

from unmentor.matching import Candidate, match_round
result = match_round(candidates, history, seed=42, triads=True)
"""

from unmentor.matching.engine import fresh_partner_counts, match_arrays, match_round
from unmentor.matching.types import ArrayResult, Candidate, MatchResult

__all__ = [
    "ArrayResult",
    "Candidate",
    "MatchResult",
    "fresh_partner_counts",
    "match_arrays",
    "match_round",
]
