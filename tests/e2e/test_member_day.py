"""A member's day in the group, end to end: options shuffled per round, each member's own result told privately,
the group's counts and letter split, /toi never public."""

from collections import Counter
from datetime import timedelta

from hpbot.format import TELEGRAM_LINK
from tests.e2e.conftest import ADMIN, GROUP, HUNG, LAN, NAUGHTY, OTHER, TUAN
from tests.e2e.harness import local


async def subscribe(bot, chat_id=GROUP):
    return await bot.reply_to(chat_id, ADMIN, "/dangky")


def shown_letter(post, data):
    """The letter of the button that carries `data` on the post as the group sees it."""
    buttons = [b["callback_data"] for b in post.reply_markup["inline_keyboard"][0]]
    return "ABCD"[buttons.index(data)]


def latest_post(fake, chat_id=GROUP):
    return [m for m in fake.messages(chat_id) if "Câu hỏi ngày" in m.text][-1]


async def alert(bot, fake, chat_id, user_id, message_id, data):
    query_id = fake.tap(user_id, chat_id, message_id, data)["callback_query"]["id"]
    await fake.wait_for(lambda: query_id in fake.callback_answers)
    answer = fake.callback_answers[query_id]
    assert answer["show_alert"] is True and len(answer["text"]) <= 200
    return answer["text"]


async def test_each_member_sees_their_own_result_privately(bot, fake, clock, bank):
    await subscribe(bot)
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    post = latest_post(fake)
    rnd = bot.hp.study.today_round(GROUP)
    item = bank.item(rnd.item_id)
    right, wrong = f"a:{rnd.id}:{item.answer}", f"a:{rnd.id}:{(item.answer + 1) % 4}"
    letter, other = (
        shown_letter(post, right),
        shown_letter(post, wrong),
    )  # the post loses its buttons at the reveal
    clock.set(local(2026, 11, 30, 7, 9))
    assert f"đáp án {letter}." in await bot.tap(GROUP, LAN, post.message_id, right)
    clock.set(local(2026, 11, 30, 8, 1))
    await bot.tap(GROUP, HUNG, post.message_id, wrong)
    await bot.tap(GROUP, NAUGHTY, post.message_id, right)
    await fake.wait_for(lambda: bot.hp.store.round(rnd.id).member_count is not None)

    clock.set(local(2026, 11, 30, 20, 0))
    await bot.tick()
    await fake.wait_for(lambda: any("Kết quả ngày" in m.text for m in fake.messages(GROUP)))
    results = next(m for m in fake.messages(GROUP) if "Kết quả ngày" in m.text)
    assert "Đã trả lời: <b>3/5 đồng chí (60%)</b>" in results.text  # 5 members counted at the post
    assert f"{letter}: 2" in results.text and f"{other}: 1" in results.text
    assert "Nguyễn Thị Lan — sau 9 phút (+15 điểm)" in results.text  # a duration, never "9:00"
    assert "&lt;b&gt;&amp;_* — sau 1 giờ 01 phút (+13 điểm)" in results.text
    button = results.reply_markup["inline_keyboard"][0][0]
    assert button["text"] == "📋 Kết quả của tôi"
    read, again = results.reply_markup["inline_keyboard"][1]  # into the private chat, at the right place
    assert read["url"] == f"{TELEGRAM_LINK}{fake.bot_username}?start=cau_{rnd.question}_{bank.id}"
    assert again["url"] == f"{TELEGRAM_LINK}{fake.bot_username}?start=ontap_{rnd.item_id}"
    assert read["text"] == "📖 Đọc cả câu trả lời" and again["text"] == "🔁 Ôn lại câu này"

    lan = await alert(bot, fake, GROUP, LAN, results.message_id, button["callback_data"])
    assert f"chọn {letter} — đúng" in lan and "+15 điểm (10 + 5 điểm nhanh, trả lời sau 9 phút)" in lan
    assert "Chuỗi: 1 ngày" in lan and "Hạng tuần: 1/3" in lan
    hung = await alert(bot, fake, GROUP, HUNG, results.message_id, button["callback_data"])
    assert f"chọn {other} — chưa đúng (đáp án đúng: {letter}). 0 điểm." in hung
    tuan = await alert(bot, fake, GROUP, TUAN, results.message_id, button["callback_data"])
    assert "chưa trả lời" in tuan and f"đáp án đúng: {letter}" in tuan and "Hạng" not in tuan
    # nothing of it reached the group: the alerts are the only place a member's result is told
    assert not any("chưa đúng" in m.text for m in fake.messages(GROUP))


