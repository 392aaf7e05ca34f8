"""Container health check: healthy while the due-job keeps touching the heartbeat file beside the database.

`python -m hpbot.health` exits 0 when the heartbeat is fresh, 1 otherwise (with the reason on stderr).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

MAX_AGE_SECONDS = 180


def heartbeat_path(db_path: Path | str) -> Path:
    return Path(str(db_path) + ".heartbeat")


def beat(db_path: Path | str) -> None:
    path = heartbeat_path(db_path)
    if str(db_path) != ":memory:":
        path.touch()


def check(db_path: Path | str, now: float | None = None, max_age: float = MAX_AGE_SECONDS) -> str | None:
    """None if healthy, else the reason."""
    path = heartbeat_path(db_path)
    if not path.exists():
        return f"no heartbeat at {path}: the bot has not completed a scheduling round yet"
    age = (time.time() if now is None else now) - path.stat().st_mtime
    if age > max_age:
        return (
            f"heartbeat is {age:.0f}s old (limit {max_age:.0f}s): the scheduler is stuck or the bot stopped"
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
