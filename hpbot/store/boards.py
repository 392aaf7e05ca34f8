"""A group's boards: every member's totals for a period or all time, with the streak as it stands after the last
closed round; one member's all-time row."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlite_utils

from hpbot.domain import streaks
from hpbot.domain.ranking import Standing
from hpbot.store.rows import Row, select

_NAME_SQL = "TRIM(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, ''))"


class Boards:
    db: sqlite_utils.Database

    def last_closed_seq(self, chat_id: int) -> int:
        rows = select(
            self.db,
            "SELECT COALESCE(MAX(seq), 0) AS seq FROM rounds WHERE chat_id = ? AND status IN ('revealing', 'revealed')",
            [chat_id],
        )
        return int(rows[0]["seq"]) if rows else 0

    def standings(self, chat_id: int, start: date | None = None, end: date | None = None) -> list[Standing]:
        """Every member's totals in the group, for a period of study days or (no dates) all time."""
        if start is None or end is None:
            sql = (
                f"SELECT m.user_id, {_NAME_SQL} AS name, m.points, m.answer_ms, m.answers, m.correct, "  # noqa: S608
                "m.streak, m.last_round, m.last_answer_at FROM member_stats m "
                "LEFT JOIN users u ON u.user_id = m.user_id WHERE m.chat_id = ?"
            )
            params: list[Any] = [chat_id]
        else:
            sql = (
                f"SELECT d.user_id, {_NAME_SQL} AS name, SUM(d.points) AS points, SUM(d.answer_ms) AS answer_ms, "  # noqa: S608
                "COUNT(*) AS answers, SUM(d.correct) AS correct, COALESCE(m.streak, 0) AS streak, "
                "COALESCE(m.last_round, 0) AS last_round, MAX(d.answered_at) AS last_answer_at "
                "FROM score_days d LEFT JOIN users u ON u.user_id = d.user_id "
                "LEFT JOIN member_stats m ON m.chat_id = d.chat_id AND m.user_id = d.user_id "
                "WHERE d.chat_id = ? AND d.study_date BETWEEN ? AND ? GROUP BY d.user_id"
            )
            params = [chat_id, start.isoformat(), end.isoformat()]
        closed = self.last_closed_seq(chat_id)
        result = []
        for r in select(self.db, sql, params):
            shown = streaks.current_streak(streaks.Streak(r["streak"], 0, r["last_round"]), closed)
            result.append(
                Standing(
                    r["user_id"],
                    r["name"] or str(r["user_id"]),
                    r["points"],
                    r["answer_ms"],
                    r["answers"],
                    r["correct"],
                    shown,
                    r["last_answer_at"] or "",
                )
            )
        return result

    def member_stats(self, chat_id: int, user_id: int) -> Row | None:
        rows = select(
            self.db, "SELECT * FROM member_stats WHERE chat_id = ? AND user_id = ?", [chat_id, user_id]
        )
        return rows[0] if rows else None
