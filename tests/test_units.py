"""Units and official member counts: reading a unit list, a cell's possible answers, a unit's participation."""

import io
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from hpbot.domain.competition import GroupRanking, GroupTotals, possible_answers, rank_groups
from hpbot.domain.units import (
    ROWS_MAX,
    CellLine,
    ListedCell,
    UnitListError,
    fold,
    parse_unit_list,
    rank_units,
    unit_totals,
)
from hpbot.reports import unit_list
from hpbot.store import Store
from hpbot.store.units import Units

NOW = datetime(2026, 12, 10, 3, 0, tzinfo=UTC)

HEADER = ("Đơn vị cấp trên", "Chi bộ", "Số đảng viên", "Mã")


def reasons(error: UnitListError) -> list[tuple[int, str, str]]:
    return [(e.line, e.reason, e.value) for e in error.errors]


# possible answers ------------------------------------------------------------------------------------------------
def test_an_official_count_counts_every_study_day_of_the_contest_whenever_the_cell_joined():
    # joined for the last 2 of 10 study days, 20 official members: 200 possible answers, not 40
    assert possible_answers(20, member_days=36, days=2, contest_days=10, members=18) == 200


def test_without_an_official_count_missed_days_count_with_the_latest_member_count():
    # posts counted 5 + 6 members on its 2 days; 8 contest days missed at 6 members
    assert possible_answers(None, member_days=11, days=2, contest_days=10, members=6) == 11 + 8 * 6


def test_removing_members_from_the_chat_does_not_raise_a_rate_with_an_official_count():
    before = GroupTotals(1, "A", answers=30, member_days=100, points=0, members=10, days=10, contest_days=10)
    after = GroupTotals(1, "A", answers=30, member_days=40, points=0, members=4, days=10, contest_days=10)
    assert after.participation > before.participation  # without an official count the purge pays
    official = [
        GroupTotals(1, "A", 30, md, 0, m, days=10, contest_days=10, official=10)
        for md, m in ((100, 10), (40, 4))
    ]
    assert official[0].participation == official[1].participation == 0.3


def test_a_late_joiner_at_full_attendance_does_not_top_a_cell_that_studied_every_day():
    early = GroupTotals(
        1, "Sớm", answers=70, member_days=100, points=700, members=10, days=10, contest_days=10
    )
    late = GroupTotals(2, "Muộn", answers=10, member_days=10, points=100, members=10, days=1, contest_days=10)
    assert late.participation == pytest.approx(0.1)
    assert [g.chat_id for _, g in rank_groups([late, early])] == [1, 2]


def test_participation_never_exceeds_one_hundred_percent():
    g = GroupTotals(
        1, "A", answers=15, member_days=15, points=0, members=15, days=1, contest_days=1, official=10
    )
    assert g.counted == 10 and g.participation == 1.0


def test_without_contest_days_the_old_rule_holds():
    g = GroupTotals(1, "A", answers=9, member_days=15, points=0, members=5)
    assert g.possible == 15 and g.participation == pytest.approx(0.6)


# a unit's participation -----------------------------------------------------------------------------------------
def test_a_unit_sums_its_cells_and_counts_its_cells_not_yet_linked():
    groups = [
        GroupTotals(
            -1, "A", answers=40, member_days=0, points=5, members=9, days=5, contest_days=5, official=10
        ),
        GroupTotals(
            -2, "B", answers=10, member_days=0, points=1, members=9, days=5, contest_days=5, official=10
        ),
        GroupTotals(-3, "lẻ", answers=5, member_days=10, points=1, members=2, days=5, contest_days=5),
    ]
    cells = [
        ListedCell("Phường X", "A", 10, -1),
        ListedCell("Phường X", "C", 10, None),  # on the list, no group yet: 50 possible answers, none given
        ListedCell("Xã Y", "B", 10, -2),
    ]
    units = {u.unit: u for u in unit_totals(groups, cells, 5)}
    assert (units["Phường X"].answers, units["Phường X"].possible) == (40, 100)
    assert (units["Phường X"].cells, units["Phường X"].linked, units["Phường X"].official) == (2, 1, 20)
    assert units["Xã Y"].participation == pytest.approx(0.2)
    assert units[""].cells == 1 and units[""].possible == 10
    ranked = rank_units(list(units.values()))
    assert [(r, u.unit) for r, u in ranked] == [(1, "Phường X"), (2, "Xã Y"), (0, "")]


