"""Finding 3 of issue 14, end to end: the scheduler wakes at each due instant. With the periodic due check every
HPBOT_TICK_SECONDS = 300 s (a safety net only), a group's post leaves within a second of its minute and its reveal
within a second of its time, measured from the due instant.

The bot runs with its scheduler (PTB's JobQueue) on real time; its clock is real time shifted to a few seconds
before the instant under test, so the wait is real and short. The delay is measured at the fake, which stamps
each request when it arrives.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from hpbot.config import load_config
from hpbot.testing import FakeTelegram, Limits
from hpbot.tg import app as tg_app
from hpbot.wiring import build
from tests.e2e.harness import TOKEN, BotUnderTest, local

TICK = 300  # seconds between two periodic due checks: far longer than any wait here
GROUPS = {-1001: 500, -1002: 510, -1003: 520}  # chat -> its admin
MEMBER = 501
ON_TIME = 1.0  # seconds after the due instant


class RunningClock:
    """The bot's time: real time, shifted so that it starts at `start`."""

    def __init__(self, start: datetime) -> None:
        self.offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def monotonic_at(self, when: datetime) -> float:
        """The `time.monotonic()` reading at which the bot's clock shows `when` (the fake stamps calls so)."""
        return time.monotonic() + (when - self.now()).total_seconds()


class ScheduledBot(BotUnderTest):
    """The bot with its jobs on, as `hpbot run` has them: the periodic due check and the wake-up at the next post
    or reveal instant."""

    async def start(self):
        config = load_config(
            {
                "HPBOT_TOKEN": TOKEN,
                "HPBOT_API_BASE_URL": self.fake.base_url,
                "HPBOT_DB": str(self.db_path),
                "HPBOT_TICK_SECONDS": str(TICK),
                "HPBOT_COUNT_EDIT_SECONDS": "0.05",
            }
        )
        self.hp = build(config, clock=self.clock, bank=self.bank)  # run_jobs: as in production
        app = self.hp.application
        await app.initialize()
        await app.post_init(app)
        await app.start()
        self.receiving = tg_app.Receiving(app, poll_timeout=1)
        await self.receiving.start_polling()
        return self.hp


@pytest.fixture
async def fake():
    fake = FakeTelegram(limits=Limits())  # Telegram's flood limits
    await fake.start()
    for chat_id, admin in GROUPS.items():
        fake.add_group(chat_id, f"Chi bộ {-chat_id}", admins=[admin], members=[MEMBER])
    yield fake
    await fake.stop()


async def started(fake, clock, bank, tmp_path):
    bot = ScheduledBot(fake, tmp_path / "hpbot.sqlite3", clock, bank)
    await bot.start()
    return bot


def next_wake(bot, after: datetime) -> datetime | None:
    """When the one-shot wake-up job runs next, if that is after `after` (real time)."""
    jobs = bot.hp.application.job_queue.get_jobs_by_name(tg_app.WAKE_JOB_ID)
    return next((j.next_t for j in jobs if j.next_t is not None and j.next_t > after), None)


def sends_to(fake, chat_id, method="sendMessage"):
    return [c for c in fake.calls_to(method) if c.params.get("chat_id") == chat_id and c.status == 200]


async def test_the_first_post_leaves_within_a_second_of_its_minute(fake, bank, tmp_path):
    due = local(2026, 11, 30, 7, 0)  # the default post time
    clock = RunningClock(due - timedelta(seconds=3))
    bot = await started(fake, clock, bank, tmp_path)
    try:
        for chat_id, admin in GROUPS.items():
            assert "đã đăng ký" in await bot.reply_to(chat_id, admin, "/dangky")
        # subscribed well before the minute: nothing posted yet
        assert clock.now() < due - timedelta(seconds=1)
        assert not any(m.reply_markup for chat_id in GROUPS for m in fake.messages(chat_id))
        due_at = clock.monotonic_at(due)

        await fake.wait_for(lambda: all(len(sends_to(fake, c)) == 2 for c in GROUPS), timeout=8)
        posts = [sends_to(fake, chat_id)[1] for chat_id in GROUPS]
        assert all(p.params.get("reply_markup") for p in posts)  # the questions, with their buttons
        delays = sorted(p.at - due_at for p in posts)
        # without the wake-up job (hpbot.tg.app._wake_at) they would wait for the next periodic check, 300 s on
        assert -0.05 < delays[0] and delays[-1] < ON_TIME, delays
        # and once the posts are recorded, the next wake-up is set for the reminder before the reveal: 18:00, two
        # hours (the default) before 20:00
        reminder = local(2026, 11, 30, 18, 0) - clock.offset  # in real time, as the scheduler counts
        wake = await fake.wait_for(lambda: next_wake(bot, after=due - clock.offset))
        assert abs((wake - reminder).total_seconds()) < ON_TIME
    finally:
        await bot.stop()


async def test_the_reveal_wakes_within_a_second_of_its_time(fake, bank, tmp_path):
    chat_id, admin = next(iter(GROUPS.items()))
    due = local(2026, 11, 30, 7, 1)  # the reveal time set below
    clock = RunningClock(due - timedelta(seconds=3))
    bot = await started(fake, clock, bank, tmp_path)
    try:
        assert "07:01" in await bot.reply_to(chat_id, admin, "/caidat 07:00 07:01")
        await bot.reply_to(chat_id, admin, "/dangky")  # due since 07:00: posted at once
        await fake.wait_for(lambda: any(m.reply_markup for m in fake.messages(chat_id)))
        rnd = bot.hp.study.today_round(chat_id)
        assert "Đã ghi nhận" in await bot.tap(chat_id, MEMBER, rnd.message_id, f"a:{rnd.id}:0")
        assert clock.now() < due - timedelta(seconds=1)
        due_at = clock.monotonic_at(due)

        await fake.wait_for(lambda: any("Kết quả ngày" in m.text for m in fake.messages(chat_id)), timeout=8)
        # the reveal's first step: the post edited to its closed form, without buttons
        closing = [c for c in sends_to(fake, chat_id, "editMessageText") if "reply_markup" not in c.params]
        assert closing, "the post was not closed"
        delay = closing[0].at - due_at
        # without the wake-up job the reveal would wait for the next periodic check, 300 s on
        assert -0.05 < delay < ON_TIME, delay
        assert bot.hp.store.round(rnd.id).status.value == "revealed"
        await bot.hp.rounds.drain()
    finally:
        await bot.stop()
