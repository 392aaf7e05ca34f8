"""Study days, post and reveal times, and what is due when."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# re-exported: callers catch schedule.TimeFormatError and schedule.TimeOrderError
from hpbot.errors import TimeFormatError as TimeFormatError
from hpbot.errors import TimeOrderError as TimeOrderError

DEFAULT_POST = time(7, 0)
DEFAULT_REVEAL = time(20, 0)
_TIME_RE = re.compile(r"^\s*(\d{1,2})\s*[:hH.]\s*(\d{2})\s*$")


def parse_time(text: str) -> time:
    """'06:30', '6:30', '6h30', '06.30' -> time(6, 30). Anything else raises TimeFormatError."""
    match = _TIME_RE.match(text or "")
    if not match:
        raise TimeFormatError(text)
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise TimeFormatError(text)
    return time(hour, minute)


def format_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


@dataclass(frozen=True)
class Times:
    post: time = DEFAULT_POST
    reveal: time = DEFAULT_REVEAL

    def __post_init__(self) -> None:
        if self.reveal <= self.post:
            raise ValueError("reveal must be later than post on the same day")


def parse_times(args: list[str]) -> Times:
    """Two arguments, post then reveal. Raises TimeFormatError, or TimeOrderError when the reveal is not after the
    post (the reply differs: the member typed valid times in the wrong order)."""
    if len(args) != 2:
        raise TimeFormatError(" ".join(args))
    post, reveal = parse_time(args[0]), parse_time(args[1])
    if reveal <= post:
        raise TimeOrderError(f"{format_time(post)} {format_time(reveal)}")
    return Times(post, reveal)


def local_date(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def at(day: date, when: time, tz: ZoneInfo) -> datetime:
    """The aware instant of local time `when` on `day`."""
    return datetime.combine(day, when, tzinfo=tz)


def post_due(now: datetime, tz: ZoneInfo, times: Times, has_round_today: bool) -> date | None:
    """The study day whose question should be posted now, or None.

    A question is due from its post time until its reveal time; a post missed entirely (the bot was down past the
    reveal time) is not sent late — the day simply has no question.
    """
    if has_round_today:
        return None
    today = local_date(now, tz)
    if at(today, times.post, tz) <= now < at(today, times.reveal, tz):
        return today
    return None


def reveal_at(day: date, tz: ZoneInfo, times: Times) -> datetime:
    return at(day, times.reveal, tz)


def week_bounds(day: date) -> tuple[date, date]:
    """Monday..Sunday containing `day`."""
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def month_bounds(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    nxt = (start + timedelta(days=32)).replace(day=1)
    return start, nxt - timedelta(days=1)


def count_edit_delay(round_id: int, base: float) -> float:
    """How long after a round's first new answer its post's live count is edited: `base` seconds on average,
    spread over [base / 2, 3 * base / 2) by the round id (golden-ratio steps), so that when every group starts
    answering at once their edits do not all fall due in the same instant."""
    return base * (0.5 + (round_id * 0.6180339887498949) % 1.0)
