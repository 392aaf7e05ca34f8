"""The scheduled side below Telegram: what waits for what while a morning's posts go out."""

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from hpbot.app.ports import Sent
from hpbot.app.rounds import RoundLifecycle
from hpbot.app.study import StudyService
from hpbot.clock import FakeClock
from hpbot.content import load_bank
from hpbot.store import Store

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=TZ)


class HeldOutbound:
    """The outbound port, faked: sends to the chats in `held` wait until `release` is set; every call is recorded."""

    def __init__(self, held: set[int]) -> None:
        self.held, self.release = held, asyncio.Event()
        self.sent: list[int] = []
        self.edits: list[tuple[int, int]] = []
        self._ids = iter(range(100, 10_000))

    async def send(self, chat_id: int, html: str, keyboard: dict | None = None) -> Sent:
        if chat_id in self.held:
            await self.release.wait()
        self.sent.append(chat_id)
        return Sent(chat_id, next(self._ids))

    async def edit(self, chat_id: int, message_id: int, html: str, keyboard: dict | None = None) -> int:
        self.edits.append((chat_id, message_id))
        return chat_id

    async def set_keyboard(self, chat_id: int, message_id: int, keyboard: dict | None) -> None:
        raise AssertionError("no probe in this test")

    async def member_count(self, chat_id: int) -> int:
        return 5


async def test_live_count_edits_wait_until_the_morning_posts_are_out():
    store = Store.memory()
    service = StudyService(store, load_bank(), FakeClock(NOW), TZ)
    for chat_id in (-1, -2):
        store.touch_group(chat_id, f"Chi bộ {chat_id}", "group", NOW)
        store.set_status(chat_id, "active", NOW)
    bot = HeldOutbound(held={-2})
    runtime = RoundLifecycle(bot, service, count_edit_seconds=0.01)
    push = asyncio.create_task(runtime.run_due())
    for _ in range(200):  # the first group's post is out, the second one's is held
        if bot.sent == [-1]:
            break
        await asyncio.sleep(0.005)
    answered = store.round_on(-1, service.today())
    assert bot.sent == [-1] and answered.message_id is not None
    store.record_answer(answered, 7, 0, True, 15, NOW, 1000)
    runtime.answers_changed(store.round(answered.id))
    await asyncio.sleep(0.1)  # far past the edit's delay (at most 1.5 x 0.01 s)
    assert bot.edits == []  # a post is still being sent: the count waits
    bot.release.set()
    await push
    await runtime.drain()
    assert bot.sent == [-1, -2]
    assert bot.edits == [(-1, answered.message_id)]
    store.close()


async def test_stale_rankings_are_read_apart_while_a_long_due_check_runs_and_once_after():
    """A reveal of 10,000 groups lasts minutes: the rankings it makes stale are read again on a worker thread every
    few seconds meanwhile, and once more when it is done; a failure to tell which are stale stops nothing."""
    import asyncio
    import threading

    from hpbot.tg.app import rank_while_busy

    class Competitions:
        detachable = True

        def __init__(self) -> None:
            self.asked, self.adopted, self.fail = 0, [], False

        def stale_rankings(self):
            self.asked += 1
            if self.fail:
                raise RuntimeError("database is locked")
            return ["the contest"]

        def rank_apart(self, stale):
            return lambda: {1: "ranked on " + threading.current_thread().name}

        def adopt(self, rankings, stale):
            self.adopted.append((rankings, stale))

    competitions, done = Competitions(), asyncio.Event()
    task = asyncio.create_task(rank_while_busy(competitions, done, every=0.05))
    await asyncio.sleep(0.18)  # the due check still runs
    during = competitions.asked
    assert during >= 2
    assert all(r[1] == ["the contest"] and "MainThread" not in r[0][1] for r in competitions.adopted)
    competitions.fail = True
    done.set()
    await task  # the last one failed: logged, nothing raised
    assert competitions.asked == during + 1
