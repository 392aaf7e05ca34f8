"""A competition's unit list (schema step 0016): its cells with their higher-level unit, official member count and
enrolment code, and the group linked to each cell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from hpbot.domain.units import CellLine, ListedCell
from hpbot.store.rows import Row, select


@dataclass(frozen=True)
class Cell:
    competition_id: int
    code: str
    unit: str
    cell: str
    official: int | None
    chat_id: int | None

    @classmethod
    def from_row(cls, row: Row) -> Cell:
        return cls(
            row["competition_id"], row["code"], row["unit"], row["cell"], row["official"], row["chat_id"]
        )

    @property
    def listed(self) -> ListedCell:
        return ListedCell(self.unit, self.cell, self.official, self.chat_id)


class Units:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def replace(self, competition_id: int, cells: list[CellLine]) -> tuple[int, int]:
        """The competition's list becomes `cells`, in one transaction; a code kept from the list before keeps its
        group. Returns (cells, groups still linked)."""
        with self.db.atomic():
            kept = {
                r["code"]: (r["chat_id"], r["linked_at"])
                for r in select(
                    self.db,
                    "SELECT code, chat_id, linked_at FROM competition_units WHERE competition_id = ? "
                    "AND chat_id IS NOT NULL",
                    [competition_id],
                )
            }
            self.db.execute("DELETE FROM competition_units WHERE competition_id = ?", [competition_id])
            self.db.conn.executemany(
                "INSERT INTO competition_units (competition_id, code, unit, cell, official, line, chat_id, linked_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        competition_id,
                        c.code,
                        c.unit,
                        c.cell,
                        c.official,
                        c.line,
                        *kept.get(c.code, (None, None)),
                    )
                    for c in cells
                ],
            )
            self._official(competition_id)
        return len(cells), sum(1 for c in cells if c.code in kept)

    def _official(self, competition_id: int, chat_ids: tuple[int, ...] = ()) -> None:
        """Copy the official counts of the linked cells into the groups' totals (NULL where no cell or no count);
        all the competition's groups, or these. Call inside a transaction."""
        marks = ",".join("?" * len(chat_ids))
        only = f" AND chat_id IN ({marks})" if chat_ids else ""
        self.db.execute(
            "UPDATE competition_group_scores SET official = (SELECT u.official FROM competition_units u "  # noqa: S608
            "WHERE u.competition_id = competition_group_scores.competition_id "
            f"AND u.chat_id = competition_group_scores.chat_id) WHERE competition_id = ?{only}",
            [competition_id, *chat_ids],
        )

    def cells(self, competition_id: int) -> list[Cell]:
        rows = select(
            self.db,
            "SELECT * FROM competition_units WHERE competition_id = ? ORDER BY line",
            [competition_id],
        )
        return [Cell.from_row(r) for r in rows]

    def count(self, competition_id: int) -> tuple[int, int, int]:
        """(cells, units, linked cells) of the competition's list."""
        row = self.db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT unit), COUNT(chat_id) FROM competition_units WHERE competition_id = ?",
            [competition_id],
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def by_code(self, code: str, competition_ids: list[int]) -> list[Cell]:
        """The cells of these competitions with this code (one per competition at most)."""
        if not competition_ids:
            return []
        marks = ",".join("?" * len(competition_ids))
        rows = select(
            self.db,
            f"SELECT * FROM competition_units WHERE code = ? AND competition_id IN ({marks})",  # noqa: S608
            [code, *competition_ids],
        )
        return [Cell.from_row(r) for r in rows]

    def of_chat(self, competition_id: int, chat_id: int) -> Cell | None:
        rows = select(
            self.db,
            "SELECT * FROM competition_units WHERE competition_id = ? AND chat_id = ?",
            [competition_id, chat_id],
        )
        return Cell.from_row(rows[0]) if rows else None

    def link(self, competition_id: int, code: str, chat_id: int, now: datetime) -> bool:
        """Link the group to the cell (its link to another cell of the list, if any, goes); False if another group
        holds the cell (nothing changes)."""
        with self.db.atomic():
            row = self.db.execute(
                "SELECT chat_id FROM competition_units WHERE competition_id = ? AND code = ?",
                [competition_id, code],
            ).fetchone()
            if row is None or (row[0] is not None and row[0] != chat_id):
                return False
            self.db.execute(
                "UPDATE competition_units SET chat_id = NULL, linked_at = NULL WHERE competition_id = ? "
                "AND chat_id = ? AND code != ?",
                [competition_id, chat_id, code],
            )
            self.db.execute(
                "UPDATE competition_units SET chat_id = ?, linked_at = ? WHERE competition_id = ? AND code = ?",
                [chat_id, now.astimezone(UTC).isoformat(timespec="seconds"), competition_id, code],
            )
            self._official(competition_id, (chat_id,))
            return True

    def unit_of(self, competition_id: int, unit: str) -> list[Cell]:
        rows = select(
            self.db,
            "SELECT * FROM competition_units WHERE competition_id = ? AND unit = ? ORDER BY line",
            [competition_id, unit],
        )
        return [Cell.from_row(r) for r in rows]
