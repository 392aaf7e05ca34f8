"""Competitions end to end: two cells of different sizes, several study days, boards, reports, charts, bulletin."""

import io
import re
import threading
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from hpbot.app.competitions import CompetitionService
from hpbot.domain.competition import CODE_ALPHABET
from tests.e2e.conftest import ADMIN, GROUP, HUNG, LAN, NAUGHTY, TUAN
from tests.e2e.harness import BotUnderTest, local

BIG = -1002
BIG_ADMIN = 700
HOA, BINH, CUONG, DUNG = 701, 702, 703, 704
ORGANIZER, STRANGER = 900, 901
DAYS = [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)]  # Monday to Wednesday


@pytest.fixture
async def cup(fake, clock, bank, tmp_path):
    """The bot with an organizer configured, a second, bigger cell, and private chats for the organizer and a stranger."""
    fake.add_user(ORGANIZER, "Ban", "Tổ chức")
    fake.add_user(STRANGER, "Người", "Lạ")
    fake.private_chat(ORGANIZER)
    fake.private_chat(STRANGER)
    fake.private_chat(LAN)
    for user_id, first, last in (
        (BIG_ADMIN, "Bí thư", "Phường 7"),
        (HOA, "Đỗ Thị", "Hoa"),
        (BINH, "Lê Văn", "Bình"),
        (CUONG, "Ngô Quốc", "Cường"),
        (DUNG, '=HYPERLINK("x")', "Dũng"),
    ):
        fake.add_user(user_id, first, last)
    fake.add_group(
        BIG, "Chi bộ Phường 7", admins=[BIG_ADMIN], members=[HOA, BINH, CUONG, DUNG] + list(range(710, 716))
    )  # 11 people
    bot = BotUnderTest(fake, tmp_path / "hpbot.sqlite3", clock, bank, HPBOT_ORGANIZERS=str(ORGANIZER))
    await bot.start()
    yield bot
    await bot.stop()


# Who answers when, and whether right, on each of the three days. Cell A has 5 people, 3 answer every day
# (9 answers of 15 possible: 60 %); cell B has 11 people, 4 answer every day (12 of 33: 36.4 %). B has more
# answers, A the higher participation rate, so A must rank first.
PLAN = {
    GROUP: [(LAN, 5, True), (HUNG, 40, True), (TUAN, 50, False)],
    BIG: [(HOA, 2, True), (BINH, 20, True), (CUONG, 25, "first two days"), (DUNG, 55, False)],
}


async def play_days(bot, fake, clock, bank):
    for day in DAYS:
        clock.set(local(day.year, day.month, day.day, 7, 0))
        await bot.tick()
        taps = []
        for chat_id, plan in PLAN.items():
            rnd = bot.hp.study.today_round(chat_id)
            assert rnd is not None and rnd.message_id is not None
            item = bank.item(rnd.item_id)
            for user_id, minute, right in plan:
                is_right = right is True or (right == "first two days" and day != DAYS[-1])
                option = item.answer if is_right else (item.answer + 1) % 4
                taps.append((minute, chat_id, user_id, rnd, option))
        for minute, chat_id, user_id, rnd, option in sorted(taps, key=lambda t: (t[0], t[1])):
            clock.set(local(day.year, day.month, day.day, 7, minute))
            toast = await bot.tap(chat_id, user_id, rnd.message_id, f"a:{rnd.id}:{option}")
            assert "Đã ghi nhận" in toast
        clock.set(local(day.year, day.month, day.day, 20, 0))
        await bot.tick()
        await bot.hp.rounds.drain()


def expected_members(db):
    """Competition standings computed straight from the answers table (not from the score rows the bot reads)."""
    rows = db.execute(
        "SELECT a.chat_id, a.user_id, SUM(a.points), SUM(a.elapsed_ms), MAX(a.answered_at) FROM answers a "
        "JOIN rounds r ON r.id = a.round_id WHERE r.status = 'revealed' GROUP BY a.chat_id, a.user_id"
    ).fetchall()
    return sorted(rows, key=lambda r: (-r[2], r[3], r[4]))


async def confirmed(cup, fake, command, button=0):
    """An organizer's command that asks for confirmation, answered with one of its buttons: the outcome as the
    confirmation message now reads (its buttons gone)."""
    question = await cup.reply_to(ORGANIZER, ORGANIZER, command)
    asked = fake.messages(ORGANIZER)[-1]
    assert "xác nhận" in question and "không hoàn tác" in question
    data = asked.reply_markup["inline_keyboard"][0][button]["callback_data"]
    await cup.tap(ORGANIZER, ORGANIZER, asked.message_id, data)
    await fake.wait_for(lambda: asked.text != question)
    assert not asked.reply_markup
    return asked.text


