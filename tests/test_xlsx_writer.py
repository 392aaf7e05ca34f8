"""The export's .xlsx writer (hpbot/reports/xlsx.py), read back with openpyxl (not read-only, so that styles,
widths, panes and filters show)."""

from __future__ import annotations

import csv
import io
import threading
import zipfile
from datetime import date, datetime
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from hpbot.reports import workbook, xlsx
from hpbot.reports.workbook import COUNT_FORMAT, MEAN_FORMAT, PERCENT_FORMAT, Table

PEOPLE = Table(
    "Thành viên",
    "thanh-vien",
    ["Hạng", "Họ và tên", "Điểm", "Tỷ lệ (%)", "Bình quân", "Ngày", "Lần cuối", "Đúng hết"],
    [
        [1, "Nguyễn Thị Lan", 1200, 87.3, 12.25, date(2026, 11, 30), datetime(2026, 12, 1, 20, 5), True],
        [2, "=1+1", 0, 0.0, 0.5, date(1900, 1, 1), None, False],
        [3, "Hùng \x07Trần <b>&amp;</b>", -5, 100.0, 3.0, None, datetime(2026, 1, 2, 0, 0, 59), None],
        [None, "  lề  ", 7, 12.5, None, date(2026, 3, 1), datetime(2026, 12, 31, 23, 59), True],
        [5, "", 1_234_567, 33.3, 1.0, date(2026, 11, 30), None, None],
    ],
    [7, 30, 8, 18, 24, 12, 18, 9],
    [None, None, COUNT_FORMAT, PERCENT_FORMAT, MEAN_FORMAT, None, None, None],
)
MIXED = Table(  # the info sheet's shape: a label and a value of any kind per line
    "Thông tin",
    "thong-tin",
    ["Mục", "Nội dung"],
    [["Tên", "Tuần đầu"], ["Từ ngày", date(2026, 11, 30)], ["Số nhóm", 2], ["Tỷ lệ", 87.5], ["Trống", None]],
    [28, 90],
)
EMPTY = Table("Đáp án", "dap-an", ["Ngày", "Câu"], [], [12, 7])


def written(tables: list[Table], **kwargs) -> bytes:
    buffer = io.BytesIO()
    workbook.write_xlsx(tables, buffer, **kwargs)
    return buffer.getvalue()


def test_values_types_and_formats_read_back_as_written():
    book = load_workbook(io.BytesIO(written([MIXED, PEOPLE, EMPTY])))
    assert book.sheetnames == ["Thông tin", "Thành viên", "Đáp án"]
    sheet = book["Thành viên"]
    assert [c.value for c in sheet[1]] == PEOPLE.headers
    got = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert got == [
        [1, "Nguyễn Thị Lan", 1200, 87.3, 12.25, datetime(2026, 11, 30), datetime(2026, 12, 1, 20, 5), True],
        [2, "=1+1", 0, 0, 0.5, datetime(1900, 1, 1), None, False],
        [3, "Hùng Trần <b>&amp;</b>", -5, 100, 3, None, datetime(2026, 1, 2, 0, 0, 59), None],
        [None, "  lề  ", 7, 12.5, None, datetime(2026, 3, 1), datetime(2026, 12, 31, 23, 59), True],
        [5, None, 1_234_567, 33.3, 1, datetime(2026, 11, 30), None, None],
    ]
    assert sheet["B3"].data_type == "s" and sheet["B3"].value == "=1+1"  # text, never a formula
    assert isinstance(sheet["A2"].value, int) and isinstance(sheet["D2"].value, float)
    assert sheet["H2"].data_type == "b"
    assert [sheet.cell(row=2, column=c).number_format for c in range(1, 9)] == [
        "General",
        "General",
        COUNT_FORMAT,
        PERCENT_FORMAT,
        MEAN_FORMAT,
        "DD/MM/YYYY",
        "DD/MM/YYYY HH:MM",
        "General",
    ]
    assert sheet["C6"].number_format == COUNT_FORMAT and sheet["F5"].number_format == "DD/MM/YYYY"
    info = book["Thông tin"]
    assert [[c.value for c in row] for row in info.iter_rows(min_row=2)] == [
        ["Tên", "Tuần đầu"],
        ["Từ ngày", datetime(2026, 11, 30)],
        ["Số nhóm", 2],
        ["Tỷ lệ", 87.5],
        ["Trống", None],
    ]
    assert info["B3"].number_format == "DD/MM/YYYY" and info["B4"].number_format == "General"


