"""Who is in a competition (schema step 0015): groups' join requests, and a group taken out by its organizer (who
and when: step 0019, so that it does not come back by itself)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from hpbot.store.rows import Row, select

FOUND_MAX = 10  # groups a name search returns at most


@dataclass(frozen=True)
class JoinRequest:
    competition_id: int
    chat_id: int
    title: str
    members: int | None
    admin_name: str
    requested_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> JoinRequest:
        return cls(
            row["competition_id"],
            row["chat_id"],
            row["title"],
            row["members"],
            row["admin_name"],
            datetime.fromisoformat(row["requested_at"]),
        )


@dataclass(frozen=True)
class Removal:
    """A group an organizer took out of a competition, until the organizer brings it back."""

    competition_id: int
    chat_id: int
    removed_by: int
    removed_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> Removal:
        return cls(
            row["competition_id"],
            row["chat_id"],
            row["removed_by"],
            datetime.fromisoformat(row["removed_at"]),
        )


class Enrolments:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def add_request(
        self,
        competition_id: int,
        chat_id: int,
        title: str,
        members: int | None,
        admin_name: str,
        user_id: int,
        now: datetime,
    ) -> bool:
        """False if the group has asked already (its first request stands)."""
        with self.db.atomic():
            return (
                self.db.execute(
                    "INSERT OR IGNORE INTO competition_requests (competition_id, chat_id, title, members, admin_name, "
                    "requested_by, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        competition_id,
                        chat_id,
                        title,
                        members,
                        admin_name,
                        user_id,
                        now.astimezone(UTC).isoformat(timespec="seconds"),
                    ],
                ).rowcount
                > 0
            )

    def request(self, competition_id: int, chat_id: int) -> JoinRequest | None:
        rows = select(
            self.db,
            "SELECT * FROM competition_requests WHERE competition_id = ? AND chat_id = ?",
            [competition_id, chat_id],
        )
        return JoinRequest.from_row(rows[0]) if rows else None

    def requests(self, competition_id: int) -> list[JoinRequest]:
        rows = select(
            self.db,
            "SELECT * FROM competition_requests WHERE competition_id = ? ORDER BY requested_at, chat_id",
            [competition_id],
        )
        return [JoinRequest.from_row(r) for r in rows]

    def drop_request(self, competition_id: int, chat_id: int) -> bool:
        with self.db.atomic():
            return (
                self.db.execute(
                    "DELETE FROM competition_requests WHERE competition_id = ? AND chat_id = ?",
                    [competition_id, chat_id],
                ).rowcount
                > 0
            )

    def is_member(self, competition_id: int, chat_id: int) -> bool:
        return bool(
            select(
                self.db,
                "SELECT 1 AS x FROM competition_groups WHERE competition_id = ? AND chat_id = ?",
                [competition_id, chat_id],
            )
        )

    def leave(self, competition_id: int, chat_id: int, by: int, now: datetime) -> bool:
        """Take a group out: its lines leave the standings; its rounds, answers and scores stay (its history). The
        removal is remembered (who, when) until the organizer brings the group back (`clear_removal`)."""
        with self.db.atomic():
            self.db.execute(  # its cell of the unit list is free again (a new code entry would re-enrol it)
                "UPDATE competition_units SET chat_id = NULL, linked_at = NULL WHERE competition_id = ? AND chat_id = ?",
                [competition_id, chat_id],
            )
            for table in ("competition_scores", "competition_group_scores", "bulletins"):
                self.db.execute(
                    f"DELETE FROM {table} WHERE competition_id = ? AND chat_id = ?",  # noqa: S608
                    [competition_id, chat_id],
                )
            left = (
                self.db.execute(
                    "DELETE FROM competition_groups WHERE competition_id = ? AND chat_id = ?",
                    [competition_id, chat_id],
                ).rowcount
                > 0
            )
            if left:
                self.db.execute(
                    "INSERT OR REPLACE INTO competition_removals (competition_id, chat_id, removed_by, removed_at) "
                    "VALUES (?, ?, ?, ?)",
                    [competition_id, chat_id, by, now.astimezone(UTC).isoformat(timespec="seconds")],
                )
            return left

    def removal(self, competition_id: int, chat_id: int) -> Removal | None:
        """The group's removal from the competition, while the organizer has not brought it back."""
        rows = select(
            self.db,
            "SELECT * FROM competition_removals WHERE competition_id = ? AND chat_id = ?",
            [competition_id, chat_id],
        )
        return Removal.from_row(rows[0]) if rows else None

    def clear_removal(self, competition_id: int, chat_id: int) -> bool:
        """The organizer brought the group back: its removal is forgotten (False if there was none)."""
        with self.db.atomic():
            return (
                self.db.execute(
                    "DELETE FROM competition_removals WHERE competition_id = ? AND chat_id = ?",
                    [competition_id, chat_id],
                ).rowcount
                > 0
            )

    def clear_removals_of_members(self, competition_id: int) -> int:
        """Forget the removals of the groups that are in the competition again (after the organizer enrolled every
        group); returns how many."""
        with self.db.atomic():
            return self.db.execute(
                "DELETE FROM competition_removals WHERE competition_id = ? AND chat_id IN "
                "(SELECT chat_id FROM competition_groups WHERE competition_id = ?)",
                [competition_id, competition_id],
            ).rowcount

    def find_groups(self, competition_id: int, words: str) -> list[tuple[int, str]]:
        """The competition's groups whose title holds every word (ignoring case, Vietnamese letters included: SQLite's
        lower() knows only ASCII), at most FOUND_MAX + 1 of them (so a caller can tell there were more)."""
        wanted = [w.casefold() for w in words.split()]
        rows = select(
            self.db,
            "SELECT cg.chat_id, COALESCE(g.title, '') AS title FROM competition_groups cg "
            "LEFT JOIN groups g ON g.chat_id = cg.chat_id WHERE cg.competition_id = ? ORDER BY title, cg.chat_id",
            [competition_id],
        )
        found = [(r["chat_id"], r["title"]) for r in rows if all(w in r["title"].casefold() for w in wanted)]
        return found[: FOUND_MAX + 1]
