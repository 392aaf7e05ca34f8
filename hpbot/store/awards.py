"""A competition's prizes (schema step 0013): read and set by the awards use case."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

from hpbot.domain.awards import Prizes
from hpbot.store.rows import select


class PrizeTable:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def get(self, competition_id: int) -> Prizes | None:
        rows = select(
            self.db,
            "SELECT first, second, third, consolation, collective FROM competition_prizes WHERE competition_id = ?",
            [competition_id],
        )
        return Prizes(**rows[0]) if rows else None

    def set(self, competition_id: int, prizes: Prizes, user_id: int, now: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO competition_prizes (competition_id, first, second, third, consolation, collective, "
                "set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (competition_id) DO UPDATE SET "
                "first = excluded.first, second = excluded.second, third = excluded.third, "
                "consolation = excluded.consolation, collective = excluded.collective, set_by = excluded.set_by, "
                "set_at = excluded.set_at",
                [
                    competition_id,
                    prizes.first,
                    prizes.second,
                    prizes.third,
                    prizes.consolation,
                    prizes.collective,
                    user_id,
                    now.astimezone(UTC).isoformat(timespec="milliseconds"),
                ],
            )
