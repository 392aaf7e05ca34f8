"""A competition's results as tables, written to an .xlsx workbook (hpbot.reports.xlsx) or to .csv files.

Headers are Vietnamese; dates are real date cells shown as dd/mm/yyyy (text dd/mm/yyyy in CSV). A member's name
is the full name they gave with /hoten, else their Telegram name (CompetitionService.report picks it). Names are
never trusted: characters a workbook cannot hold are dropped, and text that a spreadsheet would run as a formula
stays text (an explicit string cell in .xlsx, a leading apostrophe in .csv).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from hpbot import texts
from hpbot.app.awards import AwardService, AwardsList, Winner
from hpbot.app.bulk import collections_paused, dropped
from hpbot.app.competitions import AnswerKeyRow, CompetitionService, DayRow, Report, question_rates
from hpbot.app.units import UnitService
from hpbot.domain.competition import GroupTotals
from hpbot.domain.units import UnitTotals
from hpbot.reports import xlsx
from hpbot.store.competitions import Competition, MemberTotals
from hpbot.texts import awards as award_texts
from hpbot.texts import units as unit_texts

Progress = Callable[[int], None]
RowT = TypeVar("RowT")  # one line of what a sheet lists
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    name: str  # sheet name (≤ 31 characters)
    slug: str  # file-name part for CSV
    headers: list[str]
    rows: list[list]
    widths: list[int]
    formats: list[str | None] | None = None  # a number format per column (None: as the value is)


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header (a texts.REPORT_COL_* text), its width in characters and the number
    format of its numbers (None: as the value is)."""

    header: str
    width: int
    number_format: str | None = None  # e.g. PERCENT_FORMAT


@dataclass(frozen=True)
class Layout(Generic[RowT]):
    """A sheet's columns and its row for one line of what it lists: the values in the columns' order (one call a
    line, not one a cell: a city's export has 4 million cells)."""

    columns: list[Column]
    row: Callable[[RowT], list[object]]


PERCENT_FORMAT = (
    "0.0"  # a share in per cent with one decimal, as the chat shows it (87,3 in Vietnamese Excel)
)
MEAN_FORMAT = "0.00"
COUNT_FORMAT = "#,##0"
WRAP_FROM = 30  # columns at least this wide wrap their text (names, questions) instead of running over


def percent(value: float) -> float:
    return round(100 * value, 1)


