"""A round's life: the question of one study day in one group, from its post to its reveal.

    POSTING ──(the post is sent and its message id recorded)──> OPEN
       │  └──(the bot was removed, or the reveal time passed before the post went out)──> dropped (no row)
       └──────────────┐
    OPEN ─────────────┴──(the reveal time; answers close, scores fold in once)──> REVEALING
    REVEALING ──(every reveal message delivered, or the group is gone)──> REVEALED

A round in POSTING may already be visible to members (the post reached Telegram just before a crash), so it takes
answers like an OPEN one.
"""

from __future__ import annotations

import enum


class RoundStatus(enum.StrEnum):
    POSTING = "posting"
    OPEN = "open"
    REVEALING = "revealing"
    REVEALED = "revealed"

    @property
    def takes_answers(self) -> bool:
        return self in (RoundStatus.POSTING, RoundStatus.OPEN)

    def can_become(self, other: RoundStatus) -> bool:
        """Whether a round in this status may move to `other`."""
        return other in TRANSITIONS[self]


TRANSITIONS: dict[RoundStatus, frozenset[RoundStatus]] = {
    RoundStatus.POSTING: frozenset({RoundStatus.OPEN, RoundStatus.REVEALING}),
    RoundStatus.OPEN: frozenset({RoundStatus.REVEALING}),
    RoundStatus.REVEALING: frozenset({RoundStatus.REVEALED}),
    RoundStatus.REVEALED: frozenset(),
}
