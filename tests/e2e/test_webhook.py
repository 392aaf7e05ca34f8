"""Webhook mode: every request must carry the secret token; without it nothing is processed."""

import json
import socket

import httpx

from tests.e2e.conftest import ADMIN, GROUP


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_checks_the_secret_on_every_request(fake, clock, bank, tmp_path):
    from tests.e2e.harness import BotUnderTest

    bot = BotUnderTest(fake, tmp_path / "w.sqlite3", clock, bank)
    await bot.start()
    from types import SimpleNamespace

    from hpbot.tg.app import Receiving

    await bot.receiving.stop()  # switch this instance from polling to webhook
    port = free_port()
    receiving = Receiving(bot.hp.application)
    secret = "s3cret-Token-for-the-end-to-end-webhook-test"
    await receiving.start_webhook(
        SimpleNamespace(
            webhook_url="https://bot.example.org",
            webhook_listen="127.0.0.1",
            webhook_port=port,
            webhook_secret=secret,
        )
    )
    try:
        assert fake.calls_to("setWebhook")[-1].params["secret_token"] == secret
        update = fake.command(GROUP, ADMIN, "/dangky")
        fake._updates.clear()  # delivered by webhook below, not by getUpdates
        body = json.dumps(update)
        url = f"http://127.0.0.1:{port}/telegram"
        async with httpx.AsyncClient() as client:
            headers = {"Content-Type": "application/json"}
            missing = await client.post(url, content=body, headers=headers)
            wrong = await client.post(
                url, content=body, headers={**headers, "X-Telegram-Bot-Api-Secret-Token": "guess"}
            )
            assert (missing.status_code, wrong.status_code) == (403, 403)
            assert bot.hp.store.group(GROUP) is None  # nothing was processed
            assert fake.messages(GROUP) == []
            right = await client.post(
                url, content=body, headers={**headers, "X-Telegram-Bot-Api-Secret-Token": secret}
            )
            assert right.status_code == 200
        await fake.wait_for(lambda: fake.messages(GROUP))
        assert "đã đăng ký" in fake.messages(GROUP)[0].text
        assert bot.hp.store.group(GROUP).active
    finally:
        await receiving.stop()
        await bot.stop()


async def test_polling_after_a_webhook_deletes_the_webhook_and_gets_its_updates(fake, clock, bank, tmp_path):
    """The bot ran in webhook mode before and is now started without HPBOT_WEBHOOK_URL: Telegram answers
    getUpdates with 409 while a webhook is set, so the bot deletes it (keeping what waits) instead of polling
    into 409s for ever."""
    from tests.e2e.harness import BotUnderTest

    fake.webhook = {"url": "https://old.example.org/telegram"}
    bot = BotUnderTest(fake, tmp_path / "p.sqlite3", clock, bank)
    await bot.start()
    try:
        assert "Hướng dẫn" in await bot.reply_to(GROUP, ADMIN, "/trogiup")
        (deleted,) = fake.calls_to("deleteWebhook")
        assert not deleted.params.get("drop_pending_updates")
        assert fake.webhook == {}
    finally:
        await bot.stop()
