"""The daily loop end to end: the real Application against the fake Bot API, time moved by a fake clock."""

from tests.e2e.conftest import ADMIN, GROUP, HUNG, LAN, NAUGHTY, TUAN
from tests.e2e.harness import local


def question_posts(fake, chat_id=GROUP):
    return [
        m
        for m in fake.messages(chat_id)
        if m.reply_markup and "Câu hỏi ngày" in m.text or "Câu hỏi ngày" in m.text
    ]


async def subscribe(bot):
    return await bot.reply_to(GROUP, ADMIN, "/dangky")


async def test_add_subscribe_post_answer_reveal_board(bot, fake, clock, bank):
    fake.bot_added(GROUP, ADMIN)
    await fake.wait_for(lambda: fake.messages(GROUP))
    assert "/dangky" in fake.messages(GROUP)[0].text

    assert "đã đăng ký" in await subscribe(bot)
    await bot.tick()
    assert question_posts(fake) == []  # 06:00: not yet

    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    await bot.tick()  # a second tick at the same minute must not post again
    posts = question_posts(fake)
    assert len(posts) == 1
    post = posts[0]
    assert "📖 Nội dung học: <i>Câu 1 — " in post.text and "❓ <b>Câu hỏi trắc nghiệm:</b>" in post.text
    rnd = bot.hp.study.today_round(GROUP)
    item = bank.item(rnd.item_id)
    buttons = [b["callback_data"] for b in post.reply_markup["inline_keyboard"][0]]
    right, wrong = f"a:{rnd.id}:{item.answer}", f"a:{rnd.id}:{(item.answer + 1) % 4}"
    assert sorted(buttons) == sorted(f"a:{rnd.id}:{i}" for i in range(4))
    shown = "ABCD"[buttons.index(right)]  # the letter this group sees for the right option

    clock.set(local(2026, 11, 30, 7, 5))
    toast = await bot.tap(GROUP, LAN, post.message_id, right)
    assert "Đã ghi nhận" in toast and "đúng" not in toast.lower().replace("đáp án", "")
    clock.set(local(2026, 11, 30, 7, 40))
    await bot.tap(GROUP, HUNG, post.message_id, wrong)
    await bot.tap(GROUP, NAUGHTY, post.message_id, right)
    again = await bot.tap(GROUP, LAN, post.message_id, wrong)  # double tap: the first answer stands
    assert "rồi" in again and f"chọn {shown} rồi" in again
    await fake.wait_for(lambda: "Đã trả lời: <b>3</b>" in fake.messages(GROUP)[post_index(fake, post)].text)

    clock.set(local(2026, 11, 30, 20, 0))
    await bot.tick()
    await fake.wait_for(lambda: any("Kết quả ngày" in m.text for m in fake.messages(GROUP)))
    closed = fake.messages(GROUP)[post_index(fake, post)]
    assert "✅" in closed.text and closed.reply_markup is None
    texts = [m.text for m in fake.messages(GROUP)]
    answer_msgs = [t for t in texts if "Trả lời chính thức" in t]
    assert answer_msgs and bank.question(1).paragraphs()[0][:60] in answer_msgs[0]
    results = next(t for t in texts if "Kết quả ngày" in t)
    assert "Đã trả lời: <b>3" in results and "trả lời đúng: <b>2</b>" in results
    assert f"Đáp án đúng: <b>{shown}. " in results and f"{shown}: 2" in results  # the letter split, as shown
    assert "&lt;b&gt;&amp;_*" in results  # the member's name is escaped, not markup

    late = await bot.tap(GROUP, TUAN, post.message_id, right)
    assert "đã đóng" in late
    assert bot.hp.store.member_stats(GROUP, TUAN) is None

    board = await bot.reply_to(GROUP, HUNG, "/bxh")
    assert board.index("Nguyễn Thị Lan") < board.index("&lt;b&gt;") < board.index("Trần Văn Hùng")
    assert "15</b> điểm" in board  # Lan: right within 30 minutes
    me = await bot.reply_to(GROUP, LAN, "/toi")
    assert "15" not in me and "Xem kết quả của tôi" not in me  # nothing of Lan's card in the group
    pointer = fake.messages(GROUP)[-1]
    card = await bot.tap(GROUP, LAN, pointer.message_id, "m")
    assert "Tổng điểm: 15" in card and "hạng 1/3" in card and "Chuỗi ngày: 1" in card


