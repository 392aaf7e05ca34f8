"""When the next thing is due: the instant the scheduler should wake at, so a post leaves at its minute and a
reveal at its time instead of at the next periodic check."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def next_post_instant(now: datetime, tz: ZoneInfo, post_times: Iterable[time]) -> datetime | None:
    """The first instant after `now` at which one of the local `post_times` comes round (today or tomorrow)."""
    local = now.astimezone(tz)
    best: datetime | None = None
    for when in post_times:
        for offset in (0, 1):
            candidate = datetime.combine(local.date() + timedelta(days=offset), when, tzinfo=tz)
            if candidate > now:
                best = candidate if best is None or candidate < best else best
                break
    return best


def next_wake(
    now: datetime, tz: ZoneInfo, post_times: Iterable[time], reveals: Iterable[datetime]
) -> datetime | None:
    """The earliest of the next post time and the next reveal after `now`; None when nothing is scheduled."""
    candidates = [r for r in reveals if r > now]
    post = next_post_instant(now, tz, post_times)
    if post is not None:
        candidates.append(post)
    return min(candidates) if candidates else None
