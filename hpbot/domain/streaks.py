"""Streaks count consecutive questions of a group that a member answered.

Rounds are the group's questions numbered 1, 2, 3, ... in the order they were posted. A day on which the group got
no question has no round, so it neither counts nor breaks a streak.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Streak:
    current: int = 0
    best: int = 0
    last_round: int = 0  # the last round (sequence number) the member answered; 0 = never


def after_answer(streak: Streak, round_seq: int) -> Streak:
    """The streak once the member's answer to round `round_seq` is counted (rounds are counted in order)."""
    if round_seq <= streak.last_round:
        return streak
    current = streak.current + 1 if round_seq == streak.last_round + 1 else 1
    return Streak(current=current, best=max(streak.best, current), last_round=round_seq)


def current_streak(streak: Streak, last_closed_round: int) -> int:
    """The streak as shown now: broken if the member missed the last closed round.

    The open round (not revealed yet) cannot break a streak: members still have time to answer it.
    """
    return streak.current if streak.last_round >= last_closed_round else 0


def at_stake(streak: Streak, open_round: int) -> int:
    """The streak a member loses if they leave round `open_round` unanswered: their run up to the round before
    it; 0 when they already answered it or the run had already ended."""
    return streak.current if streak.last_round == open_round - 1 else 0


def replay(answered_rounds: list[int]) -> Streak:
    """The streak from the full list of answered rounds (any order); used to rebuild and to check."""
    streak = Streak()
    for seq in sorted(set(answered_rounds)):
        streak = after_answer(streak, seq)
    return streak


MILESTONES = (7, 30, 100, 365)  # streaks named in the day's results when a member reaches one


def milestone(streak: int) -> bool:
    """Whether reaching `streak` is worth naming in the group (7, 30, 100, 365, then every further 365)."""
    return streak in MILESTONES or (streak > MILESTONES[-1] and streak % MILESTONES[-1] == 0)
