"""Finding 1 of issue 14, end to end: one member flooding a group stalls no other group, the flooded group's own
backlog stays bounded (repeats coalesced, replies its budget cannot carry dropped, nothing queued for minutes), and
a tap handled late is judged by when it arrived.

The fake keeps Telegram's flood limits (30 messages/s, 20 a minute into a group, 1 a second into a private chat)
and the bot runs with its own pacing on, as in production.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import timedelta

import pytest

from hpbot.testing import FakeTelegram, Limits
from tests.e2e.harness import BotUnderTest, local

FLOODED, QUIET = -1001, -1002
ADMIN_A, SPAMMER, OTHER_A = 600, 601, 602
ADMIN_B, LAN, HUNG = 610, 611, 612
FLOOD = 300
PROMPT = 2.0  # seconds: "acknowledged promptly" (a handled tap takes milliseconds here)
SLOW_ANSWER = 2.0  # seconds the fake takes over an answerCallbackQuery it was told to delay


@pytest.fixture
async def fake():
    fake = FakeTelegram(limits=Limits(), timeout_delay=SLOW_ANSWER)  # Telegram's flood limits
    await fake.start()
    fake.add_group(FLOODED, "Chi bộ A", admins=[ADMIN_A], members=[SPAMMER, OTHER_A])
    fake.add_group(QUIET, "Chi bộ B", admins=[ADMIN_B], members=[LAN, HUNG])
    yield fake
    await fake.stop()


@pytest.fixture
async def bot(fake, clock, bank, tmp_path):
    under_test = BotUnderTest(fake, tmp_path / "hpbot.sqlite3", clock, bank)  # the bot's pacing on
    await under_test.start()
    yield under_test
    await under_test.stop()


async def open_round(bot, clock):
    """Subscribe group B and post its 07:00 question; returns the round."""
    assert "đã đăng ký" in await bot.reply_to(QUIET, ADMIN_B, "/dangky")
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    rnd = bot.hp.study.today_round(QUIET)
    assert rnd is not None and rnd.message_id is not None
    return rnd


def replies_in(fake, chat_id):
    return [m for m in fake.messages(chat_id) if not m.reply_markup]


def pending(db_path) -> int:
    """Updates received and not yet handled (or dropped), as the database holds them."""
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT COUNT(*) FROM inbox WHERE done_at IS NULL").fetchone()[0]


def acknowledged_within(fake, query_id) -> float:
    """Seconds from the tap's update being available to the bot to its answerCallbackQuery."""
    return fake.callback_answers[query_id]["at"] - fake.tap_times[query_id]


async def settled(bot, fake, chat_id, timeout):
    """Wait until every update received was handled or dropped (an update is marked once its handling ended, replies
    included), so nothing more is on its way into `chat_id`; returns the number of messages it got."""
    await fake.wait_for(lambda: pending(bot.db_path) == 0, timeout=timeout)
    return len(replies_in(fake, chat_id))


async def test_300_repeats_in_one_group_delay_no_tap_in_another(bot, fake, clock, bank):
    rnd = await open_round(bot, clock)
    right = bank.item(rnd.item_id).answer
    for _ in range(FLOOD):
        fake.command(FLOODED, SPAMMER, "/trogiup")
    # queued behind the whole flood: a tap and a command in group B
    query = fake.tap(LAN, QUIET, rnd.message_id, f"a:{rnd.id}:{right}")["callback_query"]["id"]
    before = len(replies_in(fake, QUIET))
    fake.command(QUIET, HUNG, "/cauhoi")

    await fake.wait_for(lambda: query in fake.callback_answers, timeout=10)
    assert acknowledged_within(fake, query) < PROMPT
    assert fake.callback_answers[query]["text"].startswith("Đã ghi nhận")
    assert [(a.user_id, a.option) for a in bot.hp.store.round_answers(rnd.id)] == [(LAN, right)]  # stored
    await fake.wait_for(lambda: len(replies_in(fake, QUIET)) > before, timeout=PROMPT)

    # group A: a repeat arriving while the same command of the member waits or runs is coalesced into it, so the
    # 300 (fetched in batches of 100) get at most one reply per batch; settled at once, nothing left queued
    got = await settled(bot, fake, FLOODED, timeout=5)
    assert got > 0, "the flooding member got no answer at all"
    assert got <= FLOOD // 100, f"{got} replies to one member's {FLOOD} repeats: they were not coalesced"
    assert all("Hướng dẫn sử dụng hpbot" in m.text for m in replies_in(fake, FLOODED))
    # another member of A asking the same is answered at once (coalescing is per member)
    assert "Hướng dẫn" in await bot.reply_to(FLOODED, OTHER_A, "/trogiup")
    assert fake.stats.too_many_requests == 0  # the bot kept within Telegram's limits throughout


