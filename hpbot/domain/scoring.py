"""Points for an answer.

A correct answer earns BASE_POINTS plus a speed bonus: SPEED_BONUS_MAX points if it comes within the first
BONUS_STEP_MINUTES after the post, one point less for each further step, never below zero. A wrong answer earns 0.
With the defaults: 10 + 5 in the first 30 minutes, 10 + 4 up to an hour, ... 10 + 0 from 2.5 hours on.
"""

from __future__ import annotations

BASE_POINTS = 10
SPEED_BONUS_MAX = 5
BONUS_STEP_MINUTES = 30


def speed_bonus(elapsed_seconds: float) -> int:
    """The bonus for answering `elapsed_seconds` after the question was posted."""
    steps = int(max(0.0, elapsed_seconds) // (BONUS_STEP_MINUTES * 60))
    return max(0, SPEED_BONUS_MAX - steps)


def points_for(correct: bool, elapsed_seconds: float) -> int:
    """Points earned by one answer."""
    return BASE_POINTS + speed_bonus(elapsed_seconds) if correct else 0