def test_units_of_equal_participation_share_a_rank():
    cells = [ListedCell("B", "1", 10, None), ListedCell("A", "2", 10, None)]
    ranked = rank_units(unit_totals([], cells, 3))
    assert [(r, u.unit) for r, u in ranked] == [(1, "A"), (1, "B")]


# reading a unit list ---------------------------------------------------------------------------------------------
def test_headers_are_recognised_with_or_without_diacritics_in_any_order_beside_other_columns():
    rows = [
        (),
        ("STT", "ma chi bo", "SO DANG VIEN", "Ghi chú", "chi bo", "Don vi cap tren"),
        (1, "hb-01", 25.0, "", "Chi bộ Khu 1", "Đảng bộ phường Hồng Bàng"),
        (2, " HB-02 ", "1.234", "x", "Chi bộ Khu 2", "Đảng bộ phường Hồng Bàng"),
        (None, None, None, None, None, None),
        (3, "AL-1", "", "", "Chi bộ thôn Đông", "Đảng bộ xã An Lão"),
    ]
    cells = parse_unit_list(rows)
    assert [(c.line, c.code, c.official, c.cell) for c in cells] == [
        (3, "HB-01", 25, "Chi bộ Khu 1"),
        (4, "HB-02", 1234, "Chi bộ Khu 2"),
        (6, "AL-1", None, "Chi bộ thôn Đông"),
    ]
    assert fold("  Số  Đảng viên ") == "so dang vien"


def test_missing_columns_are_named():
    with pytest.raises(UnitListError) as caught:
        parse_unit_list([("Chi bộ", "Số đảng viên"), ("A", 3)])
    assert reasons(caught.value) == [(1, "missing", "unit,code")]


def test_every_bad_row_is_named_and_nothing_is_returned():
    rows = [
        HEADER,
        ("Phường X", "Chi bộ 1", 10, "A1"),
        ("Phường X", "Chi bộ 2", "mười", "A2"),
        ("Phường X", "Chi bộ 3", -4, "A3"),
        ("", "Chi bộ 4", 5, "A4"),
        ("Phường X", "", 5, "A5"),
        ("Phường X", "Chi bộ 6", 5, "a1"),
        ("Phường X", "Chi bộ 7", 7.5, "A7"),
        ("Phường X", "chi bo 1", 5, "A8"),
        ("Phường X", "Chi bộ 9", 5, ""),
        ("Phường X", "Chi bộ 10", 5, "Mã có dấu"),
    ]
    with pytest.raises(UnitListError) as caught:
        parse_unit_list(rows)
    assert reasons(caught.value) == [
        (3, "count_bad", "mười"),
        (4, "count_negative", "-4"),
        (5, "unit_empty", ""),
        (6, "cell_empty", ""),
        (7, "code_duplicate", "A1|2"),
        (8, "count_bad", "7.5"),
        (9, "cell_duplicate", "chi bo 1|2"),
        (10, "code_empty", ""),
        (11, "code_bad", "MÃCÓDẤU"),
    ]


def test_an_empty_file_and_a_header_alone_are_refused():
    with pytest.raises(UnitListError) as caught:
        parse_unit_list([(), ("",)])
    assert reasons(caught.value) == [(0, "empty", "")]
    with pytest.raises(UnitListError) as caught:
        parse_unit_list([HEADER])
    assert reasons(caught.value) == [(1, "no_rows", "")]


