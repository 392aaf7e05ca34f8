"""Container health check: healthy while the due job keeps touching its heartbeat file beside the database AND
Telegram keeps answering (every successful getUpdates, or in webhook mode a periodic getWebhookInfo, touches a
second file). A bot whose token was revoked, or that cannot reach Telegram, is unhealthy within two minutes.

`python -m hpbot.health` (also `hpbot health`) exits 0 when both are fresh, 1 otherwise (the reason on stderr).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

MAX_AGE_SECONDS = 180  # the scheduler's heartbeat (the due job runs every 20 s)
TELEGRAM_MAX_AGE_SECONDS = 120  # long polls return at least every 30 s; webhook mode checks every 60 s
SCHEDULER, TELEGRAM = "heartbeat", "telegram"


def heartbeat_path(db_path: Path | str, kind: str = SCHEDULER) -> Path:
    return Path(f"{db_path}.{kind}")


def beat(db_path: Path | str, kind: str = SCHEDULER) -> None:
    if str(db_path) != ":memory:":
        heartbeat_path(db_path, kind).touch()


BEAT_WHILE_BUSY_EVERY = 30.0  # seconds between two beats while a due run (a long morning push) is under way
BUSY_AT_MOST = 1800.0  # a due run longer than this is stuck: its beats stop and the check fails


async def beat_while_busy(
    db_path: Path | str, every: float = BEAT_WHILE_BUSY_EVERY, at_most: float = BUSY_AT_MOST
) -> None:
    """Beat every `every` seconds for at most `at_most` seconds; run beside a due run and cancelled when it ends.
    A push to 10,000 groups at 30 messages/s takes about 6 minutes, longer than the check's limit: without these
    beats the bot would be reported unhealthy (and perhaps restarted) in the middle of its morning push."""
    import asyncio

    started = time.monotonic()
    while time.monotonic() - started + every <= at_most:
        await asyncio.sleep(every)
        beat(db_path)


def check(db_path: Path | str, now: float | None = None, max_age: float = MAX_AGE_SECONDS) -> str | None:
    """None if healthy, else the reason."""
    now = time.time() if now is None else now
    path = heartbeat_path(db_path)
    if not path.exists():
        return f"no heartbeat at {path}: the bot has not completed a scheduling round yet"
    age = now - path.stat().st_mtime
    if age > max_age:
        return (
            f"heartbeat is {age:.0f}s old (limit {max_age:.0f}s): the scheduler is stuck or the bot stopped"
        )
    telegram = heartbeat_path(db_path, TELEGRAM)
    if not telegram.exists():
        return f"no answer from Telegram recorded at {telegram}: the bot has not reached the Bot API yet"
    age = now - telegram.stat().st_mtime
    if age > TELEGRAM_MAX_AGE_SECONDS:
        return (
            f"Telegram last answered {age:.0f}s ago (limit {TELEGRAM_MAX_AGE_SECONDS}s): the Bot API is "
            "unreachable or the token was rejected"
        )
    return None


def main() -> int:
    problem = check(os.environ.get("HPBOT_DB", "db/hpbot.sqlite3"))
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
