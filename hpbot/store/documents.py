"""Which study document each group studies, where its walk through each document stands, and which competition
holds a group to a document while it runs."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import sqlite_utils

from hpbot.store.competitions import Competition
from hpbot.store.rows import Round, select

FIRST_DOCUMENT = (
    "dh-hp-2025"  # what every row written before schema step 0010 belongs to (its column default)
)


class Documents:
    db: sqlite_utils.Database

    def set_group_document(self, chat_id: int, document: str, now: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE groups SET document = ?, updated_at = ? WHERE chat_id = ?",
                [document, now.astimezone(UTC).isoformat(timespec="milliseconds"), chat_id],
            )

    def last_round_in(self, chat_id: int, document: str) -> Round | None:
        """The group's newest round of one document: its walk through that document resumes after it."""
        rows = select(
            self.db,
            "SELECT * FROM rounds WHERE chat_id = ? AND document = ? ORDER BY seq DESC LIMIT 1",
            [chat_id, document],
        )
        return Round.from_row(rows[0]) if rows else None

    def studied_questions(self, chat_id: int) -> dict[str, int]:
        """Per document, how many of its questions the group has had (posted at least once)."""
        rows = select(
            self.db,
            "SELECT document, COUNT(DISTINCT question) AS n FROM rounds WHERE chat_id = ? GROUP BY document",
            [chat_id],
        )
        return {row["document"]: row["n"] for row in rows}

    def running_competition(self, chat_id: int, today: date) -> Competition | None:
        """The newest active competition the group is in whose dates include today."""
        rows = select(
            self.db,
            "SELECT c.* FROM competitions c JOIN competition_groups cg ON cg.competition_id = c.id "
            "WHERE cg.chat_id = ? AND c.status = 'active' AND c.start_date <= ? AND c.end_date >= ? "
            "ORDER BY c.id DESC LIMIT 1",
            [chat_id, today.isoformat(), today.isoformat()],
        )
        return Competition.from_row(rows[0]) if rows else None


def served_item_ids(path: Path | str) -> set[str]:
    """The ids of every item some group has been served, read from a database file without changing it (for
    `hpbot content stats`, while the bot may be running). Raises sqlite3.Error for a file that is not one."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT DISTINCT item_id FROM rounds")}
    finally:
        conn.close()
