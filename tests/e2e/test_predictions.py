"""The prediction tie-break end to end: three members equal on points, ranked by their predictions of how many
members have every answer right (the closer first), then by the earlier prediction; predictions sent in private
chat, changeable until the deadline, refused after it; the organizer's standings and the awards list apply it."""

import re
from datetime import date

import pytest

from tests.e2e.conftest import ADMIN, GROUP, HUNG, LAN, TUAN
from tests.e2e.harness import BotUnderTest, local

ORGANIZER, STRANGER = 900, 901
DAYS = [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)]


@pytest.fixture
async def cup(fake, clock, bank, tmp_path):
    fake.add_user(ORGANIZER, "Ban", "Tổ chức")
    fake.add_user(STRANGER, "Người", "Lạ")
    for user_id in (ORGANIZER, STRANGER, LAN, HUNG, TUAN):
        fake.private_chat(user_id)
    bot = BotUnderTest(fake, tmp_path / "hpbot.sqlite3", clock, bank, HPBOT_ORGANIZERS=str(ORGANIZER))
    await bot.start()
    yield bot
    await bot.stop()


async def play(cup, clock, bank, day):
    """LAN, HUNG and TUAN answer right within half an hour (15 points a day each): LAN fastest, TUAN slowest."""
    clock.set(local(day.year, day.month, day.day, 7, 0))
    await cup.tick()
    rnd = cup.hp.study.today_round(GROUP)
    item = bank.item(rnd.item_id)
    for minute, user_id in ((1, LAN), (2, HUNG), (3, TUAN)):
        clock.set(local(day.year, day.month, day.day, 7, minute))
        assert "Đã ghi nhận" in await cup.tap(GROUP, user_id, rnd.message_id, f"a:{rnd.id}:{item.answer}")
    clock.set(local(day.year, day.month, day.day, 20, 0))
    await cup.tick()
    await cup.hp.rounds.drain()


async def test_a_tie_on_points_is_resolved_by_the_prediction_then_by_its_time(cup, fake, clock, bank):
    created = await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_tao Thi đua | 30/11/2026 | 02/12/2026")
    code = re.search(r"<code>([A-Z0-9]{6})</code>", created).group(1)
    assert "Ban tổ chức đã duyệt" in await cup.join(GROUP, ADMIN, code, ORGANIZER)
    await cup.reply_to(GROUP, ADMIN, "/dangky")
    rounds = await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_vong 1")
    assert "1 vòng dự đoán" in rounds and "hạn dự đoán 20:00 02/12/2026" in rounds

    clock.set(local(2026, 11, 30, 6, 30))
    board = await cup.reply_to(GROUP, LAN, "/bxh cuocthi")  # the rules members see
    assert (
        "🔮 Câu hỏi dự đoán, cả cuộc thi (30/11 – 02/12/2026)" in board and "trước 20:00 02/12/2026" in board
    )
    assert "ai dự đoán gần đúng hơn số đảng viên trả lời đúng tất cả các câu" in board
    assert "gửi riêng cho bot" in await cup.reply_to(GROUP, LAN, "/dudoan 3")
    assert "Đã ghi dự đoán" in await cup.reply_to(LAN, LAN, "/dudoan 3")  # 30/11 06:30, would be exact...
    clock.set(local(2026, 11, 30, 6, 40))
    assert "<b>5</b>" in await cup.reply_to(HUNG, HUNG, "/dudoan 5")  # 2 off, sent first of the two that are
    assert "số nguyên" in await cup.reply_to(TUAN, TUAN, "/dudoan ba")
    for day in DAYS[:2]:
        await play(cup, clock, bank, day)
    clock.set(local(2026, 12, 2, 6, 0))
    changed = await cup.reply_to(
        LAN, LAN, "/dudoan 1"
    )  # ...but the last number counts, from when it was sent
    assert "3 → <b>1</b>" in changed and "06:00 02/12/2026" in changed
    clock.set(local(2026, 12, 2, 6, 5))
    assert "giữ thời điểm gửi lúc 06:40 30/11/2026" in await cup.reply_to(HUNG, HUNG, "/dudoan 5")
    assert "Đã ghi dự đoán" in await cup.reply_to(TUAN, TUAN, "/dudoan 1 3")  # exact, sent last
    status = await cup.reply_to(HUNG, HUNG, "/dudoan")
    assert "Dự đoán của đồng chí: <b>5</b> (gửi lúc 06:40 30/11/2026)" in status
    await play(cup, clock, bank, DAYS[2])  # the deadline is this reveal

    clock.set(local(2026, 12, 2, 20, 30))
    assert "không có cuộc thi nào đang nhận dự đoán" in await cup.reply_to(LAN, LAN, "/dudoan 3")
    assert "Đã hết hạn dự đoán" in await cup.reply_to(LAN, LAN, "/dudoan 1 3")
    results = await cup.reply_to(ORGANIZER, ORGANIZER, "/ketqua 1")
    # equal on points (45 each); without the tie-break LAN (fastest) would come first
    assert results.index("Phạm Minh Tuấn") < results.index("Trần Văn Hùng") < results.index("Nguyễn Thị Lan")
    assert "<b>3</b> đảng viên trả lời đúng tất cả 3 câu; 3 đồng chí đã dự đoán" in results
    board = await cup.reply_to(GROUP, LAN, "/bxh cuocthi")  # the board members see ranks the same way
    assert board.index("Phạm Minh Tuấn") < board.index("Trần Văn Hùng") < board.index("Nguyễn Thị Lan")
    comps = cup.hp.competitions
    one = comps.board(comps.pick("1"), GROUP, LAN, top=1)
    assert one.top[0][1].standing.user_id == TUAN and one.mine[0] == 3  # Lan's rank outside the top too
    await cup.reply_to(ORGANIZER, ORGANIZER, "/giaithuong 1 nhat=1 nhi=1 ba=1")
    awards = await fake.wait_for(
        lambda: next(
            (m.text for m in fake.messages(ORGANIZER) if "Giải Nhất" in m.text and "Tuấn" in m.text), None
        )
    )
    first, second, third = (awards.index(name) for name in ("Giải Nhất", "Giải Nhì", "Giải Ba"))
    assert first < awards.index("Phạm Minh Tuấn") < second < awards.index("Trần Văn Hùng") < third
    assert third < awards.index("Nguyễn Thị Lan")


async def test_weekly_rounds_and_a_member_in_no_contest_sees_what_is_open(cup, fake, clock):
    await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_tao Tháng 12 | 01/12/2026 | 31/12/2026")
    weekly = await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_vong 1 tuan")
    assert "Đã đặt vòng dự đoán" in weekly and "5 vòng dự đoán" in weekly
    assert "Vòng 5: 29/12/2026 – 31/12/2026, hạn dự đoán 20:00 31/12/2026" in weekly
    assert "Cách ghi" in await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_vong 1 nua thang")
    clock.set(local(2026, 12, 8, 21, 0))  # round 1 is over: round 2 is open
    assert "vòng 2/5 (08/12 – 14/12/2026)" in await cup.reply_to(STRANGER, STRANGER, "/dudoan 7")
    assert "không đổi các vòng được nữa" in await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_vong 1 ca")
    assert "chỉ dành cho ban tổ chức" in await cup.reply_to(STRANGER, STRANGER, "/cuocthi_vong 1 ca")
