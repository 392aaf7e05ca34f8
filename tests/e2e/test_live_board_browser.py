"""The live board in a real browser: Debian's chromium, driven by Selenium through chromium-driver, against the
page the bot serves while it runs against the fake Bot API. The page loads with no console error, a tap appears on
the open page within 5 s, the page works with JavaScript off, a revoked link turns the open page into the 404
page, and screenshots at 1920×1080 (and a phone's 390×844) are checked: nothing cut off, every rank row visible,
the title inside the viewport.

Screenshots are written to $HPBOT_ARTIFACTS/live-board/ (default: .artifacts/live-board/ in the checkout; not
committed). Without chromium and chromium-driver the test is skipped, unless HPBOT_BROWSER_TESTS=required (set by
.ci/run, which installs both): then their absence fails it.
"""

import asyncio
import os
import re
import shutil
import time
from datetime import date
from pathlib import Path

import aiohttp
import pytest
from PIL import Image

from hpbot.web.server import BoardServer
from tests.e2e.harness import TZ, BotUnderTest, local

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
if not (CHROMIUM and DRIVER):
    if os.environ.get("HPBOT_BROWSER_TESTS") == "required":
        pytest.fail("chromium and chromium-driver are required (HPBOT_BROWSER_TESTS=required)", pytrace=False)
    pytest.skip("chromium and chromium-driver are not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

ARTIFACTS = Path(os.environ.get("HPBOT_ARTIFACTS", Path(__file__).resolve().parents[2] / ".artifacts"))
ORGANIZER = 900
CELLS = 12  # more than the ten rows the board shows
UNITS = [
    "Đảng bộ phường Hồng Bàng",
    "Đảng bộ phường Lạch Tray",
    "Đảng bộ xã An Hòa",
    "Đảng bộ Khối các cơ quan thành phố",
]
NAMES = [
    "Chi bộ Khu dân cư số {n} — phường Hồng Bàng, quận Hồng Bàng",
    "Chi bộ Tổ dân phố {n} — phường Lạch Tray, quận Ngô Quyền",
    "Chi bộ Cơ quan Ủy ban nhân dân xã An Hòa {n}",
]
TOKEN_RE = re.compile(r"/bang/([A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])")  # a token may end in - or _

# geometry of what must be seen, read in the page: rows of both rankings, the title and the contest's name
GEOMETRY = """
const inside = (el) => { const r = el.getBoundingClientRect();
  return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight + 0.5 && r.right <= window.innerWidth + 0.5; };
const rows = [...document.querySelectorAll('section.cells tbody tr, section.members tbody tr, section.units tbody tr')];
const heads = [...document.querySelectorAll('h1, .contest')];
return {rows: rows.length, rowsInside: rows.filter(inside).length, headsInside: heads.filter(inside).length,
  heads: heads.length, scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth,
  scrollHeight: document.documentElement.scrollHeight, height: window.innerHeight,
  live: document.documentElement.classList.contains('live')};
"""


def browser(*, javascript: bool = True) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--hide-scrollbars",
        "--window-size=1920,1080",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(20)
    return driver


def viewport(driver: webdriver.Chrome, width: int, height: int, *, mobile: bool = False) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )


def console_errors(driver: webdriver.Chrome) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


async def until(predicate, timeout: float, what: str) -> float:
    """Poll `predicate` (run in a thread: the browser blocks) until true; the seconds it took."""
    start = time.monotonic()
    while not await asyncio.to_thread(predicate):
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - start


def main_text(driver: webdriver.Chrome) -> str:
    """The board's text, read in one go (the page may be swapping it or reloading meanwhile)."""
    return driver.execute_script("const m = document.querySelector('main'); return m ? m.innerText : '';")


def answers_shown(driver: webdriver.Chrome) -> int:
    found = re.search(r"Lượt trả lời: ([\d.]+)", main_text(driver))
    return int(found.group(1).replace(".", "")) if found else -1


