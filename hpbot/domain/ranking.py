"""Ordering leaderboards: points first, then less total answer time, then earliest last answer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Standing:
    user_id: int
    name: str
    points: int
    answer_ms: int
    answers: int = 0
    correct: int = 0
    streak: int = 0
    last_answer_at: str = ""


def sort_key(s: Standing) -> tuple:
    return (-s.points, s.answer_ms, s.last_answer_at, s.user_id)


def rank(standings: list[Standing]) -> list[tuple[int, Standing]]:
    """1-based ranks; members equal on points and time share a rank."""
    ordered = sorted(standings, key=sort_key)
    result: list[tuple[int, Standing]] = []
    for index, s in enumerate(ordered):
        if result and (result[-1][1].points, result[-1][1].answer_ms) == (s.points, s.answer_ms):
            result.append((result[-1][0], s))
        else:
            result.append((index + 1, s))
    return result
