"""The token never appears in logs, errors or reprs, even at DEBUG during a full day with faults."""

import logging

from hpbot.logs import setup_logging
from tests.e2e.conftest import ADMIN, GROUP, LAN
from tests.e2e.harness import TOKEN, local


async def test_token_absent_from_all_logging_during_an_end_to_end_run(bot, fake, clock, bank, capsys):
    setup_logging("DEBUG", TOKEN)
    try:
        await bot.reply_to(GROUP, ADMIN, "/dangky")
        fake.fail_5xx("sendMessage", status=502)  # an error path that logs
        clock.set(local(2026, 11, 30, 7, 0))
        await bot.tick()
        post = [m for m in fake.messages(GROUP) if m.reply_markup][0]
        rnd = bot.hp.study.today_round(GROUP)
        await bot.tap(GROUP, LAN, post.message_id, f"a:{rnd.id}:0")
        clock.set(local(2026, 11, 30, 20, 0))
        await bot.tick()
        await fake.wait_for(lambda: any("Kết quả ngày" in m.text for m in fake.messages(GROUP)))
        logging.getLogger("hpbot.test").error("a URL with the token: %s", fake.base_url + TOKEN + "/getMe")
    finally:
        logging.getLogger().handlers.clear()
    err = capsys.readouterr().err
    assert "Calling Bot API endpoint" in err or "sendMessage" in err  # DEBUG output really was captured
    assert TOKEN.split(":")[1] not in err
    assert "***" in err
    assert fake.tokens == {TOKEN}  # the token was really in use
    assert TOKEN not in repr(bot.hp.application.bot)