async def setup_competition(cup, fake):
    created = await cup.reply_to(
        ORGANIZER, ORGANIZER, "/cuocthi_tao Thi đua học Nghị quyết | 30/11/2026 | 31/12/2026"
    )
    assert "Đã tạo cuộc thi" in created
    code = re.search(r"<code>([A-Z0-9]{6})</code>", created).group(1)
    assert set(code) <= set(CODE_ALPHABET)
    assert "Ban tổ chức đã duyệt" in await cup.join(GROUP, ADMIN, code, ORGANIZER)
    assert "Ban tổ chức đã duyệt" in await cup.join(
        BIG, BIG_ADMIN, code.lower(), ORGANIZER
    )  # typed in lower case
    assert "từ trước" in await cup.reply_to(BIG, BIG_ADMIN, f"/thamgia {code}")
    for chat_id, admin in ((GROUP, ADMIN), (BIG, BIG_ADMIN)):
        assert "đã đăng ký" in await cup.reply_to(chat_id, admin, "/dangky")
    return code


async def test_two_cells_compete_fairly_and_the_organizer_gets_reports(cup, fake, clock, bank):
    code = await setup_competition(cup, fake)
    await play_days(cup, fake, clock, bank)
    db = cup.hp.store.db

    # /bxh cuocthi: members across both cells in the defined order, the cell's rank among cells
    board = await cup.reply_to(GROUP, LAN, "/bxh cuocthi")
    names = {
        LAN: "Nguyễn Thị Lan",
        HUNG: "Trần Văn Hùng",
        TUAN: "Phạm Minh Tuấn",
        HOA: "Đỗ Thị Hoa",
        BINH: "Lê Văn Bình",
        CUONG: "Ngô Quốc Cường",
        DUNG: "=HYPERLINK(&quot;x&quot;) Dũng",
    }
    order = [names[r[1]] for r in expected_members(db)]
    assert [board.index(n) for n in order] == sorted(board.index(n) for n in order)
    assert order[:3] == [
        "Đỗ Thị Hoa",
        "Nguyễn Thị Lan",
        "Lê Văn Bình",
    ]  # 45 points each, by total answer time
    assert "Chi bộ Phường 7" in board and "<i>Chi bộ Khu 3</i>" in board
    assert "hạng <b>1/2</b>" in board and "<b>60%</b> (9/15 lượt)" in board
    board_b = await cup.reply_to(BIG, HOA, "/bxh cuocthi")
    assert "hạng <b>2/2</b>" in board_b and "(12/33 lượt)" in board_b

    # non-organizers are refused; the organizer is sent to a private chat when asking in a group
    assert "chỉ dành cho ban tổ chức" in await cup.reply_to(STRANGER, STRANGER, "/xuat")
    assert "chỉ dành cho ban tổ chức" in await cup.reply_to(LAN, LAN, "/ketqua")
    assert "chỉ dành cho ban tổ chức" in await cup.reply_to(GROUP, LAN, "/cuocthi")
    assert "tin nhắn riêng" in await cup.reply_to(GROUP, ORGANIZER, "/xuat")
    assert fake.calls_to("sendDocument") == []

    # /ketqua: standings, then the group ranking as a picture
    files_before = len(fake.files)
    results = await cup.reply_to(ORGANIZER, ORGANIZER, "/ketqua")
    assert results.index("Chi bộ Khu 3") < results.index("Chi bộ Phường 7")
    await fake.wait_for(lambda: len(fake.files) >= files_before + 2)
    ranking, questions = fake.files[files_before : files_before + 2]
    assert ranking["filename"].startswith("xephang-") and questions["filename"].startswith("cauhoi-")
    assert_png(ranking["data"], min_width=1600, min_height=200)
    assert_png(questions["data"], min_width=1600, min_height=200)  # % right per question, the hardest first

    # /xuat: a workbook whose cells match the database
    await cup.reply_to(ORGANIZER, ORGANIZER, "/xuat")
    await fake.wait_for(lambda: fake.files[-1]["filename"].endswith(".xlsx"))
    book = load_workbook(io.BytesIO(fake.files[-1]["data"]))
    assert book.sheetnames == ["Thông tin", "Nhóm", "Thành viên", "Theo ngày", "Theo câu hỏi", "Đáp án"]
    assert book["Thành viên"].auto_filter.ref == "A1:H8"  # a filter on every column of the 7 members' lines
    assert book["Nhóm"]["F2"].number_format == "0.0" and book["Nhóm"]["F2"].value == 60.0
    hardest = [r for r in book["Theo câu hỏi"].iter_rows(min_row=2, values_only=True)]
    assert [r[3] for r in hardest] == sorted(r[3] for r in hardest)  # the hardest question first
    groups = book["Nhóm"]
    assert [c.value for c in groups[1]][:6] == [
        "Hạng",
        "Nhóm",
        "Số thành viên",
        "Lượt trả lời",
        "Lượt có thể trả lời",
        "Tỷ lệ tham gia (%)",
    ]
    # no Telegram id anywhere in the workbook: cells and members are named
    ids = {str(i) for i in (GROUP, BIG, LAN, HUNG, TUAN, NAUGHTY, HOA, BINH, CUONG, DUNG)}
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not ids & {str(v) for v in row}, (sheet.title, row)
    group_rows = [[c.value for c in row] for row in groups.iter_rows(min_row=2)]
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in group_rows] == [
        (1, "Chi bộ Khu 3", 9, 15, 60.0),
        (2, "Chi bộ Phường 7", 12, 33, 36.4),
    ]
    for row, chat_id in zip(group_rows, (GROUP, BIG), strict=True):
        points = db.execute("SELECT SUM(points) FROM answers WHERE chat_id = ?", [chat_id]).fetchone()[0]
        assert row[6] == points

    members = [[c.value for c in row] for row in book["Thành viên"].iter_rows(min_row=2)]
    expected = expected_members(db)
    named = {
        u: f"{first} {last}".strip()
        for u, first, last in db.execute("SELECT user_id, first_name, COALESCE(last_name, '') FROM users")
    }
    assert [(m[1], m[3]) for m in members] == [(named[r[1]], r[2]) for r in expected]
    assert members[0][1] == "Đỗ Thị Hoa" and members[0][2] == "Chi bộ Phường 7"
    dung = next(m for m in members if m[1].endswith("Dũng"))
    assert dung[1] == '=HYPERLINK("x") Dũng'  # a name, kept as text, not run as a formula
    last_answer = members[0][7]
    assert last_answer.date() == DAYS[-1] and last_answer.hour == 7  # local time

    days = [[c.value for c in row] for row in book["Theo ngày"].iter_rows(min_row=2)]
    assert len(days) == 6
    assert {(d[0].date(), d[1], d[4]) for d in days} == {
        (day, title, n) for day in DAYS for title, n in (("Chi bộ Khu 3", 3), ("Chi bộ Phường 7", 4))
    }
    assert book["Theo ngày"]["A2"].number_format == "DD/MM/YYYY"
    key = [[c.value for c in row] for row in book["Đáp án"].iter_rows(min_row=2)]
    rounds = db.execute("SELECT study_date, item_id FROM rounds WHERE status = 'revealed'").fetchall()
    assert {(k[0].date().isoformat(), k[1]) for k in key} == {(d, bank.item(i).question) for d, i in rounds}
    for k in key:
        item = next(
            bank.item(i) for d, i in rounds if d == k[0].date().isoformat() and bank.item(i).stem == k[3]
        )
        assert k[4] == "ABCD"[item.answer] and k[5] == item.correct_option

    # the CSV alternative: one file per table, UTF-8 with BOM, names that look like formulas neutralised
    await cup.reply_to(ORGANIZER, ORGANIZER, f"/xuat {code} csv")
    await fake.wait_for(lambda: sum(f["filename"].endswith(".csv") for f in fake.files) == 6)
    member_csv = next(f for f in fake.files if f["filename"].endswith("thanh-vien.csv"))["data"].decode(
        "utf-8"
    )
    assert (
        member_csv.startswith("\ufeffHạng;Họ và tên") and "'=HYPERLINK" in member_csv
    )  # Excel in Vietnamese
    groups_csv = next(f for f in fake.files if f["filename"].endswith("-nhom.csv"))["data"].decode(
        "utf-8-sig"
    )
    assert ";60,0;" in groups_csv  # the participation (60 %), with a decimal comma
    before = len(fake.files)
    await cup.reply_to(ORGANIZER, ORGANIZER, f"/xuat {code} csv phay")
    await fake.wait_for(lambda: sum(f["filename"].endswith(".csv") for f in fake.files[before:]) == 6)
    comma_csv = next(f for f in fake.files[before:] if f["filename"].endswith("thanh-vien.csv"))[
        "data"
    ].decode()
    assert comma_csv.startswith("\ufeffHạng,Họ và tên")
    assert (
        "30/11/2026"
        in next(f for f in fake.files if f["filename"].endswith("theo-ngay.csv"))["data"].decode()
    )


