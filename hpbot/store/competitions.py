"""Competitions between cells: their groups, their scores folded in round by round, the weekly bulletins' claims;
the cross-group totals organizers read are in `hpbot/store/standings.py`."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlite_utils

from hpbot.domain.competition import new_code
from hpbot.store.rows import Row, in_chunks, select
from hpbot.store.standings import CompetitionStandings, MemberTotals


@dataclass(frozen=True)
class Competition:
    id: int
    name: str
    code: str
    start: date
    end: date
    status: str
    created_by: int
    document: str | None = None  # the study document its groups study while it runs (schema step 0010)
    reveal_time: str | None = None  # 'HH:MM': the reveal of all its groups (0014); None: each group's own
    approval: bool = False  # joining needs the organizer's approval (0015; every new competition)
    round_days: int | None = None  # rounds of this many days from its start (0017); None: one round
    study_days: str = "1234567"  # the weekdays it studies, ISO numbers (0021); its pauses are read apart

    @classmethod
    def from_row(cls, row: Row) -> Competition:
        return cls(
            row["id"],
            row["name"],
            row["code"],
            date.fromisoformat(row["start_date"]),
            date.fromisoformat(row["end_date"]),
            row["status"],
            row["created_by"],
            row.get("document"),
            row.get("reveal_time"),
            bool(row.get("approval", 0)),
            row.get("round_days"),
            row.get("study_days") or "1234567",
        )


def _studies(comp: str, day: str) -> str:
    """SQL: whether the date `day` is a study day of the competition `comp` (two SQL expressions): one of its
    weekdays (strftime's %w counts from Sunday = 0; the stored days are ISO, Monday = 1 … Sunday = 7) and in none
    of its pauses."""
    return (
        f"(instr((SELECT study_days FROM competitions WHERE id = {comp}), "  # noqa: S608 (column names, not input)
        f"CAST((CAST(strftime('%w', {day}) AS INTEGER) + 6) % 7 + 1 AS TEXT)) > 0 "
        f"AND NOT EXISTS (SELECT 1 FROM competition_pauses p WHERE p.competition_id = {comp} "
        f"AND {day} BETWEEN p.first_day AND p.last_day))"
    )


DEFAULT_REVEAL = (
    "20:00"  # a new competition's common reveal time (the organizer changes it with /cuocthi_gio)
)


class Competitions(CompetitionStandings):
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def create(
        self, name: str, start: date, end: date, created_by: int, now: datetime, document: str | None = None
    ) -> Competition:
        for _ in range(20):
            try:
                with self.db.atomic():
                    cursor = self.db.execute(
                        "INSERT INTO competitions (name, code, start_date, end_date, created_by, created_at, "
                        "document, reveal_time, approval) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                        [
                            name,
                            new_code(),
                            start.isoformat(),
                            end.isoformat(),
                            created_by,
                            now.astimezone(UTC).isoformat(timespec="seconds"),
                            document,
                            DEFAULT_REVEAL,
                        ],
                    )
                assert cursor.lastrowid is not None  # an INSERT's row id
                return self._existing(cursor.lastrowid)
            except sqlite3.IntegrityError:
                continue  # code collision: draw again
        raise RuntimeError("could not draw a unique competition code")

    def set_reveal_time(self, competition_id: int, hhmm: str) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE competitions SET reveal_time = ? WHERE id = ?", [hhmm, competition_id])

    # its study calendar --------------------------------------------------------------------------------------
    def set_study_days(self, competition_id: int, days: str) -> None:
        """New study weekdays; the totals are recounted, as only its study days count in them."""
        with self.db.atomic():
            self.db.execute("UPDATE competitions SET study_days = ? WHERE id = ?", [days, competition_id])
            self._rebuild(self._existing(competition_id))

    def pauses(self, competition_id: int, since: date | None = None) -> list[tuple[date, date]]:
        """Its pauses (first and last day, inclusive) in date order; with `since`, only those not over before it."""
        rows = select(
            self.db,
            "SELECT first_day, last_day FROM competition_pauses WHERE competition_id = ? AND last_day >= ? "
            "ORDER BY first_day",
            [competition_id, since.isoformat() if since else ""],
        )
        return [(date.fromisoformat(r["first_day"]), date.fromisoformat(r["last_day"])) for r in rows]

    def add_pause(self, competition_id: int, first: date, last: date) -> None:
        """A pause from `first` to `last` (one starting the same day replaces it); the totals are recounted."""
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO competition_pauses (competition_id, first_day, last_day) VALUES (?, ?, ?) "
                "ON CONFLICT(competition_id, first_day) DO UPDATE SET last_day = excluded.last_day",
                [competition_id, first.isoformat(), last.isoformat()],
            )
            self._rebuild(self._existing(competition_id))

    def remove_pauses_from(self, competition_id: int, day: date) -> int:
        """Remove the pauses not over before `day` (the current one and those to come); how many."""
        with self.db.atomic():
            removed = self.db.execute(
                "DELETE FROM competition_pauses WHERE competition_id = ? AND last_day >= ?",
                [competition_id, day.isoformat()],
            ).rowcount
            if removed:
                self._rebuild(self._existing(competition_id))
        return removed

    def running_calendars(
        self, chat_ids: list[int], on: date
    ) -> dict[int, tuple[str, list[tuple[date, date]]]]:
        """For those of the groups in a running competition on `on` (active, `on` within its dates): the weekdays
        of that competition and its pauses covering `on`; the newest competition where a group is in several, as
        `running_competition` chooses. A few reads for any number of groups (the morning's push)."""
        found: dict[int, tuple[str, list[tuple[date, date]]]] = {}
        day = on.isoformat()
        for part, marks in in_chunks(chat_ids):
            rows = select(
                self.db,
                "SELECT cg.chat_id, c.id, c.study_days FROM competitions c "  # noqa: S608
                "JOIN competition_groups cg ON cg.competition_id = c.id WHERE c.status = 'active' "
                f"AND c.start_date <= ?1 AND c.end_date >= ?1 AND cg.chat_id IN ({marks}) ORDER BY c.id",
                [day, *part],
            )
            if not rows:
                continue
            comps = {r["id"] for r in rows}
            pauses: dict[int, list[tuple[date, date]]] = {}
            for p in select(
                self.db,
                "SELECT competition_id, first_day, last_day FROM competition_pauses "  # noqa: S608
                f"WHERE first_day <= ?1 AND last_day >= ?1 AND competition_id IN ({','.join('?' * len(comps))})",
                [day, *sorted(comps)],
            ):
                pauses.setdefault(p["competition_id"], []).append(
                    (date.fromisoformat(p["first_day"]), date.fromisoformat(p["last_day"]))
                )
            for r in rows:  # ordered by competition: the newest one is written last
                found[r["chat_id"]] = (r["study_days"] or "1234567", pauses.get(r["id"], []))
        return found

    def paused_groups_on(self, on: date) -> list[int]:
        """The groups of the competitions running on `on` that have a pause covering it (one read)."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT cg.chat_id FROM competition_pauses p JOIN competitions c ON c.id = p.competition_id "
                "JOIN competition_groups cg ON cg.competition_id = c.id WHERE p.first_day <= ?1 AND p.last_day >= ?1 "
                "AND c.status = 'active' AND c.start_date <= ?1 AND c.end_date >= ?1",
                [on.isoformat()],
            )
        ]

    def _existing(self, competition_id: int) -> Competition:
        """A competition the caller's transaction has just written, so it is there."""
        comp = self.get(competition_id)
        assert comp is not None, competition_id
        return comp

    def get(self, competition_id: int) -> Competition | None:
        row = next(iter(select(self.db, "SELECT * FROM competitions WHERE id = ?", [competition_id])), None)
        return Competition.from_row(row) if row else None

    def by_code(self, code: str) -> Competition | None:
        row = next(
            iter(select(self.db, "SELECT * FROM competitions WHERE code = ?", [code.strip().upper()])), None
        )
        return Competition.from_row(row) if row else None

    def all(self) -> list[Competition]:
        return [
            Competition.from_row(r) for r in select(self.db, "SELECT * FROM competitions ORDER BY id DESC")
        ]

    def end(self, competition_id: int, today: date) -> bool:
        """End an active competition now: its last day becomes today (if that is earlier than planned)."""
        with self.db.atomic():
            ended = (
                self.db.execute(
                    "UPDATE competitions SET status = 'ended', end_date = MIN(end_date, ?) WHERE id = ? AND status = 'active'",
                    [today.isoformat(), competition_id],
                ).rowcount
                > 0
            )
            if ended:
                self._rebuild(self._existing(competition_id))
            return ended

    def delete(self, competition_id: int) -> bool:
        with self.db.atomic():
            self.db.execute("DELETE FROM competition_groups WHERE competition_id = ?", [competition_id])
            self.db.execute("DELETE FROM bulletins WHERE competition_id = ?", [competition_id])
            self.db.execute("DELETE FROM competition_scores WHERE competition_id = ?", [competition_id])
            self.db.execute("DELETE FROM competition_group_scores WHERE competition_id = ?", [competition_id])
            return self.db.execute("DELETE FROM competitions WHERE id = ?", [competition_id]).rowcount > 0

    def join(self, competition_id: int, chat_id: int, now: datetime) -> bool:
        """Add a group; False if it was already in. Only that group's totals are built (from its revealed days)."""
        return self.join_many(competition_id, [chat_id], now) > 0

    def join_all_active(self, competition_id: int, now: datetime) -> int:
        active = [r[0] for r in self.db.execute("SELECT chat_id FROM groups WHERE status = 'active'")]
        return self.join_many(competition_id, active, now)

    def join_many(self, competition_id: int, chat_ids: list[int], now: datetime) -> int:
        """Add groups; returns how many were new. Their days already revealed inside the window count too: one
        group's totals are built for a single join, the whole competition's for several."""
        with self.db.atomic():
            new = [
                chat_id
                for chat_id in chat_ids
                if self.db.execute(
                    "INSERT OR IGNORE INTO competition_groups (competition_id, chat_id, joined_at) VALUES (?, ?, ?)",
                    [competition_id, chat_id, now.astimezone(UTC).isoformat(timespec="seconds")],
                ).rowcount
            ]
            if new:
                self._rebuild(self._existing(competition_id), new[0] if len(new) == 1 else None)
            return len(new)

    def groups_of(self, competition_id: int) -> list[int]:
        return [
            r["chat_id"]
            for r in select(
                self.db,
                "SELECT chat_id FROM competition_groups WHERE competition_id = ? ORDER BY chat_id",
                [competition_id],
            )
        ]

    def competitions_of(self, chat_id: int, *, active_only: bool = True) -> list[Competition]:
        rows = select(
            self.db,
            "SELECT c.* FROM competitions c JOIN competition_groups g ON g.competition_id = c.id "
            "WHERE g.chat_id = ? AND (c.status = 'active' OR ? = 0) ORDER BY c.id DESC",
            [chat_id, int(active_only)],
        )
        return [Competition.from_row(r) for r in rows]

    # maintained totals -------------------------------------------------------------------------------------
    def fold_round(self, round_id: int, chat_id: int, study_date: str, answers: list[Row]) -> None:
        """Add a revealed round's answers to the totals of every competition the group is in on that day and that
        studies on that day: a round on a day off of a competition (its weekdays, its pauses) is the group's alone,
        counted on the group's own boards but not in the competition, nor making that day a contest day. Runs inside
        the reveal's transaction (Store.close_round), so it happens exactly once per round."""
        comps = [
            r[0]
            for r in self.db.execute(
                "SELECT c.id FROM competitions c JOIN competition_groups g ON g.competition_id = c.id "
                "WHERE g.chat_id = ? AND c.start_date <= ? AND c.end_date >= ?",
                [chat_id, study_date, study_date],
            )
        ]
        if not comps:  # most rounds: read no further
            return
        marks = ",".join("?" * len(comps))
        comps = [  # those that study on that day
            r[0]
            for r in self.db.execute(
                f"SELECT c.id FROM competitions c WHERE c.id IN ({marks}) AND {_studies('c.id', '?')}",  # noqa: S608
                [*comps, study_date, study_date],
            )
        ]
        if not comps:
            return
        members = self.db.execute(
            "SELECT COALESCE(member_count, 0) FROM rounds WHERE id = ?", [round_id]
        ).fetchone()[0]
        points, answer_ms = sum(a["points"] for a in answers), sum(a["elapsed_ms"] for a in answers)
        for comp_id in comps:
            self.db.conn.executemany(
                "INSERT INTO competition_scores (competition_id, chat_id, user_id, points, answers, correct, answer_ms, "
                "last_answer_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?) ON CONFLICT (competition_id, chat_id, user_id) DO "
                "UPDATE SET points = points + excluded.points, answers = answers + 1, "
                "correct = correct + excluded.correct, answer_ms = answer_ms + excluded.answer_ms, "
                "last_answer_at = MAX(last_answer_at, excluded.last_answer_at)",
                [
                    (
                        comp_id,
                        chat_id,
                        a["user_id"],
                        a["points"],
                        a["correct"],
                        a["elapsed_ms"],
                        a["answered_at"],
                    )
                    for a in answers
                ],
            )
            self.db.execute(
                "INSERT INTO competition_group_scores (competition_id, chat_id, answers, member_days, points, answer_ms, "
                "days, official) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, (SELECT official FROM competition_units "
                "WHERE competition_id = ?1 AND chat_id = ?2)) ON CONFLICT (competition_id, chat_id) DO UPDATE SET "
                "answers = answers + excluded.answers, member_days = member_days + excluded.member_days, "
                "points = points + excluded.points, answer_ms = answer_ms + excluded.answer_ms, days = days + 1",
                [comp_id, chat_id, len(answers), members, points, answer_ms],
            )
            self.db.execute(
                "INSERT OR IGNORE INTO competition_days (competition_id, study_date) VALUES (?, ?)",
                [comp_id, study_date],
            )

    def _rebuild(self, comp: Competition, chat_id: int | None = None) -> None:
        """Recompute a competition's totals (or one group's) from the daily rows, after groups join, the dates
        change or its calendar does: only its study days count. Call inside a transaction."""
        params = [comp.id, comp.start.isoformat(), comp.end.isoformat(), chat_id]
        day_of_d, day_of_r = _studies("?1", "d.study_date"), _studies("?1", "r.study_date")
        for table in ("competition_scores", "competition_group_scores"):
            self.db.execute(
                f"DELETE FROM {table} WHERE competition_id = ?1 AND (?2 IS NULL OR chat_id = ?2)",  # noqa: S608
                [comp.id, chat_id],
            )
        self.db.execute(
            "INSERT INTO competition_scores (competition_id, chat_id, user_id, points, answers, correct, answer_ms, "  # noqa: S608
            "last_answer_at) SELECT cg.competition_id, d.chat_id, d.user_id, SUM(d.points), COUNT(*), SUM(d.correct), "
            "SUM(d.answer_ms), MAX(d.answered_at) FROM competition_groups cg JOIN score_days d "
            f"ON d.chat_id = cg.chat_id AND d.study_date BETWEEN ?2 AND ?3 AND {day_of_d} WHERE cg.competition_id = ?1 "
            "AND (?4 IS NULL OR cg.chat_id = ?4) GROUP BY d.chat_id, d.user_id",
            params,
        )
        self.db.execute(  # a whole rebuild (the dates or the calendar changed): the days no longer studied go
            "DELETE FROM competition_days WHERE competition_id = ?1 AND ?4 IS NULL "  # noqa: S608
            "AND (study_date NOT BETWEEN ?2 AND ?3 OR NOT "
            + _studies("?1", "competition_days.study_date")
            + ")",
            params,
        )
        self.db.execute(
            "INSERT OR IGNORE INTO competition_days (competition_id, study_date) SELECT DISTINCT cg.competition_id, "  # noqa: S608
            "r.study_date FROM competition_groups cg JOIN rounds r ON r.chat_id = cg.chat_id "
            f"AND r.study_date BETWEEN ?2 AND ?3 AND r.status IN ('revealing', 'revealed') AND {day_of_r} "
            "WHERE cg.competition_id = ?1 AND (?4 IS NULL OR cg.chat_id = ?4)",
            params,
        )
        rounds = (
            "FROM rounds r WHERE r.chat_id = cg.chat_id AND r.study_date BETWEEN ?2 AND ?3 "
            f"AND r.status IN ('revealing', 'revealed') AND {day_of_r}"
        )
        self.db.execute(
            "INSERT INTO competition_group_scores (competition_id, chat_id, answers, member_days, points, answer_ms, "  # noqa: S608
            "days, official) SELECT cg.competition_id, cg.chat_id, COALESCE(s.answers, 0), "
            f"(SELECT COALESCE(SUM(COALESCE(r.member_count, 0)), 0) {rounds}), "
            "COALESCE(s.points, 0), COALESCE(s.answer_ms, 0), "
            f"(SELECT COUNT(*) {rounds}), "
            "(SELECT u.official FROM competition_units u WHERE u.competition_id = cg.competition_id "
            " AND u.chat_id = cg.chat_id) FROM competition_groups cg "
            "LEFT JOIN (SELECT chat_id, SUM(answers) AS answers, SUM(points) AS points, SUM(answer_ms) AS answer_ms "
            "  FROM competition_scores WHERE competition_id = ?1 GROUP BY chat_id) s ON s.chat_id = cg.chat_id "
            "WHERE cg.competition_id = ?1 AND (?4 IS NULL OR cg.chat_id = ?4)",
            params,
        )

    def group_days(self, chat_id: int, start: date, end: date) -> list[Row]:
        """A group's revealed study days in the window: members at the post, answers, right answers."""
        return list(
            select(
                self.db,
                "SELECT r.study_date, COALESCE(r.member_count, 0) AS members, "
                "(SELECT COUNT(*) FROM answers a WHERE a.round_id = r.id) AS answers, "
                "(SELECT COALESCE(SUM(a.correct), 0) FROM answers a WHERE a.round_id = r.id) AS correct "
                "FROM rounds r WHERE r.chat_id = ? AND r.study_date BETWEEN ? AND ? "
                "AND r.status IN ('revealing', 'revealed') ORDER BY r.study_date",
                [chat_id, start.isoformat(), end.isoformat()],
            )
        )

    def last_revealed_round(self, chat_id: int) -> int:
        row = self.db.execute(
            "SELECT COALESCE(MAX(id), 0) FROM rounds WHERE chat_id = ? "
            "AND status IN ('revealing', 'revealed')",
            [chat_id],
        ).fetchone()
        return int(row[0])

    # weekly bulletins ---------------------------------------------------------------------------------------
    def set_bulletin(self, chat_id: int, on: bool) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE groups SET bulletin = ? WHERE chat_id = ?", [int(on), chat_id])

    def bulletin_on(self, chat_id: int) -> bool:
        row = self.db.execute("SELECT bulletin FROM groups WHERE chat_id = ?", [chat_id]).fetchone()
        return bool(row[0]) if row else True

    def bulletin_candidates(self, week_start: date, week_end: date) -> list[Row]:
        """Active groups with the bulletin on, in a competition that overlaps the week, not yet claimed for it."""
        return list(
            select(
                self.db,
                "SELECT c.id AS competition_id, g.chat_id, g.post_time FROM competitions c "
                "JOIN competition_groups cg ON cg.competition_id = c.id JOIN groups g ON g.chat_id = cg.chat_id "
                "WHERE c.start_date <= ? AND c.end_date >= ? AND g.status = 'active' AND g.bulletin = 1 "
                "AND NOT EXISTS (SELECT 1 FROM bulletins b WHERE b.competition_id = c.id AND b.chat_id = g.chat_id "
                "AND b.week_start = ?) ORDER BY c.id, g.chat_id",
                [week_end.isoformat(), week_start.isoformat(), week_start.isoformat()],
            )
        )

    def claim_bulletin(self, competition_id: int, chat_id: int, week_start: date, now: datetime) -> bool:
        with self.db.atomic():
            return (
                self.db.execute(
                    "INSERT OR IGNORE INTO bulletins (competition_id, chat_id, week_start, claimed_at) VALUES (?, ?, ?, ?)",
                    [
                        competition_id,
                        chat_id,
                        week_start.isoformat(),
                        now.astimezone(UTC).isoformat(timespec="seconds"),
                    ],
                ).rowcount
                > 0
            )

    def release_bulletin(self, competition_id: int, chat_id: int, week_start: date) -> None:
        """Give a claim back after a send failed in a way worth retrying."""
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM bulletins WHERE competition_id = ? AND chat_id = ? AND week_start = ? "
                "AND message_id IS NULL",
                [competition_id, chat_id, week_start.isoformat()],
            )

    def bulletin_sent(self, competition_id: int, chat_id: int, week_start: date, message_id: int) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE bulletins SET message_id = ? WHERE competition_id = ? AND chat_id = ? "
                "AND week_start = ?",
                [message_id, competition_id, chat_id, week_start.isoformat()],
            )


__all__ = ["Competition", "Competitions", "MemberTotals"]
