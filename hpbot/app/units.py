"""Units and official member counts (issue 19, item 3): the organizer imports a competition's unit list, a
secretary links the group to its cell with the cell's code (which enrols it: the list is the organizer's approval),
and standings, the board and the exports also read by higher-level unit."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from hpbot import texts
from hpbot.app.competitions import CompetitionService, Standings
from hpbot.app.enrolment import removed_refusal
from hpbot.domain.competition import GroupTotals
from hpbot.domain.statuses import CompetitionStatus
from hpbot.domain.units import (
    CellLine,
    RowError,
    UnitListError,
    UnitTotals,
    normalize_code,
    parse_unit_list,
    rank_units,
    unit_totals,
)
from hpbot.format import count, day, number, short
from hpbot.store import Group
from hpbot.store.competitions import Competition
from hpbot.store.enrolment import Enrolments, Removal
from hpbot.store.units import Cell, Units
from hpbot.texts import units as unit_texts


class LinkOutcome(enum.Enum):
    LINKED = "linked"
    ALREADY = "already"
    TAKEN = "taken"
    AMBIGUOUS = "ambiguous"
    ENDED = "ended"
    NOT_IN = "not_in"  # the competition named has no cell with that code
    NONE = "none"  # no running competition's list has that code
    REMOVED = (
        "removed"  # the organizer took the group out of that competition: it does not come back by itself
    )


@dataclass(frozen=True)
class Linked:
    outcome: LinkOutcome
    competition: Competition | None = None
    cell: Cell | None = None
    previous: Cell | None = None  # the cell the group was linked to before, in the same competition
    code: str = ""
    removal: Removal | None = None  # REMOVED: when the organizer took the group out


@dataclass(frozen=True)
class Imported:
    cells: int
    units: int
    with_count: int
    official: int
    kept: int


class UnitService:
    def __init__(self, competitions: CompetitionService) -> None:
        self.competitions = competitions
        self.table = Units(competitions.store.db)
        self.enrolments = Enrolments(competitions.store.db)

    # the organizer's list -----------------------------------------------------------------------------------
    def import_rows(self, comp: Competition, rows: Iterable[Sequence[object]]) -> Imported:
        """Replace the competition's unit list with the file's rows, all or nothing (UnitListError names the rows).
        Groups already in the competition keep their cell when its code is kept."""
        cells: list[CellLine] = parse_unit_list(rows)
        total, kept = self.table.replace(comp.id, cells)
        counted = [c.official for c in cells if c.official is not None]
        return Imported(total, len({c.unit for c in cells}), len(counted), sum(counted), kept)

    def summary_html(self, comp: Competition) -> str:
        contest = texts.contest(escape(comp.name))
        cells, units, linked = self.table.count(comp.id)
        text = unit_texts.USAGE.format(contest=contest, id=comp.id)
        if not cells:
            return text + unit_texts.NO_LIST
        return text + unit_texts.SUMMARY.format(cells=cells, units=units, linked=linked)

    @staticmethod
    def imported_html(comp: Competition, done: Imported) -> str:
        return unit_texts.IMPORTED.format(
            contest=texts.contest(escape(comp.name)),
            cells=done.cells,
            units=done.units,
            with_count=done.with_count,
            official=count(done.official),
            kept=unit_texts.IMPORTED_KEPT.format(kept=done.kept) if done.kept else "",
        )

    @staticmethod
    def refused_html(comp: Competition, file_name: str, error: UnitListError) -> str:
        """The errors, row by row, the first ERRORS_SHOWN of them (an organizer fixes those and sends again)."""
        text = unit_texts.REFUSED.format(
            name=escape(short(file_name, 60)),
            count=len(error.errors),
            contest=texts.contest(escape(comp.name)),
        )
        lines = [error_line(e) for e in error.errors[: unit_texts.ERRORS_SHOWN]]
        if len(error.errors) > unit_texts.ERRORS_SHOWN:
            lines.append(unit_texts.ERRORS_MORE.format(count=len(error.errors) - unit_texts.ERRORS_SHOWN))
        return text + "\n".join(lines)

    # a secretary links the group --------------------------------------------------------------------------
    def link(self, group: Group, code: str, contest_code: str | None = None) -> Linked:
        """The group takes the cell of this code in the running competition whose list has it (or in the one of
        `contest_code`); the group enters that competition at once (the list is the organizer's approval), and
        its join request there, if any, is settled. A group the organizer took out of that competition is refused
        (whichever cell it names): only the organizer brings it back."""
        code = normalize_code(code)
        if contest_code is not None:
            refused, comp = self.competitions.by_code(contest_code)
            if comp is None:
                return Linked(LinkOutcome.NONE, code=code)
            if refused is not None:
                return Linked(LinkOutcome.ENDED, comp, code=code)
            found = self.table.by_code(code, [comp.id])
            if not found:
                return Linked(LinkOutcome.NOT_IN, comp, code=code)
        else:
            today = self.competitions.today()
            running = [
                c.id
                for c in self.competitions.comps.all()
                if c.status == CompetitionStatus.ACTIVE and c.end >= today
            ]
            found = self.table.by_code(code, running)
            if not found:
                return Linked(LinkOutcome.NONE, code=code)
            if len(found) > 1:
                return Linked(LinkOutcome.AMBIGUOUS, code=code)
        cell = found[0]
        comp = self.competitions.comps.get(cell.competition_id)
        assert comp is not None  # its list is there
        removal = self.enrolments.removal(comp.id, group.chat_id)
        if removal is not None:
            return Linked(LinkOutcome.REMOVED, comp, cell, code=code, removal=removal)
        if cell.chat_id == group.chat_id and self.enrolments.is_member(comp.id, group.chat_id):
            return Linked(LinkOutcome.ALREADY, comp, cell, code=code)
        previous = self.table.of_chat(comp.id, group.chat_id)
        now = self.competitions.now()
        if not self.table.link(comp.id, cell.code, group.chat_id, now):
            return Linked(LinkOutcome.TAKEN, comp, cell, code=code)
        self.enrolments.drop_request(comp.id, group.chat_id)
        self.competitions.comps.join(comp.id, group.chat_id, now)
        linked = self.table.of_chat(comp.id, group.chat_id)
        moved = previous if previous is not None and previous.code != cell.code else None
        return Linked(LinkOutcome.LINKED, comp, linked or cell, moved, code)

    def linked_html(self, linked: Linked) -> str:
        comp, cell = linked.competition, linked.cell
        contest = texts.contest(escape(comp.name)) if comp is not None else ""
        code = escape(linked.code[:24])
        if linked.outcome is LinkOutcome.AMBIGUOUS:
            return unit_texts.LINK_AMBIGUOUS.format(code=code)
        if linked.outcome is LinkOutcome.ENDED:
            return unit_texts.LINK_ENDED.format(contest=contest)
        if linked.outcome is LinkOutcome.NOT_IN:
            return unit_texts.LINK_NOT_IN.format(contest=contest, code=code)
        if linked.outcome is LinkOutcome.TAKEN:
            return unit_texts.LINK_TAKEN.format(contest=contest, code=code)
        if linked.outcome is LinkOutcome.REMOVED:
            assert comp is not None and linked.removal is not None
            return removed_refusal(comp, linked.removal, self.competitions.tz)
        assert comp is not None and cell is not None
        names = {"cell": escape(cell.cell), "unit": escape(cell.unit), "contest": contest}
        if linked.outcome is LinkOutcome.ALREADY:
            return unit_texts.LINKED_ALREADY.format(**names)
        official = (
            unit_texts.OFFICIAL_SET.format(count=cell.official)
            if cell.official is not None
            else unit_texts.OFFICIAL_NONE
        )
        text = unit_texts.LINKED.format(**names, start=day(comp.start), end=day(comp.end), official=official)
        if linked.previous is not None:
            text += unit_texts.LINKED_MOVED.format(previous=escape(linked.previous.cell))
        return text

    # standings by unit --------------------------------------------------------------------------------------
    def has_list(self, comp: Competition) -> bool:
        return self.table.count(comp.id)[0] > 0

    def ranked(self, standings: Standings) -> list[tuple[int, UnitTotals]]:
        """The units of the competition's list by participation (none without a list), from the standings' group
        totals: one pass, fast for 10,000 cells."""
        return self.ranked_of(standings.competition, [g for _, g in standings.groups])

    def ranked_of(self, comp: Competition, groups: list[GroupTotals]) -> list[tuple[int, UnitTotals]]:
        """The same from the competition's group totals (its whole window)."""
        cells = self.table.cells(comp.id)
        if not cells:
            return []
        days = groups[0].contest_days if groups else self.competitions.comps.contest_days(comp)
        return rank_units(unit_totals(groups, [c.listed for c in cells], days))

    def board_line(self, comp: Competition, chat_id: int) -> str:
        """The caller's unit on /bxh cuocthi: its participation over its cells (read for that unit only)."""
        mine = self.table.of_chat(comp.id, chat_id)
        if mine is None:
            return ""
        cells = self.table.unit_of(comp.id, mine.unit)
        groups = self.competitions.comps.group_totals_of(comp, [c.chat_id for c in cells if c.chat_id])
        days = self.competitions.comps.contest_days(comp)
        unit = unit_totals(groups, [c.listed for c in cells], days)
        if not unit or not unit[0].unit:
            return ""
        u = unit[0]
        return unit_texts.BOARD_UNIT.format(
            unit=escape(short(u.unit, 80)),
            rate=number(100 * u.participation),
            linked=u.linked,
            cells=u.cells,
        )


def unit_name(unit: UnitTotals) -> str:
    return unit.unit or unit_texts.NO_UNIT


def results_html(units: list[tuple[int, UnitTotals]], top: int = 15) -> str:
    """The per-unit part of /ketqua."""
    if not units:
        return ""
    lines = []
    listed = [(r, u) for r, u in units if u.unit]
    for rank, u in listed[:top]:
        lines.append(
            unit_texts.RESULTS_LINE.format(
                rank=rank,
                unit=escape(short(u.unit, 80)),
                rate=number(100 * u.participation),
                linked=u.linked,
                cells=u.cells,
            )
        )
    if len(listed) > top:
        lines.append(unit_texts.RESULTS_MORE.format(count=len(listed) - top))
    for _, u in units:
        if not u.unit:
            lines.append(
                unit_texts.RESULTS_NO_UNIT_LINE.format(
                    unit=unit_texts.NO_UNIT, rate=number(100 * u.participation), cells=u.cells
                )
            )
    return unit_texts.RESULTS_HEADER + "\n".join(lines)


def error_line(e: RowError) -> str:
    value, _, first = e.value.partition("|")
    if e.reason == "missing":
        value = ", ".join(f"«{unit_texts.FIELD_NAMES[f]}»" for f in value.split(","))
    reason = unit_texts.ROW_ERRORS[e.reason].format(value=escape(value), first=escape(first))
    if e.line == 0:
        return unit_texts.ERROR_FILE.format(reason=reason[:1].upper() + reason[1:])
    return unit_texts.ERROR_LINE.format(line=e.line, reason=reason)


__all__ = ["Imported", "LinkOutcome", "Linked", "UnitService", "error_line", "results_html", "unit_name"]
