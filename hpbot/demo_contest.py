"""The demo's contest scenes: the city commission's organizer opens a contest with prizes and one reveal time for
all cells, each cell's secretary asks to join and the organizer approves; after the days, the contest board in a
cell, the organizer's standings, the awards list and the certificates, all in the organizer's private chat."""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import TYPE_CHECKING, Any

import aiohttp

from hpbot.demo import Member, _buttons, callback_buttons

if TYPE_CHECKING:
    from hpbot.demo import Demo

ORGANIZER_ID = 900
ORGANIZER_NAME = "Phạm Thu Trang (Ban Tuyên giáo và Dân vận Thành ủy, ban tổ chức)"
ORGANIZER = Member(ORGANIZER_ID, "Phạm Thu", "Trang", 1.0)
CONTEST = "Thi đua học tập Văn kiện tháng 12 | 30/11/2026 | 31/12/2026"


def _files_note(demo: Demo, before: int) -> str:
    """What the organizer received as files since `before`: pictures and archives, named."""
    notes = []
    for upload in demo.fake.files[before:]:
        name = upload.get("filename") or "ảnh.png"
        if name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(upload["data"])) as zf:
                pdfs = [n for n in zf.namelist() if n.endswith(".pdf")]
            notes.append(f"📦 tệp {name}: {len(pdfs)} tệp PDF ({', '.join(pdfs[:3])}, …)")
        else:
            notes.append(f"📎 tệp {name} ({len(upload['data']) // 1024} KB)")
    return "\n".join(notes)


async def _organizer(demo: Demo, text: str, replies: int = 1) -> list:
    """The organizer sends `text` in private and waits for its `replies` messages (a picture or a file is one);
    they are shown, files named."""
    demo.p.person(f"{ORGANIZER_NAME} (trò chuyện riêng)", text)
    before, files = demo.count(ORGANIZER_ID), len(demo.fake.files)
    demo.fake.command(ORGANIZER_ID, ORGANIZER_ID, text)
    await demo.until(
        lambda: demo.count(ORGANIZER_ID) >= before + replies, f"the replies to {text}", timeout=60
    )
    fresh = demo.new_messages(ORGANIZER_ID)
    for message in fresh:
        demo.p.bot(ORGANIZER_NAME, message.text or "🖼 (ảnh: biểu đồ)", _buttons(message))
    note = _files_note(demo, files)
    if note:
        demo.p.bot(ORGANIZER_NAME, note)
    return fresh


async def contest_opening(demo: Demo, groups: dict[int, Any], secretaries: dict[int, Any]) -> None:
    """Before the first post: the contest, its prizes, the cells' requests and their approval."""
    demo.p.progress(
        "Ban tổ chức mở cuộc thi giữa các chi bộ: giải thưởng, lịch thi chung, giờ công bố chung, duyệt chi bộ tham gia"
    )
    demo.fake.add_user(ORGANIZER_ID, ORGANIZER.first_name, ORGANIZER.last_name)
    demo.fake.private_chat(ORGANIZER_ID)
    await _organizer(demo, "/start")
    created = (await _organizer(demo, f"/cuocthi_tao {CONTEST}"))[0].text
    code = re.search(r"<code>([A-Z0-9]{6})</code>", created)
    number = re.search(r"\(số (\d+)\)", created)
    assert code is not None and number is not None, created
    await _organizer(demo, f"/giaithuong {number.group(1)} nhat=1 nhi=1 ba=1 kk=2 tapthe=1", replies=2)
    await _organizer(demo, f"/cuocthi_lich {number.group(1)}")  # the contest's study days, for every cell
    for chat_id, secretary in secretaries.items():
        before = demo.count(ORGANIZER_ID)
        await demo.command(chat_id, secretary, f"/thamgia {code.group(1)}", who=f"{secretary.name} (bí thư)")
        await demo.until(lambda b=before: demo.count(ORGANIZER_ID) > b, "the join request")
        request = demo.new_messages(ORGANIZER_ID)[-1]
        demo.p.bot(ORGANIZER_NAME, request.text, _buttons(request))
        approve = callback_buttons(request)[0]
        in_group = demo.count(chat_id)
        await demo.tap(ORGANIZER_ID, ORGANIZER, request, approve)
        await demo.until(lambda c=chat_id, n=in_group: demo.count(c) > n, "the group told of the approval")
        demo.show_new(chat_id)
    demo.new_messages(ORGANIZER_ID)  # the request messages, now edited: already shown
    await unit_list(demo, number.group(1), groups, secretaries)


UNITS = ("Đảng bộ phường Hồng Bàng", "Đảng bộ phường Lê Lợi")


