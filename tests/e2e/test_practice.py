"""Private study end to end: the real Application against the strict fake Bot API, days moved by a fake clock."""

from datetime import timedelta

from hpbot.domain import srs
from hpbot.texts import practice as texts
from tests.e2e.conftest import ADMIN, GROUP, HUNG, LAN
from tests.e2e.harness import local


def private(fake, *users):
    for user in users:
        fake.private_chat(user)


async def said(bot, fake, user, text):
    """Send a command in the private chat; the bot's next message there."""
    before = len(fake.messages(user))
    fake.command(user, user, text)
    await fake.wait_for(lambda: len(fake.messages(user)) > before)
    return fake.messages(user)[before]


async def tap(bot, fake, user, message, data):
    return await bot.tap(user, user, message.message_id, data)


def right_data(bot, message, right=True):
    """The button of the right (or a wrong) option of a served item."""
    row = message.reply_markup["inline_keyboard"][0]
    serve_id = int(row[0]["callback_data"].split(":")[2])
    practice = bot.hp.practice
    from hpbot.app.practice import order

    serve = practice.store.serve(serve_id)
    item = practice.library.holding(serve.item_id).item(serve.item_id)
    shown = order(serve_id, item.id, len(item.options))
    target = item.answer if right else (item.answer + 1) % len(item.options)
    return row[shown.index(target)]["callback_data"], serve.item_id


async def test_deep_links_outline_in_place_and_one_reply_each(bot, fake):
    private(fake, LAN)
    before = len(fake.messages(LAN))
    msg = await said(bot, fake, LAN, "/start cau_12")
    assert "Câu 12" in msg.text and "Trả lời chính thức" in msg.text
    greeting = await said(bot, fake, LAN, "/start")
    assert "Xin chào" in greeting.text
    await fake.wait_for(lambda: fake.updates_confirmed())
    assert len(fake.messages(LAN)) == before + 2  # one reply to each /start

    root = await said(bot, fake, LAN, "/decuong")
    part = root.reply_markup["inline_keyboard"][0][0]["callback_data"]
    await tap(bot, fake, LAN, root, part)
    await fake.wait_for(lambda: fake.messages(LAN)[-1].history)
    shown = fake.messages(LAN)[-1]
    assert shown.message_id == root.message_id and "Chọn câu hỏi" in shown.text  # edited in place
    question = shown.reply_markup["inline_keyboard"][0][0]["callback_data"]
    await tap(bot, fake, LAN, shown, question)
    await fake.wait_for(
        lambda: "Câu 1" in fake.messages(LAN)[-1].text and len(fake.messages(LAN)[-1].history) == 2
    )

    for bad in ("p:q:no-such-doc:1:1", "p:q:dh-hp-2025:x:1", "p:a:99999999:0", "p:zz", "p:a:1"):
        assert await tap(bot, fake, LAN, shown, bad) == texts.TOAST_STALE
    assert "Không có Câu 99" in (await said(bot, fake, LAN, "/cau 99")).text
    assert "/cau 12" in (await said(bot, fake, LAN, "/cau abc")).text
    assert texts.LINK_UNKNOWN in (await said(bot, fake, LAN, "/start nonsense")).text
    assert texts.ITEM_GONE in (await said(bot, fake, LAN, "/start ontap_q99-x")).text

    in_group = await bot.reply_to(GROUP, LAN, "/ontap")
    assert in_group == texts.PRIVATE_ONLY


async def test_answer_taken_once_name_and_progress(bot, fake):
    private(fake, LAN)
    served = await said(bot, fake, LAN, "/ontap")
    data, item_id = right_data(bot, served)
    wrong, _ = right_data(bot, served, right=False)
    item = bot.hp.practice.library.holding(item_id).item(item_id)
    toast = await tap(bot, fake, LAN, served, data)
    assert toast.startswith("✅ Đúng rồi! Đáp án ") and item.options[item.answer][:50] in toast
    assert len(toast) <= 200 and "<" not in toast  # the verdict at once, in the toast (plain text)
    await fake.wait_for(lambda: fake.messages(LAN)[-1].history)
    assert "✅" in fake.messages(LAN)[-1].text
    edits = len(fake.calls_to("editMessageText"))
    assert await tap(bot, fake, LAN, served, wrong) == texts.TOAST_ANSWERED  # a second tap, a replay
    assert len(bot.hp.store.practice_reviews(LAN, item_id)) == 1
    # the second tap shows the feedback again (the way back to an explanation that was not shown)
    await fake.wait_for(lambda: len(fake.calls_to("editMessageText")) > edits)

    name = await said(bot, fake, LAN, "/hoten Nguyễn Thị <Lan>")
    assert "Họ và tên cần" in name.text
    name = await said(bot, fake, LAN, "/hoten Nguyễn Thị Lan")
    assert "<b>Nguyễn Thị Lan</b>" in name.text and bot.hp.store.full_name(LAN) == "Nguyễn Thị Lan"

    progress = await said(bot, fake, LAN, "/tiendo")
    assert "Đã gặp: <b>1</b>" in progress.text
    await fake.wait_for(lambda: fake.calls_to("sendPhoto"))


