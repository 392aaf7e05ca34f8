"""Competitions below Telegram: input rules, fair ranking, store windows and bulletin claims, workbook, CSV, charts,
and the `hpbot export` command."""

import csv
import io
import sqlite3
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from PIL import Image

from hpbot.app.competitions import CompetitionService, DayStat, question_rates
from hpbot.app.units import UnitService
from hpbot.cli import main as cli
from hpbot.clock import FakeClock
from hpbot.content import load_bank
from hpbot.domain.competition import (
    CompetitionInputError,
    GroupRanking,
    GroupTotals,
    parse_day,
    parse_spec,
    previous_week,
    rank_groups,
)
from hpbot.reports import charts, workbook
from hpbot.store import Store
from hpbot.store.migrations import migrate

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # Monday 08:00 in Hai Phong


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Thi đua | 01/12/2026 | 31/12/2026", ("Thi đua", date(2026, 12, 1), date(2026, 12, 31))),
        ("  Quý   IV |1/12/2026|1-12-2026 ", ("Quý IV", date(2026, 12, 1), date(2026, 12, 1))),
        ("A | 29.02.2028 | 01.03.2028", ("A", date(2028, 2, 29), date(2028, 3, 1))),
    ],
)
def test_competition_spec_reads_what_organizers_type(text, expected):
    spec = parse_spec(text)
    assert (spec.name, spec.start, spec.end) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("Thi đua 01/12/2026 31/12/2026", "format"),
        ("A | B | C | D", "format"),
        (" | 01/12/2026 | 02/12/2026", "name"),
        ("A | 2026-12-01 | 02/12/2026", "date"),
        ("A | 31/11/2026 | 02/12/2026", "date"),
        ("A | 03/12/2026 | 02/12/2026", "order"),
        ("X" * 121 + " | 01/12/2026 | 02/12/2026", "name_long"),
    ],
)
def test_competition_spec_errors_name_the_problem(text, reason):
    with pytest.raises(CompetitionInputError) as err:
        parse_spec(text)
    assert err.value.reason == reason


def test_day_and_week_rules():
    assert parse_day("7/1/2027") == date(2027, 1, 7)
    assert previous_week(date(2026, 12, 7)) == (date(2026, 11, 30), date(2026, 12, 6))  # a Monday
    assert previous_week(date(2026, 12, 13)) == (date(2026, 11, 30), date(2026, 12, 6))  # the Sunday after


def test_groups_rank_by_participation_then_mean_points_not_by_size():
    small = GroupTotals(-1, "Nhỏ", answers=9, member_days=15, points=100, members=5)
    big = GroupTotals(-2, "Lớn", answers=12, member_days=33, points=400, members=11)
    tie = GroupTotals(-3, "Bằng", answers=18, member_days=30, points=150, members=10)  # 60 %, 15 points each
    ranked = rank_groups([big, small, tie])
    assert [(r, g.title) for r, g in ranked] == [(1, "Nhỏ"), (2, "Bằng"), (3, "Lớn")]
    assert small.participation == pytest.approx(0.6) and small.mean_points == 20
    same = GroupTotals(-4, "Như nhỏ", answers=9, member_days=15, points=100, members=5)
    assert [r for r, _ in rank_groups([small, same])] == [1, 1]


def seeded(tmp_path, other_item_on: int | None = None):
    """Two groups, a competition over the first week of December, answers in and out of its window. On the day
    `other_item_on` days after 30/11, the second group is asked another item of the question."""
    store = Store.open(tmp_path / "c.sqlite3")
    bank = load_bank()
    for chat_id, title in ((-1, "Chi bộ =A"), (-2, "Chi bộ B")):
        store.touch_group(chat_id, title, "group", NOW)
        store.set_status(chat_id, "active", NOW)
    store.touch_user(7, "Lan", None, None, NOW)
    store.touch_user(8, "Hùng", "\x07Trần", None, NOW)
    for offset in range(-2, 7):  # 28/11 .. 06/12
        day = date(2026, 11, 30) + timedelta(days=offset)
        for chat_id in (-1, -2):
            item = bank.items_for(1)[1 if chat_id == -2 and offset == other_item_on else 0]
            rnd = store.insert_round(
                chat_id, day, 1, item.id, datetime(day.year, day.month, day.day, 13, tzinfo=UTC)
            )
            store.mark_posted(rnd.id, 100 + rnd.seq, datetime(day.year, day.month, day.day, 0, tzinfo=UTC))
            store.set_member_count(rnd.id, chat_id, 4)
            rnd = store.round(rnd.id)
            store.record_answer(
                rnd,
                7 if chat_id == -1 else 8,
                item.answer,
                True,
                15,
                datetime(day.year, day.month, day.day, 0, 5, tzinfo=UTC),
                300_000,
            )
            store.close_round(rnd.id, datetime(day.year, day.month, day.day, 13, tzinfo=UTC))
            store.finish_reveal(rnd.id)
    comp = store.competitions.create("Tuần đầu", date(2026, 11, 30), date(2026, 12, 6), 1, NOW)
    store.competitions.join(comp.id, -1, NOW)
    store.competitions.join(comp.id, -2, NOW)
    service = CompetitionService(store, bank, FakeClock(NOW), TZ, frozenset({1}))
    return store, service, comp


