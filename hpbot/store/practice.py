"""Private practice: members who talk to the bot, their FSRS cards, what was served and answered, reminders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlite_utils

from hpbot.store.rows import Row, select


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class PracticeMember:
    user_id: int
    started_at: datetime
    full_name: str | None
    reminder_time: str | None
    reminded_on: str | None
    blocked: bool
    document: str | None

    @classmethod
    def from_row(cls, row: Row) -> PracticeMember:
        return cls(
            row["user_id"],
            datetime.fromisoformat(row["started_at"]),
            row["full_name"],
            row["reminder_time"],
            row["reminded_on"],
            row["blocked_at"] is not None,
            row["document"],
        )


@dataclass(frozen=True)
class PracticeCard:
    item_id: str
    card: str  # fsrs Card.to_dict as JSON
    due_at: datetime
    reviews: int
    lapses: int


@dataclass(frozen=True)
class Serve:
    id: int
    user_id: int
    item_id: str
    option: int | None  # None while unanswered
    correct: bool | None


@dataclass(frozen=True)
class MissedAnswer:
    """A group result that enters a member's practice: a wrong answer (at its time), or a round not answered."""

    user_id: int
    item_id: str
    answered_at: datetime | None  # None: not answered


def _card(row: Row) -> PracticeCard:
    return PracticeCard(
        row["item_id"], row["card"], datetime.fromisoformat(row["due_at"]), row["reviews"], row["lapses"]
    )