async def test_300_different_commands_in_one_group_leave_no_backlog(bot, fake, clock, bank, caplog):
    """Nothing to coalesce: the chat's queue is bounded and the replies group A's 20-a-minute budget cannot carry
    within seconds are dropped, so A is settled within seconds instead of 15 minutes, and B never waits. A dropped
    reply is expected under a flood: a line at INFO, not an error with a traceback."""
    caplog.set_level(logging.INFO)
    rnd = await open_round(bot, clock)
    for i in range(FLOOD):
        fake.command(FLOODED, SPAMMER, f"/trogiup {i}")
    query = fake.tap(HUNG, QUIET, rnd.message_id, f"a:{rnd.id}:0")["callback_query"]["id"]

    await fake.wait_for(lambda: query in fake.callback_answers, timeout=10)
    assert acknowledged_within(fake, query) < PROMPT
    assert [a.user_id for a in bot.hp.store.round_answers(rnd.id)] == [HUNG]

    got = await settled(bot, fake, FLOODED, timeout=10)
    assert got == 20  # exactly what one minute of the group's budget carries: the rest dropped, none queued
    assert fake.stats.too_many_requests == 0
    # B's budget is its own: a command there is still answered at once
    assert "Hướng dẫn" in await bot.reply_to(QUIET, LAN, "/trogiup")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "an error was logged"
    assert any("reply dropped" in r.getMessage() for r in caplog.records)


async def test_a_tap_handled_late_is_judged_by_when_it_arrived(bot, fake, clock, bank):
    """A member's taps are handled in order; one stuck behind the member's previous tap (Telegram slow to take
    that one's answer) keeps the time it arrived: its speed bonus, and whether it came before the reveal time."""
    rnd = await open_round(bot, clock)
    right = bank.item(rnd.item_id).answer

    async def tap_behind_a_slow_one(user_id, arrives, handled):
        clock.set(arrives)
        asked = len(fake.calls_to("answerCallbackQuery"))
        fake.fail("answerCallbackQuery", kind="timeout")  # the first tap's toast takes SLOW_ANSWER seconds
        fake.tap(user_id, QUIET, rnd.message_id, "a:0:0")  # a button of no current round: only a toast
        query = fake.tap(user_id, QUIET, rnd.message_id, f"a:{rnd.id}:{right}")["callback_query"]["id"]
        # the first toast is on its way, the second tap has arrived and waits behind it
        await fake.wait_for(lambda: len(fake.calls_to("answerCallbackQuery")) > asked)
        await fake.wait_for(fake.updates_confirmed)
        await asyncio.sleep(0.2)
        assert query not in fake.callback_answers
        clock.set(handled)  # time passes while it waits
        await fake.wait_for(lambda: query in fake.callback_answers, timeout=SLOW_ANSWER + 3)
        return fake.callback_answers[query]["text"]

    arrived = local(2026, 11, 30, 7, 29) + timedelta(seconds=59)
    toast = await tap_behind_a_slow_one(LAN, arrived, local(2026, 11, 30, 7, 31))
    assert toast.startswith("Đã ghi nhận")
    (lan,) = [a for a in bot.hp.store.round_answers(rnd.id) if a.user_id == LAN]
    assert lan.points == 15  # within the first 30 minutes: the full speed bonus (14 if judged at 07:31)
    assert lan.elapsed_ms == (29 * 60 + 59) * 1000

    toast = await tap_behind_a_slow_one(
        HUNG, rnd.reveal_at - timedelta(seconds=1), rnd.reveal_at + timedelta(seconds=5)
    )
    assert toast.startswith("Đã ghi nhận")  # it came before the reveal time: not "closed"
    assert HUNG in [a.user_id for a in bot.hp.store.round_answers(rnd.id)]
    await bot.hp.rounds.drain()  # the live count's edit, while the bot still runs


async def test_a_tap_replayed_after_a_crash_keeps_the_time_it_first_arrived(fake, clock, bank, tmp_path):
    """The bot recorded a tap in its inbox and went down before handling it (Telegram still holds it too: it was
    not confirmed). After the restart the tap is handled once, judged by when it first arrived, not by the
    replay's time two minutes later."""
    import json

    from hpbot.store import Store

    db = tmp_path / "hpbot.sqlite3"
    first = BotUnderTest(fake, db, clock, bank)
    await first.start()
    try:
        rnd = await open_round(first, clock)
    finally:
        await first.stop()
    right = bank.item(rnd.item_id).answer
    update = fake.tap(LAN, QUIET, rnd.message_id, f"a:{rnd.id}:{right}")
    arrived = local(2026, 11, 30, 7, 29) + timedelta(seconds=59)
    store = Store.open(db)
    try:
        store.inbox.receive([(update["update_id"], json.dumps(update, ensure_ascii=False))], arrived)
    finally:
        store.close()

    clock.set(local(2026, 11, 30, 7, 31))
    restarted = BotUnderTest(fake, db, clock, bank)
    await restarted.start()
    try:
        query = update["callback_query"]["id"]
        await fake.wait_for(lambda: query in fake.callback_answers, timeout=10)
        assert fake.callback_answers[query]["text"].startswith("Đã ghi nhận")
        await asyncio.sleep(0.3)  # Telegram's own delivery of the same update comes after the replay
        (lan,) = [a for a in restarted.hp.store.round_answers(rnd.id) if a.user_id == LAN]
        assert lan.elapsed_ms == (29 * 60 + 59) * 1000  # (31 * 60) * 1000 if timed at the replay
        assert lan.points == 15
        assert len(fake.calls_to("answerCallbackQuery")) == 1  # handled once
    finally:
        await restarted.stop()
