"""A competition's own study calendar, end to end: the contest, not each cell's /lich, decides which days are
contest days, so a cell that studies on more days than the others cannot lower their participation (issue 19);
the organizer sets it with /cuocthi_lich; while the contest runs a cell's /lich cannot change it; a round on a day
the contest does not study is not counted in the contest."""

import re
from datetime import date, timedelta

import pytest

from tests.e2e.conftest import ADMIN, GROUP, HUNG, LAN, NAUGHTY, TUAN
from tests.e2e.harness import BotUnderTest, local

EAGER = -1003  # a second cell, with a secretary and three members
EAGER_ADMIN, MAI, NAM, OANH = 800, 801, 802, 803
ORGANIZER, STRANGER = 900, 901
FRIDAY = date(2026, 12, 4)


@pytest.fixture
async def cup(fake, clock, bank, tmp_path):
    """The bot with an organizer, a stranger in private chat and a second cell."""
    for user_id, first, last in (
        (ORGANIZER, "Ban", "Tổ chức"),
        (STRANGER, "Người", "Lạ"),
        (EAGER_ADMIN, "Bí thư", "Khu 5"),
        (MAI, "Vũ Thị", "Mai"),
        (NAM, "Hoàng Văn", "Nam"),
        (OANH, "Lý Thị", "Oanh"),
    ):
        fake.add_user(user_id, first, last)
    fake.private_chat(ORGANIZER)
    fake.private_chat(STRANGER)
    fake.add_group(EAGER, "Chi bộ Khu 5", admins=[EAGER_ADMIN], members=[MAI, NAM, OANH])
    bot = BotUnderTest(fake, tmp_path / "hpbot.sqlite3", clock, bank, HPBOT_ORGANIZERS=str(ORGANIZER))
    await bot.start()
    yield bot
    await bot.stop()


MEMBERS = {GROUP: [ADMIN, LAN, HUNG, TUAN, NAUGHTY], EAGER: [EAGER_ADMIN, MAI, NAM, OANH]}  # everyone answers


async def contest(bot, start="30/11/2026", end="31/12/2026"):
    """A competition both cells take part in and study daily in; returns it."""
    created = await bot.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_tao Thi đua tháng 12 | {start} | {end}")
    code = re.search(r"<code>([A-Z0-9]{6})</code>", created).group(1)
    for chat_id, admin in ((GROUP, ADMIN), (EAGER, EAGER_ADMIN)):
        assert "Ban tổ chức đã duyệt" in await bot.join(chat_id, admin, code, ORGANIZER)
        await bot.reply_to(chat_id, admin, "/dangky")
    return bot.hp.store.competitions.by_code(code)


async def play(bot, bank, day, *, answer=True):
    """One day: the morning post, every member of each cell that got a question answers it rightly, the reveal.
    Returns the cells that got a question."""
    bot.clock.set(local(day.year, day.month, day.day, 7, 0))
    await bot.tick()
    posted = {chat_id for chat_id in MEMBERS if bot.hp.study.today_round(chat_id) is not None}
    for chat_id in sorted(posted):
        rnd = bot.hp.study.today_round(chat_id)
        if answer and rnd.message_id is not None:
            for n, user_id in enumerate(MEMBERS[chat_id]):
                bot.clock.set(local(day.year, day.month, day.day, 7, 5 + n))
                option = bank.item(rnd.item_id).answer
                assert "Đã ghi nhận" in await bot.tap(
                    chat_id, user_id, rnd.message_id, f"a:{rnd.id}:{option}"
                )
    bot.clock.set(local(day.year, day.month, day.day, 20, 0))
    await bot.tick()
    await bot.hp.rounds.drain()
    return posted


def totals(bot, comp):
    comp = bot.hp.store.competitions.get(comp.id)
    return {g.chat_id: g for g in bot.hp.store.competitions.group_totals(comp)}


async def test_a_cell_studying_more_days_does_not_lower_the_others_participation(cup, fake, clock, bank):
    """Issue 19: the first cell studies Monday to Friday by its own /lich, the eager one every day. Every day the
    contest counts is a day every cell got its question, so a cell that answered every question it got keeps a
    participation of 100 %."""
    clock.set(local(2026, 12, 3, 6, 0))
    assert "T2-T6" in await cup.reply_to(GROUP, ADMIN, "/lich T2-T6")
    assert "mọi ngày" in await cup.reply_to(EAGER, EAGER_ADMIN, "/lich moi ngay")
    comp = await contest(cup, start="04/12/2026")
    got = {}
    for n in range(4):  # Friday to Monday
        day = FRIDAY + timedelta(days=n)
        got[day] = await play(cup, bank, day)
    board = totals(cup, comp)
    for chat_id, g in board.items():
        assert g.participation == 1.0, (chat_id, g)  # before the fix: 50 % for the first cell (2 days of 4)
    for day, cells in got.items():
        assert cells in (set(), set(MEMBERS)), (day, cells)  # a contest day is a study day of every cell
    contest_days = board[GROUP].contest_days
    assert contest_days == len([d for d, cells in got.items() if cells])
    for chat_id, g in board.items():
        assert g.days == contest_days, chat_id
        assert g.participation == 1.0, (chat_id, g)
