"""A group's study calendar (its weekdays and pauses) and the reminder before each round's reveal.

The reminder is claimed in the round's row (`reminded_at`) before it is sent, so it goes out at most once; a send
worth retrying gives the claim back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlite_utils

from hpbot.store.rows import Round, select

EVERY_DAY = "1234567"  # groups.study_days' default (schema step 0011)
# a round's reminder instant in Unix seconds: its reveal less the group's lead (reveal times are whole minutes)
_REMIND_AT = "(CAST(strftime('%s', r.reveal_at) AS INTEGER) - g.reminder_minutes * 60)"
_REMINDABLE = (
    "FROM rounds r JOIN groups g ON g.chat_id = r.chat_id "
    "WHERE r.status = 'open' AND r.reminded_at IS NULL AND g.reminder_minutes > 0 AND g.status = 'active' "
    "AND r.posted_at IS NOT NULL "
    f"AND {_REMIND_AT} >= CAST(strftime('%s', r.posted_at) AS INTEGER) "  # a reminder before its post: none
)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


def _epoch(when: datetime) -> int:
    return int(when.timestamp())


class CalendarStore:
    db: sqlite_utils.Database

    # the calendar -------------------------------------------------------------------------------------------
    def study_days(self, chat_id: int) -> str:
        """The group's study weekdays as stored ('12345': Monday to Friday); every day for an unknown group."""
        rows = select(self.db, "SELECT study_days FROM groups WHERE chat_id = ?", [chat_id])
        return (rows[0]["study_days"] or EVERY_DAY) if rows else EVERY_DAY

    def set_study_days(self, chat_id: int, days: str, now: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE groups SET study_days = ?, updated_at = ? WHERE chat_id = ?",
                [days, _iso(now), chat_id],
            )

    def limited_study_days(self) -> dict[int, str]:
        """Subscribed groups that do not study every day, with their weekdays (most groups study every day)."""
        rows = select(
            self.db,
            "SELECT chat_id, study_days FROM groups WHERE status = 'active' AND study_days != ?",
            [EVERY_DAY],
        )
        return {r["chat_id"]: r["study_days"] for r in rows}

    def pauses(self, chat_id: int, since: date | None = None) -> list[tuple[date, date]]:
        """The group's pauses (first and last day, inclusive), in date order; with `since`, only those not over
        before it."""
        rows = select(
            self.db,
            "SELECT first_day, last_day FROM study_pauses WHERE chat_id = ? AND last_day >= ? ORDER BY first_day",
            [chat_id, since.isoformat() if since else ""],
        )
        return [(date.fromisoformat(r["first_day"]), date.fromisoformat(r["last_day"])) for r in rows]

    def pauses_on(self, day: date) -> dict[int, list[tuple[date, date]]]:
        """Every pause that covers `day`, by group."""
        found: dict[int, list[tuple[date, date]]] = {}
        rows = select(
            self.db,
            "SELECT chat_id, first_day, last_day FROM study_pauses WHERE first_day <= ?1 AND last_day >= ?1",
            [day.isoformat()],
        )
        for r in rows:
            found.setdefault(r["chat_id"], []).append(
                (date.fromisoformat(r["first_day"]), date.fromisoformat(r["last_day"]))
            )
        return found

    def add_pause(self, chat_id: int, first: date, last: date) -> None:
        """A pause from `first` to `last`; one starting the same day as an existing one replaces it."""
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO study_pauses (chat_id, first_day, last_day) VALUES (?, ?, ?) "
                "ON CONFLICT(chat_id, first_day) DO UPDATE SET last_day = excluded.last_day",
                [chat_id, first.isoformat(), last.isoformat()],
            )

    def remove_pauses_from(self, chat_id: int, day: date) -> int:
        """Remove the group's pauses not over before `day` (the current one and those to come); how many."""
        with self.db.atomic():
            cursor = self.db.execute(
                "DELETE FROM study_pauses WHERE chat_id = ? AND last_day >= ?", [chat_id, day.isoformat()]
            )
        return cursor.rowcount

    def move_pauses(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its pauses follow it to the new id."""
        with self.db.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO study_pauses (chat_id, first_day, last_day) "
                "SELECT ?, first_day, last_day FROM study_pauses WHERE chat_id = ?",
                [new_id, old_id],
            )
            self.db.execute("DELETE FROM study_pauses WHERE chat_id = ?", [old_id])

    # the reminder -------------------------------------------------------------------------------------------
    def reminder_minutes(self, chat_id: int) -> int:
        rows = select(self.db, "SELECT reminder_minutes FROM groups WHERE chat_id = ?", [chat_id])
        return int(rows[0]["reminder_minutes"]) if rows else 0

    def set_reminder_minutes(self, chat_id: int, minutes: int, now: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE groups SET reminder_minutes = ?, updated_at = ? WHERE chat_id = ?",
                [minutes, _iso(now), chat_id],
            )

    def round_reminders_due(self, now: datetime) -> list[Round]:
        """Open rounds whose reminder time has come, before their reveal, not reminded yet."""
        rows = select(
            self.db,
            f"SELECT r.* {_REMINDABLE} AND {_REMIND_AT} <= ?1 "  # noqa: S608
            "AND CAST(strftime('%s', r.reveal_at) AS INTEGER) > ?1 ORDER BY r.reveal_at, r.id",
            [_epoch(now)],
        )
        return [Round.from_row(row) for row in rows]

    def next_round_reminder_after(self, now: datetime) -> datetime | None:
        """The earliest reminder time after `now` of a round that will get one."""
        rows = select(
            self.db,
            f"SELECT MIN({_REMIND_AT}) AS at {_REMINDABLE} AND {_REMIND_AT} > ?",  # noqa: S608
            [_epoch(now)],
        )
        at = rows[0]["at"] if rows else None
        return datetime.fromtimestamp(at, UTC) if at is not None else None

    def claim_round_reminder(self, round_id: int, now: datetime) -> bool:
        """Take the round's reminder for sending; False if it was taken already (sent, or being sent)."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE rounds SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL",
                [_iso(now), round_id],
            )
        return cursor.rowcount == 1

    def release_round_reminder(self, round_id: int) -> None:
        """A send that may succeed later: the next due check sends the reminder again."""
        with self.db.atomic():
            self.db.execute("UPDATE rounds SET reminded_at = NULL WHERE id = ?", [round_id])

    def round_reminded_at(self, round_id: int) -> datetime | None:
        rows = select(self.db, "SELECT reminded_at FROM rounds WHERE id = ?", [round_id])
        value = rows[0]["reminded_at"] if rows else None
        return datetime.fromisoformat(value) if value else None