def local_time(iso_utc: str, tz: ZoneInfo) -> datetime | None:
    """A stored UTC instant as naive local time (spreadsheets have no time zones)."""
    if not iso_utc:
        return None
    moment = datetime.fromisoformat(iso_utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(
        tz
    )  # naive, to the second (faster made anew than by replace(): 200,000 of them)
    return datetime(local.year, local.month, local.day, local.hour, local.minute, local.second)


def competition_tables(service: CompetitionService, comp: Competition) -> tuple[Report, list[Table]]:
    """A competition's report and every sheet of its export, as /xuat and `hpbot export` write them: its awards
    (once its prizes are set) from the report's standings, and the per-unit sheet when it has a unit list. For
    tables that agree with each other, `service` reads one snapshot (`CompetitionService.snapshot`)."""
    with collections_paused():
        report = service.report(comp)
        awards = AwardService(service).awards(comp, report.standings)
        units = UnitService(service).ranked(report.standings)
        return report, tables(report, service.tz, awards, units)


@dataclass(frozen=True)
class Workbook:
    data: bytes
    stem: str  # the file's name without .xlsx (`file_stem`)
    generated_at: datetime
    rows: int


def competition_xlsx(service: CompetitionService, comp: Competition) -> Workbook:
    """The export as one .xlsx file. The report and its sheets are made and dropped inside one pause of the
    collector: it resumes with them gone instead of passing over a city's million objects (~0.5 s)."""
    with collections_paused():
        report, sheets = competition_tables(service, comp)
        book = Workbook(xlsx_bytes(sheets), file_stem(report), report.generated_at, row_count(sheets))
        # freed before the collector resumes, a slice at a time
        dropped(*(t.rows for t in sheets), report.days, report.standings.members)
        del report, sheets
    return book


@dataclass(frozen=True)
class CsvFile:
    name: str  # the sheet's name
    filename: str  # "<stem>-<slug>.csv"
    data: bytes


def competition_csv(service: CompetitionService, comp: Competition, delimiter: str) -> list[CsvFile]:
    """The export as one .csv file per sheet (`csv_bytes`), made and freed as `competition_xlsx` makes its file."""
    with collections_paused():
        report, sheets = competition_tables(service, comp)
        stem = file_stem(report)
        files = [CsvFile(t.name, f"{stem}-{t.slug}.csv", csv_bytes(t, delimiter)) for t in sheets]
        dropped(*(t.rows for t in sheets), report.days, report.standings.members)
        del report, sheets
    return files


def tables(
    report: Report,
    tz: ZoneInfo,
    awards: AwardsList | None = None,
    units: list[tuple[int, UnitTotals]] | None = None,
) -> list[Table]:
    """The report's sheets, each from its layout below; names, headers and labels are texts.REPORT_*. With the
    competition's awards list (its prizes set), an awards sheet too; with its unit list, a per-unit sheet."""
    # a city's half a million rows: no collection passes over them as they are made
    with collections_paused():
        s = report.standings
        out = [
            _table(texts.REPORT_SHEET_INFO, INFO_LAYOUT, info_lines(report, tz)),
            _table(texts.REPORT_SHEET_GROUPS, GROUP_LAYOUT, s.groups),
        ]
        if units:
            out.append(_table(unit_texts.SHEET, UNIT_LAYOUT, units))
        out += [
            _table(texts.REPORT_SHEET_MEMBERS, member_layout(tz), s.members),
            _table(texts.REPORT_SHEET_DAYS, DAY_LAYOUT, report.days),
            _table(texts.REPORT_SHEET_QUESTIONS, QUESTION_LAYOUT, question_rates(report.days)),
            _table(texts.REPORT_SHEET_KEY, KEY_LAYOUT, report.answer_key),
        ]
        if awards is not None:
            out.append(_table(texts.REPORT_SHEET_AWARDS, AWARD_LAYOUT, awards.winners))
        return out


def _table(sheet: tuple[str, str], layout: Layout[RowT], lines: Iterable[RowT]) -> Table:
    name, slug = sheet
    columns = layout.columns
    return Table(
        name,
        slug,
        [c.header for c in columns],
        list(map(layout.row, lines)),
        [c.width for c in columns],
        [c.number_format for c in columns],
    )


def info_lines(report: Report, tz: ZoneInfo) -> list[tuple[str, object]]:
    """The info sheet's (label, value) lines, each label beside its value."""
    s = report.standings
    comp = s.competition
    return [
        (texts.REPORT_INFO_NAME, comp.name),
        (texts.REPORT_INFO_CODE, comp.code),
        (texts.REPORT_INFO_START, comp.start),
        (texts.REPORT_INFO_END, comp.end),
        (texts.REPORT_INFO_STATUS, texts.COMP_STATUS.get(comp.status, comp.status)),
        (texts.REPORT_INFO_GROUPS, len(s.groups)),
        (texts.REPORT_INFO_MEMBERS, len(s.members)),
        (texts.REPORT_INFO_ANSWERS, sum(g.answers for _, g in s.groups)),
        (texts.REPORT_INFO_PARTICIPATION, overall_participation(report)),
        (texts.REPORT_INFO_RIGHT, overall_right(report)),
        (texts.REPORT_INFO_GENERATED, local_time(report.generated_at.astimezone(UTC).isoformat(), tz)),
        (texts.REPORT_INFO_GROUP_RULE, texts.REPORT_GROUP_RULE),
        (texts.REPORT_INFO_MEMBER_RULE, texts.REPORT_MEMBER_RULE),
    ]


def overall_participation(report: Report) -> float:
    """Answers ÷ possible answers over every cell, in per cent (one decimal)."""
    possible = sum(g.possible for _, g in report.standings.groups)
    return percent(sum(g.counted for _, g in report.standings.groups) / possible) if possible else 0.0


def overall_right(report: Report) -> float:
    answers = sum(d.answers for d in report.days)
    return percent(sum(d.correct for d in report.days) / answers) if answers else 0.0


# One layout per sheet: its columns (header, width, number format) in sheet order, and the row of one line of what
# the sheet lists, its values in the same order. A line is a (label, value) pair of info_lines, a (rank, totals)
# pair of the standings, a DayRow, an AnswerKeyRow...
INFO_LAYOUT: Layout[tuple[str, object]] = Layout(
    [Column(texts.REPORT_COL_ITEM, 28), Column(texts.REPORT_COL_CONTENT, 90)],
    list,  # label, value
)


def _group_row(line: tuple[int, GroupTotals]) -> list[object]:
    rank, g = line
    return [
        rank,
        g.title,
        g.members,
        g.counted,
        g.possible,
        percent(g.participation),
        g.points,
        round(g.mean_points, 2),
        round(g.answer_ms / 1000),
        g.unit,
        g.official,
    ]


GROUP_LAYOUT: Layout[tuple[int, GroupTotals]] = Layout(
    [
        Column(texts.REPORT_COL_RANK, 7),
        Column(texts.REPORT_COL_GROUP, 36),
        Column(texts.REPORT_COL_MEMBERS, 14),
        Column(texts.REPORT_COL_ANSWERS, 13),
        Column(texts.REPORT_COL_MEMBER_DAYS, 18),
        Column(texts.REPORT_COL_PARTICIPATION, 18, PERCENT_FORMAT),
        Column(texts.REPORT_COL_TOTAL_POINTS, 11, COUNT_FORMAT),
        Column(texts.REPORT_COL_MEAN_POINTS, 24, MEAN_FORMAT),
        Column(texts.REPORT_COL_ANSWER_TIME, 26),
        Column(unit_texts.COL_UNIT, 34),
        Column(unit_texts.COL_OFFICIAL, 16),
    ],
    _group_row,
)


def _unit_row(line: tuple[int, UnitTotals]) -> list[object]:
    rank, u = line
    return [
        rank or None,  # rank 0: the groups linked to no cell of the list
        u.unit or unit_texts.NO_UNIT,
        u.cells,
        u.linked,
        u.official,
        u.answers,
        u.possible,
        percent(u.participation),
        u.points,
    ]


# the units of the competition's list by participation
UNIT_LAYOUT: Layout[tuple[int, UnitTotals]] = Layout(
    [
        Column(texts.REPORT_COL_RANK, 7),
        Column(unit_texts.COL_UNIT, 40),
        Column(unit_texts.COL_CELLS, 14, COUNT_FORMAT),
        Column(unit_texts.COL_LINKED, 14, COUNT_FORMAT),
        Column(unit_texts.COL_OFFICIAL, 16, COUNT_FORMAT),
        Column(texts.REPORT_COL_ANSWERS, 13, COUNT_FORMAT),
        Column(unit_texts.COL_POSSIBLE, 18, COUNT_FORMAT),
        Column(texts.REPORT_COL_PARTICIPATION, 18, PERCENT_FORMAT),
        Column(texts.REPORT_COL_TOTAL_POINTS, 11, COUNT_FORMAT),
    ],
    _unit_row,
)

MEMBER_COLUMNS = [
    Column(texts.REPORT_COL_RANK, 7),
    Column(texts.REPORT_COL_NAME, 30),
    Column(texts.REPORT_COL_GROUP, 36),
    Column(texts.REPORT_COL_POINTS, 8),
    Column(texts.REPORT_COL_MEMBER_ANSWERS, 15),
    Column(texts.REPORT_COL_MEMBER_CORRECT, 12),
    Column(texts.REPORT_COL_ANSWER_TIME, 26),
    Column(texts.REPORT_COL_LAST_ANSWER, 18),
]


def member_layout(tz: ZoneInfo) -> Layout[tuple[int, MemberTotals]]:
    """A function, not a constant like the others: the last answer is shown in the competition's time zone."""

    def row(line: tuple[int, MemberTotals]) -> list[object]:
        rank, m = line
        s = m.standing
        return [
            rank,
            s.name,
            m.group_title,
            s.points,
            s.answers,
            s.correct,
            round(s.answer_ms / 1000),
            local_time(s.last_answer_at, tz),
        ]

    return Layout(MEMBER_COLUMNS, row)


DAY_LAYOUT: Layout[DayRow] = Layout(
    [
        Column(texts.REPORT_COL_DATE, 12),
        Column(texts.REPORT_COL_GROUP, 36),
        Column(texts.REPORT_COL_QUESTION, 7),
        Column(texts.REPORT_COL_MEMBERS, 14),
        Column(texts.REPORT_COL_ANSWERED, 17),
        Column(texts.REPORT_COL_CORRECT, 22),
        Column(texts.REPORT_COL_PARTICIPATION, 18, PERCENT_FORMAT),
    ],
    lambda d: [d.study_date, d.title, d.question, d.members, d.answers, d.correct, percent(d.participation)],
)

# the questions of the competition, the hardest first: (question, answers, right answers) of question_rates
QUESTION_LAYOUT: Layout[tuple[int, int, int]] = Layout(
    [
        Column(texts.REPORT_COL_QUESTION, 7),
        Column(texts.REPORT_COL_ANSWERED, 17, COUNT_FORMAT),
        Column(texts.REPORT_COL_CORRECT, 22, COUNT_FORMAT),
        Column(texts.REPORT_COL_RIGHT_SHARE, 20, PERCENT_FORMAT),
    ],
    lambda q: [q[0], q[1], q[2], percent(q[2] / q[1])],
)


def _award_row(w: Winner) -> list[object]:
    return [
        award_texts.CLASS_NAMES[w.award.prize_class],
        w.award.place,
        w.name if w.named else award_texts.TELEGRAM_NAME.format(name=w.name),
        w.award.winner.group or w.award.winner.name,
        w.award.winner.points,
    ]


AWARD_LAYOUT: Layout[Winner] = Layout(
    [
        Column(texts.REPORT_COL_PRIZE, 20),
        Column(texts.REPORT_COL_PLACE, 9),
        Column(texts.REPORT_COL_WINNER, 34),
        Column(texts.REPORT_COL_GROUP, 36),
        Column(texts.REPORT_COL_POINTS, 8, COUNT_FORMAT),
    ],
    _award_row,
)

KEY_LAYOUT: Layout[AnswerKeyRow] = Layout(
    [
        Column(texts.REPORT_COL_DATE, 12),
        Column(texts.REPORT_COL_QUESTION, 7),
        Column(texts.REPORT_COL_QUESTION_TEXT, 50),
        Column(texts.REPORT_COL_STEM, 50),
        Column(texts.REPORT_COL_LETTER, 12),
        Column(texts.REPORT_COL_OPTION, 50),
        Column(texts.REPORT_COL_GROUPS, 9),
    ],
    lambda k: [k.study_date, k.question, k.question_text, k.stem, k.letter, k.option, k.groups],
)


def row_count(all_tables: Iterable[Table]) -> int:
    return sum(len(t.rows) for t in all_tables)


def _clean(text: str) -> str:
    """What a CSV file cannot hold either: the control characters XML drops, and what UTF-8 cannot encode (a lone
    surrogate from a Telegram name would fail the whole file): the writer's own filter."""
    return xlsx.clean(text)


def write_xlsx(
    all_tables: list[Table],
    target: Path | io.BytesIO,
    progress: Progress | None = None,
    row_limit: int = xlsx.EXCEL_ROWS,
) -> None:
    """The tables as one workbook: a sheet each (continued on "<name> (2)" past `row_limit` rows), the header row
    bold, wrapped and frozen, a filter on every column, wide columns wrapped, numbers in their column's format.
    `progress` is called with the rows written since its last call."""
    with collections_paused():
        xlsx.write(_sheets(all_tables), target, progress, row_limit)


def _sheets(all_tables: list[Table]) -> list[xlsx.Sheet]:
    return [
        xlsx.Sheet(
            t.name,
            t.headers,
            t.rows,
            t.widths,
            t.formats or [None] * len(t.headers),
            [width >= WRAP_FROM for width in t.widths],
        )
        for t in all_tables
    ]


def xlsx_bytes(all_tables: list[Table]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(all_tables, buffer)
    return buffer.getvalue()


SEMICOLON, COMMA = (
    ";",
    ",",
)  # CSV dialects: Excel set to Vietnamese (decimal comma, list separator ";"), or ","


def csv_text(value, delimiter: str = COMMA) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and delimiter == SEMICOLON:
        return repr(value).replace(".", ",")  # 87,3: a number to Excel set to Vietnamese
    text = _clean(str(value))
    return "'" + text if text.startswith(FORMULA_START) and not isinstance(value, int | float) else text


def csv_bytes(table: Table, delimiter: str = COMMA) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs show the Vietnamese letters right. `delimiter` ";"
    writes what Excel set to Vietnamese (decimal comma) opens as columns: there a "," file opens as one column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([csv_text(v, delimiter) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def file_stem(report: Report) -> str:
    comp = report.standings.competition
    return f"cuocthi-{comp.id}-{report.generated_at.strftime('%Y%m%d')}"
