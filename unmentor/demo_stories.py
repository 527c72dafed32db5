"""The demo's stories: a few members of each round say what came of their conversation.

Stories of closed rounds are mostly approved (one in eight rejected), those of the open round
wait for an organiser, so both /public/stories and /organiser/stories have something to show.
They draw from a random stream of their own: the rest of the demo is the same with or without.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlmodel import select

from unmentor.db import Database
from unmentor.rounds.models import Outcome, RoundMember
from unmentor.stories.models import Attribution, Story, StoryStatus

TEXTS = (
    "We found out that both our teams were building the same form. We now share one.",
    "Half an hour over coffee turned into a plan to run a joint user research session.",
    "I learned how a hospital plans its rotas, and why our letters arrive on the wrong day.",
    "We swapped notes on hiring developers outside London. I have three new ideas to try.",
    "My partner had solved a problem with address data that has troubled us for a year.",
    "It was good to talk to someone who is not in my sector about being new to management.",
    "We disagreed about agile contracts, politely, and both changed our minds a little.",
    "A walk by the river, and an introduction to a team I did not know existed.",
    "We compared how our organisations publish open data. Theirs is better; we will copy it.",
    "Not much in common on paper, a lot in practice: we both run small teams in big places.",
    "We talked about accessibility testing and I came away with a checklist I use every week.",
    "I was sceptical about random introductions. This one has already saved us a procurement.",
)
SHARE = 0.06  # of the members who met, in each round
REJECTED = 0.125


def share_stories(
    database: Database, rng: random.Random, round_id: int, *, now: datetime, closed: bool
) -> int:
    """Stories from a few members who met in the round; how many."""
    with database.session() as session:
        met = session.exec(
            select(RoundMember.participant_id)
            .where(RoundMember.round_id == round_id, RoundMember.outcome == Outcome.met)
            .order_by(RoundMember.participant_id)
        ).all()
        tellers = [pid for pid in met if rng.random() < SHARE]
        for pid in tellers:
            # The open round's stories came in this morning, not in days yet to come.
            later = timedelta(days=rng.randint(1, 10)) if closed else timedelta()
            shared = now + later + timedelta(minutes=rng.randint(0, 120))
            status, decided = StoryStatus.pending, None
            if closed:
                status = StoryStatus.rejected if rng.random() < REJECTED else StoryStatus.approved
                decided = shared + timedelta(days=rng.randint(1, 5))
            session.add(
                Story(
                    round_id=round_id,
                    participant_id=pid,
                    text=rng.choice(TEXTS),
                    attribution=rng.choice((Attribution.sector, Attribution.anonymous)),
                    status=status,
                    created_at=shared,
                    updated_at=shared,
                    decided_at=decided,
                )
            )
    return len(tellers)