async def test_group_chart_and_weekly_bulletin(cup, fake, clock, bank):
    await setup_competition(cup, fake)
    await play_days(cup, fake, clock, bank)

    files_before = len(fake.files)
    await cup.reply_to(GROUP, LAN, "/thongke")
    await fake.wait_for(lambda: len(fake.files) > files_before)
    png = fake.files[-1]["data"]
    assert_png(png, min_width=900, min_height=400)
    photo = fake.calls_to("sendPhoto")[-1]
    assert "3 ngày có câu hỏi, 9 lượt trả lời" in photo.params["caption"]
    await cup.reply_to(
        GROUP, HUNG, "/thongke"
    )  # nothing new revealed: the same picture again, by its file id
    assert len(fake.files) == files_before + 1
    assert isinstance(fake.calls_to("sendPhoto")[-1].params["photo"], str)

    assert "chỉ quản trị viên" in await cup.reply_to(BIG, HOA, "/bantin tat")
    assert "Đã tắt" in await cup.reply_to(BIG, BIG_ADMIN, "/bantin tat")
    assert "đang tắt" in await cup.reply_to(BIG, BIG_ADMIN, "/bantin")

    clock.set(local(2026, 12, 6, 6, 30))  # Sunday: no bulletin (and before the post time: no question)
    await cup.tick()
    await cup.hp.rounds.drain()
    assert not [m for m in fake.messages(GROUP) if "Bản tin tuần" in m.text]

    clock.set(local(2026, 12, 7, 7, 0))  # Monday morning, the cells' post time
    await cup.tick()
    await cup.hp.rounds.drain()
    await cup.tick()  # a second tick must not send it again
    await cup.hp.rounds.drain()
    bulletins = [m.text for m in fake.messages(GROUP) if "Bản tin tuần" in m.text]
    assert len(bulletins) == 1
    text = bulletins[0]
    assert "Bản tin tuần 30/11 – 06/12/2026" in text and "<b>9</b>/15 lượt (<b>60%</b>)" in text
    assert "<b>1/2</b>" in text and text.index("Nguyễn Thị Lan") < text.index("Trần Văn Hùng")
    for day in DAYS:
        rnd = cup.hp.store.round_on(GROUP, day)
        item = bank.item(rnd.item_id)
        assert f"{day:%d/%m} · Câu {rnd.question}: <b>{'ABCD'[item.answer]}.</b>" in text
    assert not [m for m in fake.messages(BIG) if "Bản tin tuần 30/11" in m.text]  # opted out


