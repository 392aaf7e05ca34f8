"""A second study document end to end: a Word file the test writes goes through import, drafts, review and check;
the bot started on that content serves it to a group whose admin switched to it with /tailieu."""

from html import escape

import pytest

from hpbot.cli import main
from hpbot.content import load_library
from tests.e2e.conftest import ADMIN, GROUP, HUNG, LAN
from tests.e2e.harness import BotUnderTest, local
from tests.test_documents import SLUG, new_document
from tests.test_docx_import import TITLE

ORGANIZER = 900


@pytest.fixture
async def two_documents(fake, clock, tmp_path, monkeypatch):
    directory = new_document(tmp_path / "content", monkeypatch)
    assert main(["content", "check", str(directory)]) == 0
    fake.add_user(ORGANIZER, "Ban", "Tổ chức")
    fake.private_chat(ORGANIZER)
    library = load_library()  # what the bot loads at start
    under_test = BotUnderTest(
        fake, tmp_path / "hpbot.sqlite3", clock, library, HPBOT_ORGANIZERS=str(ORGANIZER)
    )
    await under_test.start()
    yield under_test
    await under_test.stop()


def buttons(message):
    markup = message.reply_markup or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


async def test_a_group_switches_to_a_new_document_and_studies_it(two_documents, fake, clock):
    bot = two_documents
    assert "đã đăng ký" in await bot.reply_to(GROUP, ADMIN, "/dangky")
    assert "chỉ quản trị viên" in await bot.reply_to(GROUP, LAN, "/tailieu")

    listing = await bot.reply_to(GROUP, ADMIN, "/tailieu")
    assert "đã học 0/41 câu" in listing and "đã học 0/3 câu" in listing and escape(TITLE) in listing
    message = fake.messages(GROUP)[-1]
    [button] = buttons(message)  # the group studies the first document: the other one is offered
    assert button["callback_data"] == f"doc:{SLUG}" and TITLE in button["text"]

    refused = await bot.tap(GROUP, LAN, message.message_id, button["callback_data"])
    assert "chỉ quản trị viên" in refused.lower()
    assert bot.hp.store.group(GROUP).document != SLUG

    before = len(fake.messages(GROUP))
    toast = await bot.tap(GROUP, ADMIN, message.message_id, button["callback_data"])
    assert toast == "Đã chuyển tài liệu."
    await fake.wait_for(lambda: len(fake.messages(GROUP)) > before)
    confirm = fake.messages(GROUP)[before].text
    assert "chuyển sang học tài liệu" in confirm and "Câu 1/3" in confirm and "vẫn giữ nguyên" in confirm

    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    await fake.wait_for(lambda: any("Câu hỏi ngày" in m.text for m in fake.messages(GROUP)))
    post = next(m for m in fake.messages(GROUP) if "Câu hỏi ngày" in m.text)
    rnd = bot.hp.study.today_round(GROUP)
    bank = bot.hp.study.bank_for(rnd)
    assert rnd.document == SLUG and bank.id == SLUG
    item = bank.item(rnd.item_id)
    assert escape(bank.question(1).text) in post.text and escape(item.stem) in post.text
    data = [b["callback_data"] for b in buttons(post)]
    assert sorted(data) == sorted(
        f"a:{rnd.id}:{i}" for i in range(4)
    )  # each button carries the bank's option
    await bot.tap(GROUP, LAN, post.message_id, f"a:{rnd.id}:{item.answer}")
    await bot.tap(GROUP, HUNG, post.message_id, f"a:{rnd.id}:{(item.answer + 1) % 4}")

    clock.set(local(2026, 11, 30, 20, 0))
    await bot.tick()
    await fake.wait_for(lambda: any("Kết quả ngày" in m.text for m in fake.messages(GROUP)))
    texts = [m.text for m in fake.messages(GROUP)]
    official = next(t for t in texts if "Trả lời chính thức" in t)
    assert escape(bank.question(1).answer[1].text) in official  # the new document's answer, verbatim
    results = next(t for t in texts if "Kết quả ngày" in t)
    assert "Đã trả lời: <b>2" in results and "trả lời đúng: <b>1</b>" in results
    board = await bot.reply_to(GROUP, HUNG, "/bxh")
    assert board.index("Nguyễn Thị Lan") < board.index("Trần Văn Hùng") and "15</b> điểm" in board

    again = await bot.reply_to(GROUP, ADMIN, "/tailieu")
    assert "đã học 1/3 câu" in again and "← nhóm đang học" in again
    [back] = buttons(fake.messages(GROUP)[-1])
    assert back["callback_data"] == "doc:dh-hp-2025"


async def test_a_competition_names_its_document_and_holds_its_groups_to_it(two_documents, fake, clock):
    bot = two_documents
    await bot.reply_to(GROUP, ADMIN, "/dangky")
    unknown = await bot.reply_to(
        ORGANIZER, ORGANIZER, "/cuocthi_tao Thi | 30/11/2026 | 06/12/2026 | khong-co"
    )
    assert "Không có tài liệu mã <code>khong-co</code>" in unknown and f"<code>{SLUG}</code>" in unknown
    created = await bot.reply_to(
        ORGANIZER, ORGANIZER, f"/cuocthi_tao Thi nghị quyết | 30/11/2026 | 06/12/2026 | {SLUG}"
    )
    assert f"Tài liệu học trong cuộc thi: <b>{escape(TITLE)}</b>" in created
    comp = bot.hp.competitions.pick(None)
    assert comp.document == SLUG
    assert "Thi nghị quyết" in await bot.join(GROUP, ADMIN, comp.code, ORGANIZER)

    listing = await bot.reply_to(GROUP, ADMIN, "/tailieu")
    assert "Nhóm đang tham gia cuộc thi <b>Thi nghị quyết</b>" in listing and "06/12/2026" in listing
    assert buttons(fake.messages(GROUP)[-1]) == []  # nothing to switch to while it runs
    assert f"<b>{escape(TITLE)}</b> ← nhóm đang học" in listing
    # a button from before the competition is refused with the reason
    before = len(fake.messages(GROUP))
    toast = await bot.tap(GROUP, ADMIN, fake.messages(GROUP)[-1].message_id, "doc:dh-hp-2025")
    assert toast == "Chưa chuyển tài liệu."
    await fake.wait_for(lambda: len(fake.messages(GROUP)) > before)
    assert "chưa thể chuyển sang tài liệu khác" in fake.messages(GROUP)[before].text

    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    await fake.wait_for(lambda: any("Câu hỏi ngày" in m.text for m in fake.messages(GROUP)))
    assert bot.hp.study.today_round(GROUP).document == SLUG