def post_index(fake, post):
    return [m.message_id for m in fake.messages(GROUP)].index(post.message_id)


async def test_non_admin_is_refused_and_anonymous_admin_accepted(bot, fake):
    refused = await bot.reply_to(GROUP, LAN, "/dangky")
    assert "chỉ quản trị viên" in refused
    assert bot.hp.store.group(GROUP) is None or not bot.hp.store.group(GROUP).active
    accepted = await bot.reply_to(GROUP, None, "/dangky", anonymous_admin=True)
    assert "đã đăng ký" in accepted
    assert bot.hp.store.group(GROUP).active


async def test_settings_validate_times(bot, fake):
    await subscribe(bot)
    for bad in ("/caidat 25:00 21:00", "/caidat 7h 21:00", "/caidat 07:60 21:00", "/caidat 06:30"):
        assert "giờ:phút (ví dụ 06:30" in await bot.reply_to(GROUP, ADMIN, bad)
    assert "muộn hơn" in await bot.reply_to(GROUP, ADMIN, "/caidat 21:00 06:30")
    assert "06:30" in await bot.reply_to(GROUP, ADMIN, "/caidat 06:30 21:00")
    group = bot.hp.store.group(GROUP)
    assert (group.post_time, group.reveal_time) == ("06:30", "21:00")
    shown = await bot.reply_to(GROUP, LAN, "/caidat")
    assert "chỉ quản trị viên" in shown


async def test_restart_before_and_after_the_post_never_duplicates(bot, fake, clock):
    await subscribe(bot)
    await bot.restart()
    clock.set(local(2026, 11, 30, 7, 1))
    await bot.restart()  # the post is due at start: recovery posts it once
    await fake.wait_for(lambda: len(question_posts(fake)) == 1)
    await bot.restart()
    await bot.tick()
    assert len(question_posts(fake)) == 1
    clock.set(local(2026, 11, 30, 21, 0))
    await bot.restart()  # a missed reveal is done at start
    await fake.wait_for(lambda: any("Kết quả ngày" in m.text for m in fake.messages(GROUP)))
    await bot.restart()
    assert sum("Kết quả ngày" in m.text for m in fake.messages(GROUP)) == 1


async def test_post_missed_past_reveal_time_is_skipped(bot, fake, clock):
    await subscribe(bot)
    await bot.stop()
    clock.set(local(2026, 11, 30, 20, 30))
    await bot.start()
    await bot.tick()
    assert question_posts(fake) == []


async def test_kicked_bot_stops_sending(bot, fake, clock):
    await subscribe(bot)
    fake.bot_removed(GROUP, ADMIN)
    await fake.wait_for(lambda: bot.hp.store.group(GROUP).status == "kicked")
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    assert fake.calls_to("sendMessage")[-1].params["chat_id"] == GROUP  # only the subscription reply
    assert question_posts(fake) == []


async def test_403_on_post_marks_group_inactive(bot, fake, clock):
    await subscribe(bot)
    fake.bot_status[GROUP] = "kicked"  # kicked without the bot hearing of it
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    assert bot.hp.store.group(GROUP).status == "kicked"
    assert bot.hp.study.today_round(GROUP) is None


async def test_migration_by_service_message_keeps_everything(bot, fake, clock, bank):
    await subscribe(bot)
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    post = question_posts(fake)[0]
    rnd = bot.hp.study.today_round(GROUP)
    await bot.tap(GROUP, LAN, post.message_id, f"a:{rnd.id}:{bank.item(rnd.item_id).answer}")
    fake.migrate(GROUP, -1009)
    await fake.wait_for(lambda: bot.hp.store.group(-1009) is not None and bot.hp.store.group(-1009).active)
    clock.set(local(2026, 11, 30, 20, 0))
    await bot.tick()
    await fake.wait_for(lambda: any("Kết quả ngày" in m.text for m in fake.messages(-1009)))
    assert bot.hp.store.member_stats(-1009, LAN)["points"] == 15


