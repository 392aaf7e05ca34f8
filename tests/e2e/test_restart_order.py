"""After a restart, the updates received before the stop are handled before the due check that recovery runs: a
tap that reached the bot before the reveal time counts in that reveal, whether the bot polls or serves a webhook."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import timedelta
from types import SimpleNamespace

import pytest

from hpbot.store import Store
from hpbot.testing import FakeTelegram, Limits
from hpbot.tg import app as tg_app
from tests.e2e.harness import BotUnderTest, local

GROUP, ADMIN, LAN = -1003, 620, 621
SECRET = "S" * 40


@pytest.fixture
async def fake():
    fake = FakeTelegram(limits=Limits())  # Telegram's flood limits
    await fake.start()
    fake.add_group(GROUP, "Chi bộ C", admins=[ADMIN], members=[LAN])
    yield fake
    await fake.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def a_tap_left_in_the_inbox(fake, clock, bank, db):
    """Post the 07:00 question, stop; then the tap the bot recorded at 19:59:30 and went down before handling."""
    first = BotUnderTest(fake, db, clock, bank)
    await first.start()
    try:
        assert "đã đăng ký" in await first.reply_to(GROUP, ADMIN, "/dangky")
        clock.set(local(2026, 11, 30, 7, 0))
        await first.tick()
        rnd = first.hp.study.today_round(GROUP)
        assert rnd is not None and rnd.message_id is not None
    finally:
        await first.stop()
    option = bank.item(rnd.item_id).answer
    update = fake.tap(LAN, GROUP, rnd.message_id, f"a:{rnd.id}:{option}")
    store = Store.open(db)
    try:
        arrived = local(2026, 11, 30, 19, 59) + timedelta(seconds=30)
        store.inbox.receive([(update["update_id"], json.dumps(update, ensure_ascii=False))], arrived)
    finally:
        store.close()
    clock.set(local(2026, 11, 30, 20, 5))  # back after the 20:00 reveal time
    return rnd, update


async def revealed_with_the_tap(hp, fake, rnd, update):
    query = update["callback_query"]["id"]
    await fake.wait_for(lambda: query in fake.callback_answers, timeout=10)
    assert fake.callback_answers[query]["text"].startswith("Đã ghi nhận")  # not "the answer is revealed"
    await fake.wait_for(lambda: not hp.store.round(rnd.id).is_open, timeout=10)  # the due check ran: revealed
    (lan,) = [a for a in hp.store.round_answers(rnd.id) if a.user_id == LAN]
    assert lan.correct and lan.points > 0
    await asyncio.sleep(0.3)  # Telegram's own delivery of the same update (never confirmed) comes after
    assert len(fake.calls_to("answerCallbackQuery")) == 1


async def test_polling_a_tap_from_before_the_stop_counts_in_the_reveal_due_at_restart(
    fake, clock, bank, tmp_path
):
    db = tmp_path / "hpbot.sqlite3"
    rnd, update = await a_tap_left_in_the_inbox(fake, clock, bank, db)
    restarted = BotUnderTest(fake, db, clock, bank)
    await restarted.start()
    try:
        await revealed_with_the_tap(restarted.hp, fake, rnd, update)
    finally:
        await restarted.stop()


async def test_webhook_a_tap_from_before_the_stop_is_handled_and_counts(fake, clock, bank, tmp_path):
    """In webhook mode Telegram was already told (200) when the bot recorded the tap: only the inbox has it."""
    db = tmp_path / "hpbot.sqlite3"
    rnd, update = await a_tap_left_in_the_inbox(fake, clock, bank, db)
    restarted = BotUnderTest(fake, db, clock, bank)
    hp = tg_app_build(restarted)
    app = hp.application
    await app.initialize()
    await app.post_init(app)
    await app.start()
    receiving = tg_app.Receiving(app)
    config = SimpleNamespace(
        webhook_url="https://bot.example.org",
        webhook_listen="127.0.0.1",
        webhook_port=free_port(),
        webhook_secret=SECRET,
    )
    await receiving.start_webhook(config)
    try:
        await revealed_with_the_tap(hp, fake, rnd, update)
    finally:
        await receiving.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)


def tg_app_build(under_test: BotUnderTest):
    from hpbot.config import load_config
    from hpbot.wiring import build
    from tests.e2e.harness import TOKEN

    config = load_config(
        {
            "HPBOT_TOKEN": TOKEN,
            "HPBOT_API_BASE_URL": under_test.fake.base_url,
            "HPBOT_DB": str(under_test.db_path),
            "HPBOT_COUNT_EDIT_SECONDS": "0.05",
        }
    )
    return build(config, clock=under_test.clock, bank=under_test.bank, run_jobs=False)
