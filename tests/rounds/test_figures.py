"""A round's figures, defined once: per group, disagreement counted once, open ones so far."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from unmentor.rounds.figures import describe, tally
from unmentor.rounds.models import Outcome

ANSWER = st.sampled_from([None, Outcome.met, Outcome.not_met, Outcome.unconfirmed])
GROUPS = st.lists(st.lists(ANSWER, min_size=2, max_size=3), max_size=30)


@given(groups=GROUPS, closed=st.booleans())
def test_every_group_counts_once_under_one_outcome(groups, closed) -> None:
    figures = tally(1, dict(enumerate(groups)), closed=closed)
    assert figures.met + figures.not_met + figures.unconfirmed + figures.pending == len(groups)
    assert figures.people == sum(map(len, groups))
    assert figures.answered == figures.met + figures.not_met
    assert figures.pending == 0 if closed else figures.open
    if figures.met_rate is not None:
        assert 0 <= figures.met_rate <= 1


def test_a_triad_that_disagrees_is_one_conversation_that_met() -> None:
    triad = [Outcome.met, Outcome.not_met, Outcome.unconfirmed]
    figures = tally(3, {1: triad, 2: [Outcome.not_met, None]}, closed=True)
    assert (figures.groups, figures.met, figures.not_met, figures.conflicts) == (2, 1, 1, 1)
    assert figures.met_rate == 0.5 and figures.rate_text() == "50%"


def test_an_open_rounds_figures_are_so_far_everywhere_they_are_worded() -> None:
    groups = {1: [Outcome.met, None], 2: [None, None], 3: [None, None, None], 4: [None, None]}
    figures = tally(7, groups, closed=False)
    assert (figures.met, figures.pending, figures.answered) == (1, 3, 1)
    assert figures.rate_text() == "100% so far (1 of 4 answered)"
    assert describe(figures, people_in_network=40) == (
        "Round 7: 40 people in the network, 4 groups this round, so far (1 of 4 answered): "
        "1 met, 0 did not meet, 3 awaiting an answer (100% met so far)."
    )
    closed = tally(7, groups, closed=True)
    assert closed.rate_text() == "25%" and "so far" not in describe(closed, people_in_network=40)
