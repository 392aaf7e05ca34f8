"""Fair ranking of groups of different sizes, and competition join codes."""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from itertools import accumulate
from typing import overload

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

    def with_contest_days(self, contest_days: int) -> GroupTotals:
        """The same totals in a competition with this many study days (built directly: dataclasses.replace takes
        ~5 times as long, which counts for 10,000 groups on the day's first reveal)."""
        return GroupTotals(
            self.chat_id,
            self.title,
            self.answers,
            self.member_days,
            self.points,
            self.members,
            self.answer_ms,
            self.days,
            contest_days,
            self.official,
            self.unit,
        )


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


class RankedGroups(Sequence[tuple[int, GroupTotals]]):
    """(rank, totals) pairs in ranking order, as `rank_groups` gives them, held as two lists (the ranks, the totals)
    instead of a pair kept for each group: a kept ranking of 10,000 groups that changed then makes no 10,000 new
    objects for the garbage collector to walk (the pairs are made when read)."""

    __slots__ = ("_groups", "_ranks")

    def __init__(self, ranks: list[int], groups: list[GroupTotals]) -> None:
        self._ranks, self._groups = ranks, groups

    def __len__(self) -> int:
        return len(self._groups)

    @overload
    def __getitem__(self, index: int) -> tuple[int, GroupTotals]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, GroupTotals]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, GroupTotals] | list[tuple[int, GroupTotals]]:
        if isinstance(index, slice):
            return list(zip(self._ranks[index], self._groups[index], strict=True))
        return self._ranks[index], self._groups[index]

    def __iter__(self) -> Iterator[tuple[int, GroupTotals]]:
        return zip(self._ranks, self._groups, strict=True)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # a sequence compared by its contents

    def __repr__(self) -> str:
        return f"RankedGroups({list(self)!r})"