async def test_me_is_a_button_whose_card_only_the_tapping_member_sees(bot, fake, clock, bank):
    await subscribe(bot)
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    rnd = bot.hp.study.today_round(GROUP)
    await bot.tap(GROUP, LAN, rnd.message_id, f"a:{rnd.id}:{bank.item(rnd.item_id).answer}")
    clock.set(local(2026, 11, 30, 20, 0))
    await bot.tick()
    pointer = await bot.reply_to(GROUP, LAN, "/toi")
    assert "%" not in pointer and "điểm" in pointer  # it says what the button shows, and nothing of Lan's
    message = fake.messages(GROUP)[-1]
    card = await alert(bot, fake, GROUP, LAN, message.message_id, "m")
    assert "Tổng điểm: 15" in card and "đúng 1 (100%)" in card
    assert "chưa có câu trả lời" in await alert(bot, fake, GROUP, HUNG, message.message_id, "m")


async def test_options_are_shuffled_per_round_and_differ_between_groups(bot, fake, clock, bank):
    fake.add_group(OTHER, "Chi bộ Khu 5", admins=[ADMIN], members=[LAN])
    await subscribe(bot)
    await subscribe(bot, OTHER)
    letters: dict[int, list[str]] = {GROUP: [], OTHER: []}
    orders_differ = 0
    day = local(2026, 11, 30, 7, 0)
    for _ in range(41):
        clock.set(day)
        await bot.tick()
        shown = {}
        for chat_id in (GROUP, OTHER):
            rnd = bot.hp.study.today_round(chat_id)
            post = latest_post(fake, chat_id)
            item = bank.item(rnd.item_id)
            letters[chat_id].append(shown_letter(post, f"a:{rnd.id}:{item.answer}"))
            assert f"<b>{letters[chat_id][-1]}.</b> {item.correct_option[:20]}" in post.text
            shown[chat_id] = (
                rnd.item_id,
                [b["callback_data"][-1] for b in post.reply_markup["inline_keyboard"][0]],
            )
        orders_differ += shown[GROUP] != shown[OTHER]
        clock.set(day.replace(hour=20))
        await bot.tick()
        closed = next(
            m for m in fake.messages(GROUP) if m.message_id == bot.hp.study.today_round(GROUP).message_id
        )
        assert f"✅ <b>{letters[GROUP][-1]}. " in closed.text  # the reveal marks the letter the group saw
        day += timedelta(days=1)
    for seen in letters.values():
        counts = Counter(seen)
        assert set(counts) == set("ABCD"), counts
        assert max(counts.values()) <= 20, counts
    assert orders_differ >= 30  # two groups on the same question the same day mostly see different orders


def reply_update(fake, chat_id, user_id, text, to):
    """A member's text reply to one of the bot's messages (privacy mode lets such replies through)."""
    message = fake._message(chat_id, user_id, text)
    message["reply_to_message"] = fake._as_telegram(to)
    return fake.raw_update({"message": message})


async def test_a_typed_answer_gets_the_hint_once_a_day(bot, fake, clock, bank):
    await subscribe(bot)
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    post = latest_post(fake)
    before = len(fake.messages(GROUP))
    reply_update(fake, GROUP, LAN, "Đáp án B", post)
    await fake.wait_for(lambda: len(fake.messages(GROUP)) > before)
    hint = fake.messages(GROUP)[before]
    assert "bấm một nút A/B/C/D ngay dưới câu hỏi" in hint.text and "không được tính" in hint.text
    reply_update(fake, GROUP, LAN, "B ạ", post)  # the second typed answer that day: no second hint
    await bot.reply_to(GROUP, HUNG, "/cauhoi")  # handled after Lan's reply (updates of a chat come in order)
    assert sum("không được tính" in m.text for m in fake.messages(GROUP)) == 1
    assert list(bot.hp.store.db.query("SELECT * FROM answers")) == []  # nothing typed counted
    clock.set(local(2026, 12, 1, 7, 0))
    await bot.tick()
    reply_update(fake, GROUP, LAN, "C", latest_post(fake))
    await fake.wait_for(lambda: sum("không được tính" in m.text for m in fake.messages(GROUP)) == 2)


