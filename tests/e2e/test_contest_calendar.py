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


async def test_a_weekday_contest_decides_its_cells_study_days_while_it_runs(cup, fake, clock, bank):
    """A contest set to T2-T6: no question on Saturday for a cell whose own /lich is every day, one on Monday for
    a cell whose own /lich leaves Monday out; /lich shows the contest's calendar and cannot change it; after the
    contest each cell's own calendar applies again."""
    clock.set(local(2026, 11, 30, 6, 0))
    assert "T3-CN" in await cup.reply_to(EAGER, EAGER_ADMIN, "/lich T3-CN")  # its own: no Monday
    comp = await contest(cup, start="01/12/2026", end="08/12/2026")
    saved = await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_lich {comp.id} T2-T6")
    assert "Đã lưu lịch thi" in saved and "<b>T2-T6</b>" in saved
    assert cup.hp.store.competitions.get(comp.id).study_days == "12345"

    clock.set(local(2026, 12, 1, 6, 0))  # the contest runs
    shown = await cup.reply_to(GROUP, ADMIN, "/lich")
    assert "lịch thi" in shown and "Ngày thi: <b>T2-T6</b>" in shown and "mọi ngày trong tuần" in shown
    for command in ("/lich T2-CN", "/tamdung 20/12/2026 21/12/2026", "/tamdung xoa"):
        refused = await cup.reply_to(GROUP, ADMIN, command)
        assert "đang tham gia" in refused and "(đến hết 08/12/2026)" in refused, command
        assert "không đổi được ngày học hay tạm dừng" in refused and "<b>T2-T6</b>" in refused, command
        assert "Lịch học chưa thay đổi" in refused, command
    assert cup.hp.store.study_days(GROUP) == "1234567" and cup.hp.store.pauses(GROUP) == []
    settings = await cup.reply_to(GROUP, ADMIN, "/caidat")
    assert "Ngày học: <b>T2-T6</b> (theo lịch thi của cuộc thi <b>Thi đua tháng 12</b>)" in settings

    assert await play(cup, bank, date(2026, 12, 4)) == set(MEMBERS)  # Friday
    saturday = date(2026, 12, 5)
    clock.set(local(2026, 12, 5, 6, 0))
    off = await cup.reply_to(GROUP, ADMIN, "/guingay")
    assert "không phải ngày thi" in off and "T7, 05/12/2026" in off and "T2-T6" in off
    assert await play(cup, bank, saturday) == set()  # its own /lich studies on Saturday: the contest does not
    assert await play(cup, bank, date(2026, 12, 6)) == set()
    assert await play(cup, bank, date(2026, 12, 7)) == set(MEMBERS)  # Monday: EAGER's own /lich leaves it out
    assert await play(cup, bank, date(2026, 12, 8)) == set(MEMBERS)  # the contest's last day
    board = totals(cup, comp)
    assert board[GROUP].contest_days == 3  # the days played: Friday, Monday, Tuesday (no weekend)
    assert all(g.participation == 1.0 for g in board.values())

    # the contest is over: each cell's own calendar again
    assert await play(cup, bank, date(2026, 12, 12)) == set(MEMBERS)  # Saturday: both study on Saturdays
    assert await play(cup, bank, date(2026, 12, 14)) == {GROUP}  # Monday: EAGER does not
    clock.set(local(2026, 12, 14, 21, 0))
    assert "Đã lưu lịch học" in await cup.reply_to(GROUP, ADMIN, "/lich T2-T6")
    assert cup.hp.store.study_days(GROUP) == "12345"


async def test_a_round_on_a_contest_day_off_is_not_counted_in_the_contest(cup, fake, clock, bank):
    """A round already out when the organizer makes its day a day off of the contest is revealed as usual and
    counts on the cell's own boards, but not in the contest: its standings, its days and the possible answers stay
    as they were. /guingay on a contest day off posts nothing."""
    comp = await contest(cup)
    for day in (date(2026, 11, 30), date(2026, 12, 1)):  # Monday, Tuesday
        assert await play(cup, bank, day) == set(MEMBERS)
    store = cup.hp.store

    def contest_figures():
        current = store.competitions.get(comp.id)
        members = sorted(
            (m.chat_id, m.standing.user_id, m.standing.points, m.standing.answers, m.standing.correct)
            for m in store.competitions.member_totals(current)
        )
        groups = {c: (g.answers, g.possible, g.days, g.points) for c, g in totals(cup, current).items()}
        return members, groups, store.competitions.contest_days(current)

    before = contest_figures()
    assert before[2] == 2

    wednesday = date(2026, 12, 2)
    clock.set(local(2026, 12, 2, 7, 0))
    await cup.tick()
    rounds = {chat_id: store.round_on(chat_id, wednesday) for chat_id in MEMBERS}
    assert all(r is not None and r.message_id is not None for r in rounds.values())
    clock.set(local(2026, 12, 2, 9, 0))
    saved = await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_lich {comp.id} T2,T3,T5,T6,T7,CN")
    assert "<b>T2, T3, T5, T6, T7, CN</b>" in saved
    for chat_id, rnd in rounds.items():  # the members answer the question already out
        for n, user_id in enumerate(MEMBERS[chat_id]):
            clock.set(local(2026, 12, 2, 9, 5 + n))
            option = bank.item(rnd.item_id).answer
            assert "Đã ghi nhận" in await cup.tap(chat_id, user_id, rnd.message_id, f"a:{rnd.id}:{option}")
    clock.set(local(2026, 12, 2, 20, 0))
    await cup.tick()
    await cup.hp.rounds.drain()
    assert [store.round(r.id).status for r in rounds.values()] == ["revealed"] * 2
    assert any("Kết quả ngày 02/12/2026" in m.text for m in fake.messages(GROUP))
    assert contest_figures() == before  # not folded: standings, days, possible answers as they were
    week = {s.user_id: s.points for s in store.standings(GROUP, date(2026, 11, 30), date(2026, 12, 6))}
    current = store.competitions.get(comp.id)
    lines = {
        m.standing.user_id: m.standing.points
        for m in store.competitions.member_totals(current, chat_id=GROUP)
    }
    assert all(week[user_id] > lines[user_id] for user_id in MEMBERS[GROUP])  # the cell's own board has it

    clock.set(local(2026, 12, 9, 6, 0))  # the next Wednesday: a contest day off
    off = await cup.reply_to(GROUP, ADMIN, "/guingay")
    assert "không phải ngày thi" in off and "T4, 09/12/2026" in off
    assert store.round_on(GROUP, date(2026, 12, 9)) is None
    assert await play(cup, bank, date(2026, 12, 9)) == set()
    assert contest_figures() == before
    assert await play(cup, bank, date(2026, 12, 10)) == set(MEMBERS)  # Thursday: a contest day again
    assert contest_figures()[2] == 3