@pytest.fixture
async def contest(fake, clock, bank, tmp_path):
    """Twelve cells with long names in a competition, a revealed day with points, the next day posted."""
    fake.add_user(ORGANIZER, "Ban", "Tổ chức")
    fake.private_chat(ORGANIZER)
    groups = []
    for n in range(CELLS):
        chat_id, admin = -3000 - n, 3000 + 100 * n
        members = [admin + k for k in range(1, 4 + n % 3)]
        fake.add_user(admin, "Bí thư", f"Chi bộ {n + 1}")
        for k, member in enumerate(members):
            fake.add_user(
                member, ["Nguyễn Thị", "Trần Văn", "Lê Minh", "Phạm Quốc", "Đỗ Thị"][k], f"Hải {n + 1}"
            )
        fake.add_group(chat_id, NAMES[n % 3].format(n=n + 1), admins=[admin], members=members)
        groups.append((chat_id, admin, members))
    bot = BotUnderTest(
        fake,
        tmp_path / "hpbot.sqlite3",
        clock,
        bank,
        HPBOT_ORGANIZERS=str(ORGANIZER),
        HPBOT_BOARD_URL="http://127.0.0.1",
    )
    await bot.start()
    for chat_id, admin, _ in groups:
        assert "đã đăng ký" in await bot.reply_to(chat_id, admin, "/dangky")
    await bot.reply_to(
        ORGANIZER,
        ORGANIZER,
        "/cuocthi_tao Cuộc thi trực tuyến tìm hiểu Nghị quyết Đại hội | 30/11/2026 | 31/12/2026",
    )
    assert "12" in await bot.reply_to(ORGANIZER, ORGANIZER, "/cuocthi_themtatca 1")
    # the unit list: four higher-level units with official counts; ten of the twelve cells link their group
    rows = ["Đơn vị cấp trên;Chi bộ;Số đảng viên;Mã"] + [
        f"{UNITS[n % 4]};{NAMES[n % 3].format(n=n + 1)};{5 + n % 3};CB-{n + 1:02d}" for n in range(CELLS)
    ]
    before = len(fake.messages(ORGANIZER))
    fake.document(ORGANIZER, ORGANIZER, "don-vi.csv", "\n".join(rows).encode(), "/donvi 1")
    await fake.wait_for(lambda: len(fake.messages(ORGANIZER)) > before)
    assert "12" in fake.messages(ORGANIZER)[before].text
    for n, (chat_id, admin, _) in enumerate(groups[:10]):
        assert "Nhóm đã được gắn" in await bot.reply_to(chat_id, admin, f"/thamgia CB-{n + 1:02d}")

    async def play(day: date, reveal: bool) -> None:
        clock.set(local(day.year, day.month, day.day, 7, 0))
        await bot.tick()
        if not reveal:
            return
        for i, (chat_id, _, members) in enumerate(groups):
            rnd = bot.hp.study.today_round(chat_id)
            item = bank.item(rnd.item_id)
            for k, member in enumerate(members[: 1 + i % 3]):
                clock.set(local(day.year, day.month, day.day, 7, 1 + k + i))
                right = item.answer if (i + k) % 4 else (item.answer + 1) % 4
                await bot.tap(chat_id, member, rnd.message_id, f"a:{rnd.id}:{right}")
        clock.set(local(day.year, day.month, day.day, 20, 0))
        await bot.tick()
        await bot.hp.rounds.drain()

    await play(date(2026, 11, 30), reveal=True)
    await play(date(2026, 12, 1), reveal=False)
    clock.set(local(2026, 12, 1, 7, 30))
    reply = await bot.reply_to(ORGANIZER, ORGANIZER, "/bangtructiep 1")
    token = TOKEN_RE.search(reply).group(1)
    server = BoardServer(bot.hp.live_boards, TZ, "127.0.0.1", 0, tick=0.5, refresh=5)
    await server.start()
    bot.board, bot.token, bot.groups = server, token, groups
    yield bot
    await server.stop()
    await bot.stop()


