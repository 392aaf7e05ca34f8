"""Typed rows read from the database."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import sqlite_utils

from hpbot.domain.rounds import RoundStatus
from hpbot.domain.schedule import Times, parse_time

Row = dict[str, Any]  # a row as read: column name -> SQLite value (int, float, str, bytes or None)
# what every row written before schema step 0010 belongs to (its column default)
FIRST_DOCUMENT = "dh-hp-2025"
T = TypeVar("T")


def select(db: sqlite_utils.Database, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
    """The rows of a read, as dicts, straight from the connection.

    sqlite-utils' `Database.query` runs each statement inside a savepoint of its own so that it can refuse one
    that writes: three statements per read, and outside a transaction a transaction per read. hpbot's reads are
    plain SELECTs; in a morning push of thousands of posts that wrapper was a third of the store's time.
    """
    cursor = db.conn.execute(sql, params)
    keys = [column[0] for column in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor]


IN_CHUNK = 500  # values asked for in one `IN (…)` list


def in_chunks(values: Sequence[T]) -> Iterator[tuple[list[T], str]]:
    """The values IN_CHUNK at a time, each part with its placeholders ("?,?,…") for an `IN (…)` list."""
    for at in range(0, len(values), IN_CHUNK):
        part = list(values[at : at + IN_CHUNK])
        yield part, ",".join("?" * len(part))


@dataclass(frozen=True)
class Group:
    chat_id: int
    title: str
    type: str
    status: str
    post_time: str
    reveal_time: str
    document: str | None = None  # the document the group chose; None: not recorded yet (the library's first)

    @property
    def times(self) -> Times:
        return Times(parse_time(self.post_time), parse_time(self.reveal_time))

    @property
    def active(self) -> bool:
        return self.status == "active"

    @classmethod
    def from_row(cls, row: Row) -> Group:
        return cls(
            row["chat_id"],
            row["title"],
            row["type"],
            row["status"],
            row["post_time"],
            row["reveal_time"],
            row.get("document"),
        )


@dataclass(frozen=True)
class Round:
    id: int
    chat_id: int
    study_date: date
    seq: int
    question: int
    item_id: str
    status: RoundStatus
    message_id: int | None
    posted_at: datetime | None
    reveal_at: datetime
    revealed_at: datetime | None
    reveal_sent: int
    answer_count: int
    document: str = FIRST_DOCUMENT  # the study document of its question and item
    member_count: int | None = None  # members when it was posted (None: not counted yet)
    shuffled: bool = True  # its options in an order of its own (hpbot.domain.shuffle); rounds before 0011: no

    @property
    def is_open(self) -> bool:
        return self.status.takes_answers

    @classmethod
    def from_row(cls, row: Row) -> Round:
        def when(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        return cls(
            id=row["id"],
            chat_id=row["chat_id"],
            study_date=date.fromisoformat(row["study_date"]),
            seq=row["seq"],
            question=row["question"],
            item_id=row["item_id"],
            status=RoundStatus(row["status"]),
            message_id=row["message_id"],
            posted_at=when(row["posted_at"]),
            reveal_at=datetime.fromisoformat(row["reveal_at"]),
            revealed_at=when(row["revealed_at"]),
            reveal_sent=row["reveal_sent"],
            answer_count=row["answer_count"],
            document=row.get("document") or FIRST_DOCUMENT,
            member_count=row.get("member_count"),
            shuffled=bool(row.get("shuffled", 1)),
        )


@dataclass(frozen=True)
class RoundAnswer:
    user_id: int
    name: str
    option: int
    correct: bool
    elapsed_ms: int
    points: int
