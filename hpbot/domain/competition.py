"""Fair ranking of groups of different sizes, and competition join codes."""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from hpbot.errors import CompetitionInputError as CompetitionInputError  # re-exported: its old home

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed on phones


def new_code(length: int = 6) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def possible_answers(
    official: int | None, member_days: int, days: int, contest_days: int, members: int
) -> int:
    """A cell's possible answers over a competition's study days (schema step 0016), never fewer than its
    official member count allows: with an official count, that count on every study day of the competition from
    its start, whenever the cell joined; without one, the members counted at each of its posts, and its latest
    member count on each study day it had no post (a day it missed counts as missed)."""
    every = max(contest_days, days)
    if official is not None:
        return official * every
    return member_days + (every - days) * max(1, members)


@dataclass(frozen=True)
class GroupTotals:
    chat_id: int
    title: str
    answers: int  # answers given in the window
    member_days: int  # sum over the group's study days of its member count at the post
    points: int
    members: int  # latest known member count (at least 1)
    answer_ms: int = 0
    days: int = 0  # the group's revealed study days in the window
    contest_days: int = 0  # the competition's study days in the window (0: only the group's own count)
    official: int | None = None  # the official member count of the cell it is linked to
    unit: str = ""  # the higher-level unit of that cell ("": not linked to a cell of the unit list)

    @property
    def possible(self) -> int:
        """Possible answers: see `possible_answers`."""
        return possible_answers(self.official, self.member_days, self.days, self.contest_days, self.members)

    @property
    def counted(self) -> int:
        """Answers as they count for participation: never more than the possible answers (people in the chat who
        are not on the official count cannot take a cell above 100 %)."""
        return min(self.answers, self.possible)

    @property
    def participation(self) -> float:
        """answers ÷ possible answers (at most 1)."""
        possible = self.possible
        return self.counted / possible if possible else 0.0

    @property
    def mean_points(self) -> float:
        return self.points / max(1, self.official or self.members)


def group_order(g: GroupTotals) -> tuple[Fraction, Fraction]:
    """What ranks a group, exactly: participation, then mean points per member (as fractions, so two groups tie
    only when both are equal, and the store's count of groups ahead, in integers, agrees with this order)."""
    possible = g.possible
    participation = Fraction(g.counted, possible) if possible else Fraction(0)
    return participation, Fraction(g.points, max(1, g.official or g.members))


def _reduced(n: int, d: int) -> tuple[int, int]:
    common = math.gcd(n, d) or 1
    return n // common, d // common


def rank_groups(groups: list[GroupTotals]) -> list[tuple[int, GroupTotals]]:
    """By participation rate, then mean points per member (equal on both: the same rank), then less total answer
    time, then chat id for a stable order: `group_order`, exactly.

    Fast for 10,000 cells: sorted by the two parts as floats (a correctly rounded division never reverses two
    fractions, so only equal floats can hide an order), then each run of equal float participation is checked with
    the reduced fractions (integers) and sorted by exact fractions only when it holds different ones."""
    rows = []
    for g in groups:
        possible = g.possible
        n, d = (min(g.answers, possible), possible) if possible else (0, 1)
        md = max(1, g.official or g.members)
        rows.append((n / d, g.points / md, _reduced(n, d), _reduced(g.points, md), g))
    rows.sort(key=lambda r: (-r[0], -r[1], r[4].answer_ms, r[4].chat_id))
    start = 0
    while start < len(rows):
        stop = start + 1
        while stop < len(rows) and rows[stop][0] == rows[start][0]:
            stop += 1
        run = rows[start:stop]
        mixed = any(r[2] != run[0][2] for r in run) or any(
            a[1] == b[1] and a[3] != b[3] for a, b in zip(run, run[1:], strict=False)
        )
        if mixed:  # equal floats, different fractions: the exact order
            run.sort(
                key=lambda r: (-group_order(r[4])[0], -group_order(r[4])[1], r[4].answer_ms, r[4].chat_id)
            )
            rows[start:stop] = run
        start = stop
    ranked: list[tuple[int, GroupTotals]] = []
    for index, row in enumerate(rows):
        same = index > 0 and rows[index - 1][2:4] == row[2:4]
        ranked.append((ranked[-1][0] if same else index + 1, row[4]))
    return ranked


# creating a competition from what an organizer types ------------------------------------------------------------
NAME_MAX = 120
_DATE_RE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


@dataclass(frozen=True)
class CompetitionSpec:
    name: str
    start: date
    end: date


def parse_day(text: str) -> date:
    """'01/12/2026', '1/12/2026', '01-12-2026', '01.12.2026' -> date(2026, 12, 1); day first, as written in Vietnam."""
    match = _DATE_RE.match(text or "")
    if not match:
        raise CompetitionInputError("date")
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise CompetitionInputError("date") from None


def parse_spec(text: str) -> CompetitionSpec:
    """'Tên cuộc thi | 01/12/2026 | 31/12/2026' -> a spec; dates are local and inclusive."""
    parts = [p.strip() for p in (text or "").split("|")]
    if len(parts) != 3:
        raise CompetitionInputError("format")
    name = " ".join(parts[0].split())
    if not name:
        raise CompetitionInputError("name")
    if len(name) > NAME_MAX:
        raise CompetitionInputError("name_long")
    start, end = parse_day(parts[1]), parse_day(parts[2])
    if end < start:
        raise CompetitionInputError("order")
    return CompetitionSpec(name, start, end)


def clamp_window(start: date, end: date, window_start: date, window_end: date) -> tuple[date, date]:
    """The part of [window_start, window_end] inside the competition (assumes they overlap)."""
    return max(start, window_start), min(end, window_end)


def previous_week(today: date) -> tuple[date, date]:
    """Monday..Sunday of the week before the one containing `today`."""
    monday = today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=6)
