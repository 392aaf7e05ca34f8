"""Bot API faults injected by the fake: each class leaves the bot working with the right outcome."""

import pytest

from tests.e2e.conftest import ADMIN, GROUP, HUNG, LAN
from tests.e2e.harness import local


def posts(fake):
    return [m for m in fake.messages(GROUP) if "Câu hỏi ngày" in m.text]


def results(fake):
    return [m for m in fake.messages(GROUP) if "Kết quả ngày" in m.text]


@pytest.fixture
async def posted(bot, fake, clock):
    await bot.reply_to(GROUP, ADMIN, "/dangky")
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    assert len(posts(fake)) == 1
    return posts(fake)[0]


@pytest.mark.parametrize("status", [500, 502])
async def test_5xx_on_the_post_is_retried_and_posts_once(bot, fake, clock, status):
    await bot.reply_to(GROUP, ADMIN, "/dangky")
    fake.fail_5xx("sendMessage", status=status, times=2, chat_id=GROUP)
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    assert len(posts(fake)) == 1
    assert [c.status for c in fake.calls_to("sendMessage")][-3:] == [status, status, 200]


async def test_connection_reset_on_send_is_retried(bot, fake, clock):
    await bot.reply_to(GROUP, ADMIN, "/dangky")
    fake.fail("sendMessage", kind="reset", chat_id=GROUP)
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    assert len(posts(fake)) == 1


async def test_timeout_on_send_is_retried_without_crashing(bot, fake, clock):
    await bot.reply_to(GROUP, ADMIN, "/dangky")
    bot.hp.application.bot.request._read = 1.0  # the default read timeout of hpbot's client (AiohttpRequest)
    fake.timeout_delay = 1.5
    fake.fail("sendMessage", kind="timeout", chat_id=GROUP)
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    # a timed-out send may still have been delivered by Telegram; the fake delivers nothing on a timeout fault
    assert len(posts(fake)) == 1
    assert bot.hp.study.today_round(GROUP).status == "open"


async def test_malformed_json_on_send_is_retried(bot, fake, clock):
    await bot.reply_to(GROUP, ADMIN, "/dangky")
    fake.fail("sendMessage", kind="malformed", chat_id=GROUP)
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    assert len(posts(fake)) == 1


@pytest.mark.parametrize("kind", ["reset", "malformed", "error"])
async def test_get_updates_faults_do_not_stop_polling(bot, fake, kind):
    fake.fail("getUpdates", kind=kind, error_code=502, description="Bad Gateway", times=2)
    reply = await bot.reply_to(GROUP, ADMIN, "/trogiup")
    assert "Hướng dẫn" in reply


async def test_429_on_the_reveal_edit_still_reveals(bot, fake, clock, posted):
    fake.fail_429("editMessageText", retry_after=1, chat_id=GROUP)
    clock.set(local(2026, 11, 30, 20, 0))
    await bot.tick()
    assert len(results(fake)) == 1
    assert "✅" in fake.messages(GROUP)[fake.messages(GROUP).index(posted)].text


async def test_not_modified_on_the_reveal_edit_is_treated_as_done(bot, fake, clock, posted):
    fake.fail(
        "editMessageText", error_code=400, description="Bad Request: message is not modified", chat_id=GROUP
    )
    clock.set(local(2026, 11, 30, 20, 0))
    await bot.tick()
    assert len(results(fake)) == 1
    assert any("Trả lời chính thức" in m.text for m in fake.messages(GROUP))


async def test_chat_migrated_during_the_reveal_moves_the_group(bot, fake, clock, posted, bank):
    rnd = bot.hp.study.today_round(GROUP)
    await bot.tap(GROUP, LAN, posted.message_id, f"a:{rnd.id}:{bank.item(rnd.item_id).answer}")
    fake.migrate(GROUP, -1077, service_messages=False)
    clock.set(local(2026, 11, 30, 20, 0))
    await bot.tick()
    assert len([m for m in fake.messages(-1077) if "Kết quả ngày" in m.text]) == 1
    assert bot.hp.store.member_stats(-1077, LAN)["points"] == 15


async def test_query_too_old_still_stores_the_answer(bot, fake, clock, posted, bank):
    rnd = bot.hp.study.today_round(GROUP)
    fake.fail(
        "answerCallbackQuery",
        error_code=400,
        description="Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    update = fake.tap(HUNG, GROUP, posted.message_id, f"a:{rnd.id}:1")
    await fake.wait_for(lambda: any(c.status == 400 for c in fake.calls_to("answerCallbackQuery")))
    assert bot.hp.store.db.execute("SELECT option FROM answers WHERE user_id = ?", [HUNG]).fetchone() == (1,)
    assert update["callback_query"]["id"] not in fake.callback_answers
    assert "Đã ghi nhận" in await bot.tap(GROUP, LAN, posted.message_id, f"a:{rnd.id}:0")  # still working


async def test_429_on_answer_callback_keeps_the_answer_and_the_bot(bot, fake, clock, posted):
    rnd = bot.hp.study.today_round(GROUP)
    fake.fail_429("answerCallbackQuery", retry_after=1)
    fake.tap(HUNG, GROUP, posted.message_id, f"a:{rnd.id}:2")
    await fake.wait_for(
        lambda: (
            bot.hp.store.db.execute("SELECT COUNT(*) FROM answers WHERE user_id = ?", [HUNG]).fetchone()[0]
            == 1
        )
    )
    assert "Đã ghi nhận" in await bot.tap(GROUP, LAN, posted.message_id, f"a:{rnd.id}:0")


async def test_403_during_the_reveal_stops_writing_there(bot, fake, clock, posted):
    fake.bot_status[GROUP] = "kicked"
    clock.set(local(2026, 11, 30, 20, 0))
    await bot.tick()
    assert bot.hp.store.group(GROUP).status == "kicked"
    assert bot.hp.study.today_round(GROUP).status == "revealed"  # closed: scores counted, nothing pending
    sends_before = len(fake.calls_to("sendMessage"))
    await bot.tick()
    assert len(fake.calls_to("sendMessage")) == sends_before
