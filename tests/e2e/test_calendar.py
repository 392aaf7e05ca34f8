"""A group's study calendar and the reminder before the reveal, end to end: a weekday-only cell over two weeks with
a Tết-style pause keeps its members' streaks; the reminder goes out once at its local time with the count of members
who answered, never on a day off nor once turned off; its button tells each member privately whether they
answered and which streak is at stake; the admins' commands refuse others and explain bad input."""

import re
from datetime import date, timedelta

import pytest

from tests.e2e.conftest import ADMIN, GROUP, HUNG, LAN, TUAN
from tests.e2e.harness import BotUnderTest, local

ORGANIZER = 900
FIRST, LAST = date(2026, 11, 30), date(2026, 12, 14)  # Monday to the Monday two weeks on
PAUSE = (date(2026, 12, 7), date(2026, 12, 8))  # Monday and Tuesday of the second week ("Tết")
STUDY_DAYS = [
    FIRST + timedelta(days=n)
    for n in range((LAST - FIRST).days + 1)
    if (FIRST + timedelta(days=n)).isoweekday() <= 5 and not PAUSE[0] <= FIRST + timedelta(days=n) <= PAUSE[1]
]


@pytest.fixture
async def cell(fake, clock, bank, tmp_path):
    """The bot with an organizer (for a competition the cell takes part in)."""
    fake.add_user(ORGANIZER, "Ban", "Tổ chức")
    fake.private_chat(ORGANIZER)
    bot = BotUnderTest(fake, tmp_path / "hpbot.sqlite3", clock, bank, HPBOT_ORGANIZERS=str(ORGANIZER))
    await bot.start()
    yield bot
    await bot.stop()


def at(clock, day, hour, minute=0):
    clock.set(local(day.year, day.month, day.day, hour, minute))


def reminders(fake):
    return [m for m in fake.messages(GROUP) if m.text.startswith("⏰ Còn")]


async def alert(fake, user_id, message_id, data):
    query_id = fake.tap(user_id, GROUP, message_id, data)["callback_query"]["id"]
    await fake.wait_for(lambda: query_id in fake.callback_answers)
    answer = fake.callback_answers[query_id]
    assert answer["show_alert"] is True and len(answer["text"]) <= 200
    return answer["text"]


async def test_admins_only_and_bad_input_changes_nothing(bot, fake, clock):
    await bot.reply_to(GROUP, ADMIN, "/dangky")
    for command in ("/lich T2-T6", "/lich", "/tamdung 25/01/2027 05/02/2027", "/tamdung xoa", "/nhacnho tat"):
        assert "chỉ quản trị viên" in await bot.reply_to(GROUP, LAN, command), command
    for alias in ("/calendar", "/pause", "/reminder"):
        assert "chỉ quản trị viên" in await bot.reply_to(GROUP, HUNG, alias), alias
    store = bot.hp.store
    assert store.study_days(GROUP) == "1234567" and store.pauses(GROUP) == []
    assert store.reminder_minutes(GROUP) == 120

    bad_days = await bot.reply_to(GROUP, ADMIN, "/lich T2-T9")
    assert "Chưa rõ ngày học" in bad_days and "/lich T2-T6" in bad_days and "chưa thay đổi" in bad_days
    bad_pause = await bot.reply_to(GROUP, ADMIN, "/tamdung 05/02/2027 25/01/2027")
    assert "Ngày kết thúc phải bằng hoặc sau" in bad_pause and "/tamdung 25/01/2027 05/02/2027" in bad_pause
    assert "Ngày chưa đúng" in await bot.reply_to(GROUP, ADMIN, "/tamdung 25-01-2027")
    assert "đã qua" in await bot.reply_to(GROUP, ADMIN, "/tamdung 01/11/2026 05/11/2026")
    bad_reminder = await bot.reply_to(GROUP, ADMIN, "/nhacnho nhiều")
    assert "Chưa rõ số phút" in bad_reminder and "/nhacnho 60" in bad_reminder
    assert store.study_days(GROUP) == "1234567" and store.pauses(GROUP) == []
    assert store.reminder_minutes(GROUP) == 120
    shown = await bot.reply_to(GROUP, ADMIN, "/calendar")
    assert "mọi ngày trong tuần" in shown and "Tạm dừng: không có." in shown
    assert "18:00" in await bot.reply_to(GROUP, ADMIN, "/reminder")

    clock.advance(minutes=1)
    assert "T2, T4, T6" in await bot.reply_to(GROUP, ADMIN, "/lich T2,T4,T6")
    assert "CN" in await bot.reply_to(GROUP, ADMIN, "/lich CN")
    assert "mọi ngày" in await bot.reply_to(GROUP, ADMIN, "/lich moi ngay")
    assert store.study_days(GROUP) == "1234567"

    clock.advance(minutes=1)  # the bot's own pacing: at most 20 messages a minute into one group
    assert "không có ngày tạm dừng nào" in await bot.reply_to(GROUP, ADMIN, "/tamdung")
    assert "25/01/2027" in await bot.reply_to(GROUP, ADMIN, "/pause 25/01/2027 - 05/02/2027")
    assert "• 25/01/2027 – 05/02/2027" in await bot.reply_to(GROUP, ADMIN, "/tamdung")
    assert "Đã bỏ 1 đợt tạm dừng" in await bot.reply_to(GROUP, ADMIN, "/tamdung xoa")
    assert store.pauses(GROUP) == []
    assert "Đã lưu" in await bot.reply_to(GROUP, ADMIN, "/nhacnho 90")
    assert (
        "1 giờ 30 phút" in await bot.reply_to(GROUP, ADMIN, "/nhacnho")
        and store.reminder_minutes(GROUP) == 90
    )


