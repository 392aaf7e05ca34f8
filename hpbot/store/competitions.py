"""Competitions between cells: their groups, and the cross-group totals organizers read."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlite_utils

from hpbot.domain.competition import GroupTotals, new_code
from hpbot.domain.ranking import Standing


@dataclass(frozen=True)
class Competition:
    id: int
    name: str
    code: str
    start: date
    end: date
    status: str
    created_by: int

    @classmethod
    def from_row(cls, row: dict) -> Competition:
        return cls(row["id"], row["name"], row["code"], date.fromisoformat(row["start_date"]),
                   date.fromisoformat(row["end_date"]), row["status"], row["created_by"])


@dataclass(frozen=True)
class MemberTotals:
    standing: Standing
    chat_id: int
    group_title: str


class Competitions:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def create(self, name: str, start: date, end: date, created_by: int, now: datetime) -> Competition:
        for _ in range(20):
            try:
                with self.db.atomic():
                    cursor = self.db.execute(
                        "INSERT INTO competitions (name, code, start_date, end_date, created_by, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [name, new_code(), start.isoformat(), end.isoformat(), created_by,
                         now.astimezone(UTC).isoformat(timespec="seconds")],
                    )
                return self.get(cursor.lastrowid)  # type: ignore[return-value]
            except sqlite3.IntegrityError:
                continue  # code collision: draw again
        raise RuntimeError("could not draw a unique competition code")

    def get(self, competition_id: int) -> Competition | None:
        row = next(iter(self.db.query("SELECT * FROM competitions WHERE id = ?", [competition_id])), None)
        return Competition.from_row(row) if row else None

    def by_code(self, code: str) -> Competition | None:
        row = next(iter(self.db.query("SELECT * FROM competitions WHERE code = ?", [code.strip().upper()])), None)
        return Competition.from_row(row) if row else None

    def all(self) -> list[Competition]:
        return [Competition.from_row(r) for r in self.db.query("SELECT * FROM competitions ORDER BY id DESC")]

    def end(self, competition_id: int) -> bool:
        with self.db.atomic():
            return self.db.execute("UPDATE competitions SET status = 'ended' WHERE id = ? AND status = 'active'",
                                   [competition_id]).rowcount > 0

    def delete(self, competition_id: int) -> bool:
        with self.db.atomic():
            self.db.execute("DELETE FROM competition_groups WHERE competition_id = ?", [competition_id])
            return self.db.execute("DELETE FROM competitions WHERE id = ?", [competition_id]).rowcount > 0

    def join(self, competition_id: int, chat_id: int, now: datetime) -> bool:
        """Add a group; False if it was already in."""
        with self.db.atomic():
            return self.db.execute(
                "INSERT OR IGNORE INTO competition_groups (competition_id, chat_id, joined_at) VALUES (?, ?, ?)",
                [competition_id, chat_id, now.astimezone(UTC).isoformat(timespec="seconds")],
            ).rowcount > 0

    def join_all_active(self, competition_id: int, now: datetime) -> int:
        with self.db.atomic():
            return self.db.execute(
                "INSERT OR IGNORE INTO competition_groups (competition_id, chat_id, joined_at) "
                "SELECT ?, chat_id, ? FROM groups WHERE status = 'active'",
                [competition_id, now.astimezone(UTC).isoformat(timespec="seconds")],
            ).rowcount

    def groups_of(self, competition_id: int) -> list[int]:
        return [r["chat_id"] for r in self.db.query(
            "SELECT chat_id FROM competition_groups WHERE competition_id = ? ORDER BY chat_id", [competition_id])]

    def competitions_of(self, chat_id: int, *, active_only: bool = True) -> list[Competition]:
        rows = self.db.query(
            "SELECT c.* FROM competitions c JOIN competition_groups g ON g.competition_id = c.id "
            "WHERE g.chat_id = ? AND (c.status = 'active' OR ? = 0) ORDER BY c.id DESC", [chat_id, int(active_only)])
        return [Competition.from_row(r) for r in rows]

    def member_totals(self, comp: Competition) -> list[MemberTotals]:
        """Every member's points in the window, in every participating group (a member in two cells counts twice)."""
        rows = self.db.query(
            "SELECT d.chat_id, d.user_id, TRIM(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')) AS name, "
            "g.title, SUM(d.points) AS points, SUM(d.answer_ms) AS answer_ms, COUNT(*) AS answers, "
            "SUM(d.correct) AS correct, MAX(d.answered_at) AS last_answer_at "
            "FROM competition_groups cg JOIN score_days d ON d.chat_id = cg.chat_id "
            "AND d.study_date BETWEEN ? AND ? LEFT JOIN users u ON u.user_id = d.user_id "
            "LEFT JOIN groups g ON g.chat_id = d.chat_id WHERE cg.competition_id = ? GROUP BY d.chat_id, d.user_id",
            [comp.start.isoformat(), comp.end.isoformat(), comp.id],
        )
        return [MemberTotals(Standing(r["user_id"], r["name"] or str(r["user_id"]), r["points"], r["answer_ms"],
                                      r["answers"], r["correct"], 0, r["last_answer_at"] or ""),
                             r["chat_id"], r["title"] or "") for r in rows]

    def group_totals(self, comp: Competition) -> list[GroupTotals]:
        params = [comp.start.isoformat(), comp.end.isoformat()]
        rows = self.db.query(
            "SELECT cg.chat_id, COALESCE(g.title, '') AS title, COALESCE(g.member_count, 0) AS members, "
            "(SELECT COALESCE(SUM(COALESCE(r.member_count, 0)), 0) FROM rounds r WHERE r.chat_id = cg.chat_id "
            " AND r.study_date BETWEEN ? AND ? AND r.status != 'posting') AS member_days, "
            "(SELECT COUNT(*) FROM score_days d WHERE d.chat_id = cg.chat_id AND d.study_date BETWEEN ? AND ?) AS answers, "
            "(SELECT COALESCE(SUM(d.points), 0) FROM score_days d WHERE d.chat_id = cg.chat_id "
            " AND d.study_date BETWEEN ? AND ?) AS points, "
            "(SELECT COALESCE(SUM(d.answer_ms), 0) FROM score_days d WHERE d.chat_id = cg.chat_id "
            " AND d.study_date BETWEEN ? AND ?) AS answer_ms "
            "FROM competition_groups cg LEFT JOIN groups g ON g.chat_id = cg.chat_id WHERE cg.competition_id = ?",
            params * 4 + [comp.id],
        )
        return [GroupTotals(r["chat_id"], r["title"], r["answers"], r["member_days"], r["points"],
                            max(1, r["members"]), r["answer_ms"]) for r in rows]

    def daily_participation(self, comp: Competition) -> list[dict]:
        """Per group and study day: members at the post, answers, right answers."""
        return list(self.db.query(
            "SELECT r.chat_id, COALESCE(g.title, '') AS title, r.study_date, r.question, r.item_id, "
            "COALESCE(r.member_count, 0) AS members, "
            "(SELECT COUNT(*) FROM answers a WHERE a.round_id = r.id) AS answers, "
            "(SELECT COALESCE(SUM(a.correct), 0) FROM answers a WHERE a.round_id = r.id) AS correct "
            "FROM competition_groups cg JOIN rounds r ON r.chat_id = cg.chat_id "
            "LEFT JOIN groups g ON g.chat_id = r.chat_id "
            "WHERE cg.competition_id = ? AND r.study_date BETWEEN ? AND ? AND r.status IN ('revealing', 'revealed') "
            "ORDER BY r.study_date, r.chat_id",
            [comp.id, comp.start.isoformat(), comp.end.isoformat()],
        ))