async def test_the_board_in_chromium(contest, fake, clock, bank):
    page_url = f"http://127.0.0.1:{contest.board.port}/bang/{contest.token}"
    shots = ARTIFACTS / "live-board"
    shots.mkdir(parents=True, exist_ok=True)
    driver = await asyncio.to_thread(browser)
    try:
        await asyncio.to_thread(viewport, driver, 1920, 1080)
        await asyncio.to_thread(driver.get, page_url)
        await until(lambda: driver.execute_script(GEOMETRY)["live"], 5, "the script to start the live stream")
        assert "Bảng xếp hạng trực tiếp" in driver.title
        assert answers_shown(driver) == 0

        # a tap in the fake Bot API shows on the open page within 5 s
        chat_id, _, members = contest.groups[0]
        rnd = contest.hp.study.today_round(chat_id)
        clock.set(local(2026, 12, 1, 7, 31))
        await contest.tap(chat_id, members[0], rnd.message_id, f"a:{rnd.id}:0")
        took = await until(lambda: answers_shown(driver) == 1, 5, "the tap on the page")
        print(f"a tap reached the open page in {took:.2f} s")

        # 1920×1080: every rank row, the title and the contest's name inside the viewport, nothing to scroll
        projector = shots / "board-1920x1080.png"
        await asyncio.to_thread(driver.save_screenshot, str(projector))
        geometry = await asyncio.to_thread(driver.execute_script, GEOMETRY)
        assert geometry["rows"] == 24, geometry  # ten cells, ten members, four units
        assert geometry["rowsInside"] == geometry["rows"], geometry
        assert geometry["headsInside"] == geometry["heads"] == 2, geometry
        assert geometry["scrollWidth"] <= geometry["width"] == 1920, geometry
        assert geometry["scrollHeight"] <= geometry["height"] == 1080, geometry
        with Image.open(projector) as image:
            assert image.size == (1920, 1080)
            assert len(image.convert("RGB").getcolors(1 << 20) or []) > 50  # text drawn, not a blank page
        assert console_errors(driver) == []

        # a phone: the columns stack, nothing wider than the screen
        await asyncio.to_thread(viewport, driver, 390, 844, mobile=True)
        await asyncio.to_thread(driver.refresh)
        await until(lambda: driver.execute_script(GEOMETRY)["live"], 5, "the page on a phone")
        phone = await asyncio.to_thread(driver.execute_script, GEOMETRY)
        assert phone["scrollWidth"] <= phone["width"] == 390, phone
        await asyncio.to_thread(driver.save_screenshot, str(shots / "board-phone-390x844.png"))
        assert console_errors(driver) == []

        # the link revoked: the open page finds out by itself and shows the 404 page
        assert "Đã thu hồi" in await contest.reply_to(ORGANIZER, ORGANIZER, "/bangtructiep 1 tat")
        await until(lambda: "Không tìm thấy trang" in driver.title, 10, "the revoked page")
        await asyncio.to_thread(driver.save_screenshot, str(shots / "board-revoked.png"))
        async with aiohttp.ClientSession() as session, session.get(page_url) as response:
            assert response.status == 404
    finally:
        await asyncio.to_thread(driver.quit)


async def test_the_board_without_javascript_refreshes_itself(contest, fake, clock):
    page_url = f"http://127.0.0.1:{contest.board.port}/bang/{contest.token}"
    driver = await asyncio.to_thread(browser, javascript=False)
    try:
        await asyncio.to_thread(viewport, driver, 1920, 1080)
        await asyncio.to_thread(driver.get, page_url)
        geometry = await asyncio.to_thread(driver.execute_script, GEOMETRY)
        assert not geometry["live"] and geometry["rows"] == 24  # no script ran: the page as served
        text = main_text(driver)
        assert "Tự làm mới sau mỗi 5 giây" in text and "Trực tiếp" not in text
        chat_id, _, members = contest.groups[1]
        rnd = contest.hp.study.today_round(chat_id)
        await contest.tap(chat_id, members[0], rnd.message_id, f"a:{rnd.id}:1")
        await until(lambda: answers_shown(driver) == 1, 12, "the refreshed page")  # a 5 s refresh
        assert console_errors(driver) == []
    finally:
        await asyncio.to_thread(driver.quit)
