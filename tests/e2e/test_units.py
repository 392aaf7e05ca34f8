"""Units and official member counts end to end: the organizer imports the unit list as a file in private chat, the
secretaries link their groups with their cells' codes, and participation counts every study day of the contest
against the official counts; standings, the board and the workbook also read by higher-level unit."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from hpbot import texts
from tests.e2e.conftest import ADMIN, GROUP, HUNG, LAN, NAUGHTY, TUAN
from tests.e2e.harness import BotUnderTest, local
from tests.e2e.test_competitions import assert_png
from tests.test_units import xlsx

BIG, BIG_ADMIN = -1002, 700
HOA, BINH, CUONG, DUNG = 701, 702, 703, 704
THIRD, THIRD_ADMIN = -1003, 800
ORGANIZER = 900
DAYS = [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)]  # Monday to Wednesday
HEADER = ("Đơn vị cấp trên", "Chi bộ", "Số đảng viên", "Mã")
LIST = [
    HEADER,
    ("Đảng bộ phường Hồng Bàng", "Chi bộ Khu dân cư số 3", 5, "HB-03"),
    ("Đảng bộ phường Hồng Bàng", "Chi bộ Khu dân cư số 4", 8, "HB-04"),  # never linked
    ("Đảng bộ xã <An> Lão", "Chi bộ thôn Đông", 11, "AL-DONG"),
]


@pytest.fixture
async def cup(fake, clock, bank, tmp_path):
    fake.add_user(ORGANIZER, "Ban", "Tổ chức")
    fake.private_chat(ORGANIZER)
    for user_id, first in (
        (BIG_ADMIN, "Bí thư"),
        (HOA, "Hoa"),
        (BINH, "Bình"),
        (CUONG, "Cường"),
        (DUNG, "Dũng"),
    ):
        fake.add_user(user_id, first, "Phường 7")
    fake.add_group(
        BIG, "Chi bộ Phường 7", admins=[BIG_ADMIN], members=[HOA, BINH, CUONG, DUNG] + list(range(710, 716))
    )  # 11 people
    fake.add_user(THIRD_ADMIN, "Quản trị", "Nhóm lạ")
    fake.add_group(THIRD, "Nhóm lạ", admins=[THIRD_ADMIN], members=[])
    bot = BotUnderTest(fake, tmp_path / "hpbot.sqlite3", clock, bank, HPBOT_ORGANIZERS=str(ORGANIZER))
    await bot.start()
    yield bot
    await bot.stop()


async def send_file(cup, fake, name: str, data: bytes, caption: str | None) -> str:
    before = len(fake.messages(ORGANIZER))
    fake.document(ORGANIZER, ORGANIZER, name, data, caption)
    await fake.wait_for(lambda: len(fake.messages(ORGANIZER)) > before)
    return fake.messages(ORGANIZER)[before].text


async def create(cup) -> None:
    """Competition 1, from 30/11/2026 (a fresh database)."""
    created = await cup.reply_to(
        ORGANIZER, ORGANIZER, "/cuocthi_tao Thi đua học Nghị quyết | 30/11/2026 | 31/12/2026"
    )
    assert "Đã tạo cuộc thi" in created and re.search(r"<code>[A-Z0-9]{6}</code>", created)


async def play(cup, fake, clock, bank, day, plan):
    """One study day: the post at 07:00, the answers in `plan` (chat -> [(user, right)]), the reveal at 20:00."""
    clock.set(local(day.year, day.month, day.day, 7, 0))
    await cup.tick()
    for minute, (chat_id, answers) in enumerate(plan.items(), 1):
        rnd = cup.hp.study.today_round(chat_id)
        assert rnd is not None and rnd.message_id is not None
        item = bank.item(rnd.item_id)
        for user_id, right in answers:
            clock.set(local(day.year, day.month, day.day, 7, minute))
            option = item.answer if right else (item.answer + 1) % 4
            assert "Đã ghi nhận" in await cup.tap(chat_id, user_id, rnd.message_id, f"a:{rnd.id}:{option}")
    clock.set(local(day.year, day.month, day.day, 20, 0))
    await cup.tick()
    await cup.hp.rounds.drain()


async def test_an_import_with_errors_names_the_rows_and_imports_nothing(cup, fake):
    await create(cup)
    usage = await cup.reply_to(ORGANIZER, ORGANIZER, "/donvi 1")
    assert "chưa có danh sách đơn vị" in usage and "/donvi_mau" in usage
    done = await send_file(cup, fake, "danh-sach.xlsx", xlsx(LIST), None)  # the file after /donvi 1
    assert "Đã nhập danh sách đơn vị" in done and "<b>3</b> chi bộ thuộc <b>2</b> đơn vị" in done

    bad = "\ufeffĐơn vị cấp trên;Chi bộ;Số đảng viên;Mã\r\n"
    bad += "Phường A;Chi bộ 1;12;A1\r\nPhường A;Chi bộ 2;mười hai;A2\r\n;Chi bộ 3;4;A3\r\nPhường A;Chi bộ 4;-1;a1\r\n"
    refused = await send_file(cup, fake, "sua.csv", bad.encode(), "/donvi 1")
    assert "Chưa nhập danh sách" in refused and "4 lỗi" in refused and "không thay đổi" in refused
    assert "Dòng 3: số đảng viên «mười hai» không phải là số nguyên" in refused
    assert "Dòng 4: thiếu tên đơn vị cấp trên" in refused
    assert (
        "Dòng 5: số đảng viên «-1» phải lớn hơn 0" in refused
        and "Dòng 5: mã «A1» trùng với dòng 2" in refused
    )
    missing = await send_file(cup, fake, "thieu.xlsx", xlsx([("Chi bộ", "Mã"), ("X", "Y")]), "/donvi 1")
    assert "Dòng 1: thiếu cột «Đơn vị cấp trên», «Số đảng viên»" in missing
    many = [HEADER] + [("Phường A", f"Chi bộ {n}", "?", f"C{n}") for n in range(100)]
    truncated = await send_file(cup, fake, "nhieu.xlsx", xlsx(many), "/donvi 1")
    assert "100 lỗi" in truncated and "Dòng 31:" in truncated and "Dòng 32:" not in truncated
    assert "… và 70 lỗi khác" in truncated
    assert "Không đọc được tệp" in await send_file(cup, fake, "anh.png", b"\x89PNG\r\n", "/donvi 1")
    still = await cup.reply_to(ORGANIZER, ORGANIZER, "/donvi 1")
    assert "Hiện có: 3 chi bộ thuộc 2 đơn vị cấp trên; 0 chi bộ đã gắn nhóm" in still  # nothing half-imported
    rows = cup.hp.store.db.execute("SELECT code FROM competition_units ORDER BY line").fetchall()
    assert [r[0] for r in rows] == ["HB-03", "HB-04", "AL-DONG"]

    # after /donvi, a refused file leaves the bot waiting for the corrected one
    await cup.reply_to(ORGANIZER, ORGANIZER, "/donvi 1")
    assert "Chưa nhập danh sách" in await send_file(cup, fake, "sai.csv", bad.encode(), None)
    assert "Đã nhập danh sách đơn vị" in await send_file(cup, fake, "dung.xlsx", xlsx(LIST), None)
    assert "muốn nhập danh sách đơn vị" in await send_file(cup, fake, "khac.xlsx", xlsx(LIST), None)

    # the template the organizer can fill in
    before = len(fake.files)
    await cup.reply_to(ORGANIZER, ORGANIZER, "/donvi_mau")
    await fake.wait_for(lambda: len(fake.files) > before)
    sheet = load_workbook(io.BytesIO(fake.files[-1]["data"])).active
    assert [c.value for c in sheet[1]] == list(HEADER)
    # only organizers
    fake.private_chat(LAN)
    assert "chỉ dành cho ban tổ chức" in await cup.reply_to(LAN, LAN, "/donvi 1")


async def test_secretaries_link_with_the_cell_code_and_a_code_taken_is_refused(cup, fake):
    await create(cup)
    await send_file(cup, fake, "ds.xlsx", xlsx(LIST), "/donvi 1")
    assert texts.ADMIN_ONLY in await cup.reply_to(GROUP, LAN, "/thamgia HB-03")
    linked = await cup.reply_to(GROUP, ADMIN, "/thamgia hb-03")
    assert "Chi bộ Khu dân cư số 3</b> — Đảng bộ phường Hồng Bàng" in linked and "<b>5</b> đồng chí" in linked
    taken = await cup.reply_to(THIRD, THIRD_ADMIN, "/thamgia HB-03")
    assert "đã được một nhóm khác dùng" in taken
    assert "từ trước" in await cup.reply_to(GROUP, ADMIN, "/thamgia HB-03")
    code = cup.hp.store.competitions.get(1).code
    two_part = await cup.reply_to(BIG, BIG_ADMIN, f"/thamgia {code} AL-DONG")
    assert "Đảng bộ xã &lt;An&gt; Lão" in two_part  # names are escaped
    assert "không có chi bộ nào với mã «NOPE»" in await cup.reply_to(
        THIRD, THIRD_ADMIN, f"/thamgia {code} nope"
    )
    assert "Không có cuộc thi nào" in await cup.reply_to(THIRD, THIRD_ADMIN, "/thamgia NOPE")
    assert cup.hp.store.competitions.groups_of(1) == sorted([GROUP, BIG])  # the list is the approval
    assert "Hiện có: 3 chi bộ thuộc 2 đơn vị cấp trên; 2 chi bộ đã gắn nhóm" in await cup.reply_to(
        ORGANIZER, ORGANIZER, "/donvi 1"
    )


async def test_a_late_joiner_counts_the_days_it_missed(cup, fake, clock, bank):
    """Cell A studies from day 1 at 40 % (2 of its 5 official members a day); cell B joins on the last day and 5 of
    its 11 answer: 45.5 % of that day alone, 15.2 % of the contest's three days. A must rank first."""
    await create(cup)
    await send_file(cup, fake, "ds.xlsx", xlsx(LIST), "/donvi 1")
    await cup.reply_to(GROUP, ADMIN, "/thamgia HB-03")
    await cup.reply_to(GROUP, ADMIN, "/dangky")
    for day in DAYS[:2]:
        await play(cup, fake, clock, bank, day, {GROUP: [(LAN, True), (HUNG, False)]})
    clock.set(local(2026, 12, 2, 6, 0))
    await cup.reply_to(BIG, BIG_ADMIN, "/thamgia AL-DONG")
    await cup.reply_to(BIG, BIG_ADMIN, "/dangky")
    big = [(u, True) for u in (BIG_ADMIN, HOA, BINH, CUONG, DUNG)]
    await play(cup, fake, clock, bank, DAYS[2], {GROUP: [(LAN, True), (HUNG, True)], BIG: big})

    results = await cup.reply_to(ORGANIZER, ORGANIZER, "/ketqua 1")
    assert results.index("Chi bộ Khu dân cư số 3") < results.index("Chi bộ thôn Đông")
    assert "tham gia 40%" in results and "tham gia 15,2%" in results
    board = await cup.reply_to(BIG, HOA, "/bxh cuocthi")
    assert "hạng <b>2/2</b>" in board and "(5/33 lượt)" in board