async def test_thirty_days_spaced_reviews_group_misses_reminders_boards(bot, fake, clock, bank, monkeypatch):
    monkeypatch.setattr(srs, "NEW_PER_DAY", 2)
    private(fake, LAN, HUNG)
    assert "đã đăng ký" in await bot.reply_to(GROUP, ADMIN, "/dangky")
    assert "19:30" in (await said(bot, fake, LAN, "/nhac 19:30")).text
    assert "giờ:phút" in (await said(bot, fake, LAN, "/nhac 25:00")).text
    await said(bot, fake, HUNG, "/nhac 19:30")
    fake.bot_status[HUNG] = "kicked"  # HUNG blocks the bot: his first reminder gets 403
    hung_sends = []
    came_back = []
    for d in range(30):
        day = local(2026, 12, 1, 7, 0) + timedelta(days=d)
        clock.set(day)
        await bot.tick()
        rnd = bot.hp.study.today_round(GROUP)
        item = bank.item(rnd.item_id)
        post = next(
            m for m in fake.messages(GROUP) if m.reply_markup and f"a:{rnd.id}:" in str(m.reply_markup)
        )
        missed, wrong = d in (4, 17), d in (9, 22)
        if not missed:
            option = (item.answer + 1) % 4 if wrong else item.answer
            await bot.tap(GROUP, LAN, post.message_id, f"a:{rnd.id}:{option}")

        clock.set(day.replace(hour=19, minute=29))
        await bot.tick()
        await bot.hp.rounds.drain()
        reminders = [m for m in fake.messages(LAN) if m.text.startswith("⏰")]
        clock.set(day.replace(hour=19, minute=30))
        await bot.tick()
        await bot.hp.rounds.drain()
        now_reminders = [m for m in fake.messages(LAN) if m.text.startswith("⏰")]
        assert len(now_reminders) == len(reminders) + 1, f"day {d}: the reminder goes out at 19:30"
        hung_sends.append(
            sum(1 for c in fake.calls_to("sendMessage") if c.params.get("chat_id") in (HUNG, str(HUNG)))
        )

        clock.set(day.replace(hour=20, minute=0))
        await bot.tick()
        await bot.hp.rounds.drain()
        posted_at = post.message_id
        await fake.wait_for(
            lambda: any("Kết quả ngày" in m.text and m.message_id > posted_at for m in fake.messages(GROUP))  # noqa: B023
        )
        await bot.tick()  # the fold runs after the due check that revealed
        await bot.hp.rounds.drain()
        boards = bot.hp.store.db.execute("SELECT * FROM member_stats ORDER BY user_id").fetchall()

        clock.set(day.replace(hour=20, minute=30))
        first = True
        while True:
            served = await said(bot, fake, LAN, "/ontap")
            if not served.reply_markup:
                break
            data, item_id = right_data(bot, served, right=not (d == 12 and first))
            if first and (missed or wrong):
                came_back.append(item_id == rnd.item_id)
            first = False
            await tap(bot, fake, LAN, served, data)
        assert bot.hp.store.db.execute("SELECT * FROM member_stats ORDER BY user_id").fetchall() == boards

    assert came_back == [True] * 4  # every item missed or answered wrong in the group came back first
    assert bot.hp.store.practice_member(HUNG).blocked
    assert hung_sends[0] == hung_sends[-1]  # after the 403 nothing more was tried
    # intervals grow with right answers and shrink after a wrong one
    grown = shrunk = 0
    for item_id in bot.hp.store.card_items(LAN):
        reviews = bot.hp.store.practice_reviews(LAN, item_id)
        gaps = [(r["rating"], _days(r["due_after"]) - _days(r["reviewed_at"])) for r in reviews]
        for (r1, g1), (r2, g2) in zip(gaps, gaps[1:], strict=False):
            if r1 == 3 and r2 == 3:
                assert g2 > g1
                grown += 1
            if r1 == 3 and r2 == 1:
                assert g2 < g1
                shrunk += 1
    assert grown >= 10 and shrunk >= 1


def _days(iso):
    from datetime import datetime

    return datetime.fromisoformat(iso).timestamp() / 86400


def practice_feature(bot):
    """The Application's practice feature (its follow-ups: the paced edits after each tap)."""
    from hpbot.tg.features.practice import Practice

    for handlers in bot.hp.application.handlers.values():
        for handler in handlers:
            if isinstance(getattr(handler.callback, "__self__", None), Practice):
                return handler.callback.__self__
    raise LookupError("no practice feature")


