"""The inbox of updates: written when they arrive, marked when handled, forgotten two days later."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlite_utils

from hpbot.store.rows import select


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


class Inbox:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def receive(self, updates: Iterable[tuple[int, str]], now: datetime) -> set[int]:
        """Record arrived updates (id, JSON) in one transaction; returns the ids that were not there before."""
        fresh: set[int] = set()
        with self.db.atomic():
            for update_id, raw in updates:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO inbox (update_id, raw, received_at) VALUES (?, ?, ?)",
                    [update_id, raw, _iso(now)],
                )
                if cursor.rowcount:
                    fresh.add(update_id)
        return fresh

    def done(self, update_id: int, now: datetime) -> None:
        self.done_all([update_id], now)

    def done_all(self, update_ids: Iterable[int], now: datetime) -> None:
        """Mark handled updates, in one transaction."""
        at = _iso(now)
        with self.db.atomic():
            self.db.conn.executemany(
                "UPDATE inbox SET done_at = ?, raw = NULL WHERE update_id = ? AND done_at IS NULL",
                [(at, update_id) for update_id in update_ids],
            )

    def pending(self) -> list[tuple[int, str, datetime]]:
        """Updates received and not handled (a crash came between), oldest first, with when they arrived."""
        rows = select(
            self.db, "SELECT update_id, raw, received_at FROM inbox WHERE done_at IS NULL ORDER BY update_id"
        )
        return [(r["update_id"], r["raw"], datetime.fromisoformat(r["received_at"])) for r in rows]

    def last_id(self) -> int | None:
        row = select(self.db, "SELECT MAX(update_id) AS id FROM inbox")
        return row[0]["id"] if row else None

    def prune(self, before: datetime) -> int:
        """Forget handled updates received before `before` (Telegram keeps an update for at most 24 hours)."""
        with self.db.atomic():
            cursor = self.db.execute(
                "DELETE FROM inbox WHERE done_at IS NOT NULL AND received_at < ?", [_iso(before)]
            )
        return cursor.rowcount