async def test_organizer_manages_competitions_and_bad_input_is_explained(cup, fake, clock):
    def organizer_menus():
        return [
            c.params
            for c in fake.calls_to("setMyCommands")
            if c.params.get("scope", {}).get("type") == "chat"
        ]

    before = len(organizer_menus())
    await cup.reply_to(STRANGER, STRANGER, "/start")
    assert len(organizer_menus()) == before  # only organizers get the organizer menu
    await cup.reply_to(ORGANIZER, ORGANIZER, "/start")
    await fake.wait_for(lambda: len(organizer_menus()) > before)
    menu = organizer_menus()[-1]
    assert menu["scope"]["chat_id"] == ORGANIZER
    assert "cuocthi_tao" in [c["command"] for c in menu["commands"]]

    for bad, reason in (
        ("/cuocthi_tao Thi đua", "ba phần"),
        ("/cuocthi_tao A | 31/02/2026 | 01/03/2026", "Ngày chưa đúng"),
        ("/cuocthi_tao A | 10/12/2026 | 01/12/2026", "sau ngày bắt đầu"),
        ("/cuocthi_tao  | 01/12/2026 | 02/12/2026", "Thiếu tên"),
    ):
        reply = await cup.reply_to(ORGANIZER, ORGANIZER, bad)
        assert reason in reply and "/cuocthi_tao" in reply
    assert cup.hp.store.competitions.all() == []
    assert "Chưa có cuộc thi" in await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi")

    await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_tao <b>Quý IV</b> | 01/12/2026 | 31/12/2026")
    for chat_id, admin in ((GROUP, ADMIN), (BIG, BIG_ADMIN)):
        await cup.reply_to(chat_id, admin, "/dangky")
    comp = cup.hp.store.competitions.all()[0]
    assert "&lt;b&gt;Quý IV&lt;/b&gt;" in await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi")
    assert "số cuộc thi" in await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_themtatca")
    assert "Không có cuộc thi «99»" in await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_themtatca 99")
    assert "thêm 2 chi bộ" in await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_themtatca {comp.id}")
    assert cup.hp.store.competitions.groups_of(comp.id) == sorted([GROUP, BIG])
    assert "chỉ quản trị viên" in await cup.reply_to(GROUP, LAN, f"/thamgia {comp.code}")
    assert "Không có cuộc thi nào với mã" in await cup.reply_to(GROUP, ADMIN, "/thamgia ZZZZZZ")

    clock.set(local(2026, 11, 30, 9, 0))
    kept = await confirmed(cup, fake, f"/cuocthi_ketthuc {comp.id}", button=1)  # "Hủy"
    assert "Đã hủy" in kept and cup.hp.store.competitions.get(comp.id).status == "active"
    ended = await confirmed(cup, fake, f"/cuocthi_ketthuc {comp.id}")
    assert (
        "đã kết thúc" in ended and "01/12/2026" in ended
    )  # ended before it began: its last day is its first
    assert "đã kết thúc" in await cup.reply_to(GROUP, ADMIN, f"/thamgia {comp.code}")
    assert "đã kết thúc từ trước" in await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_ketthuc {comp.id}")
    asked = await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_xoa {comp.id}")
    confirmation = fake.messages(ORGANIZER)[-1]
    assert "xác nhận xóa" in asked and cup.hp.store.competitions.all()  # nothing deleted before the tap
    delete = confirmation.reply_markup["inline_keyboard"][0][0]["callback_data"]
    assert "chỉ dành cho ban tổ chức" in await cup.tap(ORGANIZER, STRANGER, confirmation.message_id, delete)
    assert cup.hp.store.competitions.all()
    await cup.tap(ORGANIZER, ORGANIZER, confirmation.message_id, delete)
    await fake.wait_for(lambda: "Đã xóa" in confirmation.text)
    assert cup.hp.store.competitions.all() == []
    assert "không còn" in await cup.tap(ORGANIZER, ORGANIZER, confirmation.message_id, delete)  # a stale tap
    assert "chưa tham gia cuộc thi" in await cup.reply_to(GROUP, NAUGHTY, "/bxh cuocthi")