async def test_looking_back_links_the_post_and_the_official_answer(fake, clock, bank, tmp_path):
    from tests.e2e.harness import BotUnderTest

    supergroup = -1001234567890
    fake.add_group(supergroup, "Chi bộ Khu 7", type="supergroup", admins=[ADMIN], members=[LAN])
    bot = BotUnderTest(fake, tmp_path / "hpbot.sqlite3", clock, bank)
    await bot.start()
    try:
        assert "chưa có câu hỏi nào" in await bot.reply_to(supergroup, LAN, "/homqua")
        await subscribe(bot, supergroup)
        clock.set(local(2026, 11, 30, 7, 0))
        await bot.tick()
        rnd = bot.hp.study.today_round(supergroup)
        letter = shown_letter(latest_post(fake, supergroup), f"a:{rnd.id}:{bank.item(rnd.item_id).answer}")
        clock.set(local(2026, 11, 30, 20, 0))
        await bot.tick()
        answer = next(m for m in fake.messages(supergroup) if "Trả lời chính thức" in m.text)
        today = await bot.reply_to(supergroup, LAN, "/cauhoi")
        assert "đã được công bố" in today
        assert f'href="{TELEGRAM_LINK}c/1234567890/{rnd.message_id}"' in today
        assert f'href="{TELEGRAM_LINK}c/1234567890/{answer.message_id}"' in today
        clock.set(local(2026, 12, 1, 6, 0))
        yesterday = await bot.reply_to(supergroup, LAN, "/homqua")
        assert "Câu hỏi ngày 30/11/2026" in yesterday and f"Đáp án đúng: <b>{letter}. " in yesterday
        assert f"/{answer.message_id}" in yesterday
        sent = fake.calls_to("sendMessage")[-1].params
        assert str(answer.message_id) in str(sent.get("reply_parameters") or sent.get("reply_to_message_id"))
    finally:
        await bot.stop()


async def test_an_overdue_reveal_goes_out_before_the_new_question(bot, fake, clock):
    await subscribe(bot)
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    await bot.stop()  # down from before the reveal until after the next morning's post time
    clock.set(local(2026, 12, 1, 7, 30))
    await bot.start()
    await fake.wait_for(lambda: len([m for m in fake.messages(GROUP) if "Câu hỏi ngày 01/12" in m.text]) == 1)
    texts = [m.text for m in fake.messages(GROUP)]
    results = next(i for i, t in enumerate(texts) if "Kết quả ngày 30/11/2026" in t)
    new_post = next(i for i, t in enumerate(texts) if "Câu hỏi ngày 01/12/2026" in t)
    assert results < new_post
    assert "Câu hỏi ngày 30/11/2026 chưa có đồng chí nào trả lời" in texts[results]  # not "hôm nay"


async def test_start_in_a_subscribed_group_does_not_ask_for_subscribing(bot, fake):
    assert "/dangky" in await bot.reply_to(GROUP, LAN, "/start")
    await subscribe(bot)
    again = await bot.reply_to(GROUP, LAN, "/start")
    assert "/dangky" not in again and "đã đăng ký" in again and "/homqua" in again


async def test_a_seven_day_streak_is_named_in_the_days_results(bot, fake, clock, bank):
    await subscribe(bot)
    day = local(2026, 11, 30, 7, 0)
    for n in range(1, 8):
        clock.set(day)
        await bot.tick()
        rnd = bot.hp.study.today_round(GROUP)
        item = bank.item(rnd.item_id)
        await bot.tap(GROUP, LAN, rnd.message_id, f"a:{rnd.id}:{item.answer}")
        if n % 2:  # Hùng answers every other day: no streak to name
            await bot.tap(GROUP, HUNG, rnd.message_id, f"a:{rnd.id}:{item.answer}")
        before = len(fake.messages(GROUP))
        clock.set(day.replace(hour=20))
        await bot.tick()
        await fake.wait_for(lambda b=before: any("Kết quả ngày" in m.text for m in fake.messages(GROUP)[b:]))
        results = next(m.text for m in fake.messages(GROUP)[before:] if "Kết quả ngày" in m.text)
        if n < 7:
            assert "Chuỗi ngày đáng khen" not in results, n
        day += timedelta(days=1)
    assert "🎉 <b>Chuỗi ngày đáng khen</b>" in results and "Nguyễn Thị Lan: 7 ngày liên tiếp" in results
    assert "Trần Văn Hùng" not in results.split("Chuỗi ngày đáng khen")[1]
