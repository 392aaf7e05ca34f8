"""Members' predictions for the tie-break of a competition's rounds (schema step 0017), and the actual number."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlite_utils

from hpbot.domain.predictions import Prediction
from hpbot.store.rows import in_chunks, select


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class Predictions:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def set_round_days(self, competition_id: int, round_days: int | None) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE competitions SET round_days = ? WHERE id = ?", [round_days, competition_id]
            )

    def put(
        self, competition_id: int, rnd: int, user_id: int, value: int, now: datetime
    ) -> Prediction | None:
        """Record the member's number for the round; the time changes only when the number does. Returns the
        prediction it replaces (None for a first one)."""
        with self.db.atomic():
            before = self.get(competition_id, rnd, user_id)
            self.db.execute(
                "INSERT INTO competition_predictions (competition_id, round, user_id, value, predicted_at) "
                "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (competition_id, round, user_id) DO UPDATE SET "
                "predicted_at = CASE WHEN value = excluded.value THEN predicted_at ELSE excluded.predicted_at END, "
                "changes = changes + (value != excluded.value), value = excluded.value",
                [competition_id, rnd, user_id, value, _instant(now)],
            )
        return before

    def get(self, competition_id: int, rnd: int, user_id: int) -> Prediction | None:
        rows = select(
            self.db,
            "SELECT user_id, value, predicted_at FROM competition_predictions WHERE competition_id = ? AND round = ? "
            "AND user_id = ?",
            [competition_id, rnd, user_id],
        )
        return Prediction(rows[0]["user_id"], rows[0]["value"], rows[0]["predicted_at"]) if rows else None

    def of_round(self, competition_id: int, rnd: int) -> dict[int, Prediction]:
        rows = select(
            self.db,
            "SELECT user_id, value, predicted_at FROM competition_predictions WHERE competition_id = ? AND round = ?",
            [competition_id, rnd],
        )
        return {r["user_id"]: Prediction(r["user_id"], r["value"], r["predicted_at"]) for r in rows}

    def of_users(self, competition_id: int, rnd: int, user_ids: list[int]) -> dict[int, Prediction]:
        """The predictions of these members only (the lines a board shows)."""
        found: dict[int, Prediction] = {}
        for part, marks in in_chunks(user_ids):
            rows = select(
                self.db,
                "SELECT user_id, value, predicted_at FROM competition_predictions WHERE competition_id = ? "  # noqa: S608
                f"AND round = ? AND user_id IN ({marks})",
                [competition_id, rnd, *part],
            )
            found.update(
                {r["user_id"]: Prediction(r["user_id"], r["value"], r["predicted_at"]) for r in rows}
            )
        return found

    def right_answers(self, competition_id: int, start: date, end: date) -> list[tuple[int, int]]:
        """(user id, right answers) of every member's line in the competition's groups within the window, on its
        contest days only (a round on a day the competition does not study is not folded into it either)."""
        return [
            (r[0], r[1])
            for r in self.db.execute(
                "SELECT d.user_id, SUM(d.correct) FROM competition_groups cg JOIN score_days d "
                "ON d.chat_id = cg.chat_id AND d.study_date BETWEEN ?1 AND ?2 JOIN competition_days cd "
                "ON cd.competition_id = cg.competition_id AND cd.study_date = d.study_date "
                "WHERE cg.competition_id = ?3 GROUP BY d.chat_id, d.user_id",
                [start.isoformat(), end.isoformat(), competition_id],
            )
        ]

    def any(self, competition_id: int) -> bool:
        return (
            self.db.execute(
                "SELECT 1 FROM competition_predictions WHERE competition_id = ? LIMIT 1", [competition_id]
            ).fetchone()
            is not None
        )

    def competitions_of(self, user_id: int) -> set[int]:
        """The competitions the member has a line in (answers in one of its groups)."""
        return {
            int(r[0])
            for r in self.db.execute(
                "SELECT DISTINCT competition_id FROM competition_scores WHERE user_id = ?", [user_id]
            )
        }

    def all_right_whole(self, competition_id: int, study_days: int) -> int:
        """The members with a right answer on every study day of the whole competition, from its totals."""
        if study_days <= 0:
            return 0
        return int(
            self.db.execute(
                "SELECT COUNT(DISTINCT user_id) FROM competition_scores WHERE competition_id = ? AND correct >= ?",
                [competition_id, study_days],
            ).fetchone()[0]
        )

    def ahead_at_points(
        self, competition_id: int, rnd: int, points: int, actual: int, mine: Prediction | None, answer_ms: int
    ) -> int:
        """The lines with these points ahead of a line by `hpbot.domain.predictions.tie_key` (a prediction at all,
        its distance to `actual`, its time, then answer time), counted over the ranking index's range."""
        if mine is None:
            condition = "(p.value IS NOT NULL OR cs.answer_ms < ?4)"
            params: list[object] = [competition_id, rnd, points, answer_ms]
        else:
            condition = (
                "(p.value IS NOT NULL AND (ABS(p.value - ?4) < ?5 OR (ABS(p.value - ?4) = ?5 AND "
                "(p.predicted_at < ?6 OR (p.predicted_at = ?6 AND cs.answer_ms < ?7)))))"
            )
            params = [competition_id, rnd, points, actual, abs(mine.value - actual), mine.at, answer_ms]
        return int(
            self.db.execute(
                "SELECT COUNT(*) FROM competition_scores cs LEFT JOIN competition_predictions p "  # noqa: S608
                "ON p.competition_id = cs.competition_id AND p.round = ?2 AND p.user_id = cs.user_id "
                f"WHERE cs.competition_id = ?1 AND cs.points = ?3 AND {condition}",
                params,
            ).fetchone()[0]
        )
