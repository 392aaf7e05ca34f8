"""Competition organizers added from the command line (`hpbot organizers`), beside those in HPBOT_ORGANIZERS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from hpbot.store.rows import select


@dataclass(frozen=True)
class Organizer:
    user_id: int
    added_at: str  # UTC ISO


class Organizers:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def contains(self, user_id: int) -> bool:
        """One primary-key lookup: cheap enough to ask at every organizer command, so a change needs no restart."""
        return bool(select(self.db, "SELECT 1 AS x FROM organizers WHERE user_id = ?", [user_id]))

    def add(self, user_id: int, now: datetime) -> bool:
        """False if `user_id` was an organizer already (its first `added_at` is kept)."""
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO organizers (user_id, added_at) VALUES (?, ?)",
                [user_id, now.astimezone(UTC).isoformat(timespec="seconds")],
            )
        return bool(cursor.rowcount)

    def remove(self, user_id: int) -> bool:
        """False if `user_id` was not in the table."""
        with self.db.atomic():
            cursor = self.db.execute("DELETE FROM organizers WHERE user_id = ?", [user_id])
        return bool(cursor.rowcount)

    def all(self) -> list[Organizer]:
        rows = select(self.db, "SELECT user_id, added_at FROM organizers ORDER BY user_id")
        return [Organizer(int(r["user_id"]), str(r["added_at"])) for r in rows]
