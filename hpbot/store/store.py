"""The Store: every read and write hpbot makes, as typed methods over one SQLite connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from hpbot.domain import streaks
from hpbot.store import opening
from hpbot.store.boards import Boards
from hpbot.store.calendar import CalendarStore
from hpbot.store.checkpoint import Checkpointer
from hpbot.store.competitions import Competitions
from hpbot.store.documents import FIRST_DOCUMENT, Documents
from hpbot.store.inbox import Inbox
from hpbot.store.member_day import MemberDay
from hpbot.store.migrations import migrate
from hpbot.store.organizers import Organizers
from hpbot.store.practice import PracticeStore
from hpbot.store.rows import Group, Round, RoundAnswer, Row, select

NAME_CACHE_SIZE = 100_000
_NAME_SQL = "TRIM(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, ''))"


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


class Store(Documents, Boards, MemberDay, PracticeStore, CalendarStore):
    def __init__(
        self, db: sqlite_utils.Database, checkpointer: Checkpointer | None = None, path: Path | None = None
    ) -> None:
        self.db = db
        self.checkpointer = checkpointer
        self.path = path  # the database file (None: in memory, or a connection made elsewhere)
        self.competitions = Competitions(db)
        self.inbox = Inbox(db)
        self.organizers = Organizers(db)
        # names last written per user: a tap by a known member writes nothing
        self._names: dict[int, tuple[str, str | None, str | None]] = {}

    @classmethod
    def open(cls, path: Path | str, *, checkpoint_every: float | None = 1.0) -> Store:
        """Open (creating if needed) the database file, switch to WAL and apply pending migrations; WAL checkpoints
        then run every `checkpoint_every` seconds on a thread of their own (hpbot.store.checkpoint).

        A file that cannot be hpbot's database raises DatabaseError naming it and the way out (hpbot.store.opening:
        unwritable, not SQLite, corrupt, locked; written by a newer hpbot), a failing migration MigrationError; the
        runner prints either as one line. An existing file is never replaced.
        """
        path = Path(path)
        db = opening.connect(path)
        try:
            with opening.translated(path):
                migrate(db)
        except BaseException:
            db.close()
            raise
        if str(path) == ":memory:":
            return cls(db)
        if checkpoint_every is None:  # None: SQLite's own checkpoints, in the commits
            return cls(db, path=path)
        db.execute("PRAGMA wal_autocheckpoint = 0")  # checkpoints run on the checkpointer's thread instead
        checkpointer = Checkpointer(path, checkpoint_every)
        checkpointer.start()
        return cls(db, checkpointer, path)

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """A store over a connection of its own that reads one snapshot of the database: a read transaction from
        its first read to the end of the block, so the tables of a report agree with each other while the bot
        writes beside it (WAL: the writer does not wait for it). It refuses writes (`query_only`), and belongs to
        the thread that opened it: a city's report is read on a worker thread while the event loop goes on. An
        in-memory database has no second connection: its store reads as it is."""
        if self.path is None:
            yield self
            return
        conn = sqlite3.connect(self.path)
        try:
            db = sqlite_utils.Database(conn)
            conn.execute(f"PRAGMA busy_timeout = {opening.BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA query_only = ON")
            conn.execute("BEGIN")  # deferred: the snapshot is taken at the first read
            yield Store(db, path=self.path)
        finally:
            conn.close()  # ends the read transaction

    @classmethod
    def memory(cls) -> Store:
        return cls.open(":memory:")

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.stop()
            self.checkpointer = None
        self.db.close()  # the last connection to close checkpoints the log into the file

    def _one(self, sql: str, params: list[Any] | dict[str, Any]) -> Row | None:
        return next(iter(select(self.db, sql, params)), None)

    def _value(self, sql: str, params: list[Any]) -> int:
        """The one integer a read always has (a COUNT, a COALESCE(MAX(...), 0))."""
        return int(self.db.conn.execute(sql, params).fetchone()[0])

    # groups -------------------------------------------------------------------------------------------------
    def group(self, chat_id: int) -> Group | None:
        row = self._one("SELECT * FROM groups WHERE chat_id = ?", [chat_id])
        return Group.from_row(row) if row else None

    def touch_group(self, chat_id: int, title: str, chat_type: str, now: datetime) -> Group:
        """Record a group the bot is in (added, or seen in a command); keeps its settings."""
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO groups (chat_id, title, type, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(chat_id) DO UPDATE SET title = excluded.title, type = excluded.type, "
                "updated_at = excluded.updated_at",
                [chat_id, title or "", chat_type, _iso(now)],
            )
        group = self.group(chat_id)
        assert group is not None  # written just above
        return group

    def set_status(self, chat_id: int, status: str, now: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE groups SET status = ?, updated_at = ?, subscribed_at = CASE WHEN ? = 'active' "
                "THEN COALESCE(subscribed_at, ?) ELSE subscribed_at END WHERE chat_id = ?",
                [status, _iso(now), status, _iso(now), chat_id],
            )

    def set_times(self, chat_id: int, post_time: str, reveal_time: str, now: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE groups SET post_time = ?, reveal_time = ?, updated_at = ? WHERE chat_id = ?",
                [post_time, reveal_time, _iso(now), chat_id],
            )

    def groups_due_for_post(self, study_date: date, local_hhmm: str) -> list[Group]:
        """Active groups whose post time has come today, whose reveal time has not, and with no round today."""
        rows = select(
            self.db,
            "SELECT g.* FROM groups g LEFT JOIN rounds r ON r.chat_id = g.chat_id AND r.study_date = ? "
            "WHERE g.status = 'active' AND g.post_time <= ? AND g.reveal_time > ? AND r.id IS NULL "
            "ORDER BY g.post_time, g.chat_id",
            [study_date.isoformat(), local_hhmm, local_hhmm],
        )
        return [Group.from_row(row) for row in rows]

    def active_group_count(self) -> int:
        return self._value("SELECT COUNT(*) FROM groups WHERE status = 'active'", [])

    def migrate_chat(self, old_id: int, new_id: int, now: datetime) -> bool:
        """Move a group, its rounds, answers and scores to its new supergroup id. False if nothing to move."""
        with self.db.atomic():
            old = self.group(old_id)
            if old is None or old.status == "migrated":
                return False
            existing = self.group(new_id)
            if existing is not None:
                has_rounds = self._one("SELECT 1 AS x FROM rounds WHERE chat_id = ?", [new_id])
                if has_rounds:
                    return False
                self.db.execute("DELETE FROM groups WHERE chat_id = ?", [new_id])
            self.db.execute(
                "UPDATE groups SET chat_id = ?, type = 'supergroup', updated_at = ? WHERE chat_id = ?",
                [new_id, _iso(now), old_id],
            )
            for table in (
                "rounds",
                "answers",
                "member_stats",
                "score_days",
                "competition_groups",
                "competition_requests",
                "competition_removals",
                "bulletins",
                "competition_scores",
                "competition_group_scores",
                "competition_units",  # its cell of a unit list stays its own
            ):
                self.db.execute(f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?", [new_id, old_id])  # noqa: S608
            self.db.execute(
                "INSERT INTO groups (chat_id, title, type, status, migrated_to, updated_at) "
                "VALUES (?, ?, 'group', 'migrated', ?, ?)",
                [old_id, old.title, new_id, _iso(now)],
            )
        return True

    # users --------------------------------------------------------------------------------------------------
    def touch_user(
        self, user_id: int, first_name: str, last_name: str | None, username: str | None, now: datetime
    ) -> None:
        name = (first_name or "", last_name, username)
        if self._names.get(user_id) == name:
            return
        if len(self._names) >= NAME_CACHE_SIZE:
            self._names.clear()
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO users (user_id, first_name, last_name, username, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET first_name = excluded.first_name, "
                "last_name = excluded.last_name, username = excluded.username, updated_at = excluded.updated_at",
                [user_id, first_name or "", last_name, username, _iso(now)],
            )
        self._names[user_id] = name

    # rounds -------------------------------------------------------------------------------------------------
    def round(self, round_id: int) -> Round | None:
        row = self._one("SELECT * FROM rounds WHERE id = ?", [round_id])
        return Round.from_row(row) if row else None

    def round_on(self, chat_id: int, study_date: date) -> Round | None:
        row = self._one(
            "SELECT * FROM rounds WHERE chat_id = ? AND study_date = ?", [chat_id, study_date.isoformat()]
        )
        return Round.from_row(row) if row else None

    def last_round(self, chat_id: int) -> Round | None:
        row = self._one("SELECT * FROM rounds WHERE chat_id = ? ORDER BY seq DESC LIMIT 1", [chat_id])
        return Round.from_row(row) if row else None

    def item_usage(self, chat_id: int, question: int) -> dict[str, int]:
        rows = select(
            self.db,
            "SELECT item_id, COUNT(*) AS n FROM rounds WHERE chat_id = ? AND question = ? GROUP BY item_id",
            [chat_id, question],
        )
        return {row["item_id"]: row["n"] for row in rows}

    def insert_round(
        self,
        chat_id: int,
        study_date: date,
        question: int,
        item_id: str,
        reveal_at: datetime,
        document: str = FIRST_DOCUMENT,
    ) -> Round | None:
        """Create the day's round (status 'posting'); None if the group already has one that day."""
        with self.db.atomic():
            seq = self._value("SELECT COALESCE(MAX(seq), 0) + 1 FROM rounds WHERE chat_id = ?", [chat_id])
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO rounds (chat_id, study_date, seq, question, item_id, status, reveal_at, "
                "probe_from, document) VALUES (?, ?, ?, ?, ?, 'posting', ?, "
                "(SELECT last_message_id FROM groups WHERE chat_id = ?), ?)",
                [chat_id, study_date.isoformat(), seq, question, item_id, _iso(reveal_at), chat_id, document],
            )
            if cursor.rowcount == 0:
                return None
            round_id = cursor.lastrowid
        assert round_id is not None  # the row just inserted
        return self.round(round_id)

    def mark_posted(self, round_id: int, message_id: int | None, now: datetime) -> None:
        """The post is in the chat: the round opens, and its message id becomes the group's newest known one."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE rounds SET status = CASE WHEN status = 'posting' THEN 'open' ELSE status END, "
                "message_id = ?, posted_at = ? WHERE id = ?",
                [message_id, _iso(now), round_id],
            )
            if message_id is not None:
                self.db.execute(
                    "UPDATE groups SET last_message_id = MAX(COALESCE(last_message_id, 0), ?) "
                    "WHERE chat_id = (SELECT chat_id FROM rounds WHERE id = ?)",
                    [message_id, round_id],
                )

    def set_member_count(self, round_id: int, chat_id: int, count: int) -> None:
        """Members in the group when the round was posted: the denominator of fair participation rates."""
        with self.db.atomic():
            self.db.execute("UPDATE rounds SET member_count = ? WHERE id = ?", [count, round_id])
            self.db.execute("UPDATE groups SET member_count = ? WHERE chat_id = ?", [count, chat_id])

    def note_message(self, chat_id: int, message_id: int) -> None:
        """Remember the highest message id seen in a group (a lower bound for where a lost post can be)."""
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO groups (chat_id, last_message_id) VALUES (?, ?) ON CONFLICT(chat_id) DO UPDATE SET "
                "last_message_id = MAX(COALESCE(last_message_id, 0), excluded.last_message_id)",
                [chat_id, message_id],
            )

    def probe_from(self, round_id: int) -> int | None:
        row = self._one("SELECT probe_from FROM rounds WHERE id = ?", [round_id])
        return row["probe_from"] if row else None

    def drop_round(self, round_id: int) -> None:
        """Forget a round that could not be posted (the group is gone), so it neither counts nor breaks streaks."""
        with self.db.atomic():
            self.db.execute("DELETE FROM rounds WHERE id = ? AND status = 'posting'", [round_id])

    def set_reveal_at(self, chat_id: int, study_date: date, reveal_at: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE rounds SET reveal_at = ? WHERE chat_id = ? AND study_date = ? AND status IN ('posting', 'open')",
                [_iso(reveal_at), chat_id, study_date.isoformat()],
            )

    def rounds_with_status(self, *statuses: str) -> list[Round]:
        marks = ", ".join("?" for _ in statuses)
        rows = select(self.db, f"SELECT * FROM rounds WHERE status IN ({marks}) ORDER BY id", list(statuses))  # noqa: S608
        return [Round.from_row(row) for row in rows]

    def active_post_times(self) -> list[str]:
        """The distinct post times (HH:MM) of subscribed groups."""
        return [
            r["post_time"]
            for r in select(self.db, "SELECT DISTINCT post_time FROM groups WHERE status = 'active'")
        ]

    def next_reveal_after(self, now: datetime) -> datetime | None:
        """The earliest reveal time after `now` of a round still taking answers."""
        row = self._one(
            "SELECT MIN(reveal_at) AS at FROM rounds WHERE status IN ('posting', 'open') AND reveal_at > ?",
            [_iso(now)],
        )
        return datetime.fromisoformat(row["at"]) if row and row["at"] else None

    def due_reveals(self, now: datetime) -> list[Round]:
        rows = select(
            self.db,
            "SELECT * FROM rounds WHERE status = 'open' AND reveal_at <= ? ORDER BY reveal_at, id",
            [_iso(now)],
        )
        return [Round.from_row(row) for row in rows]

    # answers ------------------------------------------------------------------------------------------------
    def record_answer(
        self,
        rnd: Round,
        user_id: int,
        option: int,
        correct: bool,
        points: int,
        now: datetime,
        elapsed_ms: int,
    ) -> tuple[bool, int]:
        """Store the member's first answer. Returns (stored_now, the option on record)."""
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO answers (round_id, user_id, chat_id, option, correct, answered_at, elapsed_ms, points) "
                "SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM rounds WHERE id = ? AND status IN ('posting', 'open'))",
                [rnd.id, user_id, rnd.chat_id, option, int(correct), _iso(now), elapsed_ms, points, rnd.id],
            )
            if cursor.rowcount:
                self.db.execute("UPDATE rounds SET answer_count = answer_count + 1 WHERE id = ?", [rnd.id])
                return True, option
            row = self._one(
                "SELECT option FROM answers WHERE round_id = ? AND user_id = ?", [rnd.id, user_id]
            )
        return False, (row["option"] if row else -1)

    def round_answers(self, round_id: int) -> list[RoundAnswer]:
        rows = select(
            self.db,
            f"SELECT a.user_id, {_NAME_SQL} AS name, a.option, a.correct, a.elapsed_ms, a.points "  # noqa: S608
            "FROM answers a LEFT JOIN users u ON u.user_id = a.user_id WHERE a.round_id = ? "
            "ORDER BY a.elapsed_ms, a.user_id",
            [round_id],
        )
        return [
            RoundAnswer(
                r["user_id"],
                r["name"] or str(r["user_id"]),
                r["option"],
                bool(r["correct"]),
                r["elapsed_ms"],
                r["points"],
            )
            for r in rows
        ]

    def close_round(self, round_id: int, now: datetime) -> bool:
        """Close an open round: fold its answers into scores and streaks. False if it was not open."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE rounds SET status = 'revealing', revealed_at = ? WHERE id = ? AND status IN ('posting', 'open')",
                [_iso(now), round_id],
            )
            if cursor.rowcount == 0:
                return False
            rnd = self.round(round_id)
            assert rnd is not None
            answers = list(select(self.db, "SELECT * FROM answers WHERE round_id = ?", [round_id]))
            for answer in answers:
                self._fold_answer(rnd, answer)
            self.competitions.fold_round(rnd.id, rnd.chat_id, rnd.study_date.isoformat(), answers)
        return True

    def _fold_answer(self, rnd: Round, answer: Row) -> None:
        row = self._one(
            "SELECT * FROM member_stats WHERE chat_id = ? AND user_id = ?", [rnd.chat_id, answer["user_id"]]
        )
        before = (
            streaks.Streak(row["streak"], row["best_streak"], row["last_round"]) if row else streaks.Streak()
        )
        after = streaks.after_answer(before, rnd.seq)
        self.db.execute(
            "INSERT INTO member_stats (chat_id, user_id, points, answers, correct, answer_ms, streak, best_streak, "
            "last_round, last_answer_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(chat_id, user_id) DO UPDATE SET points = points + excluded.points, answers = answers + 1, "
            "correct = correct + excluded.correct, answer_ms = answer_ms + excluded.answer_ms, "
            "streak = excluded.streak, best_streak = excluded.best_streak, last_round = excluded.last_round, "
            "last_answer_at = excluded.last_answer_at",
            [
                rnd.chat_id,
                answer["user_id"],
                answer["points"],
                answer["correct"],
                answer["elapsed_ms"],
                after.current,
                after.best,
                after.last_round,
                answer["answered_at"],
            ],
        )
        self.db.execute(
            "INSERT OR REPLACE INTO score_days (chat_id, user_id, study_date, points, answer_ms, correct, answered_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                rnd.chat_id,
                answer["user_id"],
                rnd.study_date.isoformat(),
                answer["points"],
                answer["elapsed_ms"],
                answer["correct"],
                answer["answered_at"],
            ],
        )

    def set_reveal_sent(self, round_id: int, sent: int) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE rounds SET reveal_sent = ? WHERE id = ?", [sent, round_id])

    def finish_reveal(self, round_id: int) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE rounds SET status = 'revealed' WHERE id = ? AND status = 'revealing'", [round_id]
            )
