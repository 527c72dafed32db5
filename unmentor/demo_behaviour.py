"""How the demo's people behave, so that the effect of issue 13's features can be seen.

An assumed model, not a measurement: it illustrates what the features are meant to do, and
the experiments page then measures it back. Without the features everyone takes part in
every round, gives no free times and picks no time, and a conversation happens with the
demo's old odds (about one in three does not happen or is never confirmed). With them:
- each person chooses a rhythm (most every round, some every second or third) and most give
  their usual free times;
- a group whose members' free times overlap gets suggested times that suit them all, and
  meets more often; a group that picks one of them meets more often still;
- a group with someone on a slower rhythm meets more often (a monthly round is a lot to keep
  up), more so when everyone in it is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from unmentor.people.free_times import HALF_DAYS, store_free_times
from unmentor.rounds.emails import Person, group_slots
from unmentor.settings import Settings

# The demo's odds before the features: 65% met, 17% not met, 18% never confirmed.
BASE_MET = 0.65
NOT_MET_OF_THE_REST = 17 / 35
# What the features add to the chance that a group meets.
TIME_SUITS = 0.07  # suggested times that suit everyone
TIME_PICKED = 0.10  # on top: the group picked one
SOMEONE_SLOWER = 0.05  # someone takes part every second or third round
EVERYONE_SLOWER = 0.10  # everyone does
MOST_LIKELY = 0.95
# Choices people make when they can.
RHYTHM_WEIGHTS = {1: 0.6, 2: 0.3, 3: 0.1}
GIVES_FREE_TIMES = 0.7
PICKS_A_SUGGESTED_TIME = 0.55


@dataclass(frozen=True)
class Circumstances:
    """What the features changed for one group."""

    suits: bool = False  # got suggested times that suit every member
    picked: datetime | None = None  # the slot the group picked
    rhythms: tuple[int, ...] = ()


def met_probability(circumstances: Circumstances | None) -> float:
    """The chance that a group meets; None: the demo without the features."""
    if circumstances is None:
        return BASE_MET
    chance = BASE_MET
    if circumstances.suits:
        chance += TIME_SUITS
    if circumstances.picked is not None:
        chance += TIME_PICKED
    slower = [rhythm > 1 for rhythm in circumstances.rhythms]
    if slower and all(slower):
        chance += EVERYONE_SLOWER
    elif any(slower):
        chance += SOMEONE_SLOWER
    return min(chance, MOST_LIKELY)


def answer_of(roll: float, met_chance: float) -> str:
    """'met', 'not_met' or 'unconfirmed' for a uniform `roll` in [0, 1)."""
    if roll < met_chance:
        return "met"
    if roll < met_chance + (1 - met_chance) * NOT_MET_OF_THE_REST:
        return "not_met"
    return "unconfirmed"


def choose_rhythm_and_times(rng: random.Random) -> tuple[int, str | None]:
    """One person's rhythm and usual free times (None: not given)."""
    rhythm = rng.choices(list(RHYTHM_WEIGHTS), list(RHYTHM_WEIGHTS.values()))[0]
    if rng.random() >= GIVES_FREE_TIMES:
        return rhythm, None
    # Busy people: three to six of the ten weekday half-days.
    free = rng.sample(HALF_DAYS, rng.randint(3, 6))
    return rhythm, store_free_times(free)


def group_circumstances(
    rng: random.Random,
    group: list[Person],
    rhythms: tuple[int, ...],
    *,
    settings: Settings,
    formed_at: datetime,
) -> Circumstances:
    """The suggested times the group gets (as its introduction does), and whether it picks one."""
    slots = group_slots(group, settings, after=formed_at)
    picked = rng.choice(slots) if slots and rng.random() < PICKS_A_SUGGESTED_TIME else None
    return Circumstances(suits=bool(slots), picked=picked, rhythms=rhythms)
