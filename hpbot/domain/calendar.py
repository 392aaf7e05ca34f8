"""A group's study calendar: the weekdays it studies and its pauses (Tết, a congress week). A day off has no round,
so it neither counts nor breaks a streak (streaks count the group's rounds, not the calendar's days).

Weekdays are written the Vietnamese way: T2 (Monday) … T7 (Saturday), CN (Sunday); stored as ISO numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from hpbot.errors import InputError

EVERY_DAY = frozenset(range(1, 8))
_NAMES = {1: "T2", 2: "T3", 3: "T4", 4: "T5", 5: "T6", 6: "T7", 7: "CN"}
_WORD = re.compile(r"^(?:t|thu|thứ)\s*([2-7])$|^(cn|chunhat|chủnhật)$")
_ALL_WORDS = (
    "tatca",
    "tất cả",
    "tấtcả",
    "hangngay",
    "hằng ngày",
    "hàng ngày",
    "moingay",
    "mọi ngày",
    "t2-cn",
)
PAUSE_MAX_DAYS = 366


class CalendarInputError(InputError):
    """A study calendar an admin typed that the rules refuse; `reason` selects the reply."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _day(word: str) -> int:
    match = _WORD.match(word.strip().lower().replace(" ", ""))
    if not match:
        raise CalendarInputError("days")
    return int(match.group(1)) - 1 if match.group(1) else 7


def parse_days(text: str) -> frozenset[int]:
    """'T2-T6' -> {1..5}; 'T2, T4, T6'; 'T7-CN'; 'tatca' -> every day. Raises CalendarInputError('days')."""
    text = " ".join(text.lower().split())
    if not text or text in _ALL_WORDS:
        return EVERY_DAY
    days: set[int] = set()
    for piece in re.split(r"[,;\s]+(?![-–])", text.replace(" - ", "-").replace(" – ", "-")):
        if not piece:
            continue
        if "-" in piece or "–" in piece:
            first, _, last = piece.replace("–", "-").partition("-")
            start, end = _day(first), _day(last)
            if end < start:
                raise CalendarInputError("days")
            days.update(range(start, end + 1))
        else:
            days.add(_day(piece))
    return frozenset(days)


def encode(days: frozenset[int]) -> str:
    return "".join(str(d) for d in sorted(days))


def decode(stored: str) -> frozenset[int]:
    return frozenset(int(c) for c in stored if c in "1234567") or EVERY_DAY


def describe(days: frozenset[int]) -> str:
    """{1..5} -> 'T2-T6'; {1, 3, 5} -> 'T2, T4, T6'; every day -> 'T2-CN'."""
    ordered = sorted(days)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{_NAMES[ordered[0]]}-{_NAMES[ordered[-1]]}"
    return ", ".join(_NAMES[d] for d in ordered)


@dataclass(frozen=True)
class Pause:
    first: date
    last: date

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


def parse_date(text: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError as exc:
        raise CalendarInputError("date") from exc


def parse_pause(args: list[str], today: date) -> Pause:
    """'25/01/2027 05/02/2027' (one date: that day only). Raises CalendarInputError: 'date', 'order', 'past',
    'long'."""
    if not 1 <= len(args) <= 2:
        raise CalendarInputError("date")
    first = parse_date(args[0])
    last = parse_date(args[-1])
    if last < first:
        raise CalendarInputError("order")
    if last < today:
        raise CalendarInputError("past")
    if (last - first).days >= PAUSE_MAX_DAYS:
        raise CalendarInputError("long")
    return Pause(first, last)


def is_study_day(day: date, days: frozenset[int], pauses: list[Pause]) -> bool:
    """Whether the group studies on `day`: one of its weekdays and in none of its pauses."""
    return day.isoweekday() in days and not any(p.covers(day) for p in pauses)
