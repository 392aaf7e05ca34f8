"""A group the organizer took out of a competition does not come back by itself (issue 19): neither its cell's code
nor the competition's code lets it in again; where joining needs approval it may ask again, the organizer sees it
was taken out before, and only the organizer's acceptance (or enrolling every group) brings it back."""

import pytest

from tests.e2e.conftest import ADMIN, GROUP, HUNG, LAN
from tests.e2e.harness import BotUnderTest, local
from tests.e2e.test_units import DAYS, LIST, play, send_file
from tests.test_units import xlsx

THIRD, THIRD_ADMIN = -1003, 800
ORGANIZER = 900
REFUSED = "Ban tổ chức đã đưa nhóm ra khỏi cuộc thi <b>Thi đua học Nghị quyết</b> ngày 30/11/2026"


@pytest.fixture
async def cup(fake, clock, bank, tmp_path):
    """The bot with an organizer, and a second group (a cell that moved to a new Telegram group)."""
    fake.add_user(ORGANIZER, "Ban", "Tổ chức")
    fake.private_chat(ORGANIZER)
    fake.add_user(THIRD_ADMIN, "Bí thư", "Nhóm mới")
    fake.add_group(THIRD, "Chi bộ Khu 3 (nhóm mới)", admins=[THIRD_ADMIN], members=[])
    bot = BotUnderTest(fake, tmp_path / "hpbot.sqlite3", clock, bank, HPBOT_ORGANIZERS=str(ORGANIZER))
    await bot.start()
    yield bot
    await bot.stop()


async def contest(cup, fake, *, approval: bool = True) -> str:
    """Competition 1 with the unit list; its join code. `approval=False`: one made before approvals existed."""
    await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_tao Thi đua học Nghị quyết | 30/11/2026 | 31/12/2026")
    if not approval:
        cup.hp.store.db.execute("UPDATE competitions SET approval = 0 WHERE id = 1")
    assert "Đã nhập danh sách" in await send_file(cup, fake, "ds.xlsx", xlsx(LIST), "/donvi 1")
    return cup.hp.store.competitions.get(1).code


async def take_out(cup, fake, words: str, chat_id: int) -> str:
    """/cuocthi_bo 1 WORDS, confirmed with its button; waits for the group to be told; the confirmation's text."""
    confirm = await cup.reply_to(ORGANIZER, ORGANIZER, f"/cuocthi_bo 1 {words}")
    assert "xác nhận đưa" in confirm
    asked = fake.messages(ORGANIZER)[-1]
    before = len(fake.messages(chat_id))
    await cup.tap(
        ORGANIZER, ORGANIZER, asked.message_id, asked.reply_markup["inline_keyboard"][0][0]["callback_data"]
    )
    await fake.wait_for(lambda: len(fake.messages(chat_id)) > before)
    assert "đã đưa nhóm ra khỏi" in fake.messages(chat_id)[-1].text
    return confirm


def standings(cup) -> tuple[list[tuple], list[tuple]]:
    """The competition's member lines and group ranking, as /ketqua ranks them."""
    found = cup.hp.competitions.standings(cup.hp.store.competitions.get(1))
    members = [(r, m.chat_id, m.standing.user_id, m.standing.points) for r, m in found.members]
    return members, [(r, g.chat_id) for r, g in found.groups]


async def organizer_results(cup, fake) -> str:
    """/ketqua 1's text (its pictures follow it)."""
    before = len(fake.messages(ORGANIZER))
    fake.command(ORGANIZER, ORGANIZER, "/ketqua 1")
    return await fake.wait_for(
        lambda: next(
            (m.text for m in fake.messages(ORGANIZER)[before:] if "Kết quả cuộc thi" in m.text), None
        )
    )


def removals(cup) -> list[tuple]:
    return cup.hp.store.db.execute(
        "SELECT competition_id, chat_id, removed_by FROM competition_removals ORDER BY chat_id"
    ).fetchall()