async def test_a_weekday_group_with_a_pause_keeps_its_streaks_and_is_reminded_once(cell, fake, clock, bank):
    bot = cell
    store = bot.hp.store
    created = await bot.reply_to(
        ORGANIZER, ORGANIZER, "/cuocthi_tao Thi đua tháng 12 | 30/11/2026 | 31/12/2026"
    )
    code = re.search(r"<code>([A-Z0-9]{6})</code>", created).group(1)
    await bot.join(GROUP, ADMIN, code, ORGANIZER)
    await bot.reply_to(GROUP, ADMIN, "/dangky")
    # in a running competition its calendar is the group's (tests/e2e/test_contest_calendar.py)
    number = store.competitions.by_code(code).id
    assert "<b>T2-T6</b>" in await bot.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_lich {number} T2-T6")
    paused = await bot.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_lich {number} tamdung 07/12/2026 08/12/2026")
    assert "07/12/2026" in paused and "08/12/2026" in paused and "không chi bộ nào có câu hỏi" in paused
    shown = await bot.reply_to(GROUP, ADMIN, "/lich")
    assert "T2-T6" in shown and "07/12/2026 – 08/12/2026" in shown

    day = FIRST
    while day <= LAST:
        study_day = day in STUDY_DAYS
        at(clock, day, 6, 0)
        if day == date(2026, 12, 2):
            assert "Đã tắt" in await bot.reply_to(GROUP, ADMIN, "/nhacnho tat")
        if day == date(2026, 12, 3):
            assert "19:00" in await bot.reply_to(GROUP, ADMIN, "/nhacnho 60")
            settings = await bot.reply_to(GROUP, ADMIN, "/caidat")
            assert (
                "Ngày học: <b>T2-T6</b>" in settings
                and "Nhắc trước giờ công bố: <b>1 giờ</b>, lúc 19:00" in settings
            )
            assert "07/12/2026 – 08/12/2026" in settings  # the pause to come
        if day == date(2026, 12, 5):  # Saturday
            off = await bot.reply_to(GROUP, ADMIN, "/guingay")
            assert "không phải ngày thi" in off and "T7, 05/12/2026" in off and "T2-T6" in off
            asked = await bot.reply_to(GROUP, LAN, "/cauhoi")  # a member asking for the day's question
            assert "không phải ngày thi" in asked and "Câu hỏi được đăng lúc" not in asked
        if day == PAUSE[0]:
            assert "nghỉ chung từ 07/12/2026 đến hết 08/12/2026" in await bot.reply_to(
                GROUP, ADMIN, "/guingay"
            )
        sent_before = len(fake.messages(GROUP))
        reminded_before = len(reminders(fake))

        at(clock, day, 7, 0)
        await bot.tick()
        await bot.hp.rounds.drain()
        rnd = bot.hp.study.today_round(GROUP)
        if not study_day:
            assert rnd is None, day
        else:
            assert rnd is not None and rnd.message_id is not None, day
            await fake.wait_for(lambda rid=rnd.id: store.round(rid).member_count is not None)
            item = bank.item(rnd.item_id)
            at(clock, day, 7, 5)
            assert "Đã ghi nhận" in await bot.tap(GROUP, LAN, rnd.message_id, f"a:{rnd.id}:{item.answer}")
            wrong = (item.answer + 1) % 4
            assert "Đã ghi nhận" in await bot.tap(GROUP, HUNG, rnd.message_id, f"a:{rnd.id}:{wrong}")

        reminder_at = {date(2026, 12, 2): None}.get(day, 18 if day < date(2026, 12, 3) else 19)
        at(clock, day, 17, 59)
        await bot.tick()
        assert len(reminders(fake)) == reminded_before, day  # not before its time
        for hour, minute in ((18, 0), (18, 30), (19, 0), (19, 30)):
            at(clock, day, hour, minute)
            await bot.tick()
            expected = 1 if study_day and reminder_at is not None and hour >= reminder_at else 0
            assert len(reminders(fake)) == reminded_before + expected, (day, hour, minute)
            if expected and (hour, minute) == (reminder_at, 0):
                reminder = reminders(fake)[-1]
                left = "2 giờ" if reminder_at == 18 else "1 giờ"
                assert (
                    f"⏰ Còn <b>{left}</b> nữa là công bố đáp án câu hỏi hôm nay (lúc 20:00)" in reminder.text
                )
                assert "Đã trả lời: <b>2/5 đồng chí (40%)</b>" in reminder.text  # 5 members at the post
                button = reminder.reply_markup["inline_keyboard"][0][0]
                assert button["text"] == "🔔 Tôi đã trả lời chưa?"
                lan = await alert(fake, LAN, reminder.message_id, button["callback_data"])
                assert "đã trả lời câu hỏi hôm nay (chọn" in lan
                assert "đúng" not in lan and "sai" not in lan  # never the correctness before the reveal
                tuan = await alert(fake, TUAN, reminder.message_id, button["callback_data"])
                streak = STUDY_DAYS.index(day)  # Tuấn answered every study day so far, after the reminder
                if streak:
                    assert f"Chuỗi {streak} ngày của đồng chí sẽ bị ngắt nếu chưa trả lời trước 20:00" in tuan
                else:
                    assert "chưa trả lời câu hỏi hôm nay" in tuan and "Chuỗi" not in tuan
        if study_day:
            at(clock, day, 19, 45)
            assert "Đã ghi nhận" in await bot.tap(GROUP, TUAN, rnd.message_id, f"a:{rnd.id}:{item.answer}")
        at(clock, day, 20, 0)
        await bot.tick()
        await bot.hp.rounds.drain()
        today = [m.text for m in fake.messages(GROUP)[sent_before:]]
        if study_day:
            assert any(f"Kết quả ngày {day:%d/%m/%Y}" in t for t in today), day
        else:  # no post, no reminder, no reveal, no bulletin on a day off
            assert today == [], (day, today)
        day += timedelta(days=1)

    for user_id in (LAN, HUNG, TUAN):  # nine study days answered: a weekend and a pause broke nothing
        stats = store.member_stats(GROUP, user_id)
        assert (stats["streak"], stats["best_streak"]) == (len(STUDY_DAYS), len(STUDY_DAYS)), user_id
    assert len(STUDY_DAYS) == 9 and len(reminders(fake)) == 8  # every study day but the one with it off

    # participation counts only the days the cell had a question: 3 of 5 members on each of them
    board = await bot.reply_to(GROUP, LAN, "/bxh cuocthi")
    assert "Tỷ lệ tham gia: <b>60%</b> (27/45 lượt)" in board
    # the Monday bulletin: none during the pause (07/12), the next Monday's reports the week after it
    bulletins = [m.text for m in fake.messages(GROUP) if "Bản tin tuần" in m.text]
    assert len(bulletins) == 1 and "Bản tin tuần 07/12 – 13/12/2026" in bulletins[0]
    assert "<b>9</b>/15 lượt (<b>60%</b>)" in bulletins[0]