def test_too_many_rows_are_refused():
    rows = [HEADER] + [("U", f"C{n}", 3, f"C{n}") for n in range(ROWS_MAX + 1)]
    with pytest.raises(UnitListError) as caught:
        parse_unit_list(rows)
    assert reasons(caught.value) == [(0, "too_many", str(ROWS_MAX))]


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_10000_row_xlsx_is_read_and_checked_fast():
    rows = [HEADER] + [
        (f"Đảng bộ {n // 20}", f"Chi bộ {n}", 10 + n % 30, f"CB{n:05d}") for n in range(10_000)
    ]
    data = xlsx(rows)
    started = time.perf_counter()
    cells = parse_unit_list(unit_list.read_rows("ds.xlsx", data))
    assert time.perf_counter() - started < 10
    assert len(cells) == 10_000 and cells[-1].code == "CB09999" and cells[-1].line == 10_001


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("\ufeffĐơn vị cấp trên;Chi bộ;Số đảng viên;Mã\r\nPhường X;Chi bộ 1;12;A1\r\n".encode(), "ds.csv"),
        ("Đơn vị cấp trên,Chi bộ,Số đảng viên,Mã\nPhường X,Chi bộ 1,12,A1\n".encode(), "ds.csv"),
        ("Don vi cap tren\tChi bo\tSo dang vien\tMa\nPhường X\tChi bộ 1\t12\tA1\n".encode(), "DS.CSV"),
    ],
)
def test_csv_with_semicolons_or_commas_with_or_without_a_bom(data, name):
    cells = parse_unit_list(unit_list.read_rows(name, data))
    assert [(c.unit, c.cell, c.official, c.code) for c in cells] == [("Phường X", "Chi bộ 1", 12, "A1")]


def test_a_file_that_is_neither_is_refused():
    with pytest.raises(unit_list.UnreadableFile):
        unit_list.read_rows("ds.pdf", b"%PDF-1.4")
    with pytest.raises(unit_list.UnreadableFile):
        unit_list.read_rows("ds.xlsx", b"PK\x03\x04 not a zip")


def test_the_template_reads_back_as_a_valid_list():
    data = unit_list.template_xlsx()
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == list(HEADER)
    assert len(parse_unit_list(unit_list.read_rows("mau.xlsx", data))) == 3


def test_the_unit_chart_is_meeting_ready_and_keeps_every_text_on_the_canvas():
    from hpbot.reports import charts

    cells = [
        ListedCell(f"Đảng bộ phường Hồng Bàng và các cơ quan trực thuộc số {n}", f"C{n}", 10 + n, None)
        for n in range(30)
    ]
    groups = [
        GroupTotals(
            -n,
            f"C{n}",
            answers=5 * n,
            member_days=0,
            points=n,
            members=9,
            days=3,
            contest_days=3,
            official=10 + n,
        )
        for n in range(1, 30)
    ]
    linked = [ListedCell(c.unit, c.cell, c.official, -n if n else None) for n, c in enumerate(cells)]
    ranked = rank_units(unit_totals(groups, linked, 3))
    figure = charts.units_figure(
        ranked, "Tỷ lệ tham gia theo đơn vị cấp trên — " + "Cuộc thi rất dài " * 8, at="20:00 03/12/2026"
    )
    assert charts.outside(figure) == []
    png = charts.unit_ranking(ranked, "Theo đơn vị", at="20:00 03/12/2026")
    from PIL import Image

    width, height = Image.open(io.BytesIO(png)).size
    assert width >= 1600 and height > 400


cell_rows = st.lists(
    st.tuples(
        st.integers(0, 60),  # answers
        st.integers(0, 40),  # member-days counted at posts
        st.integers(0, 6),  # days the group studied
        st.integers(0, 600),  # points
        st.integers(0, 12),  # members in the chat
        st.one_of(st.none(), st.integers(1, 12)),  # official count of its cell
    ),
    min_size=1,
    max_size=20,
)