async def test_the_verdict_never_waits_for_the_message_budget(bot, fake):
    """Edits count against ~30 messages/s: with a backlog of them the tap is still answered at once, as a pop-up
    naming the right answer and when the explanation follows; past the backlog's bound it says to tap again."""
    import asyncio

    private(fake, LAN)
    feature, paced = practice_feature(bot), bot.hp.application.bot
    rate = feature.follow_ups.rate(paced)
    assert rate is not None and 28 < rate < 30  # the bot's own pacer is on
    held = asyncio.Event()
    for _ in range(int(rate * 3)):  # three seconds of paced messages ahead
        feature.follow_ups.start(held.wait(), paced)

    served = await said(bot, fake, LAN, "/ontap")
    data, item_id = right_data(bot, served)
    query_id = fake.tap(LAN, LAN, served.message_id, data)["callback_query"]["id"]
    await fake.wait_for(lambda: query_id in fake.callback_answers)
    answer = fake.callback_answers[query_id]
    assert answer["show_alert"] and answer["text"].startswith("✅ Đúng rồi!")
    assert "sau khoảng 3 giây" in answer["text"] and len(answer["text"]) <= 200
    assert not fake.messages(LAN)[-1].history  # the edit waits its turn…
    held.set()
    await feature.follow_ups.drain()
    await fake.wait_for(lambda: fake.messages(LAN)[-1].history)  # …and follows
    assert "✅" in fake.messages(LAN)[-1].text and "<blockquote>" in fake.messages(LAN)[-1].text

    feature.follow_ups.wait_max = 1.0  # a backlog beyond the bound: the edit is not queued
    held = asyncio.Event()
    for _ in range(int(rate * 3)):
        feature.follow_ups.start(held.wait(), paced)
    second = await said(bot, fake, LAN, "/ontap")
    data, _ = right_data(bot, second, right=False)
    edits = len(fake.calls_to("editMessageText"))
    query_id = fake.tap(LAN, LAN, second.message_id, data)["callback_query"]["id"]
    await fake.wait_for(lambda: query_id in fake.callback_answers)
    answer = fake.callback_answers[query_id]
    assert answer["show_alert"] and answer["text"].startswith("❌ Chưa đúng. Đáp án đúng: ")
    assert texts.TOAST_BUSY in answer["text"]
    held.set()
    await feature.follow_ups.drain()
    assert len(fake.calls_to("editMessageText")) == edits  # nothing was queued for it
    feature.follow_ups.wait_max = 60.0
    assert await tap(bot, fake, LAN, second, data) == texts.TOAST_ANSWERED  # tapped again later…
    await fake.wait_for(lambda: "❌" in fake.messages(LAN)[-1].text)  # …the explanation is shown
    assert len(bot.hp.store.practice_reviews(LAN, item_id)) == 1


def test_follow_ups_leave_one_gap_of_the_pacer_apart():
    """The queue's own timer spaces them at the limiter's rate, so they never pile up inside the limiter."""
    import asyncio

    from hpbot.tg.features.practice import FollowUps
    from hpbot.tg.transport.pacing import MessageRateLimiter

    class Paced:
        rate_limiter = MessageRateLimiter(50.0)

    async def run():
        loop = asyncio.get_running_loop()
        follow_ups, left = FollowUps(), []

        async def note():
            left.append(loop.time())

        for _ in range(11):
            follow_ups.start(note(), Paced())
        assert follow_ups.wait(Paced()) > 0.15
        await follow_ups.drain()
        assert len(follow_ups) == 0 and follow_ups.wait(Paced()) == 0
        return [b - a for a, b in zip(left, left[1:], strict=False)]

    gaps = asyncio.run(run())
    assert len(gaps) == 10 and min(gaps) >= 1 / 50 * 0.98 - 0.002


async def test_ontap_with_a_document_code_and_links_into_a_named_document(bot, fake, bank):
    private(fake, LAN)
    unknown = await said(bot, fake, LAN, "/ontap khong-co")
    assert "<code>khong-co</code>" in unknown.text and f"<code>{bank.id}</code>" in unknown.text
    chosen = await said(bot, fake, LAN, f"/ontap {bank.id}")
    assert texts.DOCUMENT_CHOSEN in chosen.text and chosen.reply_markup
    assert bot.hp.store.practice_member(LAN).document == bank.id
    back = await said(bot, fake, LAN, "/ontap nhom")
    assert texts.DOCUMENT_NO_GROUP in back.text and bot.hp.store.practice_member(LAN).document is None
    opened = await said(bot, fake, LAN, f"/start cau_12_{bank.id}")
    assert "Câu 12" in opened.text and "Trả lời chính thức" in opened.text
    assert texts.LINK_UNKNOWN in (await said(bot, fake, LAN, "/start cau_12_khong-co")).text