async def test_a_group_taken_out_cannot_come_back_with_its_cell_code_and_another_group_may_take_the_cell(
    cup, fake, clock, bank
):
    code = await contest(cup, fake)
    assert "Nhóm đã được gắn với" in await cup.reply_to(GROUP, ADMIN, "/thamgia HB-03")
    await cup.reply_to(GROUP, ADMIN, "/dangky")
    await play(cup, fake, clock, bank, DAYS[0], {GROUP: [(LAN, True), (HUNG, False)]})
    confirm = await take_out(cup, fake, "Khu 3", GROUP)
    out = standings(cup)
    assert out == ([], [])  # its lines left the standings

    for typed in ("/thamgia HB-03", f"/thamgia {code} HB-03", "/thamgia HB-04"):
        refused = await cup.reply_to(GROUP, ADMIN, typed)
        assert REFUSED in refused and "liên hệ ban tổ chức" in refused, typed
        assert "<code>/thamgia MÃ_CUỘC_THI</code>" in refused  # it may ask again: joining needs approval here
    assert cup.hp.store.competitions.groups_of(1) == []
    assert cup.hp.store.db.execute("SELECT COUNT(chat_id) FROM competition_units").fetchone()[0] == 0
    assert removals(cup) == [(1, GROUP, ORGANIZER)]  # who took it out (and when) is remembered
    assert "không tự tham gia lại được (kể cả bằng mã chi bộ)" in confirm  # the organizer was told so
    assert standings(cup) == out  # nothing changed
    results = await organizer_results(cup, fake)
    assert "0 chi bộ · 0 đảng viên có điểm" in results and "Nguyễn Thị Lan" not in results
    answers = "SELECT COUNT(*) FROM answers WHERE chat_id = ?"
    assert cup.hp.store.db.execute(answers, [GROUP]).fetchone()[0] == 2  # its history stays
    assert "chưa tham gia cuộc thi" in await cup.reply_to(GROUP, LAN, "/bxh cuocthi")

    # the cell moved to a new Telegram group: that group takes the freed cell with its code
    linked = await cup.reply_to(THIRD, THIRD_ADMIN, "/thamgia HB-03")
    assert "Nhóm đã được gắn với <b>Chi bộ Khu dân cư số 3</b>" in linked
    assert cup.hp.store.competitions.groups_of(1) == [THIRD]
    assert removals(cup) == [(1, GROUP, ORGANIZER)]  # the group taken out is still out
    assert REFUSED in await cup.reply_to(GROUP, ADMIN, "/thamgia HB-03")  # out, whoever holds the cell


async def test_a_group_taken_out_of_an_open_competition_cannot_come_back_with_its_code(cup, fake, clock):
    code = await contest(cup, fake, approval=False)
    assert "Nhóm đã tham gia cuộc thi" in await cup.reply_to(GROUP, ADMIN, f"/thamgia {code}")
    await cup.reply_to(GROUP, ADMIN, "/dangky")
    await take_out(cup, fake, "Khu 3", GROUP)

    refused = await cup.reply_to(GROUP, ADMIN, f"/thamgia {code}")
    assert REFUSED in refused and "liên hệ ban tổ chức" in refused and "MÃ_CUỘC_THI" not in refused
    assert REFUSED in await cup.reply_to(GROUP, ADMIN, "/thamgia HB-03")
    assert cup.hp.store.competitions.groups_of(1) == []
    assert not [m for m in fake.messages(ORGANIZER) if "Yêu cầu tham gia" in m.text]

    # the organizer's own enrolment of every group brings it back, and forgets the removal
    clock.set(local(2026, 12, 1, 6, 0))
    added = await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_themtatca 1")
    assert "Đã đưa thêm 1 chi bộ" in added and "Trong đó có 1 nhóm trước đây đã bị đưa ra" in added
    assert cup.hp.store.competitions.groups_of(1) == [GROUP] and removals(cup) == []
    assert "từ trước" in await cup.reply_to(GROUP, ADMIN, f"/thamgia {code}")


