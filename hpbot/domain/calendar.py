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
# "every day", compared without spaces: "moi ngay", "mọi ngày", "hằng ngày", "tất cả", "T2-CN"
_ALL_WORDS = frozenset(
    (
        "tatca",
        "tấtcả",
        "hangngay",
        "hằngngày",
        "hàngngày",
        "moingay",
        "mọingày",
        "cacngay",
        "cácngày",
        "t2-cn",
        "everyday",
        "daily",
        "all",
    )
)
# "thứ 2" and "chủ nhật" as one word each, before the list is split at spaces
_SPELLED_DAY = re.compile(r"\b(?:thứ|thu)\s+([2-7])\b")
_SPELLED_SUNDAY = re.compile(r"chủ\s+nhật|chu\s+nhat")
PAUSE_MAX_DAYS = 366
_PAUSE_SPLIT = re.compile(r"\s*(?:[-–]|\bđến\b|\bden\b|\btới\b)\s*|\s+")
REMINDER_DEFAULT = 120  # minutes before the reveal (the column's default in schema step 0011)
REMINDER_MAX = 720  # twelve hours: further ahead is no longer "before the reveal" but the morning
_REMINDER_OFF = frozenset(("tat", "tắt", "off", "0", "khong", "không"))
_REMINDER_ON = frozenset(("bat", "bật", "on"))
_MINUTES = re.compile(r"^(\d{1,4})\s*(?:p|ph|phut|phút|'|m|min)?$")
_HOURS = re.compile(r"^(\d{1,2})\s*(?:h|g|gio|giờ)(?:\s*(\d{1,2})\s*(?:p|ph|phut|phút|m)?)?$")


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
    if not text or text.replace(" ", "") in _ALL_WORDS:
        return EVERY_DAY
    text = _SPELLED_SUNDAY.sub("cn", _SPELLED_DAY.sub(r"t\1", text))
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
    if not days:
        raise CalendarInputError("days")
    return frozenset(days)


def encode(days: frozenset[int]) -> str:
    return "".join(str(d) for d in sorted(days))


def decode(stored: str) -> frozenset[int]:
    return frozenset(int(c) for c in stored if c in "1234567") or EVERY_DAY


def weekday_name(day: date) -> str:
    """The Vietnamese short name of the day's weekday: 'T2' … 'T7', 'CN'."""
    return _NAMES[day.isoweekday()]


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
    """'25/01/2027 05/02/2027', also '25/01/2027 - 05/02/2027' or '… đến …' (one date: that day only). Raises
    CalendarInputError: 'date', 'order', 'past', 'long'."""
    args = [word for word in _PAUSE_SPLIT.split(" ".join(args).strip().lower()) if word]
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


def pause_on(day: date, pauses: list[Pause]) -> Pause | None:
    """The pause that covers `day`, if any (the one ending last, should two overlap)."""
    covering = [p for p in pauses if p.covers(day)]
    return max(covering, key=lambda p: p.last) if covering else None


def parse_reminder(text: str) -> int:
    """Minutes before the reveal: '60', '60 phút', '90p', '2h', '1 giờ 30'; 'tat'/'0' -> 0 (off); 'bat' -> the
    default. Raises CalendarInputError('reminder') for anything else or outside 1 … REMINDER_MAX minutes."""
    text = " ".join(text.strip().lower().split())
    if text in _REMINDER_OFF:
        return 0
    if text in _REMINDER_ON:
        return REMINDER_DEFAULT
    if match := _MINUTES.match(text):
        minutes = int(match.group(1))
    elif match := _HOURS.match(text):
        minutes = int(match.group(1)) * 60 + int(match.group(2) or 0)
    else:
        raise CalendarInputError("reminder")
    if minutes == 0:
        return 0
    if not 1 <= minutes <= REMINDER_MAX:
        raise CalendarInputError("reminder")
    return minutes
