"""Ordering leaderboards: points first, then less total answer time, then earliest last answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, overload


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


T = TypeVar("T")


def sort_key(s: Standing) -> tuple[int, int, str, int]:
    return (-s.points, s.answer_ms, s.last_answer_at, s.user_id)


@overload
def rank(items: list[Standing]) -> list[tuple[int, Standing]]: ...
@overload
def rank(items: list[T], standing: Callable[[T], Standing]) -> list[tuple[int, T]]: ...
def rank(items: list[Any], standing: Callable[[Any], Standing] = lambda s: s) -> list[tuple[int, Any]]:
    """1-based ranks; lines equal on points and time share a rank. `standing` reads the Standing of an item (a
    competition ranks members' lines of several groups, where the same member may have a line in two cells)."""
    ordered = sorted(items, key=lambda item: sort_key(standing(item)))
    result: list[tuple[int, Any]] = []
    for index, item in enumerate(ordered):
        s = standing(item)
        if result and (standing(result[-1][1]).points, standing(result[-1][1]).answer_ms) == (
            s.points,
            s.answer_ms,
        ):
            result.append((result[-1][0], item))
        else:
            result.append((index + 1, item))
    return result