def assert_png(data: bytes, *, min_width: int, min_height: int) -> None:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    image.verify()
    image = Image.open(io.BytesIO(data)).convert("RGB")
    width, height = image.size
    assert min_width <= width <= 3000 and min_height <= height <= 3000
    colors = image.getcolors(maxcolors=1 << 20)
    assert colors is not None and len(colors) > 20  # drawn, anti-aliased text and bars, not a blank canvas
    white = sum(n for n, c in colors if c == (255, 255, 255))
    assert white < 0.97 * width * height
    blue = sum(n for n, c in colors if c == (0x1F, 0x5F, 0xA8))
    assert blue > 500  # the bars


async def test_members_are_counted_at_each_post_after_the_morning_push(cup, fake, clock):
    for chat_id, admin in ((GROUP, ADMIN), (BIG, BIG_ADMIN)):
        await cup.reply_to(chat_id, admin, "/dangky")
    calls_before = len(fake.calls)
    clock.set(local(2026, 11, 30, 7, 0))
    await cup.tick()
    await cup.hp.rounds.drain()
    calls = [c.method for c in fake.calls[calls_before:]]
    posts = [i for i, m in enumerate(calls) if m == "sendMessage"]
    counts = [i for i, m in enumerate(calls) if m == "getChatMemberCount"]
    assert (
        len(posts) == 2 and len(counts) == 2 and max(posts) < min(counts)
    )  # every post first, then the counts
    members = dict(cup.hp.store.db.execute("SELECT chat_id, member_count FROM rounds").fetchall())
    assert members == {GROUP: 5, BIG: 11}  # people, not the bot


async def test_a_name_that_says_contest_is_not_doubled_and_organizers_get_their_help(cup, fake):
    name = "Cuộc thi trực tuyến tìm hiểu Văn kiện Đại hội"
    created = await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_tao {name} | 30/11/2026 | 31/12/2026")
    assert f"Đã tạo <b>{name}</b>" in created and "cuộc thi Cuộc thi" not in created
    comp = cup.hp.store.competitions.all()[0]
    ended = await confirmed(cup, fake, f"/cuocthi_ketthuc {comp.id}")
    assert ended.startswith(f"🏁 <b>{name}</b> đã kết thúc")
    deleted = await confirmed(cup, fake, f"/cuocthi_xoa {comp.id}")
    assert f"Đã xóa <b>{name}</b>." in deleted and "các chi bộ" in deleted

    other = await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_tao Tháng 12 | 01/12/2026 | 31/12/2026")
    assert "Đã tạo cuộc thi <b>Tháng 12</b>" in other

    organizer_help = await cup.reply_to(ORGANIZER, ORGANIZER, "/trogiup")
    assert "Ban tổ chức cuộc thi" in organizer_help and "/cuocthi_tao" in organizer_help
    for chat_id, user_id in ((STRANGER, STRANGER), (GROUP, ORGANIZER)):  # not an organizer; not in private
        member_help = await cup.reply_to(chat_id, user_id, "/trogiup")
        assert "Cách tính điểm" in member_help and "/cuocthi_tao" not in member_help