def test_the_reports_answer_key_counts_each_item_a_day_as_the_sql_does(tmp_path):
    store, service, comp = seeded(tmp_path, other_item_on=2)
    report = service.report(comp)
    assert report.answer_key == service.answer_key(comp)
    # /ketqua's rates, read without the report's per-day rows
    assert service.question_rates(comp) == question_rates(report.days) == [(1, 14, 14)]
    day = date(2026, 12, 2)
    asked = sorted((k.stem, k.groups) for k in report.answer_key if k.study_date == day)
    items = load_bank().items_for(1)[:2]
    assert asked == sorted((item.stem, 1) for item in items)  # two items that day, one group each
    assert len(report.answer_key) == 8 and [k.study_date for k in report.answer_key] == sorted(
        k.study_date for k in report.answer_key
    )
    store.close()


def test_a_snapshot_reads_one_moment_refuses_writes_and_may_be_read_from_another_thread(tmp_path):
    store, service, comp = seeded(tmp_path)
    with store.snapshot() as snap:
        assert snap is not store and snap.group(-1).title == "Chi bộ =A"
        store.touch_group(-1, "Chi bộ đổi tên", "group", NOW)  # the bot writes beside it
        store.touch_group(-3, "Chi bộ mới", "group", NOW)
        assert snap.group(-1).title == "Chi bộ =A" and snap.group(-3) is None
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            snap.touch_group(-4, "X", "group", NOW)
    assert store.group(-1).title == "Chi bộ đổi tên"
    memory = Store.memory()
    with memory.snapshot() as same:  # no second connection to an in-memory database
        assert same is memory
    memory.close()
    store.close()


def test_work_apart_reads_its_own_snapshot_in_another_thread_and_leaves_the_kept_ranking_alone(tmp_path):
    store, service, comp = seeded(tmp_path)
    kept = service.ranking(comp)
    before = [(r, g.title) for r, g in kept.ranked()]
    run = service.apart(lambda snap: ([(r, g.title) for r, g in snap.ranked_groups(comp)], snap.report(comp)))
    store.touch_group(-2, "Chi bộ B mới", "group", NOW)  # after the copy, before the snapshot's first read
    assert service.detachable
    with ThreadPoolExecutor(1) as pool:
        ranked, report = pool.submit(run).result()
    assert sorted(t for _, t in ranked) == ["Chi bộ =A", "Chi bộ B mới"]  # brought up to its snapshot
    assert report.standings.groups and report.answer_key == service.answer_key(comp)
    assert [(r, g.title) for r, g in kept.ranked()] == before  # the copy changed, not the service's own
    assert sorted(g.title for _, g in service.ranked_groups(comp)) == ["Chi bộ =A", "Chi bộ B mới"]
    store.close()


def test_windows_reports_and_bulletin_claims(tmp_path):
    store, service, comp = seeded(tmp_path)
    st = service.standings(comp)
    assert [(m.standing.user_id, m.standing.points, m.standing.answers) for _, m in st.members] == [
        (7, 105, 7),
        (8, 105, 7),
    ]
    assert [(g.answers, g.member_days) for _, g in st.groups] == [
        (7, 28),
        (7, 28),
    ]  # 28/11 and 29/11 left out
    report = service.report(comp)
    assert len(report.days) == 14 and len(report.answer_key) == 7
    assert {k.groups for k in report.answer_key} == {2}
    assert report.answer_key == service.answer_key(comp)  # counted from the day rows, as the SQL counts them

    due = service.bulletins_due()
    assert sorted((c.id, chat, week) for c, chat, week in due) == [
        (comp.id, -2, date(2026, 11, 30)),
        (comp.id, -1, date(2026, 11, 30)),
    ]
    assert service.claim_bulletin(comp, -1, date(2026, 11, 30))
    assert not service.claim_bulletin(comp, -1, date(2026, 11, 30))  # at most once
    assert [chat for _, chat, _ in service.bulletins_due()] == [-2]
    store.competitions.release_bulletin(comp.id, -1, date(2026, 11, 30))
    assert sorted(chat for _, chat, _ in service.bulletins_due()) == [-2, -1]
    store.competitions.set_bulletin(-2, False)
    assert [chat for _, chat, _ in service.bulletins_due()] == [-1]
    bulletin = service.bulletin(comp, -1, date(2026, 11, 30))
    assert bulletin.rank == 1 and bulletin.total_groups == 2 and len(bulletin.answer_key) == 7

    service.clock.set(datetime(2026, 12, 8, 1, 0, tzinfo=UTC))  # Tuesday: bulletins are a Monday thing
    assert service.bulletins_due() == []