async def test_migration_discovered_by_chat_migrated_on_send(bot, fake, clock):
    await subscribe(bot)
    fake.migrate(GROUP, -1010, service_messages=False)
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    assert len(question_posts(fake, -1010)) == 1
    assert bot.hp.store.group(-1010).active
    assert bot.hp.study.today_round(-1010) is not None


async def test_429_on_send_is_retried_after_the_pause(bot, fake, clock):
    await subscribe(bot)
    fake.fail_429("sendMessage", retry_after=1, chat_id=GROUP)
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    assert len(question_posts(fake)) == 1
    assert fake.stats.too_many_requests == 1


async def test_stale_and_foreign_buttons(bot, fake, clock):
    await subscribe(bot)
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    post = question_posts(fake)[0]
    for data in ("a:999999:1", "a:1:9", "garbage", "a:x:y"):
        assert "không còn hiệu lực" in await bot.tap(GROUP, LAN, post.message_id, data)
    assert list(bot.hp.store.db.query("SELECT * FROM answers")) == []


async def test_longest_answer_is_split_within_the_limit(bot, fake, clock, bank):
    from html import escape, unescape

    from hpbot.app.messages import official_answer, visible_len
    from hpbot.content.display import for_display

    question = bank.question(40)
    part = bank.part(question.part)
    messages = official_answer(bank, question)
    total = len(messages)
    assert total >= 2
    assert all(visible_len(m) <= 4096 for m in messages)
    # as few messages as the limit allows: no two neighbours would have fitted in one
    assert all(visible_len(a) + visible_len(b) > 4096 for a, b in zip(messages, messages[1:], strict=False))
    for index, message in enumerate(messages, 1):
        assert f"Câu 40</b> ({index}/{total})" in message
        assert "<blockquote expandable>" in message and message.endswith("</blockquote>")
    assert sum(escape(part.title) in m for m in messages) == 1  # the part title once
    joined = unescape("\n".join(messages))
    at = 0
    for block in question.answer:  # every block, as a member reads it, in order
        found = joined.find(for_display(block.text, bank.errata, 40)[:80], at)
        assert found >= at, block.text[:80]
        at = found


async def test_postnow_and_reveal_now(bot, fake, clock):
    await subscribe(bot)
    assert "chỉ quản trị viên" in await bot.reply_to(GROUP, LAN, "/guingay")
    before = len(fake.messages(GROUP))
    fake.command(GROUP, ADMIN, "/guingay")
    await fake.wait_for(lambda: len(question_posts(fake)) == 1)
    assert "đã được đăng" in await bot.reply_to(GROUP, ADMIN, "/guingay")
    fake.command(GROUP, ADMIN, "/congbo")
    await fake.wait_for(lambda: any("Kết quả ngày" in m.text for m in fake.messages(GROUP)))
    assert "Không có" in (await bot.reply_to(GROUP, ADMIN, "/congbo")) or len(fake.messages(GROUP)) > before


async def test_post_sent_but_not_recorded_before_a_crash_is_found_not_sent_again(bot, fake, clock):
    await subscribe(bot)
    reply_before = fake.messages(GROUP)[-1]

    def crash(*args, **kwargs):
        raise RuntimeError("the process dies between Telegram's answer and the database commit")

    bot.hp.study.posted = crash
    clock.set(local(2026, 11, 30, 7, 0))
    try:
        await bot.tick()
    except RuntimeError:
        pass
    assert len(question_posts(fake)) == 1
    assert bot.hp.study.today_round(GROUP).status == "posting"
    await bot.restart()
    assert len(question_posts(fake)) == 1  # found by probing, not posted again
    rnd = bot.hp.study.today_round(GROUP)
    assert rnd.status == "open" and rnd.message_id == question_posts(fake)[0].message_id
    assert fake.messages(GROUP)[fake.messages(GROUP).index(reply_before)].reply_markup is None  # probe undone
    clock.set(local(2026, 11, 30, 20, 0))
    await bot.tick()
    assert "✅" in question_posts(fake)[0].text  # the found post is the one the reveal marks
