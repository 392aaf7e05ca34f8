"""The live board end to end: an organizer's link (/bangtructiep), the page and its event stream served by the
bot's own process while two cells answer, what the page may show before and after a reveal, and what it refuses."""

import asyncio
import re
from datetime import date

import aiohttp
import pytest

from hpbot.web.server import BoardServer
from tests.e2e.conftest import GROUP, HUNG, LAN, NAUGHTY
from tests.e2e.harness import TZ, BotUnderTest, local
from tests.e2e.test_competitions import BIG, BIG_ADMIN, HOA, ORGANIZER, STRANGER, setup_competition

BASE = "http://127.0.0.1"  # HPBOT_BOARD_URL in these tests: the link's address; the server listens on a free port
TOKEN_RE = re.compile(r"/bang/([A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])")  # a token may end in - or _


async def make_cup(fake, clock, bank, tmp_path, **env):
    fake.add_user(ORGANIZER, "Ban", "Tổ chức")
    fake.add_user(STRANGER, "Người", "Lạ")
    fake.private_chat(ORGANIZER)
    fake.private_chat(STRANGER)
    fake.add_user(BIG_ADMIN, "Bí thư", "Phường 7")
    fake.add_user(HOA, "Đỗ Thị", "Hoa")
    fake.add_group(BIG, "Chi bộ Phường 7", admins=[BIG_ADMIN], members=[HOA] + list(range(710, 716)))
    bot = BotUnderTest(fake, tmp_path / "hpbot.sqlite3", clock, bank, HPBOT_ORGANIZERS=str(ORGANIZER), **env)
    await bot.start()
    return bot


@pytest.fixture
async def cup(fake, clock, bank, tmp_path):
    bot = await make_cup(fake, clock, bank, tmp_path, HPBOT_BOARD_URL=BASE)
    server = BoardServer(bot.hp.live_boards, TZ, "127.0.0.1", 0, tick=0.1)
    await server.start()
    bot.board = server
    async with aiohttp.ClientSession() as session:
        bot.http = session
        yield bot
    await server.stop()
    await bot.stop()


def url(bot, token: str, tail: str = "") -> str:
    return f"http://127.0.0.1:{bot.board.port}/bang/{token}{tail}"


async def get(bot, token: str, tail: str = "") -> tuple[int, str, dict]:
    async with bot.http.get(url(bot, token, tail)) as response:
        return response.status, await response.text(), dict(response.headers)


async def link(bot, extra: str = "") -> str:
    reply = await bot.reply_to(ORGANIZER, ORGANIZER, f"/bangtructiep 1{extra}")
    found = TOKEN_RE.search(reply)
    assert found is not None, reply
    assert f"{BASE}/bang/{found.group(1)}" in reply
    return found.group(1)


async def post_day(bot, clock, day: date) -> dict[int, object]:
    clock.set(local(day.year, day.month, day.day, 7, 0))
    await bot.tick()
    return {chat_id: bot.hp.study.today_round(chat_id) for chat_id in (GROUP, BIG)}


async def tap(bot, bank, rnd, chat_id: int, user_id: int, right: bool) -> None:
    item = bank.item(rnd.item_id)
    option = item.answer if right else (item.answer + 1) % 4
    assert "Đã ghi nhận" in await bot.tap(chat_id, user_id, rnd.message_id, f"a:{rnd.id}:{option}")