def test_header_widths_wrap_pane_and_filter():
    book = load_workbook(io.BytesIO(written([PEOPLE, EMPTY])))
    sheet = book["Thành viên"]
    for cell in sheet[1]:
        assert cell.font.b and cell.alignment.wrap_text and cell.alignment.vertical == "top"
    assert not sheet["B2"].font.b
    assert sheet["B2"].alignment.wrap_text and sheet["B2"].alignment.vertical == "top"  # width 30: wraps
    assert not sheet["C2"].alignment.wrap_text and not sheet["A2"].alignment.wrap_text
    assert [sheet.column_dimensions[xlsx.column_letter(i)].width for i in range(1, 9)] == PEOPLE.widths
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H6"
    empty = book["Đáp án"]
    assert [c.value for c in empty[1]] == ["Ngày", "Câu"] and empty.max_row == 1
    assert empty.freeze_panes == "A2" and not empty.auto_filter.ref  # no rows: no filter
    assert [empty.column_dimensions[c].width for c in "AB"] == [12, 7]


def test_characters_xml_cannot_hold_are_dropped():
    text = "".join(chr(c) for c in range(32)) + "ok\ufffe\uffff\ud800"
    assert ILLEGAL_CHARACTERS_RE.sub("", "a\x00\x07\x1fb\tc\nd\re") == workbook._clean(
        "a\x00\x07\x1fb\tc\nd\re"
    )
    book = load_workbook(io.BytesIO(written([Table("T", "t", ["x"], [[text], ["\x01\x02"]], [40])])))
    assert book["T"]["A2"].value == "\t\n\rok" and book["T"]["A3"].value is None
    long = load_workbook(io.BytesIO(written([Table("T", "t", ["x"], [["a" * 40_000]], [40])])))
    assert long["T"]["A2"].value == "a" * xlsx.TEXT_LIMIT  # Excel's limit, as openpyxl cut it


def test_a_sheet_past_the_row_limit_continues_on_a_numbered_sheet():
    rows = [[n, f"người {n}"] for n in range(1, 11)]
    table = Table("Thành viên", "thanh-vien", ["Hạng", "Tên"], rows, [7, 30])
    seen: list[int] = []
    data = written([table, EMPTY], row_limit=4, progress=seen.append)
    assert sum(seen) == 10
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Thành viên", "Thành viên (2)", "Thành viên (3)", "Thành viên (4)", "Đáp án"]
    back = []
    for name in book.sheetnames[:4]:
        sheet = book[name]
        assert [c.value for c in sheet[1]] == ["Hạng", "Tên"] and sheet.freeze_panes == "A2"
        assert sheet.max_row <= 4 and sheet.auto_filter.ref == f"A1:B{sheet.max_row}"
        back += [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert back == rows
    assert xlsx.EXCEL_ROWS == 1_048_576


def test_sheet_names_are_made_valid_and_distinct():
    long = "Một tên trang tính dài hơn ba mươi mốt ký tự"
    names = xlsx.sheet_names([long, long, "a/b:c*?[d]", "'x'", "Nhóm", "NHÓM"])
    assert names[0] == long[:31] and names[1] == long[:27] + " (2)"
    assert names[2:] == ["a_b_c___d_", "x", "Nhóm", "NHÓM (2)"]
    assert all(len(n) <= 31 for n in names)
    tables = [Table(n, "s", ["x"], [[1]], [8]) for n in [long, long, "O'Brien & <Co>"]]
    book = load_workbook(io.BytesIO(written(tables)))
    assert book.sheetnames == [long[:31], long[:27] + " (2)", "O'Brien & <Co>"]
    assert book["O'Brien & <Co>"].auto_filter.ref == "A1:A2"


def test_the_file_is_a_zip_whose_every_part_parses():
    data = written([MIXED, PEOPLE, EMPTY], row_limit=3)  # two rows a sheet: 3 + 3 + 1 sheets
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert book.testzip() is None
        names = book.namelist()
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} <= set(
            names
        )
        assert {"xl/styles.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"} <= set(names)
        for name in names:
            ElementTree.fromstring(book.read(name))  # every part is well-formed XML
        types = book.read("[Content_Types].xml").decode()
        sheets = [n for n in names if n.startswith("xl/worksheets/")]
        assert len(sheets) == 3 + 3 + 1 and all(f"/{n}" in types for n in sheets)


