"""The one source of "now". Production uses SystemClock; tests move a FakeClock by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime in UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = when.astimezone(UTC)

    def advance(self, **kwargs: float) -> datetime:
        self._now += timedelta(**kwargs)
        return self._now


class FileClock:
    """A clock whose time another process sets by writing an ISO datetime to a file.

    Only for `hpbot demo` and the crash trials, which run the real bot process and must move its days forward.
    Enabled by HPBOT_CLOCK_FILE; never set in production.
    """

    def __init__(self, path: str) -> None:
        from pathlib import Path

        self.path = Path(path)
        self._last: datetime | None = None

    def now(self) -> datetime:
        try:
            when = datetime.fromisoformat(self.path.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return self._last or SystemClock().now()
        self._last = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
        return self._last