class Stream:
    """An open event stream: the boards it has sent, read in the background."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response, self.events = response, []
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        event, data = None, []
        async for raw in self.response.content:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
            elif line == "" and event:
                self.events.append((event, "\n".join(data)))
                event, data = None, []

    async def wait_for(self, predicate, timeout: float = 5.0) -> str:
        async with asyncio.timeout(timeout):
            while True:
                for event, data in self.events:
                    if predicate(event, data):
                        return data
                await asyncio.sleep(0.02)

    def close(self) -> None:
        self.task.cancel()
        self.response.close()


async def test_the_board_follows_the_cells_and_shows_no_correctness_before_the_reveal(cup, fake, clock, bank):
    await setup_competition(cup, fake)
    token = await link(cup)
    assert await link(cup) == token  # asked again: the same link (the projector keeps working)

    status, html, headers = await get(cup, token)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "Chi bộ Khu 3" in html and "Chi bộ Phường 7" in html and "Thi đua học Nghị quyết" in html
    assert "Từ 30/11/2026 đến 31/12/2026" in html and "Số liệu tính đến 06:00 30/11/2026" in html
    assert "Chưa có điểm" in html
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["Referrer-Policy"] == "no-referrer" and headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store" and headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in html and "style=" not in html  # nothing inline: the CSP would refuse it
    assert re.search(r'<noscript><meta http-equiv="refresh" content="30"></noscript>', html)

    rounds = await post_day(cup, clock, date(2026, 11, 30))
    async with cup.http.get(url(cup, token, "/su-kien")) as response:
        assert response.status == 200 and response.headers["Content-Type"].startswith("text/event-stream")
        stream = Stream(response)
        try:
            await stream.wait_for(lambda e, d: e == "board" and "Đã đăng câu hỏi: 2/2 chi bộ" in d)
            clock.set(local(2026, 11, 30, 7, 5))
            await tap(cup, bank, rounds[GROUP], GROUP, LAN, True)
            await tap(cup, bank, rounds[GROUP], GROUP, NAUGHTY, True)
            await tap(cup, bank, rounds[BIG], BIG, HOA, False)
            before_reveal = await stream.wait_for(lambda e, d: "Lượt trả lời: 3" in d)
            # counts only: nobody's points or rank among members until the day is revealed
            assert "Chưa có điểm" in before_reveal and "Nguyễn Thị Lan" not in before_reveal
            assert "Đã công bố đáp án: 0/2" in before_reveal

            clock.set(local(2026, 11, 30, 20, 0))
            await cup.tick()
            await cup.hp.rounds.drain()
            after = await stream.wait_for(lambda e, d: "Đã công bố đáp án: 2/2" in d)
        finally:
            stream.close()
    members = dict(
        re.findall(
            r'<td class="name">([^<]+)<span class="group">[^<]+</span></td><td class="num points">(\d+)',
            after,
        )
    )
    assert int(members["Nguyễn Thị Lan"]) > 0 and members["Đỗ Thị Hoa"] == "0"  # Hoa answered wrong
    assert "&lt;b&gt;&amp;_*" in after and "<b>&_*" not in after  # every name escaped
    # the smaller cell answered more of its members: it ranks first (participation), with its rate
    cells = re.findall(r'<td class="name">([^<]+)</td><td class="num rate">([^<]+)</td>', after)
    assert [c[0] for c in cells] == ["Chi bộ Khu 3", "Chi bộ Phường 7"], cells
    assert cells[0][1] == "40 %"  # 2 of the 5 members of Chi bộ Khu 3
    for telegram_id in (str(GROUP), str(BIG), str(LAN), str(HOA), str(HUNG)):
        assert telegram_id not in after


async def test_a_revoked_or_renewed_link_is_404_and_an_open_page_is_told(cup, fake, clock):
    await setup_competition(cup, fake)
    token = await link(cup)
    async with cup.http.get(url(cup, token, "/su-kien")) as response:
        stream = Stream(response)
        try:
            await stream.wait_for(lambda e, d: e == "board")
            revoked = await cup.reply_to(ORGANIZER, ORGANIZER, "/bangtructiep 1 tat")
            assert "Đã thu hồi" in revoked
            await stream.wait_for(lambda e, d: e == "gone")
        finally:
            stream.close()
    status, html, headers = await get(cup, token)
    assert status == 404 and "Không tìm thấy trang" in html and headers["X-Frame-Options"] == "DENY"
    assert (await get(cup, token, "/su-kien"))[0] == 404
    assert "chưa có đường liên kết" in await cup.reply_to(ORGANIZER, ORGANIZER, "/bangtructiep 1 tat")

    fresh = await link(cup)
    assert fresh != token and (await get(cup, fresh))[0] == 200
    renewed = await link(cup, " moi")
    assert renewed != fresh
    assert (await get(cup, fresh))[0] == 404 and (await get(cup, renewed))[0] == 200

    assert "Cách dùng" in await cup.reply_to(ORGANIZER, ORGANIZER, "/bangtructiep 1 xoa")
    assert "chỉ dành cho ban tổ chức" in await cup.reply_to(STRANGER, STRANGER, "/bangtructiep 1")

    await cup.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_xoa 1")  # asks for confirmation
    asked = fake.messages(ORGANIZER)[-1]
    yes = asked.reply_markup["inline_keyboard"][0][0]["callback_data"]
    await cup.tap(ORGANIZER, ORGANIZER, asked.message_id, yes)
    await fake.wait_for(lambda: "Đã xóa" in fake.messages(ORGANIZER)[-1].text)
    assert (await get(cup, renewed))[0] == 404  # the competition is gone: so is its page


async def test_the_server_refuses_what_a_read_only_page_never_needs(cup, fake):
    await setup_competition(cup, fake)
    token = await link(cup)
    base = f"http://127.0.0.1:{cup.board.port}"
    async with cup.http.post(url(cup, token), data=b"x") as response:
        assert response.status == 405 and response.headers["Allow"] == "GET, HEAD"
    async with cup.http.request("GET", url(cup, token), data=b"hello") as response:
        assert response.status == 413
    for path in (
        "/",
        "/bang/",
        "/bang/abc",
        f"/bang/{token[:-1]}x",
        f"/bang/{token}/other",
        "/bang/tep/x.js",
    ):
        async with cup.http.get(base + path) as response:
            assert response.status == 404, path
    async with cup.http.get(base + "/bang/tep/board.css") as response:
        assert response.status == 200 and response.headers["Content-Type"].startswith("text/css")
    async with cup.http.get(base + "/bang/tep/DejaVuSans.ttf") as response:
        assert response.status == 200 and (await response.read())[:4] == b"\x00\x01\x00\x00"
    async with cup.http.head(url(cup, token)) as response:
        assert response.status == 200

    statuses = []
    for _ in range(80):  # one client, faster than the bucket refills: refused with 429 and Retry-After
        async with cup.http.get(url(cup, token)) as response:
            statuses.append(response.status)
            if response.status == 429:
                assert response.headers["Retry-After"] == "5"
    assert statuses[0] == 200 and 429 in statuses
    # behind the HTTPS proxy on this host, the client is the address the proxy saw
    assert cup.board.client(_Request("127.0.0.1", "203.0.113.9, 198.51.100.7")) == "198.51.100.7"
    assert cup.board.client(_Request("192.0.2.1", "198.51.100.7")) == "192.0.2.1"  # not a proxy: ignored


class _Request:
    def __init__(self, remote: str, forwarded: str) -> None:
        self.remote, self.headers = remote, {"X-Forwarded-For": forwarded}


async def test_without_a_board_address_the_organizer_is_told_it_is_off(fake, clock, bank, tmp_path):
    bot = await make_cup(fake, clock, bank, tmp_path)
    try:
        assert bot.hp.board is None
        await bot.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_tao Thi đua | 30/11/2026 | 31/12/2026")
        assert "HPBOT_BOARD_URL" in await bot.reply_to(ORGANIZER, ORGANIZER, "/bangtructiep 1")
    finally:
        await bot.stop()