# prizes: the organizer sets them, the awards list follows the standings (names set with /hoten first), the
# certificates come back as a .zip of PDFs whose text is read back
async def test_prizes_awards_list_and_certificates(cup, fake, clock, bank):
    await setup_competition(cup, fake)
    await play_days(cup, fake, clock, bank)
    comp = cup.hp.store.competitions.all()[0]

    assert "chỉ dành cho ban tổ chức" in await cup.reply_to(STRANGER, STRANGER, f"/giaithuong {comp.id}")
    assert "chưa đặt giải" in await cup.reply_to(ORGANIZER, ORGANIZER, f"/giaithuong {comp.id}")
    assert "chưa đặt giải" in await cup.reply_to(ORGANIZER, ORGANIZER, f"/chungnhan {comp.id}")
    refused = await cup.reply_to(ORGANIZER, ORGANIZER, f"/giaithuong {comp.id} nhat=1 hang=2")
    assert "Không có hạng giải «hang»" in refused and "nhat=1 nhi=2" in refused
    assert cup.hp.store.db.execute("SELECT COUNT(*) FROM competition_prizes").fetchone()[0] == 0

    saved = await cup.reply_to(ORGANIZER, ORGANIZER, f"/giaithuong {comp.id} nhat=1 nhì=1 ba=1 kk=2 tapthe=1")
    assert "1 Giải Nhất, 1 Giải Nhì, 1 Giải Ba, 2 Giải Khuyến khích, 1 Giải tập thể" in saved
    await fake.wait_for(lambda: "Danh sách đoạt giải" in fake.messages(ORGANIZER)[-1].text)
    listing = fake.messages(ORGANIZER)[-1].text
    # the standings' order: Hoa, Lan and Bình have 45 points each and are ranked by answer time
    assert listing.index("Giải Nhất") < listing.index("Đỗ Thị Hoa") < listing.index("Giải Nhì")
    assert listing.index("Giải Nhì") < listing.index("Nguyễn Thị Lan") < listing.index("Giải Ba")
    assert listing.index("Giải Ba") < listing.index("Lê Văn Bình") < listing.index("Giải Khuyến khích")
    assert listing.count("(tên Telegram)") == 5 and "/hoten" in listing
    assert "1. Chi bộ Khu 3 — tham gia 60%" in listing[listing.index("Giải tập thể") :]
    assert "danh sách còn thay đổi" in listing  # the competition is still running

    assert "Nguyễn Thị Lan Anh" in await cup.reply_to(LAN, LAN, "/hoten Nguyễn Thị Lan Anh")
    listing = await cup.reply_to(ORGANIZER, ORGANIZER, f"/giaithuong {comp.id}")
    assert "Nguyễn Thị Lan Anh — Chi bộ Khu 3" in listing and listing.count("(tên Telegram)") == 4
    await cup.reply_to(ORGANIZER, ORGANIZER, f"/xuat {comp.id}")  # the workbook holds the awards too
    await fake.wait_for(lambda: fake.files and fake.files[-1]["filename"].endswith(".xlsx"))
    awards = load_workbook(io.BytesIO(fake.files[-1]["data"]))["Giải thưởng"]
    rows = list(awards.iter_rows(min_row=2, values_only=True))
    assert rows[0][:3] == ("Giải Nhất", 1, "Đỗ Thị Hoa (tên Telegram)") and len(rows) == 6
    assert ("Giải Nhì", 1, "Nguyễn Thị Lan Anh", "Chi bộ Khu 3", 45) in rows

    files_before = len(fake.files)
    assert "Đang tạo giấy chứng nhận" in await cup.reply_to(ORGANIZER, ORGANIZER, f"/chungnhan {comp.id}")
    await fake.wait_for(lambda: len(fake.files) > files_before, timeout=30)
    archive = zipfile.ZipFile(io.BytesIO(fake.files[-1]["data"]))
    names = archive.namelist()
    assert (
        names[-1] == "tat-ca-de-in.pdf" and len(PdfReader(io.BytesIO(archive.read(names.pop()))).pages) == 6
    )
    assert len(names) == 6 and names[0].startswith("001-giai-nhat-dong-chi-do-thi-hoa")
    pages = {name: PdfReader(io.BytesIO(archive.read(name))).pages for name in names}
    assert all(len(p) == 1 for p in pages.values())
    first = pages[names[0]][0]
    width, height = float(first.mediabox.width), float(first.mediabox.height)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    text = first.extract_text()
    for expected in ("GIẤY CHỨNG NHẬN", "Đồng chí Đỗ Thị Hoa", "Đơn vị: Chi bộ Phường 7", "ĐẠT GIẢI NHẤT"):
        assert expected in text
    assert "Thi đua học Nghị quyết, từ ngày 30/11/2026 đến ngày 31/12/2026" in text
    lan = next(name for name in names if "lan-anh" in name)
    assert "Đồng chí Nguyễn Thị Lan Anh" in pages[lan][0].extract_text()
    cell = next(name for name in names if "tap-the" in name)
    cell_text = pages[cell][0].extract_text()
    assert "Chi bộ Khu 3" in cell_text and "ĐẠT GIẢI TẬP THỂ" in cell_text and "Đồng chí" not in cell_text
    fonts = first["/Resources"]["/Font"]
    assert all(
        "/FontFile2" in fonts[f].get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        for f in fonts
    )  # every font embedded