async def test_removing_members_does_not_raise_a_rate_with_an_official_count(cup, fake, clock, bank):
    await create(cup)
    await send_file(cup, fake, "ds.xlsx", xlsx(LIST), "/donvi 1")
    await cup.reply_to(GROUP, ADMIN, "/thamgia HB-03")
    await cup.reply_to(GROUP, ADMIN, "/dangky")
    await play(cup, fake, clock, bank, DAYS[0], {GROUP: [(LAN, True), (HUNG, True)]})
    for user_id in (TUAN, NAUGHTY):  # the inactive ones leave the chat: 3 people counted at the next post
        fake.status[(GROUP, user_id)] = "left"
    await play(cup, fake, clock, bank, DAYS[1], {GROUP: [(LAN, True), (HUNG, True)]})
    counted = [r[0] for r in cup.hp.store.db.execute("SELECT member_count FROM rounds ORDER BY id")]
    assert counted == [5, 3]
    board = await cup.reply_to(GROUP, LAN, "/bxh cuocthi")
    assert "Tỷ lệ tham gia: <b>40%</b> (4/10 lượt)" in board  # 4 ÷ (5 official × 2 days), not 4 ÷ (5 + 3)


async def test_a_linked_group_shows_under_its_unit_in_the_standings_and_the_export(cup, fake, clock, bank):
    await create(cup)
    await send_file(cup, fake, "ds.xlsx", xlsx(LIST), "/donvi 1")
    await cup.reply_to(GROUP, ADMIN, "/thamgia HB-03")
    await cup.reply_to(BIG, BIG_ADMIN, "/thamgia AL-DONG")
    for chat_id, admin in ((GROUP, ADMIN), (BIG, BIG_ADMIN)):
        await cup.reply_to(chat_id, admin, "/dangky")
    plan = {GROUP: [(LAN, True), (HUNG, True), (TUAN, False)], BIG: [(HOA, True)]}
    for day in DAYS:
        await play(cup, fake, clock, bank, day, plan)

    board = await cup.reply_to(GROUP, LAN, "/bxh cuocthi")
    # Hồng Bàng: 9 answers ÷ (5 + 8 official) × 3 days = 23.1 % (its second cell never linked counts too)
    assert "🏛 <b>Đảng bộ phường Hồng Bàng</b>: tỷ lệ tham gia <b>23,1%</b> (1/2 chi bộ tham gia)" in board
    files_before = len(fake.files)
    await cup.reply_to(ORGANIZER, ORGANIZER, "/ketqua 1")
    await fake.wait_for(lambda: any(f["filename"].startswith("donvi-") for f in fake.files[files_before:]))
    units = await fake.wait_for(
        lambda: next((m.text for m in fake.messages(ORGANIZER) if "Theo đơn vị cấp trên" in m.text), None)
    )
    assert "1. Đảng bộ phường Hồng Bàng — <b>23,1%</b> (1/2 chi bộ tham gia)" in units
    assert "2. Đảng bộ xã &lt;An&gt; Lão — <b>9,1%</b> (1/1 chi bộ tham gia)" in units
    chart = next(f for f in fake.files[files_before:] if f["filename"].startswith("donvi-"))
    assert_png(chart["data"], min_width=1600, min_height=200)

    await cup.reply_to(ORGANIZER, ORGANIZER, "/xuat 1")
    await fake.wait_for(lambda: fake.files[-1]["filename"].endswith(".xlsx"))
    book = load_workbook(io.BytesIO(fake.files[-1]["data"]))
    assert book.sheetnames[:3] == ["Thông tin", "Nhóm", "Theo đơn vị"]
    sheet = book["Theo đơn vị"]
    assert sheet.auto_filter.ref == "A1:I3"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0][:8] == [1, "Đảng bộ phường Hồng Bàng", 2, 1, 13, 9, 39, 23.1]
    assert rows[1][:8] == [2, "Đảng bộ xã <An> Lão", 1, 1, 11, 3, 33, 9.1]
    assert sheet["H2"].number_format == "0.0"
    groups = book["Nhóm"]
    header = [c.value for c in groups[1]]
    unit_col, official_col = header.index("Đơn vị cấp trên"), header.index("Số đảng viên (chính thức)")
    lines = {row[1].value: row for row in groups.iter_rows(min_row=2)}
    assert lines["Chi bộ Khu dân cư số 3"][unit_col].value == "Đảng bộ phường Hồng Bàng"
    assert lines["Chi bộ Khu dân cư số 3"][official_col].value == 5