@pytest.mark.parametrize("delimiter", [workbook.COMMA, workbook.SEMICOLON])
def test_csv_of_the_same_table_keeps_formula_text_as_text(delimiter):
    text = workbook.csv_bytes(PEOPLE, delimiter).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert [r[1] for r in rows[1:4]] == ["Nguyễn Thị Lan", "'=1+1", "Hùng Trần <b>&amp;</b>"]


def test_the_export_pauses_the_collector_and_restores_it():
    import gc

    from hpbot.app.bulk import collections_paused

    assert gc.isenabled()
    with collections_paused():
        assert not gc.isenabled()
        with collections_paused():  # nested (another export in another thread): still paused after the inner
            pass
        assert not gc.isenabled()
        written([PEOPLE])  # the writer pauses too
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:  # off before: stays off
        with collections_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("delimiter", [workbook.COMMA, workbook.SEMICOLON])
def test_a_csv_export_drops_what_utf8_cannot_encode_instead_of_failing(delimiter):
    """A Telegram name may carry a lone surrogate (JSON's "\\ud800"): the workbook drops it; the CSV file must too,
    not fail to encode and lose the organizer's whole export."""
    table = Table("T", "t", ["Họ và tên"], [["Lan\ud800 \x07Anh\ufffe"]], [30])
    text = workbook.csv_bytes(table, delimiter).decode("utf-8-sig")
    assert text.splitlines()[1] == "Lan Anh"


class FullDisk(io.BytesIO):
    """A target that takes `room` bytes, then fails as a full disk does (and says in which thread)."""

    def __init__(self, room: int) -> None:
        super().__init__()
        self.room = room
        self.failed_in = ""

    def write(self, data) -> int:
        if self.tell() + len(data) > self.room:
            self.failed_in = self.failed_in or threading.current_thread().name  # the first failure
            raise OSError(28, "No space left on device")
        return super().write(data)


@pytest.mark.parametrize(
    "rows, failed_in",
    [
        (10, "MainThread"),
        (200_000, "xlsx-deflate"),
    ],  # met as the sheet ends, or while its rows are still made
)
def test_a_sheet_deflated_on_its_own_thread_raises_the_targets_error_in_the_writer(rows, failed_in):
    columns = (["Số", "Tên"], [8, 20], [None, None], [False, False])
    sheet = xlsx.Sheet("Số", columns[0], [[n, f"Tên {n}"] for n in range(rows)], *columns[1:])
    empty = io.BytesIO()
    xlsx.write([xlsx.Sheet("Số", columns[0], [], *columns[1:])], empty)
    full = FullDisk(len(empty.getvalue()))  # room for an empty workbook: the sheet's rows do not fit
    with pytest.raises(OSError, match="No space left"):
        xlsx.write([sheet], full)
    assert full.failed_in == failed_in
    target = io.BytesIO()
    xlsx.write([sheet], target)  # and with room, the same sheet reads back whole
    assert load_workbook(target, read_only=True)["Số"].max_row == rows + 1
