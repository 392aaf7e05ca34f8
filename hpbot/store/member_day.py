"""A member's day: their answer to a round, the streaks reached at a reveal, the message of an official answer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlite_utils

from hpbot.store.rows import Round, Row, select

_NAME_SQL = "TRIM(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, ''))"


class MemberDay:
    db: sqlite_utils.Database

    def answer_of(self, round_id: int, user_id: int) -> Row | None:
        """The member's answer to the round (option as the bank numbers it, correct, points, elapsed_ms)."""
        rows = select(
            self.db,
            "SELECT option, correct, points, elapsed_ms FROM answers WHERE round_id = ? AND user_id = ?",
            [round_id, user_id],
        )
        return rows[0] if rows else None

    def streak_milestones(self, chat_id: int, seq: int, values: Iterable[int]) -> list[tuple[str, int]]:
        """Members whose streak reached one of `values` with round `seq` (read once the round is folded)."""
        wanted = sorted(set(values))
        if not wanted:
            return []
        marks = ", ".join("?" for _ in wanted)
        rows = select(
            self.db,
            f"SELECT {_NAME_SQL} AS name, m.user_id, m.streak FROM member_stats m "  # noqa: S608
            f"LEFT JOIN users u ON u.user_id = m.user_id WHERE m.chat_id = ? AND m.last_round = ? "
            f"AND m.streak IN ({marks}) ORDER BY m.streak DESC, m.user_id",
            [chat_id, seq, *wanted],
        )
        return [(r["name"] or str(r["user_id"]), r["streak"]) for r in rows]

    def set_answer_message(self, round_id: int, message_id: int) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE rounds SET answer_message_id = ? WHERE id = ?", [message_id, round_id])

    def answer_message(self, round_id: int) -> int | None:
        rows = select(self.db, "SELECT answer_message_id FROM rounds WHERE id = ?", [round_id])
        return rows[0]["answer_message_id"] if rows else None

    def revealed_before(self, chat_id: int, day: date) -> Round | None:
        """The group's latest round revealed on a study day before `day` (what /homqua looks back at)."""
        rows = select(
            self.db,
            "SELECT * FROM rounds WHERE chat_id = ? AND study_date < ? AND status IN ('revealing', 'revealed') "
            "ORDER BY study_date DESC LIMIT 1",
            [chat_id, day.isoformat()],
        )
        return Round.from_row(rows[0]) if rows else None