async def test_a_competition_reveals_at_one_time_for_all_its_cells(cup, fake, clock, bank):
    """No cell can reveal before the others and pass the letter on: /congbo and /caidat are refused while the
    competition runs, and every cell's answers close at the common time."""
    await setup_competition(cup, fake)
    comp = cup.hp.store.competitions.all()[0]
    assert comp.reveal_time == "20:00"
    assert "chung của cuộc thi <b>Thi đua học Nghị quyết</b>: <b>20:00</b>" in await cup.reply_to(
        ORGANIZER, ORGANIZER, f"/cuocthi_gio {comp.id}"
    )
    assert "Giờ chưa đúng" in await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_gio {comp.id} 25:00")
    clock.set(local(2026, 11, 30, 6, 0))
    assert "vào <b>21:00</b>" in await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_gio {comp.id} 21:00")

    refused = await cup.reply_to(GROUP, ADMIN, "/caidat 07:00 19:00")
    assert "không đổi được giờ công bố" in refused and "21:00" in refused
    assert cup.hp.store.group(GROUP).reveal_time == "20:00"  # unchanged
    assert "Đã lưu" in await cup.reply_to(BIG, BIG_ADMIN, "/caidat 06:30 21:00")  # the post time may change

    clock.set(local(2026, 11, 30, 7, 0))
    await cup.tick()
    rounds = {chat_id: cup.hp.study.today_round(chat_id) for chat_id in (GROUP, BIG)}
    assert all(r is not None and r.message_id for r in rounds.values())
    assert {cup.hp.rounds.reveal_hhmm(r) for r in rounds.values()} == {"21:00"}
    post = next(m for m in fake.messages(GROUP) if m.message_id == rounds[GROUP].message_id)
    assert "công bố lúc 21:00" in post.text

    clock.set(local(2026, 11, 30, 7, 1))
    early = await cup.reply_to(GROUP, ADMIN, "/congbo")
    assert "chưa thể công bố sớm hơn" in early and "<b>21:00</b>" in early
    clock.set(local(2026, 11, 30, 20, 30))  # after the group's own reveal time, before the common one
    await cup.tick()
    assert cup.hp.study.today_round(GROUP).is_open and cup.hp.study.today_round(BIG).is_open
    item = bank.item(rounds[GROUP].item_id)
    rnd = rounds[GROUP]
    assert "Đã ghi nhận" in await cup.tap(GROUP, LAN, rnd.message_id, f"a:{rnd.id}:{item.answer}")

    clock.set(local(2026, 11, 30, 21, 0))
    await cup.tick()
    await cup.hp.rounds.drain()
    assert not cup.hp.study.today_round(GROUP).is_open and not cup.hp.study.today_round(BIG).is_open

    # once the competition is over, the group's own reveal time applies again
    await confirmed(cup, fake, f"/cuocthi_ketthuc {comp.id}")
    clock.set(local(2026, 12, 1, 7, 0))
    await cup.tick()
    assert cup.hp.rounds.reveal_hhmm(cup.hp.study.today_round(GROUP)) == "20:00"
    assert "Đã lưu" in await cup.reply_to(GROUP, ADMIN, "/caidat 07:00 19:00")


