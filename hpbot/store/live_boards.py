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

    def standings_version(self, competition_id: int) -> tuple[float, ...]:
        """What the rankings of groups and units are made of, summed: it changes whenever a group joins or leaves,
        a day is folded into the totals at a reveal, a member count is taken at a post, a unit list is imported or
        a group linked to a cell (a few ms for 10,000 groups, against tens of ms for the rankings themselves)."""
        row = self.db.execute(
            "SELECT (SELECT COUNT(*) FROM competition_groups WHERE competition_id = ?1), "
            "(SELECT TOTAL(g.member_count) + TOTAL(LENGTH(g.title)) FROM competition_groups cg "
            " JOIN groups g ON g.chat_id = cg.chat_id WHERE cg.competition_id = ?1), "
            "(SELECT COUNT(*) FROM competition_days WHERE competition_id = ?1), "
            "(SELECT COUNT(*) + COUNT(chat_id) + TOTAL(chat_id) + TOTAL(official) + TOTAL(LENGTH(unit)) "
            " FROM competition_units WHERE competition_id = ?1), "
            "s.* FROM (SELECT COUNT(*), TOTAL(answers), TOTAL(member_days), TOTAL(points), TOTAL(answer_ms), "
            "TOTAL(days), TOTAL(official) FROM competition_group_scores WHERE competition_id = ?1) s",
            [competition_id],
        ).fetchone()
        return tuple(float(v) for v in row)