def test_ending_early_moves_the_last_day_and_migration_keeps_the_competition(tmp_path):
    store, service, comp = seeded(tmp_path)
    service.clock.set(datetime(2026, 12, 2, 3, 0, tzinfo=UTC))
    assert service.end(comp) and not service.end(service.pick(str(comp.id)))
    ended = service.pick(str(comp.id))
    assert ended.status == "ended" and ended.end == date(2026, 12, 2)
    assert store.migrate_chat(-1, -1009, NOW)
    assert store.competitions.groups_of(comp.id) == sorted([-2, -1009])
    assert service.pick(comp.code.lower()).id == comp.id and service.pick("nope") is None


def test_workbook_and_csv_keep_text_as_text(tmp_path):
    store, service, comp = seeded(tmp_path)
    tables = workbook.tables(service.report(comp), TZ)
    book = load_workbook(io.BytesIO(workbook.xlsx_bytes(tables)))
    groups = book["Nhóm"]
    titles = sorted(groups.cell(row=r, column=2).value for r in (2, 3))
    assert titles == ["Chi bộ =A", "Chi bộ B"]
    names = [book["Thành viên"].cell(row=r, column=2).value for r in (2, 3)]
    assert "Hùng Trần" in names  # the control character Telegram allowed is dropped, not a crash
    info = {row[0].value: row[1].value for row in book["Thông tin"].iter_rows(min_row=2)}
    assert info["Cuộc thi"] == "Tuần đầu" and info["Từ ngày"].date() == date(2026, 11, 30)
    rows = list(csv.reader(io.StringIO(workbook.csv_bytes(tables[1]).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Hạng", "Nhóm"] and len(rows) == 3
    assert workbook.csv_text("=1+1") == "'=1+1" and workbook.csv_text(-5) == "-5"
    assert workbook.csv_text(date(2026, 12, 1)) == "01/12/2026"
    semicolon = workbook.csv_bytes(tables[1], workbook.SEMICOLON).decode("utf-8-sig")
    assert semicolon.startswith("Hạng;Nhóm;") and list(csv.reader(io.StringIO(semicolon), delimiter=";"))[
        1:
    ] == [[workbook.csv_text(v, workbook.SEMICOLON) for v in row] for row in tables[1].rows]
    assert workbook.csv_text(87.25, workbook.SEMICOLON) == "87,25" and workbook.csv_text(87.25) == "87.25"


def test_exports_use_the_full_name_a_member_set_with_hoten(tmp_path):
    store, service, comp = seeded(tmp_path)
    store.practice_started(7, NOW)
    store.set_practice_field(7, "full_name", "Nguyễn Thị Lan")
    store.practice_started(9, NOW)  # a name for someone not in the competition changes nothing
    store.set_practice_field(9, "full_name", "Người Ngoài")
    report = service.report(comp)
    names = {m.standing.user_id: m.standing.name for _, m in report.standings.members}
    assert names == {7: "Nguyễn Thị Lan", 8: "Hùng \x07Trần"}  # 8 gave no full name: the Telegram name
    assert [r for r, _ in report.standings.members] == [r for r, _ in service.standings(comp).members]
    tables = workbook.tables(report, TZ)
    book = load_workbook(io.BytesIO(workbook.xlsx_bytes(tables)))
    shown = {book["Thành viên"].cell(row=r, column=2).value for r in (2, 3)}
    assert shown == {"Nguyễn Thị Lan", "Hùng Trần"}
    members = next(t for t in tables if t.slug == "thanh-vien")
    assert "Nguyễn Thị Lan" in workbook.csv_bytes(members).decode("utf-8-sig")
    # the board in the group keeps the names members know each other by
    assert {m.standing.name for _, m in service.standings(comp).members} == {"Lan", "Hùng \x07Trần"}


SHEETS = {  # sheet name: (.csv file-name part, headers in order)
    "Thông tin": ("thong-tin", ["Mục", "Nội dung"]),
    "Nhóm": (
        "nhom",
        [
            "Hạng",
            "Nhóm",
            "Số thành viên",
            "Lượt trả lời",
            "Lượt có thể trả lời",
            "Tỷ lệ tham gia (%)",
            "Tổng điểm",
            "Điểm bình quân/thành viên",
            "Tổng thời gian trả lời (giây)",
            "Đơn vị cấp trên",
            "Số đảng viên (chính thức)",
        ],
    ),
    "Thành viên": (
        "thanh-vien",
        [
            "Hạng",
            "Họ và tên",
            "Nhóm",
            "Điểm",
            "Số câu trả lời",
            "Số câu đúng",
            "Tổng thời gian trả lời (giây)",
            "Lần trả lời cuối",
        ],
    ),
    "Theo ngày": (
        "theo-ngay",
        [
            "Ngày",
            "Nhóm",
            "Câu",
            "Số thành viên",
            "Số người trả lời",
            "Số người trả lời đúng",
            "Tỷ lệ tham gia (%)",
        ],
    ),
    "Theo câu hỏi": (
        "theo-cau-hoi",
        ["Câu", "Số người trả lời", "Số người trả lời đúng", "Tỷ lệ trả lời đúng (%)"],
    ),
    "Đáp án": (
        "dap-an",
        [
            "Ngày",
            "Câu",
            "Câu hỏi (đề cương)",
            "Câu hỏi trắc nghiệm",
            "Đáp án đúng",
            "Nội dung đáp án",
            "Số nhóm",
        ],
    ),
}


def test_every_sheet_has_a_header_a_width_and_a_value_for_each_column(tmp_path):
    store, service, comp = seeded(tmp_path)
    tables = workbook.tables(service.report(comp), TZ)
    assert {t.name: (t.slug, t.headers) for t in tables} == SHEETS and [t.name for t in tables] == list(
        SHEETS
    )
    for table in tables:
        assert table.rows, (
            table.name
        )  # every sheet has lines in the seeded report, so row lengths are checked
        assert len(table.widths) == len(table.headers), table.name
        assert {len(row) for row in table.rows} == {len(table.headers)}, table.name
    info = tables[0]
    assert [row[0] for row in info.rows] == [
        "Cuộc thi",
        "Mã tham gia",
        "Từ ngày",
        "Đến ngày",
        "Trạng thái",
        "Số nhóm tham gia",
        "Số thành viên có điểm",
        "Tổng lượt trả lời",
        "Tỷ lệ tham gia chung (%)",
        "Tỷ lệ trả lời đúng chung (%)",
        "Thời điểm xuất",
        "Cách xếp hạng nhóm",
        "Cách xếp hạng thành viên",
    ]


def test_charts_render_vietnamese_without_missing_glyphs():
    days = [
        DayStat(date(2026, 11, 1) + timedelta(days=i), *((i % 5, i % 3, 6) if i % 4 else (None, None, None)))
        for i in range(30)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font"; make that a failure
        png = charts.group_activity(days, "Chi bộ Khu phố Đông Hải $5$ — Lê Chân ỹ ự ễ")
        ranking = charts.group_ranking(
            [(i + 1, GroupTotals(-i, f"Chi bộ {i} Ngô Quyền", 10 - i, 20, 50, 5)) for i in range(25)],
            "Xếp hạng",
        )
    for data, min_height in ((png, 500), (ranking, 900)):
        image = Image.open(io.BytesIO(data)).convert("L")
        assert image.size[0] == 1600 and image.size[1] >= min_height
        assert image.getextrema()[0] < 100  # something dark was drawn
    assert charts.plain("a $x$ b") == r"a \$x\$ b"


def test_export_command(tmp_path, capsys):
    store, service, comp = seeded(tmp_path)
    # a unit list: the command's workbook has the per-unit sheet, as /xuat's does
    UnitService(service).import_rows(
        comp, [["Đơn vị", "Chi bộ", "Số đảng viên", "Mã"], ["Phường A", "Chi bộ A", 4, "A1"]]
    )
    store.close()
    db = str(tmp_path / "c.sqlite3")
    out = tmp_path / "out" / "results.xlsx"
    assert cli(["export", "--competition", str(comp.id), "--out", str(out), "--db", db]) == 0
    captured = capsys.readouterr()
    assert "2 groups, 2 members" in captured.out and "rows" in captured.err  # the progress bar
    assert load_workbook(out).sheetnames[1:3] == ["Nhóm", "Theo đơn vị"]
    assert cli(["export", "--competition", str(comp.id), "--out", str(tmp_path / "r.csv"), "--db", db]) == 0
    assert (tmp_path / "r-thanh-vien.csv").read_bytes().startswith("\ufeffHạng".encode())
    assert cli(["export", "--competition", "99", "--out", str(out), "--db", db]) == 1
    assert "no competition number 99; known: 1 (Tuần đầu)" in capsys.readouterr().err
    assert cli(["export", "--competition", "1", "--out", str(tmp_path / "r.pdf"), "--db", db]) == 1
    assert cli(["export", "--competition", "1", "--out", str(out), "--db", str(tmp_path / "none.db")]) == 1
    assert "database not found" in capsys.readouterr().err


def lines(members):
    return sorted(
        (
            m.chat_id,
            m.standing.user_id,
            m.standing.points,
            m.standing.answers,
            m.standing.correct,
            m.standing.answer_ms,
            m.standing.last_answer_at,
        )
        for m in members
    )


def points_counts(store):
    """The per-points line counts the triggers keep, and the same counted from the lines themselves."""
    kept = store.db.execute(
        "SELECT competition_id, points, lines FROM competition_points ORDER BY competition_id, points"
    ).fetchall()
    counted = store.db.execute(
        "SELECT competition_id, points, COUNT(*) FROM competition_scores "
        "GROUP BY competition_id, points ORDER BY competition_id, points"
    ).fetchall()
    return kept, counted


def test_maintained_totals_match_the_daily_rows_through_joins_reveals_endings_and_upgrades(tmp_path):
    store, service, comp = seeded(tmp_path)  # the groups joined after their days were revealed: backfilled
    comps = store.competitions
    by_day = comps.member_totals(comp, chat_id=-1) + comps.member_totals(comp, chat_id=-2)  # from score_days
    assert lines(comps.member_totals(comp)) == lines(by_day) and len(by_day) == 2
    kept, counted = points_counts(store)
    assert kept == counted == [(comp.id, 105, 2)]
    assert [(g.answers, g.member_days) for g in comps.group_totals(comp)] == [(7, 28), (7, 28)]

    # a reveal inside the window folds in once; one outside it does not
    bank = service.bank
    rnd = store.round_on(-1, date(2026, 12, 6))
    assert rnd.status == "revealed" and not store.close_round(rnd.id, NOW)  # closing twice changes nothing
    item = bank.items_for(2)[0]
    late = store.insert_round(-1, date(2026, 12, 7), 2, item.id, NOW + timedelta(hours=12))
    store.mark_posted(late.id, 999, NOW)
    store.record_answer(store.round(late.id), 7, item.answer, True, 15, NOW, 1000)
    store.close_round(late.id, NOW + timedelta(hours=12))
    assert lines(comps.member_totals(comp)) == lines(by_day)  # 07/12 is after the competition

    # a cell joining later, then a reveal inside the window: new lines at new numbers of points; the counts follow
    store.touch_group(-3, "Chi bộ C", "group", NOW)
    assert comps.join(comp.id, -3, NOW)
    inside = store.insert_round(-3, date(2026, 12, 6), 2, item.id, NOW)
    store.mark_posted(inside.id, 998, NOW - timedelta(hours=1))
    store.record_answer(store.round(inside.id), 9, item.answer, True, 12, NOW - timedelta(minutes=30), 2000)
    store.record_answer(store.round(inside.id), 8, item.answer, True, 15, NOW - timedelta(minutes=30), 1000)
    store.close_round(inside.id, NOW)
    kept, counted = points_counts(store)
    assert kept == counted == [(comp.id, 12, 1), (comp.id, 15, 1), (comp.id, 105, 2)]
    board = service.board(comp, -3, 9, top=1)
    assert len(board.top) == 1 and board.mine[0] == 4 and board.group[1].chat_id == -3 and board.groups == 3

    # the caller's line outside the top, with its rank (equal points and time share a rank)
    board = service.board(comp, -2, 8, top=1)
    assert (
        len(board.top) == 1 and board.mine is not None and board.mine[0] == 1 and board.mine[1].chat_id == -2
    )

    # ending early recomputes from the daily rows
    service.clock.set(datetime(2026, 12, 2, 3, 0, tzinfo=UTC))
    service.end(comp)
    ended = service.pick(str(comp.id))
    assert [m.standing.answers for m in comps.member_totals(ended)] == [3, 3]  # 30/11 .. 02/12
    assert {g.chat_id: g.member_days for g in comps.group_totals(ended)} == {-1: 12, -2: 12, -3: 0}
    kept, counted = points_counts(store)
    assert kept == counted == [(comp.id, 45, 2)]

    # an existing database gets the totals backfilled by the migration
    before = lines(comps.member_totals(ended))
    store.db.execute("DROP TABLE competition_scores")
    store.db.execute("DROP TABLE competition_group_scores")
    store.db.execute("DROP TABLE competition_points")
    store.db.execute("DROP TABLE competition_units")  # 0016 adds a column to the totals: it runs again too
    store.db.execute("DROP TABLE competition_days")
    store.db.execute("DROP TRIGGER competition_units_gone")
    store.db.execute("DELETE FROM schema_migrations WHERE version IN (6, 7, 16)")
    migrate(store.db)
    assert lines(comps.member_totals(ended)) == before
    assert {g.chat_id: g.member_days for g in comps.group_totals(ended)} == {-1: 12, -2: 12, -3: 0}
    kept, counted = points_counts(store)
    assert kept == counted == [(comp.id, 45, 2)]
    assert service.delete(ended)
    assert points_counts(store) == ([], [])


group_rows = st.lists(
    st.tuples(
        st.integers(0, 40),
        st.integers(0, 40),
        st.integers(0, 600),
        st.integers(0, 12),
        st.integers(0, 10**6),
        st.booleans(),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(group_rows)
def test_one_groups_rank_found_in_the_kept_ranking_agrees_with_the_ranking_of_all_groups(rows):
    """/bxh cuocthi finds the caller's group in the kept ranking by a binary search; that rank must be rank_groups'
    rank, exact ties (equal participation and equal mean points, e.g. 3/6 and 4/8) included, and groups with no
    scores yet."""
    store = Store.memory()
    comp = store.competitions.create("Thi đua", date(2026, 12, 1), date(2026, 12, 31), 1, NOW)
    for index, (answers, member_days, points, members, answer_ms, scored) in enumerate(rows):
        chat_id = -1 - index
        store.touch_group(chat_id, f"Chi bộ {index}", "group", NOW)
        store.db.execute("UPDATE groups SET member_count = ? WHERE chat_id = ?", [members, chat_id])
        store.db.execute(
            "INSERT INTO competition_groups (competition_id, chat_id, joined_at) VALUES (?, ?, ?)",
            [comp.id, chat_id, NOW.isoformat()],
        )
        if scored:
            store.db.execute(
                "INSERT INTO competition_group_scores (competition_id, chat_id, answers, member_days, "
                "points, answer_ms) VALUES (?, ?, ?, ?, ?, ?)",
                [comp.id, chat_id, answers, member_days, points, answer_ms],
            )
    expected = {
        g.chat_id: (position, g) for position, g in rank_groups(store.competitions.group_totals(comp))
    }
    kept = GroupRanking(store.competitions.group_totals(comp))  # a group's rank as the board finds it
    assert len(kept) == len(rows)
    for chat_id, (position, totals) in expected.items():
        assert kept.rank_of(chat_id) == (position, totals)
    assert kept.rank_of(-999) is None
    store.close()


def test_groups_tie_only_when_participation_and_mean_points_are_equal():
    half = GroupTotals(-1, "A", answers=3, member_days=6, points=30, members=3)
    also_half = GroupTotals(
        -2, "B", answers=4, member_days=8, points=40, members=4
    )  # 1/2 and 10 points each too
    a_hair_less = GroupTotals(
        -3, "C", answers=4_999_999, member_days=10_000_000, points=10, members=1
    )  # 0.5 at 6 places
    assert [(r, g.title) for r, g in rank_groups([a_hair_less, also_half, half])] == [
        (1, "B"),
        (1, "A"),
        (3, "C"),
    ]


def test_dropped_lists_are_emptied_a_slice_at_a_time_and_their_items_freed():
    import weakref

    from hpbot.app import bulk

    class Line:
        pass

    lines = [Line() for _ in range(bulk.DROP_SLICE * 2 + 3)]
    watched = weakref.ref(lines[0])
    other: list[object] = [1, 2]
    bulk.dropped(lines, other, [])
    assert lines == [] and other == [] and watched() is None