async def test_joining_needs_the_organizers_approval_and_a_group_can_be_taken_out(cup, fake, clock, bank):
    """An outsider's one-person group with the code asks to join; the organizer sees who asks and refuses; a
    group taken out leaves the standings and keeps its history."""
    await setup_competition(cup, fake)
    await play_days(cup, fake, clock, bank)
    comp = cup.hp.store.competitions.all()[0]
    outsider, outsider_admin = -3003, 990
    fake.add_user(outsider_admin, "Người", "Ngoài")
    fake.add_group(outsider, "Nhóm của tôi", admins=[outsider_admin], members=[])

    asked = await cup.reply_to(outsider, outsider_admin, f"/thamgia {comp.code}")
    assert "Đã gửi yêu cầu" in asked
    await fake.wait_for(lambda: "Yêu cầu tham gia" in fake.messages(ORGANIZER)[-1].text)
    request = fake.messages(ORGANIZER)[-1]
    assert "Nhóm: <b>Nhóm của tôi</b>" in request.text and "Số thành viên: 1" in request.text
    assert "Người gửi: Người Ngoài" in request.text
    assert "đang chờ" in await cup.reply_to(outsider, outsider_admin, f"/thamgia {comp.code}")
    # while it waits, the outsider is not in: no board, no member names of the real cells
    board = await cup.reply_to(outsider, outsider_admin, "/bxh cuocthi")
    assert "chưa tham gia cuộc thi" in board and "Đỗ Thị Hoa" not in board
    waiting = await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_cho {comp.id}")
    assert "1 yêu cầu đang chờ duyệt" in waiting

    refuse = request.reply_markup["inline_keyboard"][0][1]["callback_data"]
    assert "chỉ dành cho ban tổ chức" in await cup.tap(ORGANIZER, STRANGER, request.message_id, refuse)
    before = len(fake.messages(outsider))
    await cup.tap(ORGANIZER, ORGANIZER, request.message_id, refuse)
    await fake.wait_for(lambda: len(fake.messages(outsider)) > before)
    assert "chưa duyệt" in fake.messages(outsider)[-1].text
    assert "Không duyệt" in request.text and not request.reply_markup
    assert cup.hp.store.competitions.groups_of(comp.id) == sorted([GROUP, BIG])
    assert "không còn hiệu lực" in await cup.tap(ORGANIZER, ORGANIZER, request.message_id, refuse)  # stale
    assert "không có yêu cầu" in await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_cho {comp.id}")

    # taking a group out: found by part of its name, confirmed, gone from the standings, its history kept
    answers_before = cup.hp.store.db.execute(
        "SELECT COUNT(*) FROM answers WHERE chat_id = ?", [BIG]
    ).fetchone()[0]
    assert "Không có nhóm nào" in await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_bo {comp.id} Khu 99")
    confirm = await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_bo {comp.id} phường 7")
    assert "xác nhận đưa <b>Chi bộ Phường 7</b> ra khỏi" in confirm
    message = fake.messages(ORGANIZER)[-1]
    before = len(fake.messages(BIG))
    await cup.tap(
        ORGANIZER,
        ORGANIZER,
        message.message_id,
        message.reply_markup["inline_keyboard"][0][0]["callback_data"],
    )
    await fake.wait_for(lambda: len(fake.messages(BIG)) > before)
    assert "đã đưa nhóm ra khỏi" in fake.messages(BIG)[-1].text
    assert cup.hp.store.competitions.groups_of(comp.id) == [GROUP]
    results = await cup.reply_to(ORGANIZER, ORGANIZER, f"/ketqua {comp.id}")
    assert "Chi bộ Phường 7" not in results and "Đỗ Thị Hoa" not in results and "Chi bộ Khu 3" in results
    after = cup.hp.store.db.execute("SELECT COUNT(*) FROM answers WHERE chat_id = ?", [BIG]).fetchone()[0]
    assert after == answers_before > 0  # its history stays
    assert "chưa tham gia cuộc thi" in await cup.reply_to(BIG, HOA, "/bxh cuocthi")


async def test_an_export_is_read_apart_while_members_taps_are_answered(cup, fake, clock, bank, monkeypatch):
    """A city's report takes seconds to read: /xuat reads it on a worker thread, from a snapshot of its own, and the
    event loop goes on answering members meanwhile (it used to be read on the loop, and every chat waited)."""
    await setup_competition(cup, fake)
    await play_days(cup, fake, clock, bank)
    clock.set(local(2026, 12, 3, 7, 0))
    await cup.tick()
    rnd = cup.hp.study.today_round(GROUP)
    assert rnd is not None and rnd.message_id is not None
    reading, release = threading.Event(), threading.Event()
    report = CompetitionService.report

    def slow_report(self, comp):
        reading.set()
        release.wait(15)  # a city's report, as long as the test needs
        return report(self, comp)

    monkeypatch.setattr(CompetitionService, "report", slow_report)
    files = len(fake.files)
    fake.command(ORGANIZER, ORGANIZER, "/xuat")
    await fake.wait_for(reading.is_set)
    toast = await cup.tap(GROUP, LAN, rnd.message_id, f"a:{rnd.id}:0")  # answered while the report is read
    assert "Đã ghi nhận" in toast and len(fake.files) == files
    release.set()
    await fake.wait_for(lambda: len(fake.files) > files)
    book = load_workbook(io.BytesIO(fake.files[-1]["data"]))
    members = list(book["Thành viên"].iter_rows(min_row=2, values_only=True))
    assert len(members) == 7  # the three days' lines; today's tap is not revealed yet