async def test_a_group_taken_out_may_ask_again_and_the_organizers_acceptance_brings_it_back(cup, fake, clock):
    code = await contest(cup, fake)
    await cup.reply_to(GROUP, ADMIN, "/thamgia HB-03")
    clock.set(local(2026, 11, 30, 9, 15))
    await take_out(cup, fake, "Khu 3", GROUP)
    clock.set(local(2026, 12, 1, 8, 0))

    asked = await cup.reply_to(GROUP, ADMIN, f"/thamgia {code}")
    assert "Đã gửi yêu cầu tham gia lại" in asked and "ra khỏi cuộc thi ngày 30/11/2026" in asked
    await fake.wait_for(lambda: "Yêu cầu tham gia" in fake.messages(ORGANIZER)[-1].text)
    request = fake.messages(ORGANIZER)[-1]
    assert "Nhóm: <b>Chi bộ Khu 3</b>" in request.text
    assert "Nhóm này đã bị ban tổ chức đưa ra khỏi cuộc thi lúc 09:15 30/11/2026" in request.text
    waiting = await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_cho 1")
    assert "1 yêu cầu đang chờ duyệt" in waiting
    listed = await fake.wait_for(
        lambda: fake.messages(ORGANIZER)[-1] if fake.messages(ORGANIZER)[-1].reply_markup else None
    )
    assert "đưa ra khỏi cuộc thi lúc 09:15 30/11/2026" in listed.text
    assert "đang chờ" in await cup.reply_to(GROUP, ADMIN, f"/thamgia {code}")
    assert REFUSED in await cup.reply_to(GROUP, ADMIN, "/thamgia HB-03")  # still out while it waits
    assert cup.hp.store.competitions.groups_of(1) == [] and removals(cup) == [(1, GROUP, ORGANIZER)]

    approve = request.reply_markup["inline_keyboard"][0][0]["callback_data"]
    before = len(fake.messages(GROUP))
    await cup.tap(ORGANIZER, ORGANIZER, request.message_id, approve)
    await fake.wait_for(lambda: len(fake.messages(GROUP)) > before)
    assert "Ban tổ chức đã duyệt" in fake.messages(GROUP)[-1].text
    assert cup.hp.store.competitions.groups_of(1) == [GROUP] and removals(cup) == []
    # back in: its cell's code works again (the cell was freed when it was taken out)
    linked = await cup.reply_to(GROUP, ADMIN, "/thamgia HB-03")
    assert "Nhóm đã được gắn với <b>Chi bộ Khu dân cư số 3</b>" in linked


async def test_a_refused_request_leaves_the_group_out_and_it_may_ask_again(cup, fake):
    code = await contest(cup, fake)
    await cup.reply_to(GROUP, ADMIN, "/thamgia HB-03")
    await take_out(cup, fake, "Khu 3", GROUP)
    for _ in range(2):
        assert "tham gia lại" in await cup.reply_to(GROUP, ADMIN, f"/thamgia {code}")
        await fake.wait_for(lambda: "Yêu cầu tham gia" in fake.messages(ORGANIZER)[-1].text)
        request = fake.messages(ORGANIZER)[-1]
        assert "đã bị ban tổ chức đưa ra khỏi cuộc thi" in request.text
        refuse = request.reply_markup["inline_keyboard"][0][1]["callback_data"]
        before = len(fake.messages(GROUP))
        await cup.tap(ORGANIZER, ORGANIZER, request.message_id, refuse)
        await fake.wait_for(lambda n=before: len(fake.messages(GROUP)) > n)
        assert "chưa duyệt" in fake.messages(GROUP)[-1].text
        assert cup.hp.store.competitions.groups_of(1) == [] and removals(cup) == [(1, GROUP, ORGANIZER)]