@settings(max_examples=120, deadline=None)
@given(cell_rows, st.integers(0, 6))
def test_a_groups_rank_found_in_the_kept_ranking_agrees_with_rank_groups_with_official_counts_and_missed_days(
    rows, extra_days
):
    """The board's rank (counted in SQL) and the organizer's ranking (in Python) apply the same participation rule:
    official counts, days missed before joining, never above 100 %."""
    store = Store.memory()
    comp = store.competitions.create("Thi đua", date(2026, 12, 1), date(2026, 12, 31), 1, NOW)
    contest_days = max(r[2] for r in rows) + extra_days
    for n in range(contest_days):
        store.db.execute(
            "INSERT INTO competition_days (competition_id, study_date) VALUES (?, ?)",
            [comp.id, (date(2026, 12, 1) + timedelta(days=n)).isoformat()],
        )
    cells = []
    for index, (answers, member_days, days, points, members, official) in enumerate(rows):
        chat_id = -1 - index
        store.touch_group(chat_id, f"Chi bộ {index}", "group", NOW)
        store.db.execute("UPDATE groups SET member_count = ? WHERE chat_id = ?", [members, chat_id])
        store.db.execute(
            "INSERT INTO competition_groups (competition_id, chat_id, joined_at) VALUES (?, ?, ?)",
            [comp.id, chat_id, NOW.isoformat()],
        )
        store.db.execute(
            "INSERT INTO competition_group_scores (competition_id, chat_id, answers, member_days, points, answer_ms, "
            "days) VALUES (?, ?, ?, ?, ?, 0, ?)",
            [comp.id, chat_id, answers, member_days, points, days],
        )
        cells.append(CellLine(index + 2, "Phường A", f"Chi bộ {index}", official, f"C{index}"))
    units = Units(store.db)
    units.replace(comp.id, cells)
    for index in range(len(rows)):
        assert units.link(comp.id, f"C{index}", -1 - index, NOW)
    expected = {g.chat_id: (r, g) for r, g in rank_groups(store.competitions.group_totals(comp))}
    assert all(g.contest_days == contest_days and g.participation <= 1 for _, g in expected.values())
    kept = GroupRanking(store.competitions.group_totals(comp))  # a group's rank as the board finds it
    assert len(kept) == len(rows)
    for chat_id, (position, totals) in expected.items():
        assert kept.rank_of(chat_id) == (position, totals)
    store.close()


def naive_rank(groups):
    """rank_groups as it was written first: every key an exact fraction."""
    from hpbot.domain.competition import group_order

    keyed = sorted(
        ((group_order(g), g) for g in groups),
        key=lambda kg: (-kg[0][0], -kg[0][1], kg[1].answer_ms, kg[1].chat_id),
    )
    ranked = []
    for index, (key, g) in enumerate(keyed):
        same = index > 0 and keyed[index - 1][0] == key
        ranked.append((ranked[-1][0] if same else index + 1, g))
    return ranked


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**7),
            st.integers(1, 10**7),
            st.integers(0, 10**6),
            st.integers(1, 3),
            st.one_of(st.none(), st.integers(1, 10**5)),
            st.integers(0, 3),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_ranking_by_floats_agrees_with_exact_fractions(rows):
    groups = [
        GroupTotals(
            -n,
            "x",
            answers=a,
            member_days=md,
            points=p,
            members=m,
            answer_ms=ms,
            official=o,
            days=1,
            contest_days=1,
        )
        for n, (a, md, p, m, o, ms) in enumerate(rows)
    ]
    # near-equal rates: a/b and (a+1)/(b+1) for large b, and exact ties
    groups += [
        GroupTotals(-1000, "y", 10**7 - 1, 10**7, 0, 1),
        GroupTotals(-1001, "z", 10**7 - 2, 10**7 - 1, 0, 1),
    ]
    groups += [GroupTotals(-1002, "t", 3, 6, 30, 3), GroupTotals(-1003, "u", 4, 8, 40, 4)]
    assert [(r, g.chat_id) for r, g in rank_groups(groups)] == [(r, g.chat_id) for r, g in naive_rank(groups)]


def test_a_linked_group_that_becomes_a_supergroup_keeps_its_cell():
    """Telegram gives a group a new id when it becomes a supergroup; its cell of the unit list moves with it, so its
    official count and unit still apply and the new id is not refused as taking a cell that is taken."""
    store = Store.memory()
    comp = store.competitions.create("Thi đua", date(2026, 12, 1), date(2026, 12, 31), 1, NOW)
    store.touch_group(-1, "Chi bộ 1", "group", NOW)
    store.competitions.join_many(comp.id, [-1], NOW)
    units = Units(store.db)
    units.replace(comp.id, [CellLine(2, "Phường A", "Chi bộ 1", 12, "C1")])
    assert units.link(comp.id, "C1", -1, NOW)
    assert store.migrate_chat(-1, -1001, NOW)
    cell = units.of_chat(comp.id, -1001)
    assert cell is not None and cell.code == "C1" and units.of_chat(comp.id, -1) is None
    (totals,) = store.competitions.group_totals(comp)
    assert (totals.chat_id, totals.official, totals.unit) == (-1001, 12, "Phường A")
    store.close()
