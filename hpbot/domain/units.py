"""Units and official member counts: reading an organizer's unit list (higher-level unit, cell, official member
count, enrolment code per cell) and a unit's participation, summed over its cells.

The list arrives as rows of cells (a spreadsheet's or a CSV file's, read by `hpbot/reports/unit_list.py`): the
first non-empty row holds the headers, recognised in Vietnamese with or without diacritics ("Đơn vị cấp trên",
"Chi bộ", "Số đảng viên", "Mã"), in any order and beside other columns. Every error is collected with its row
number as the spreadsheet shows it, and the list is refused whole when there is one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from hpbot.domain.competition import GroupTotals
from hpbot.errors import InputError

ROWS_MAX = 20_000  # cells in one list (the city has a few thousand)
NAME_MAX = 150
CODE_MAX = 20
OFFICIAL_MAX = 100_000
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]*$")

UNIT, CELL, OFFICIAL, CODE = "unit", "cell", "official", "code"
FIELDS = (UNIT, CELL, OFFICIAL, CODE)
# each field's header names, compared as `fold` writes them (no diacritics, lower case, single spaces)
HEADERS: dict[str, frozenset[str]] = {
    UNIT: frozenset(
        (
            "don vi cap tren",
            "don vi",
            "dang bo",
            "dang bo cap tren",
            "dang bo co so",
            "dang bo xa phuong",
            "dang bo xa phuong co quan",
            "co quan",
            "unit",
        )
    ),
    CELL: frozenset(("chi bo", "ten chi bo", "chi bo truc thuoc", "cell")),
    OFFICIAL: frozenset(
        (
            "so dang vien",
            "so luong dang vien",
            "so dang vien chinh thuc",
            "dang vien",
            "so thanh vien",
            "official",
            "members",
        )
    ),
    CODE: frozenset(("ma", "ma chi bo", "ma tham gia", "ma dang ky", "ma gan", "code")),
}


@dataclass(frozen=True)
class CellLine:
    """One cell of a unit list; `line` is its row in the file."""

    line: int
    unit: str
    cell: str
    official: int | None
    code: str


@dataclass(frozen=True)
class RowError:
    line: int  # the file's row (1 = the first); 0 for the file as a whole
    reason: str  # a key of hpbot.texts.units.ROW_ERRORS
    value: str = ""


class UnitListError(InputError):
    """A unit list the rules refuse; `errors` name the rows."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def fold(text: str) -> str:
    """'Số Đảng viên ' -> 'so dang vien': no diacritics (đ as d), lower case, words split at anything else."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def normalize_code(text: str) -> str:
    return "".join(str(text).split()).upper()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _count(value: object) -> tuple[int | None, str | None]:
    """An official count as typed: (count, None), (None, None) when blank, (None, reason) when refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, "count_bad"
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None, "count_bad"
        number = int(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        match = re.fullmatch(r"([+-]?)(\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,]0+)?", text)
        if not match:
            return None, "count_bad"
        number = int(re.sub(r"[.,]", "", match.group(2)))
        if match.group(1) == "-":
            number = -number
    if number < 1:
        return None, "count_negative"
    if number > OFFICIAL_MAX:
        return None, "count_big"
    return number, None


def _columns(header: Sequence[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(header):
        name = fold(_text(value))
        for field_name, names in HEADERS.items():
            if name in names and field_name not in found:
                found[field_name] = index
    return found


def parse_unit_list(rows: Iterable[Sequence[object]]) -> list[CellLine]:
    """The cells of a unit list, in file order; raises UnitListError naming every refused row."""
    numbered = ((n, row) for n, row in enumerate(rows, 1))
    header_line, header = next(((n, r) for n, r in numbered if any(_text(v) for v in r)), (0, []))
    if not header_line:
        raise UnitListError([RowError(0, "empty")])
    columns = _columns(header)
    missing = [f for f in FIELDS if f not in columns]
    if missing:
        raise UnitListError([RowError(header_line, "missing", ",".join(missing))])
    errors: list[RowError] = []
    cells: list[CellLine] = []
    codes: dict[str, int] = {}
    names: dict[tuple[str, str], int] = {}
    for n, row in numbered:
        values = {f: (row[i] if i < len(row) else None) for f, i in columns.items()}
        if not any(_text(v) for v in values.values()):
            continue  # a blank line between blocks
        if len(cells) + len(errors) >= ROWS_MAX:
            raise UnitListError([RowError(0, "too_many", str(ROWS_MAX))])
        unit, cell = _text(values[UNIT]), _text(values[CELL])
        code = normalize_code(_text(values[CODE]))
        official, count_error = _count(values[OFFICIAL])
        before = len(errors)
        if not unit:
            errors.append(RowError(n, "unit_empty"))
        elif len(unit) > NAME_MAX:
            errors.append(RowError(n, "name_long", unit[:40]))
        if not cell:
            errors.append(RowError(n, "cell_empty"))
        elif len(cell) > NAME_MAX:
            errors.append(RowError(n, "name_long", cell[:40]))
        if count_error:
            errors.append(RowError(n, count_error, _text(values[OFFICIAL])[:40]))
        if not code:
            errors.append(RowError(n, "code_empty"))
        elif len(code) > CODE_MAX or not _CODE.match(code):
            errors.append(RowError(n, "code_bad", code[:40]))
        elif code in codes:
            errors.append(RowError(n, "code_duplicate", f"{code}|{codes[code]}"))
        else:
            codes[code] = n
        key = (fold(unit), fold(cell))
        if unit and cell and key in names:
            errors.append(RowError(n, "cell_duplicate", f"{cell}|{names[key]}"))
        elif unit and cell:
            names[key] = n
        if len(errors) == before:
            cells.append(CellLine(n, unit, cell, official, code))
    if errors:
        raise UnitListError(errors)
    if not cells:
        raise UnitListError([RowError(header_line, "no_rows")])
    return cells


# a unit's participation ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ListedCell:
    """A cell of the imported list as the standings read it: which group is linked to it (None: none yet)."""

    unit: str
    cell: str
    official: int | None
    chat_id: int | None


@dataclass(frozen=True)
class UnitTotals:
    unit: str  # "" for the groups not linked to a cell of the list
    cells: int  # cells on the list (or groups, for "")
    linked: int  # of them, linked to a group in the competition
    official: int  # official members of its cells (those with a count)
    answers: int  # counted answers of its linked cells
    possible: int  # possible answers of every cell on the list
    points: int

    @property
    def participation(self) -> float:
        return self.answers / self.possible if self.possible else 0.0

    @property
    def order(self) -> Fraction:
        return Fraction(self.answers, self.possible) if self.possible else Fraction(0)


def unit_totals(
    groups: Sequence[GroupTotals], cells: Sequence[ListedCell], contest_days: int
) -> list[UnitTotals]:
    """Each unit's participation: the answers of its cells ÷ the possible answers of every cell of it on the list.
    A listed cell no group is linked to yet counts its official members on every study day (none answered); the
    groups linked to no listed cell form the unit "". One pass over the groups: fast for 10,000 cells."""
    by_chat = {g.chat_id: g for g in groups}
    sums: dict[str, list[int]] = {}  # unit -> cells, linked, official, answers, possible, points
    for cell in cells:
        s = sums.setdefault(cell.unit, [0, 0, 0, 0, 0, 0])
        s[0] += 1
        s[2] += cell.official or 0
        group = by_chat.get(cell.chat_id) if cell.chat_id is not None else None
        if group is None:
            s[4] += (cell.official or 0) * contest_days
            continue
        s[1] += 1
        s[3] += group.counted
        s[4] += group.possible
        s[5] += group.points
    listed = {c.chat_id for c in cells if c.chat_id is not None}
    for group in groups:
        if group.chat_id in listed:
            continue
        s = sums.setdefault("", [0, 0, 0, 0, 0, 0])
        s[0] += 1
        s[1] += 1
        s[3] += group.counted
        s[4] += group.possible
        s[5] += group.points
    return [UnitTotals(unit, *s) for unit, s in sums.items()]


def rank_units(units: Sequence[UnitTotals]) -> list[tuple[int, UnitTotals]]:
    """By participation (exactly), equal rates sharing a rank; the groups of no unit ("") last, unranked (0)."""
    listed = sorted((u for u in units if u.unit), key=lambda u: (-u.order, fold(u.unit), u.unit))
    ranked: list[tuple[int, UnitTotals]] = []
    for index, u in enumerate(listed):
        same = index > 0 and listed[index - 1].order == u.order
        ranked.append((ranked[-1][0] if same else index + 1, u))
    ranked += [(0, u) for u in units if not u.unit]
    return ranked
