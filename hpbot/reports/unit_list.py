"""Reading an organizer's unit list file (.xlsx or .csv) into rows of cells, and the template the bot sends.

.xlsx: the first sheet, values as stored (openpyxl, read-only). .csv: UTF-8 with or without a byte-order mark
(Excel's "CSV UTF-8"), else Windows-1258/1252 as older Excel writes; the delimiter is ";" (Excel set to Vietnamese)
or "," (or a tab), whichever the header line holds most of. The rows go to hpbot.domain.units.parse_unit_list.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from hpbot.texts import units as unit_texts

FILE_MAX = 10 * 1024 * 1024  # bytes: a list of 20,000 cells is under 1 MB


class UnreadableFile(Exception):
    """Not an .xlsx or .csv file this reader can open."""


def read_rows(file_name: str, data: bytes) -> list[Sequence[object]]:
    name = file_name.lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return _xlsx_rows(data)
    if name.endswith((".csv", ".txt")) or not name.rpartition(".")[1]:
        return _csv_rows(data)
    raise UnreadableFile(file_name)


def _xlsx_rows(data: bytes) -> list[Sequence[object]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFile(str(exc)) from None
    try:
        sheet = book.worksheets[0]
        return [tuple(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    for encoding in ("utf-8", "cp1258", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("encoding")


def _csv_rows(data: bytes) -> list[Sequence[object]]:
    if b"\x00" in data[:4096]:
        raise UnreadableFile("binary")
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise UnreadableFile("encoding") from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    return [tuple(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def template_xlsx() -> bytes:
    """A sample list: the four headers and three example cells."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = unit_texts.TEMPLATE_SHEET
    sheet.append([unit_texts.FIELD_NAMES[f] for f in ("unit", "cell", "official", "code")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in unit_texts.TEMPLATE_ROWS:
        sheet.append(list(row))
    for letter, width in zip("ABCD", (36, 36, 16, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