async def unit_list(demo: Demo, number: str, groups: dict[int, Any], secretaries: dict[int, Any]) -> None:
    """The organizer's unit list (higher-level units, official member counts, a code per cell), each secretary
    linking the group to its cell, and a member's prediction for the tie-break."""
    demo.p.progress(
        "Danh sách đơn vị, số đảng viên chính thức, mã chi bộ; dự đoán để phân định khi bằng điểm"
    )
    rows = ["Đơn vị cấp trên;Chi bộ;Số đảng viên;Mã"]
    codes = {}
    for n, (chat_id, (title, members)) in enumerate(groups.items()):
        codes[chat_id] = f"CB-{n + 1:02d}"
        rows.append(f"{UNITS[n % len(UNITS)]};{title};{len(members) + 1};{codes[chat_id]}")
    rows.append(f"{UNITS[0]};Chi bộ Khu dân cư số 5 — phường Hồng Bàng;9;CB-09")  # a cell not on Telegram yet
    await _organizer(demo, f"/donvi {number}")
    demo.p.person(f"{ORGANIZER_NAME} (trò chuyện riêng)", "gửi tệp don-vi.csv (danh sách chi bộ)")
    before = demo.count(ORGANIZER_ID)
    demo.fake.document(ORGANIZER_ID, ORGANIZER_ID, "don-vi.csv", "\n".join(rows).encode(), None)
    await demo.until(lambda: demo.count(ORGANIZER_ID) > before, "the unit list's import")
    for message in demo.new_messages(ORGANIZER_ID):
        demo.p.bot(ORGANIZER_NAME, message.text)
    for chat_id, secretary in secretaries.items():
        await demo.command(chat_id, secretary, f"/thamgia {codes[chat_id]}", who=f"{secretary.name} (bí thư)")
    member = next(iter(groups.values()))[1][0]
    demo.fake.private_chat(member.user_id)
    demo.p.person(f"{member.name} (trò chuyện riêng)", "/dudoan 4")
    before = demo.count(member.user_id)
    demo.fake.command(member.user_id, member.user_id, "/dudoan 4")
    await demo.until(lambda: demo.count(member.user_id) > before, "the prediction's answer")
    for message in demo.new_messages(member.user_id):
        demo.p.bot(member.name, message.text)


async def contest_closing(demo: Demo, groups: dict[int, Any]) -> None:
    """After the days: a cell's contest board, the organizer's standings, awards and certificates."""
    demo.p.progress(
        "Kết quả cuộc thi: bảng của chi bộ (/bxh cuocthi), bảng của ban tổ chức, giải thưởng, giấy chứng nhận"
    )
    chat_id = next(iter(groups))
    await demo.command(chat_id, groups[chat_id][1][0], "/bxh cuocthi")
    await _organizer(
        demo, "/ketqua", replies=5
    )  # the standings, by unit; the charts of cells, units, questions
    await _organizer(demo, "/giaithuong 1")
    await _organizer(demo, "/chungnhan 1", replies=2)  # "making them…", then the .zip
    await live_board(demo)


async def live_board(demo: Demo) -> None:
    """The organizer's link to the live board, and the page it opens, read as a projector would show it."""
    demo.p.progress("Bảng xếp hạng trực tiếp: trang web để chiếu lên màn hình trong hội nghị (/bangtructiep)")
    fresh = await _organizer(demo, "/bangtructiep 1")
    link = re.search(r'href="([^"]+/bang/[A-Za-z0-9_-]{32})"', fresh[-1].text)
    if link is None:
        raise RuntimeError("the live board's link is missing from the reply")
    async with aiohttp.ClientSession() as session, session.get(link.group(1)) as response:
        page = await response.text()
        if response.status != 200:
            raise RuntimeError(f"the live board answered {response.status}")
    demo.p.bot("🌐 Trang bảng xếp hạng trực tiếp (trình duyệt, máy chiếu)", board_text(page))


def board_text(page: str) -> str:
    """The page's main lines as text: the heading, today's figures and the rows of both rankings."""
    lines = [
        html.unescape(found.group(1))
        for pattern in (r"<h1>(.*?)</h1>", r'<p class="contest">(.*?)</p>', r'<div class="meta"><p>(.*?)</p>')
        if (found := re.search(pattern, page))
    ]
    lines += [html.unescape(t) for t in re.findall(r'<p class="asof">(.*?)</p>', page)]
    lines += [html.unescape(t) for t in re.findall(r"<li(?: [^>]*)?>(.*?)</li>", page)]
    for section in re.findall(
        r'<section class="(?:cells|members|units)"><h2>(.*?)</h2>(.*?)</section>', page
    ):
        lines.append(html.unescape(section[0]))
        for row in re.findall(r"<tr>(.*?)</tr>", section[1])[1:]:
            cells = [
                html.unescape(re.sub(r"<[^>]+>", " · ", c)).strip(" ·")
                for c in re.findall(r"<td[^>]*>(.*?)</td>", row)
            ]
            lines.append("  " + " | ".join(cells))
    return "\n".join(lines)
