"""Fair ranking of groups of different sizes, and competition join codes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed on phones


def new_code(length: int = 6) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class GroupTotals:
    chat_id: int
    title: str
    answers: int          # answers given in the window
    member_days: int      # sum over the group's study days of its member count at the post
    points: int
    members: int          # latest known member count (at least 1)
    answer_ms: int = 0

    @property
    def participation(self) -> float:
        """answers ÷ (members × study days), from the member counts seen at each post."""
        return self.answers / self.member_days if self.member_days else 0.0

    @property
    def mean_points(self) -> float:
        return self.points / max(1, self.members)


def rank_groups(groups: list[GroupTotals]) -> list[tuple[int, GroupTotals]]:
    """By participation rate, then mean points per member, then less total answer time."""
    ordered = sorted(groups, key=lambda g: (-round(g.participation, 6), -round(g.mean_points, 6), g.answer_ms, g.chat_id))
    ranked: list[tuple[int, GroupTotals]] = []
    for index, g in enumerate(ordered):
        prev = ranked[-1][1] if ranked else None
        same = prev is not None and (round(prev.participation, 6), round(prev.mean_points, 6)) == (
            round(g.participation, 6), round(g.mean_points, 6))
        ranked.append((ranked[-1][0] if same else index + 1, g))
    return ranked