async def test_only_organizers_set_the_contest_calendar_and_bad_input_changes_nothing(cup, fake, clock):
    """/cuocthi_lich: refused to others, bad input explained with nothing changed; the contest's days shown where
    its rules are (creation, the news of joining, /bxh cuocthi, the organizers' /trogiup)."""
    created = await cup.reply_to(
        ORGANIZER, ORGANIZER, "/cuocthi_tao Thi đua tháng 12 | 30/11/2026 | 31/12/2026"
    )
    assert "Ngày thi: <b>mọi ngày trong tuần (T2-CN)</b>" in created and "/cuocthi_lich" in created
    code = re.search(r"<code>([A-Z0-9]{6})</code>", created).group(1)
    comp = cup.hp.store.competitions.by_code(code)
    n = comp.id

    assert "chỉ dành cho ban tổ chức" in await cup.reply_to(STRANGER, STRANGER, f"/cuocthi_lich {n} T2-T6")
    assert "chỉ dành cho ban tổ chức" in await cup.reply_to(GROUP, ADMIN, f"/cuocthi_lich {n} T2-T6")
    assert "số cuộc thi" in await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_lich")
    assert "Không có cuộc thi" in await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_lich 99 T2-T6")
    bad = await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_lich {n} T2-T9")
    assert "Chưa rõ ngày thi «T2-T9»" in bad and f"/cuocthi_lich {n} T2-T6" in bad and "chưa thay đổi" in bad
    escaped = await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_lich {n} <b>")
    assert "«&lt;b&gt;»" in escaped
    for typed, reason in (
        ("tamdung 05/02/2027 25/01/2027", "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu"),
        ("tamdung 32/01/2027", "Ngày nghỉ chưa đúng"),
        ("tamdung 01/11/2026 05/11/2026", "đã qua"),
    ):
        refused = await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_lich {n} {typed}")
        assert reason in refused and "Lịch thi chưa thay đổi" in refused, typed
    store = cup.hp.store.competitions
    assert store.get(n).study_days == "1234567" and store.pauses(n) == []
    assert "không có ngày nghỉ chung" in await cup.reply_to(
        ORGANIZER, ORGANIZER, f"/cuocthi_lich {n} tamdung"
    )

    assert "<b>T2-T6</b>" in await cup.reply_to(
        ORGANIZER, ORGANIZER, f"/competition_calendar {n} thu 2 - thu 6"
    )
    paused = await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_lich {n} tamdung 01/01/2027 03/01/2027")
    assert "nghỉ chung từ <b>01/01/2027</b> đến hết <b>03/01/2027</b>" in paused
    shown = await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_lich {n}")
    assert "Ngày thi: <b>T2-T6</b>" in shown and "• 01/01/2027 – 03/01/2027" in shown
    assert store.get(n).study_days == "12345" and store.pauses(n) == [(date(2027, 1, 1), date(2027, 1, 3))]

    joined = await cup.join(GROUP, ADMIN, code, ORGANIZER)
    assert "📅 Ngày thi: <b>T2-T6</b>; nghỉ chung: 01/01/2027 – 03/01/2027" in joined
    board = await cup.reply_to(GROUP, LAN, "/bxh cuocthi")
    assert "📅 Ngày thi: <b>T2-T6</b>; nghỉ chung: 01/01/2027 – 03/01/2027" in board
    assert "/cuocthi_lich số T2-T6" in await cup.reply_to(ORGANIZER, ORGANIZER, "/trogiup")
    cleared = await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_lich {n} tamdung xoa")
    assert "Đã bỏ 1 đợt nghỉ chung" in cleared and store.pauses(n) == []
