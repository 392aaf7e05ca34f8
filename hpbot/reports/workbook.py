"""A competition's results as tables, written to an .xlsx workbook (openpyxl, write-only) or to .csv files.

Headers are Vietnamese; dates are real date cells shown as dd/mm/yyyy (text dd/mm/yyyy in CSV). Names come from
Telegram and are never trusted: characters a workbook cannot hold are dropped, and text that a spreadsheet would
run as a formula stays text (an explicit string cell in .xlsx, a leading apostrophe in .csv).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from hpbot import texts
from hpbot.app.competitions import Report

Progress = Callable[[int], None]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


@dataclass(frozen=True)
class Table:
    name: str        # sheet name (≤ 31 characters)
    slug: str        # file-name part for CSV
    headers: list[str]
    rows: list[list]
    widths: list[int]


def percent(value: float) -> float:
    return round(100 * value, 1)


def local_time(iso_utc: str, tz: ZoneInfo) -> datetime | None:
    """A stored UTC instant as naive local time (spreadsheets have no time zones)."""
    if not iso_utc:
        return None
    moment = datetime.fromisoformat(iso_utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).replace(tzinfo=None, microsecond=0)


def tables(report: Report, tz: ZoneInfo) -> list[Table]:
    """The report's sheets; their names, headers and labels are in texts.REPORT_* with the other user texts."""
    s = report.standings
    comp = s.competition
    info_values = [comp.name, comp.code, comp.start, comp.end, texts.COMP_STATUS.get(comp.status, comp.status),
                   len(s.groups), len(s.members), local_time(report.generated_at.astimezone(UTC).isoformat(), tz),
                   texts.REPORT_GROUP_RULE, texts.REPORT_MEMBER_RULE]
    rows = {
        "info": [[label, value] for label, value in zip(texts.REPORT_INFO_LABELS, info_values, strict=True)],
        "groups": [[r, g.title, g.chat_id, g.members, g.answers, g.member_days, percent(g.participation), g.points,
                    round(g.mean_points, 2), round(g.answer_ms / 1000)] for r, g in s.groups],
        "members": [[r, m.standing.name, m.standing.user_id, m.group_title, m.standing.points, m.standing.answers,
                     m.standing.correct, round(m.standing.answer_ms / 1000), local_time(m.standing.last_answer_at, tz)]
                    for r, m in s.members],
        "days": [[d.study_date, d.title, d.question, d.members, d.answers, d.correct, percent(d.participation)]
                 for d in report.days],
        "key": [[k.study_date, k.question, k.question_text, k.stem, k.letter, k.option, k.groups]
                for k in report.answer_key],
    }
    return [Table(texts.REPORT_SHEETS[key][0], texts.REPORT_SHEETS[key][1], texts.REPORT_HEADERS[key], rows[key],
                  COLUMN_WIDTHS[key]) for key in ("info", "groups", "members", "days", "key")]


COLUMN_WIDTHS = {
    "info": [28, 90],
    "groups": [7, 36, 18, 14, 13, 18, 18, 11, 24, 26],
    "members": [7, 30, 22, 36, 8, 15, 12, 26, 18],
    "days": [12, 36, 7, 14, 17, 22, 18],
    "key": [12, 7, 50, 50, 12, 50, 9],
}


def row_count(all_tables: Iterable[Table]) -> int:
    return sum(len(t.rows) for t in all_tables)


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def write_xlsx(all_tables: list[Table], target: Path | io.BytesIO, progress: Progress | None = None) -> None:
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in all_tables:
        sheet = workbook.create_sheet(table.name)
        for index, width in enumerate(table.widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        header = []
        for title in table.headers:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for n, row in enumerate(table.rows, 1):
            sheet.append([_cell(sheet, value) for value in row])
            if progress is not None and n % 1000 == 0:
                progress(1000)
        if progress is not None and len(table.rows) % 1000:
            progress(len(table.rows) % 1000)
    workbook.save(target)


def _cell(sheet, value):
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=_clean(value))
        cell.data_type = "s"  # always text, even "=…"
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def xlsx_bytes(all_tables: list[Table]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(all_tables, buffer)
    return buffer.getvalue()


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = _clean(str(value))
    return "'" + text if text.startswith(FORMULA_START) and not isinstance(value, int | float) else text


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs show the Vietnamese letters right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([csv_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def file_stem(report: Report) -> str:
    comp = report.standings.competition
    return f"cuocthi-{comp.id}-{report.generated_at.strftime('%Y%m%d')}"
