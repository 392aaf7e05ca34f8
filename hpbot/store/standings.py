"""The cross-group totals of a competition that organizers and boards read: members and groups ranked, one
group's standing, participation by day, the answer key. Read-only queries over the folded totals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import sqlite_utils

from hpbot.domain.competition import GroupTotals
from hpbot.domain.ranking import Standing
from hpbot.store.rows import Row, in_chunks, select

if TYPE_CHECKING:
    from hpbot.store.competitions import Competition


@dataclass(frozen=True)
class MemberTotals:
    standing: Standing
    chat_id: int
    group_title: str


def _members(cursor: Iterable[tuple[Any, ...]]) -> list[MemberTotals]:
    """The lines of a member query (the columns of _LINE_SQL, in its order) as they come. A member's name is their
    /hoten full name where the query read one, else their Telegram name, else @username, else the id."""
    return [
        MemberTotals(
            Standing(
                user_id,
                full_name
                if full_name is not None
                else name or (f"@{username}" if username else str(user_id)),
                points,
                answer_ms,
                answers,
                correct,
                0,
                last_answer_at or "",
            ),
            chat_id,
            title or "",
        )
        for (
            chat_id,
            user_id,
            name,
            username,
            title,
            points,
            answer_ms,
            answers,
            correct,
            last_answer_at,
            full_name,
            _line,
        ) in cursor
    ]


def _group(r: Row) -> GroupTotals:
    return GroupTotals(
        r["chat_id"],
        r["cell"] or r["title"],
        r["answers"],
        r["member_days"],
        r["points"],
        max(1, r["members"]),
        r["answer_ms"],
        r["days"],
        r["contest_days"],
        r["official"],
        r["unit"] or "",
    )


class CompetitionStandings:
    db: sqlite_utils.Database

    def group_count(self, competition_id: int) -> int:
        return int(
            self.db.execute(
                "SELECT COUNT(*) FROM competition_groups WHERE competition_id = ?", [competition_id]
            ).fetchone()[0]
        )

    def member_totals(
        self,
        comp: Competition,
        start: date | None = None,
        end: date | None = None,
        chat_id: int | None = None,
        *,
        full_names: bool = False,
    ) -> list[MemberTotals]:
        """Every member's points in the window (default: the whole competition), in every participating group or in
        one; a member of two cells has a line in each. Scores count once revealed (score_days is written then).
        With `full_names`, a member who gave a full name with /hoten is listed under it (the organizer's reports)."""
        name_sql, name_join = self._names(full_names)
        if start in (None, comp.start) and end in (None, comp.end) and chat_id is None:
            # read in the key's order (a cell's lines side by side: its group and its members' rows near each other,
            # 2.5x faster for a city's 200,000 lines than through the ranking index), then put back in the order of
            # the rows, which is how lines equal on everything the ranking compares were listed before
            lines = self._member_rows(
                "WHERE cs.competition_id = ? ORDER BY cs.chat_id, cs.user_id", [comp.id], full_names
            )
            lines.sort(key=itemgetter(-1))
            return _members(lines)
        start, end = start or comp.start, end or comp.end
        # the column and the join put in are _names' fixed texts
        sql = (
            "SELECT d.chat_id, d.user_id, TRIM(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')) AS name, "  # noqa: S608
            "u.username, g.title, SUM(d.points) AS points, SUM(d.answer_ms) AS answer_ms, COUNT(*) AS answers, "
            f"SUM(d.correct) AS correct, MAX(d.answered_at) AS last_answer_at, {name_sql}, 0 AS line "
            "FROM competition_groups cg JOIN score_days d ON d.chat_id = cg.chat_id "
            "AND d.study_date BETWEEN ? AND ? JOIN competition_days cd ON cd.competition_id = cg.competition_id "
            "AND cd.study_date = d.study_date LEFT JOIN users u ON u.user_id = d.user_id "
            f"LEFT JOIN groups g ON g.chat_id = d.chat_id {name_join.format(user='d.user_id')}"
            "WHERE cg.competition_id = ? AND (? IS NULL OR cg.chat_id = ?) "
            "GROUP BY d.chat_id, d.user_id"
        )
        params = [start.isoformat(), end.isoformat(), comp.id, chat_id, chat_id]
        return _members(self.db.conn.execute(sql, params))

    @staticmethod
    def _names(full_names: bool) -> tuple[str, str]:
        """The full-name column of a member query and the join it needs ({user}: the user id's column)."""
        if not full_names:
            return "NULL AS full_name", ""
        return "pm.full_name", "LEFT JOIN practice_members pm ON pm.user_id = {user} "

    _LINE_SQL = (
        "SELECT cs.chat_id, cs.user_id, TRIM(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')) AS name, "
        "u.username, g.title, cs.points, cs.answer_ms, cs.answers, cs.correct, cs.last_answer_at, {name}, cs.rowid AS line "
        "FROM competition_scores cs LEFT JOIN users u ON u.user_id = cs.user_id LEFT JOIN groups g ON g.chat_id = cs.chat_id "
    )

    def _member_lines(self, where: str, params: list[Any]) -> list[MemberTotals]:
        return _members(self._member_rows(where, params))

    def _member_rows(self, where: str, params: list[Any], full_names: bool = False) -> list[tuple[Any, ...]]:
        name_sql, name_join = self._names(full_names)
        sql = self._LINE_SQL.format(name=name_sql) + name_join.format(user="cs.user_id") + where
        return self.db.conn.execute(sql, params).fetchall()

    def top_members(self, comp: Competition, limit: int) -> list[MemberTotals]:
        """The best lines of the whole competition, in board order, read through the ranking index."""
        return self._member_lines(
            "WHERE cs.competition_id = ? ORDER BY cs.points DESC, cs.answer_ms, "
            "cs.last_answer_at, cs.user_id, cs.chat_id LIMIT ?",
            [comp.id, limit],
        )

    def lines_from(self, comp: Competition, points: int, limit: int) -> list[MemberTotals]:
        """The lines with at least these points, best first (at most `limit`), read through the ranking index."""
        return self._member_lines(
            "WHERE cs.competition_id = ? AND cs.points >= ? ORDER BY cs.points DESC, cs.answer_ms, "
            "cs.last_answer_at, cs.user_id, cs.chat_id LIMIT ?",
            [comp.id, points, limit],
        )

    def lines_above(self, comp: Competition, points: int) -> int:
        """How many lines have more points (from the per-points counts)."""
        return int(
            self.db.execute(
                "SELECT COALESCE(SUM(lines), 0) FROM competition_points WHERE competition_id = ? AND points > ?",
                [comp.id, points],
            ).fetchone()[0]
        )

    def member_line(self, comp: Competition, chat_id: int, user_id: int) -> tuple[int, MemberTotals] | None:
        """A member's line in one group and its rank: 1 + the lines strictly ahead on (points, answer time)
        (db/migrations/0007_competition_points.sql)."""
        lines = self._member_lines(
            "WHERE cs.competition_id = ? AND cs.chat_id = ? AND cs.user_id = ?", [comp.id, chat_id, user_id]
        )
        if not lines:
            return None
        s = lines[0].standing
        ahead = self.db.execute(  # lines with more points, from the per-points counts; ties on points, by time
            "SELECT (SELECT COALESCE(SUM(lines), 0) FROM competition_points WHERE competition_id = ?1 AND points > ?2) "
            "+ (SELECT COUNT(*) FROM competition_scores WHERE competition_id = ?1 AND points = ?2 AND answer_ms < ?3)",
            [comp.id, s.points, s.answer_ms],
        ).fetchone()[0]
        return ahead + 1, lines[0]

    _GROUP_SQL = (
        "SELECT cg.chat_id, COALESCE(g.title, '') AS title, COALESCE(g.member_count, 0) AS members, "
        "COALESCE(s.answers, 0) AS answers, COALESCE(s.member_days, 0) AS member_days, "
        "COALESCE(s.points, 0) AS points, COALESCE(s.answer_ms, 0) AS answer_ms, COALESCE(s.days, 0) AS days, "
        "? AS contest_days, s.official, u.unit, u.cell "
        "FROM competition_groups cg LEFT JOIN groups g ON g.chat_id = cg.chat_id "
        "LEFT JOIN competition_group_scores s ON s.competition_id = cg.competition_id AND s.chat_id = cg.chat_id "
        "LEFT JOIN competition_units u ON u.competition_id = cg.competition_id AND u.chat_id = cg.chat_id "
    )

    def contest_days(self, comp: Competition, start: date | None = None, end: date | None = None) -> int:
        """The competition's study days in the window: days on which a round of one of its groups was revealed."""
        start, end = start or comp.start, end or comp.end
        return int(
            self.db.execute(
                "SELECT COUNT(*) FROM competition_days WHERE competition_id = ? AND study_date BETWEEN ? AND ?",
                [comp.id, start.isoformat(), end.isoformat()],
            ).fetchone()[0]
        )

    def group_totals(
        self, comp: Competition, start: date | None = None, end: date | None = None
    ) -> list[GroupTotals]:
        """Each participating group's answers, member-days (members at each post), days, points and time in the
        window, with the competition's study days in it and the official count and unit of the group's cell."""
        contest_days = self.contest_days(comp, start, end)
        if start in (None, comp.start) and end in (None, comp.end):
            rows = select(self.db, self._GROUP_SQL + "WHERE cg.competition_id = ?", [contest_days, comp.id])  # noqa: S608
            return [_group(r) for r in rows]
        start, end = start or comp.start, end or comp.end
        window = [start.isoformat(), end.isoformat()]
        rows = select(
            self.db,
            "SELECT cg.chat_id, COALESCE(g.title, '') AS title, COALESCE(g.member_count, 0) AS members, "
            "(SELECT COALESCE(SUM(COALESCE(r.member_count, 0)), 0) FROM rounds r WHERE r.chat_id = cg.chat_id "
            " AND r.study_date BETWEEN ?1 AND ?2 AND r.status IN ('revealing', 'revealed') "
            " AND r.study_date IN (SELECT study_date FROM competition_days WHERE competition_id = ?3)) AS member_days, "
            "(SELECT COUNT(*) FROM rounds r WHERE r.chat_id = cg.chat_id "
            " AND r.study_date BETWEEN ?1 AND ?2 AND r.status IN ('revealing', 'revealed') "
            " AND r.study_date IN (SELECT study_date FROM competition_days WHERE competition_id = ?3)) AS days, "
            "?4 AS contest_days, u.official, u.unit, u.cell, "
            "COALESCE(s.answers, 0) AS answers, COALESCE(s.points, 0) AS points, COALESCE(s.answer_ms, 0) AS answer_ms "
            "FROM competition_groups cg LEFT JOIN groups g ON g.chat_id = cg.chat_id "
            "LEFT JOIN competition_units u ON u.competition_id = cg.competition_id AND u.chat_id = cg.chat_id "
            "LEFT JOIN (SELECT d.chat_id, COUNT(*) AS answers, SUM(d.points) AS points, SUM(d.answer_ms) AS answer_ms "
            "  FROM competition_groups c2 JOIN score_days d ON d.chat_id = c2.chat_id AND d.study_date BETWEEN ?1 AND ?2 "
            "  JOIN competition_days cd ON cd.competition_id = c2.competition_id AND cd.study_date = d.study_date "
            "  WHERE c2.competition_id = ?3 GROUP BY d.chat_id) s ON s.chat_id = cg.chat_id "
            "WHERE cg.competition_id = ?3",
            [*window, comp.id, contest_days],
        )
        return [_group(r) for r in rows]

    def group_totals_of(
        self, comp: Competition, chat_ids: list[int], contest_days: int | None = None
    ) -> list[GroupTotals]:
        """The whole-competition totals of these groups only (a unit's cells on the board, the groups a kept ranking
        reads again), asked IN_CHUNK at a time; a group not in the competition has none."""
        if contest_days is None:
            contest_days = self.contest_days(comp)
        out: list[GroupTotals] = []
        for part, marks in in_chunks(chat_ids):
            rows = select(
                self.db,
                self._GROUP_SQL + f"WHERE cg.competition_id = ? AND cg.chat_id IN ({marks})",  # noqa: S608
                [contest_days, comp.id, *part],
            )
            out += [_group(r) for r in rows]
        return out

    def daily_participation(self, comp: Competition) -> list[tuple[int, str, str, int, str, int, int, int]]:
        """Per group and revealed study day of the competition (its calendar's days: a round on one of its days off is
        the group's alone), by date, group title and chat: (chat id, group title, study date, question, item id,
        members at the post, answers, right answers). The answers of each round are counted and summed in one pass
        over its rows, grouped in the order the rounds are read (a chat's days in date order: no sort). The same
        rounds as `answer_key`'s, so a whole competition's answer key is counted from these rows."""
        return self.db.conn.execute(
            "SELECT r.chat_id, COALESCE(g.title, '') AS title, r.study_date, r.question, r.item_id, "
            "COALESCE(r.member_count, 0) AS members, COUNT(a.round_id) AS answers, COALESCE(SUM(a.correct), 0) AS correct "
            "FROM competition_groups cg JOIN rounds r ON r.chat_id = cg.chat_id "
            "JOIN competition_days cd ON cd.competition_id = cg.competition_id AND cd.study_date = r.study_date "
            "LEFT JOIN answers a ON a.round_id = r.id LEFT JOIN groups g ON g.chat_id = cg.chat_id "
            "WHERE cg.competition_id = ? AND r.study_date BETWEEN ? AND ? AND r.status IN ('revealing', 'revealed') "
            "GROUP BY cg.chat_id, r.study_date ORDER BY r.study_date, g.title, r.chat_id",
            [comp.id, comp.start.isoformat(), comp.end.isoformat()],
        ).fetchall()

    def question_totals(self, comp: Competition) -> dict[int, tuple[int, int]]:
        """Per question: (answers, right answers) over the rounds `daily_participation` lists, counted round by
        round in the order they are read (no sort of a city's 1.2 million answers by question: ~2 s) and summed
        here."""
        totals: dict[int, tuple[int, int]] = {}
        for question, answers, correct in self.db.conn.execute(
            "SELECT r.question, COUNT(a.round_id), COALESCE(SUM(a.correct), 0) "
            "FROM competition_groups cg JOIN rounds r ON r.chat_id = cg.chat_id "
            "JOIN competition_days cd ON cd.competition_id = cg.competition_id AND cd.study_date = r.study_date "
            "LEFT JOIN answers a ON a.round_id = r.id "
            "WHERE cg.competition_id = ? AND r.study_date BETWEEN ? AND ? AND r.status IN ('revealing', 'revealed') "
            "GROUP BY cg.chat_id, r.study_date",
            [comp.id, comp.start.isoformat(), comp.end.isoformat()],
        ):
            a, c = totals.get(question, (0, 0))
            totals[question] = (a + answers, c + correct)
        return totals

    def answer_key(
        self,
        comp: Competition,
        start: date | None = None,
        end: date | None = None,
        chat_id: int | None = None,
    ) -> list[Row]:
        """The questions asked and revealed on the competition's study days in the window: one row per day and item,
        with the number of participating groups that had it. Open rounds are left out: their answers are not public
        yet."""
        start, end = start or comp.start, end or comp.end
        return list(
            select(
                self.db,
                "SELECT r.study_date, r.question, r.item_id, COUNT(*) AS groups FROM competition_groups cg "
                "JOIN rounds r ON r.chat_id = cg.chat_id JOIN competition_days cd "
                "ON cd.competition_id = cg.competition_id AND cd.study_date = r.study_date "
                "WHERE cg.competition_id = ? AND (? IS NULL OR cg.chat_id = ?) "
                "AND r.study_date BETWEEN ? AND ? AND r.status IN ('revealing', 'revealed') "
                "GROUP BY r.study_date, r.question, r.item_id ORDER BY r.study_date, r.question, r.item_id",
                [comp.id, chat_id, chat_id, start.isoformat(), end.isoformat()],
            )
        )

    def ranking_mark(self, competition_id: int) -> int:
        """The competition's last change of what ranks its groups (db/migrations/0019_ranking_changes.sql): a
        larger number after any change; read through an index, in µs."""
        return int(
            self.db.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM competition_changes WHERE competition_id = ?",
                [competition_id],
            ).fetchone()[0]
        )

    def changed_groups(self, competition_id: int, since: int) -> list[int]:
        """The groups whose totals, title, member count, cell or membership changed after `ranking_mark` was
        `since` (a group that left is among them: its totals are then gone)."""
        return [
            int(r[0])
            for r in self.db.execute(
                "SELECT chat_id FROM competition_changes WHERE competition_id = ? AND seq > ?",
                [competition_id, since],
            )
        ]