async def test_a_members_own_result_warns_of_the_streak_at_stake_today(bot, fake, clock, bank):
    await bot.reply_to(GROUP, ADMIN, "/dangky")
    for day in (date(2026, 11, 30), date(2026, 12, 1)):
        at(clock, day, 7)
        await bot.tick()
        rnd = bot.hp.study.today_round(GROUP)
        await bot.tap(GROUP, LAN, rnd.message_id, f"a:{rnd.id}:{bank.item(rnd.item_id).answer}")
        at(clock, day, 20)
        await bot.tick()
        await bot.hp.rounds.drain()
    results = [m for m in fake.messages(GROUP) if "Kết quả ngày 01/12/2026" in m.text][0]
    data = results.reply_markup["inline_keyboard"][0][0]["callback_data"]
    at(clock, date(2026, 12, 2), 7)
    await bot.tick()
    at(clock, date(2026, 12, 2), 9)
    own = await alert(fake, LAN, results.message_id, data)
    assert "Chuỗi: 2 ngày." in own and "chuỗi 2 ngày sẽ bị ngắt nếu chưa trả lời trước 20:00" in own
    rnd = bot.hp.study.today_round(GROUP)
    await bot.tap(GROUP, LAN, rnd.message_id, f"a:{rnd.id}:0")
    assert "sẽ bị ngắt" not in await alert(fake, LAN, results.message_id, data)


async def test_the_reminder_is_not_sent_when_it_would_come_before_the_post(bot, fake, clock):
    await bot.reply_to(GROUP, ADMIN, "/dangky")
    await bot.reply_to(GROUP, ADMIN, "/caidat 19:00 20:00")
    assert "sớm hơn giờ đăng" in await bot.reply_to(GROUP, ADMIN, "/nhacnho")
    for hour, minute in ((18, 0), (19, 0), (19, 1), (19, 30), (19, 59), (20, 0)):
        clock.set(local(2026, 11, 30, hour, minute))
        await bot.tick()
    await bot.hp.rounds.drain()
    assert any("Kết quả ngày 30/11/2026" in m.text for m in fake.messages(GROUP))
    assert reminders(fake) == []
