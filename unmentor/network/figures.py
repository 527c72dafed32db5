"""A round's headline figures as the public round page, the feed and the share card word them.

The figures themselves are unmentor.rounds.figures' (per group, an open round's marked "so
far"), read once with the network (NetworkData.figures) and cut to the public view's rounds;
this module only turns them into short sentences, so every public output words them alike.
"""

from __future__ import annotations

from unmentor.rounds.figures import RoundFigures


def figure_lines(figures: RoundFigures | None) -> list[str]:
    """The round's figures as short sentences (counts only), for a page, a feed entry or a card."""
    if figures is None or figures.groups == 0:
        return ["No conversations this round"]
    conversations = "conversation" if figures.groups == 1 else "conversations"
    lines = [
        f"{figures.people} people took part",
        f"{figures.groups} {conversations} arranged",
        f"{figures.met} met, {figures.not_met} did not meet",
    ]
    if figures.open:
        lines.append(f"{figures.pending} awaiting an answer")
    else:
        lines.append(f"{figures.unconfirmed} not confirmed")
    lines.append(f"Met rate: {figures.rate_text()}")
    return lines
