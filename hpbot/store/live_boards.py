"""Live boards' links (schema step 0018): one token a competition, made and revoked by its organizers."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils


class LiveBoardLinks:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def token_of(self, competition_id: int) -> str | None:
        row = self.db.execute(
            "SELECT token FROM live_boards WHERE competition_id = ?", [competition_id]
        ).fetchone()
        return str(row[0]) if row else None

    def competition_of(self, token: str) -> int | None:
        row = self.db.execute("SELECT competition_id FROM live_boards WHERE token = ?", [token]).fetchone()
        return int(row[0]) if row else None

    def put(self, competition_id: int, token: str, user_id: int, now: datetime) -> str:
        """The competition's token: the one it has, else `token`, stored now."""
        with self.db.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO live_boards (competition_id, token, created_by, created_at) "
                "VALUES (?, ?, ?, ?)",
                [competition_id, token, user_id, now.astimezone(UTC).isoformat(timespec="milliseconds")],
            )
        return self.token_of(competition_id) or token

    def revoke(self, competition_id: int) -> bool:
        """False if the competition had no link."""
        with self.db.atomic():
            return (
                self.db.execute("DELETE FROM live_boards WHERE competition_id = ?", [competition_id]).rowcount
                > 0
            )

    def day_progress(self, competition_id: int, study_date: str) -> tuple[int, int, int, int]:
        """A study day across a competition's groups: (groups in it, posts out, reveals done, answers so far).
        Only counts: which answers are right stays in the rounds until each group's reveal."""
        row = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(r.status IN ('open', 'revealing', 'revealed')), 0), "
            "COALESCE(SUM(r.status = 'revealed'), 0), COALESCE(SUM(r.answer_count), 0) "
            "FROM competition_groups cg LEFT JOIN rounds r ON r.chat_id = cg.chat_id AND r.study_date = ? "
            "WHERE cg.competition_id = ?",
            [study_date, competition_id],
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2]), int(row[3])