class GroupRanking:
    """The groups of a competition in `rank_groups`' order, kept up to date one group at a time: a group whose
    totals changed is taken out and put back where it now belongs (a binary search comparing exact fractions by
    cross-multiplying integers), and only the ranks from the first place touched on are counted again. Built once
    with `rank_groups` (~0.1 s for 10,000 groups); a change of k groups then costs O(k log n) comparisons and a few
    list operations over the places after the first one touched (~3 ms for 10,000 groups)."""

    def __init__(self, groups: Iterable[GroupTotals]) -> None:
        ranked = rank_groups(list(groups))
        self._rows = [_row(g) for _, g in ranked]
        self._ties = [row[7] for row in self._rows]  # beside the rows, place by place
        self._groups = [g for _, g in ranked]
        self._by_chat = {row[5]: row for row in self._rows}
        self._ranked = RankedGroups([r for r, _ in ranked], list(self._groups))
        self._from = len(ranked)  # ranks from this place on must be counted again

    def __len__(self) -> int:
        return len(self._rows)

    def copy(self) -> GroupRanking:
        """An independent copy (~1 ms for 10,000 groups): updating one leaves the other as it was."""
        twin = object.__new__(GroupRanking)
        twin._rows, twin._ties, twin._groups = self._rows[:], self._ties[:], self._groups[:]
        twin._by_chat = dict(self._by_chat)
        twin._ranked, twin._from = self._ranked, self._from  # a RankedGroups is never changed, only replaced
        return twin

    def groups(self) -> list[GroupTotals]:
        return list(self._groups)

    def update(self, changed: Iterable[GroupTotals], gone: Iterable[int] = ()) -> None:
        """Put these groups' new totals in place (a group not in it yet joins), and take out the groups of `gone`."""
        for chat_id in gone:
            self._take_out(chat_id)
        for g in changed:
            self._take_out(g.chat_id)
            row = _row(g)
            at = self._place(row)
            self._rows.insert(at, row)
            self._ties.insert(at, row[7])
            self._groups.insert(at, g)
            self._by_chat[g.chat_id] = row
            self._from = min(self._from, at)

    def ranked(self) -> RankedGroups:
        """(rank, totals) in order; equal on participation and mean points: the same rank. The same object while
        nothing changed. Only the places from the first one touched on are counted again, without a Python loop: a
        place that starts a run of equal groups takes its own number, the others the largest number before them
        (itertools.accumulate with max)."""
        start, count = self._from, len(self._rows)
        if start >= count and len(self._ranked) == count:
            return self._ranked
        if start >= count:  # only places at the end were taken out
            self._ranked = RankedGroups(self._ranked._ranks[:count], list(self._groups))
            self._from = count
            return self._ranked
        ties = self._ties[max(0, start - 1) :]
        new_run = [a != b for a, b in zip(ties, ties[1:], strict=False)]
        first = self._ranked._ranks[start - 1 : start]  # the rank before the first place counted again
        if not start:
            new_run.insert(0, True)
        places = [
            place if new else 0 for place, new in zip(range(start + 1, count + 1), new_run, strict=True)
        ]
        ranks = self._ranked._ranks[:start]
        ranks += accumulate(first + places, max)
        if first:
            del ranks[start]  # the rank before, given to accumulate only to carry on from
        self._ranked, self._from = RankedGroups(ranks, list(self._groups)), count
        return self._ranked

    def rank_of(self, chat_id: int) -> tuple[int, GroupTotals] | None:
        """One group's rank and totals, None if it is not in the competition: 1 + the place of the first group tied
        with it (found by a binary search too), without counting every rank again."""
        row = self._by_chat.get(chat_id)
        if row is None:
            return None
        return self._place(row, _ahead) + 1, row[6]

    def _take_out(self, chat_id: int) -> None:
        row = self._by_chat.pop(chat_id, None)
        if row is not None:
            at = self._index(row)
            del self._rows[at], self._ties[at], self._groups[at]
            self._from = min(self._from, at)

    def _place(self, row: _Row, comes_first: Callable[[_Row, _Row], bool] | None = None) -> int:
        """The first place whose row does not come before `row` (by `comes_first`, default `_before`)."""
        comes_first = comes_first or _before
        rows, low, high = self._rows, 0, len(self._rows)
        while low < high:
            middle = (low + high) // 2
            if comes_first(rows[middle], row):
                low = middle + 1
            else:
                high = middle
        return low

    def _index(self, row: _Row) -> int:
        at = self._place(
            row
        )  # rows are distinct (the chat id decides last), so the row itself is found there
        if at < len(self._rows) and self._rows[at] is row:
            return at
        return self._rows.index(row)  # not reached while the order holds; a scan rather than a wrong place


# a group as the ranking compares it: counted and possible answers (0/1 when none were possible), points and the
# members they are shared by, answer time, chat id, the totals themselves, and the two fractions reduced (equal
# for two groups of the same rank)
_Row = tuple[int, int, int, int, int, int, GroupTotals, tuple[tuple[int, int], tuple[int, int]]]


def _row(g: GroupTotals) -> _Row:
    possible = g.possible
    n, d = (min(g.answers, possible), possible) if possible else (0, 1)
    md = max(1, g.official or g.members)
    return n, d, g.points, md, g.answer_ms, g.chat_id, g, (_reduced(n, d), _reduced(g.points, md))


def _ahead(a: _Row, b: _Row) -> bool:
    """Whether `a` has a better rank than `b` (participation, then mean points, compared exactly)."""
    participation = a[0] * b[1] - b[0] * a[1]
    if participation:
        return participation > 0
    return a[2] * b[3] > b[2] * a[3]


def _before(a: _Row, b: _Row) -> bool:
    """Whether `a` is ranked before `b`: `group_order` compared exactly, then answer time, then chat id."""
    participation = a[0] * b[1] - b[0] * a[1]
    if participation:
        return participation > 0
    mean = a[2] * b[3] - b[2] * a[3]
    if mean:
        return mean > 0
    return (a[4], a[5]) < (b[4], b[5])


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