class PracticeStore:
    db: sqlite_utils.Database

    # members ------------------------------------------------------------------------------------------------
    def practice_member(self, user_id: int) -> PracticeMember | None:
        rows = select(self.db, "SELECT * FROM practice_members WHERE user_id = ?", [user_id])
        return PracticeMember.from_row(rows[0]) if rows else None

    def practice_started(self, user_id: int, now: datetime) -> None:
        """The member talks to the bot in private: they can be written to (again, if they had blocked it). Every
        private tap comes here: a member already recorded and not blocked costs a read, not a write."""
        known = select(self.db, "SELECT blocked_at FROM practice_members WHERE user_id = ?", [user_id])
        if known and known[0]["blocked_at"] is None:
            return
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO practice_members (user_id, started_at) VALUES (?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET blocked_at = NULL",
                [user_id, _iso(now)],
            )

    def set_practice_field(self, user_id: int, column: str, value: str | None) -> None:
        assert column in ("full_name", "reminder_time", "document")  # never a caller's text
        with self.db.atomic():
            self.db.execute(
                f"UPDATE practice_members SET {column} = ? WHERE user_id = ?",  # noqa: S608
                [value, user_id],
            )

    def full_name(self, user_id: int) -> str | None:
        """The name the member gave with /hoten (reports and certificates prefer it), or None."""
        rows = select(self.db, "SELECT full_name FROM practice_members WHERE user_id = ?", [user_id])
        return rows[0]["full_name"] if rows else None

    def mark_blocked(self, user_id: int, now: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE practice_members SET blocked_at = ? WHERE user_id = ?", [_iso(now), user_id]
            )

    def member_groups(self, user_id: int) -> list[int]:
        """Active groups the member has answered in, the most recent first."""
        rows = select(
            self.db,
            "SELECT s.chat_id FROM member_stats s JOIN groups g ON g.chat_id = s.chat_id "
            "WHERE s.user_id = ? AND g.status = 'active' ORDER BY s.last_answer_at DESC, s.chat_id",
            [user_id],
        )
        return [r["chat_id"] for r in rows]

    # cards --------------------------------------------------------------------------------------------------
    def practice_card(self, user_id: int, item_id: str) -> PracticeCard | None:
        rows = select(
            self.db, "SELECT * FROM practice_cards WHERE user_id = ? AND item_id = ?", [user_id, item_id]
        )
        return _card(rows[0]) if rows else None

    def practice_cards(self, user_id: int) -> list[PracticeCard]:
        rows = select(self.db, "SELECT * FROM practice_cards WHERE user_id = ? ORDER BY due_at", [user_id])
        return [_card(r) for r in rows]

    def due_cards(self, user_id: int, until: datetime, limit: int = 50) -> list[PracticeCard]:
        """Cards due by `until`, the most overdue first."""
        rows = select(
            self.db,
            "SELECT * FROM practice_cards WHERE user_id = ? AND due_at <= ? ORDER BY due_at, item_id LIMIT ?",
            [user_id, _iso(until), limit],
        )
        return [_card(r) for r in rows]

    def next_due_at(self, user_id: int) -> datetime | None:
        rows = select(self.db, "SELECT MIN(due_at) AS at FROM practice_cards WHERE user_id = ?", [user_id])
        return datetime.fromisoformat(rows[0]["at"]) if rows and rows[0]["at"] else None

    def introduced_on(self, user_id: int, day: date) -> int:
        rows = select(
            self.db,
            "SELECT COUNT(*) AS n FROM practice_cards WHERE user_id = ? AND introduced_on = ?",
            [user_id, day.isoformat()],
        )
        return int(rows[0]["n"])

    def card_items(self, user_id: int) -> set[str]:
        return {
            r["item_id"]
            for r in select(self.db, "SELECT item_id FROM practice_cards WHERE user_id = ?", [user_id])
        }

    def open_items(self) -> set[str]:
        """Items of rounds still taking answers: practice must not hand out their answers before the reveal."""
        rows = select(self.db, "SELECT DISTINCT item_id FROM rounds WHERE status IN ('posting', 'open')")
        return {r["item_id"] for r in rows}

    def _write_card(
        self,
        user_id: int,
        item_id: str,
        card: str,
        due: datetime,
        today: date,
        lapse: bool,
    ) -> None:
        self.db.execute(
            "INSERT INTO practice_cards (user_id, item_id, card, due_at, introduced_on, reviews, lapses) "
            "VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT(user_id, item_id) DO UPDATE SET card = excluded.card, "
            "due_at = excluded.due_at, reviews = reviews + 1, lapses = lapses + excluded.lapses",
            [user_id, item_id, card, _iso(due), today.isoformat(), int(lapse)],
        )

    def _log_review(
        self, user_id: int, item_id: str, rating: int, source: str, at: datetime, due: datetime
    ) -> None:
        self.db.execute(
            "INSERT INTO practice_reviews (user_id, item_id, rating, source, reviewed_at, due_after) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [user_id, item_id, rating, source, _iso(at), _iso(due)],
        )

    def practice_reviews(self, user_id: int, item_id: str) -> list[Row]:
        return select(
            self.db,
            "SELECT rating, source, reviewed_at, due_after FROM practice_reviews "
            "WHERE user_id = ? AND item_id = ? ORDER BY id",
            [user_id, item_id],
        )

    # serves -------------------------------------------------------------------------------------------------
    def new_serve(self, user_id: int, item_id: str, now: datetime) -> int:
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO practice_serves (user_id, item_id, served_at) VALUES (?, ?, ?)",
                [user_id, item_id, _iso(now)],
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def serve(self, serve_id: int) -> Serve | None:
        rows = select(self.db, "SELECT * FROM practice_serves WHERE id = ?", [serve_id])
        if not rows:
            return None
        r = rows[0]
        return Serve(
            r["id"],
            r["user_id"],
            r["item_id"],
            r["option"],
            None if r["correct"] is None else bool(r["correct"]),
        )

    def answer_serve(
        self,
        serve: Serve,
        option: int,
        correct: bool,
        schedule: tuple[str, datetime, int, bool],
        now: datetime,
        today: date,
    ) -> bool:
        """Take the answer to a serve and rate its card, in one transaction; False if it was answered already."""
        card, due, rating, lapse = schedule
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE practice_serves SET answered_at = ?, option = ?, correct = ? "
                "WHERE id = ? AND answered_at IS NULL",
                [_iso(now), option, int(correct), serve.id],
            )
            if cursor.rowcount == 0:
                return False
            self._write_card(serve.user_id, serve.item_id, card, due, today, lapse)
            self._log_review(serve.user_id, serve.item_id, rating, "practice", now, due)
        return True

    # group results ------------------------------------------------------------------------------------------
    def unfolded_rounds(self, limit: int = 200) -> list[int]:
        """Revealed rounds whose results have not gone into practice yet, oldest first."""
        rows = select(
            self.db,
            "SELECT r.id FROM rounds r LEFT JOIN practice_folded f ON f.round_id = r.id "
            "WHERE r.status IN ('revealing', 'revealed') AND f.round_id IS NULL ORDER BY r.id LIMIT ?",
            [limit],
        )
        return [r["id"] for r in rows]

    def round_misses(self, round_id: int) -> list[MissedAnswer]:
        """Members who started the bot before the round was revealed and, in its group, answered it wrong or
        (having answered there before) not at all."""
        rows = select(
            self.db,
            "SELECT m.user_id, r.item_id, a.answered_at, a.correct FROM rounds r "
            "JOIN member_stats s ON s.chat_id = r.chat_id "
            "JOIN practice_members m ON m.user_id = s.user_id "
            "LEFT JOIN answers a ON a.round_id = r.id AND a.user_id = m.user_id "
            "WHERE r.id = ? AND m.started_at <= COALESCE(r.revealed_at, r.reveal_at) "
            "AND (a.user_id IS NULL OR a.correct = 0)",
            [round_id],
        )
        return [
            MissedAnswer(
                r["user_id"],
                r["item_id"],
                datetime.fromisoformat(r["answered_at"]) if r["answered_at"] else None,
            )
            for r in rows
        ]

    def fold_round(
        self,
        round_id: int,
        wrong: Iterable[tuple[int, str, str, datetime, int, datetime]],
        missed: Iterable[tuple[int, str, str]],
        now: datetime,
        today: date,
    ) -> bool:
        """Write a round's results into practice once: wrong answers as reviews (user, item, card, due, rating,
        answered at), rounds missed as due now (a new card for an item never met). False if done before."""
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO practice_folded (round_id, folded_at) VALUES (?, ?)",
                [round_id, _iso(now)],
            )
            if cursor.rowcount == 0:
                return False
            for user_id, item_id, card, due, rating, at in wrong:
                self._write_card(user_id, item_id, card, due, today, True)
                self._log_review(user_id, item_id, rating, "group", at, due)
            for user_id, item_id, new_card in missed:
                self.db.execute(
                    "INSERT INTO practice_cards (user_id, item_id, card, due_at, introduced_on) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id, item_id) DO UPDATE SET "
                    "due_at = MIN(due_at, excluded.due_at)",
                    [user_id, item_id, new_card, _iso(now), today.isoformat()],
                )
        return True

    # reminders ----------------------------------------------------------------------------------------------
    def reminders_due(self, local_hhmm: str, earliest_hhmm: str, today: date) -> list[int]:
        """Members whose reminder time is between `earliest_hhmm` and `local_hhmm` and not yet reminded today."""
        rows = select(
            self.db,
            "SELECT user_id FROM practice_members WHERE reminder_time IS NOT NULL AND blocked_at IS NULL "
            "AND reminder_time <= ? AND reminder_time >= ? AND COALESCE(reminded_on, '') < ? ORDER BY user_id",
            [local_hhmm, earliest_hhmm, today.isoformat()],
        )
        return [r["user_id"] for r in rows]

    def claim_reminder(self, user_id: int, today: date) -> bool:
        """Mark today's reminder taken (so it goes at most once); `release_reminder` gives it back."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE practice_members SET reminded_on = ? WHERE user_id = ? AND COALESCE(reminded_on, '') < ?",
                [today.isoformat(), user_id, today.isoformat()],
            )
        return bool(cursor.rowcount)

    def release_reminder(self, user_id: int, previous: str | None) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE practice_members SET reminded_on = ? WHERE user_id = ?", [previous, user_id]
            )
