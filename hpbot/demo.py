"""`hpbot demo`: a compressed study day (or week) with no token and no network.

A simulated Telegram (the fake Bot API server the end-to-end tests use) runs on 127.0.0.1 with two party-cell
groups and their members; the real bot process (`python -m hpbot run`) talks to it through HPBOT_API_BASE_URL,
with a temporary database and a clock file the demo moves from morning to evening. The conversation is printed as
members would see it on a phone: a long official answer collapsed as Telegram shows an expandable quotation, the
private toasts and pop-ups (answerCallbackQuery) marked as seen by the tapping member only.
"""

from __future__ import annotations

import asyncio
import html
import os
import random
import re
import signal
import socket
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hpbot.testing import FakeTelegram, Limits

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_TOKEN = "123456789:DemoTokenForTheSimulatedTelegramOnly"
START_DAY = date(2026, 11, 30)  # a Monday, so a week's run fills one leaderboard week
REMINDER_AT = (18, 0)  # the group reminder's default: 120 minutes before the 20:00 reveal
WIDTH = 96  # a terminal line of the conversation
QUOTE_LINES = 3  # what Telegram shows of a collapsed (expandable) quotation


@dataclass(frozen=True)
class Member:
    user_id: int
    first_name: str
    last_name: str
    skill: float  # chance of choosing the right option

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


KHU_3, LE_LOI = -1002154378801, -1002154378802  # supergroups: their messages have t.me/c links
GROUPS = {
    KHU_3: (
        "Chi bộ Khu dân cư số 3 — phường Hồng Bàng",
        [
            Member(501, "Nguyễn Thị", "Lan", 0.95),
            Member(502, "Trần Văn", "Hùng", 0.6),
            Member(503, "Phạm Minh", "Tuấn", 0.5),
            Member(504, "Lê Thu", "Hà", 0.8),  # answers in the evening, after the reminder
        ],
    ),
    LE_LOI: (
        "Chi bộ Trường THCS Lê Lợi",
        [
            Member(601, "Vũ Đức", "Anh", 0.9),
            Member(602, "Đỗ Thị", "Mai", 0.6),
            Member(603, "Hoàng Văn", "Nam", 0.4),
        ],
    ),
}
SECRETARIES = {KHU_3: Member(500, "Đinh Văn", "Thắng", 1.0), LE_LOI: Member(600, "Ngô Thị", "Hạnh", 1.0)}
LEARNER = GROUPS[KHU_3][1][1]  # also studies in private; on the last day he chooses wrong, and it comes back

_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)
_QUOTE = re.compile(r"<blockquote( expandable)?>(.*?)</blockquote>", re.S)


def plain(text: str) -> str:
    """Telegram HTML as plain text; a link keeps its address, which a terminal cannot open by a tap."""
    text = _LINK.sub(lambda m: f"{m[2]} ‹{m[1]}›", text or "")
    return html.unescape(_TAG.sub("", text))


def shown_lines(text: str) -> list[str]:
    """The lines a phone shows of a message: an expandable quotation collapsed to its first lines."""
    lines: list[str] = []
    position = 0
    for quote in _QUOTE.finditer(text or ""):
        lines += plain(text[position : quote.start()]).rstrip("\n").splitlines()
        body = plain(quote[2]).strip("\n")
        if quote[1]:
            wrapped = [w for paragraph in body.splitlines() for w in textwrap.wrap(paragraph, WIDTH) or [""]]
            shown = wrapped[:QUOTE_LINES]
            lines += [f"▎ {line}" for line in shown]
            left = len(body) - sum(len(line) + 1 for line in shown)
            if left > 0:
                more = f"{left:,}".replace(",", ".")
                lines.append(f"▎ … ▼ (trích dẫn thu gọn: bấm để đọc tiếp, còn {more} ký tự)")
        else:
            lines += [f"▎ {line}" for line in body.splitlines()]
        position = quote.end()
    lines += plain((text or "")[position:]).lstrip("\n").splitlines()
    return lines


def _buttons(message: Any) -> list[str] | None:
    markup = getattr(message, "reply_markup", None)
    if not markup:
        return None
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def callback_buttons(message: Any) -> list[dict]:
    markup = getattr(message, "reply_markup", None) or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row if "callback_data" in b]


class Printer:
    def __init__(self, out: Any = sys.stdout) -> None:
        self.out, self.started = out, time.monotonic()

    def progress(self, text: str) -> None:
        print(f"\n[{time.monotonic() - self.started:5.1f}s] ── {text}", file=self.out, flush=True)

    def bot(self, chat: str, text: str, buttons: list[str] | None = None) -> None:
        print(f"  🤖 hpbot → {chat}:", file=self.out)
        for line in shown_lines(text):
            print(f"     │ {line}", file=self.out)
        if buttons:
            print("     │ " + "  ".join(f"[ {b} ]" for b in buttons), file=self.out)
        self.out.flush()

    def person(self, who: str, what: str) -> None:
        print(f"  👤 {who}: {what}", file=self.out, flush=True)

    def answered(self, who: str, answer: dict) -> None:
        """The bot's answer to a tap: a toast, or with show_alert a pop-up with an OK button; either way only the
        member who tapped sees it."""
        text = answer.get("text", "")
        if not text:
            return
        if answer.get("show_alert"):
            print(f"     ↳ 🗨 hộp thoại riêng, chỉ {who} thấy:", file=self.out)
            for line in textwrap.wrap(text, WIDTH - 8):
                print(f"       ┆ {line}", file=self.out)
            print("       ┆ [ OK ]", file=self.out, flush=True)
        else:
            print(f"     ↳ (chỉ {who} thấy) {text}", file=self.out, flush=True)


def free_port() -> int:
    """A TCP port free on the loopback now (for the bot's live board)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Demo:
    def __init__(self, days: int, workdir: Path, printer: Printer, seed: int = 7) -> None:
        self.days, self.workdir, self.p = days, workdir, printer
        self.clock_file = workdir / "clock.txt"
        self.fake = FakeTelegram(
            bot_username="hpbot_demo_bot", limits=Limits.off()
        )  # a compressed day outpaces them
        self.process: asyncio.subprocess.Process | None = None
        self.random = random.Random(seed)  # noqa: S311 (who taps what in a demo, not a secret)
        self.seen: dict[int, int] = {}
        self.reminders = True  # until a day passes without the reminder before the reveal
        self.last_tap_text = ""
        self._bank: Any = None
        self.board_port = free_port()

    def set_time(self, when: datetime) -> None:
        partial = self.clock_file.with_suffix(".tmp")
        partial.write_text(when.isoformat(), encoding="utf-8")
        os.replace(partial, self.clock_file)  # the bot never reads a half-written time

    def bot_env(self) -> dict[str, str]:
        """The bot process's settings."""
        return {
            **os.environ,
            "HPBOT_TOKEN": DEMO_TOKEN,
            "HPBOT_API_BASE_URL": self.fake.base_url,
            "HPBOT_DB": str(self.workdir / "demo.sqlite3"),
            "HPBOT_CLOCK_FILE": str(self.clock_file),
            "HPBOT_TICK_SECONDS": "0.2",
            "HPBOT_COUNT_EDIT_SECONDS": "0.2",
            # the bot paces as in production (30 messages/s, 20 a minute into a group), its windows following the
            # demo's compressed clock; the simulated Telegram's own flood limits are off, since they count real time
            "HPBOT_RATE_PER_SECOND": "30",
            "HPBOT_GROUP_RATE_PER_MINUTE": "20",
            "HPBOT_LOG_LEVEL": "WARNING",
            "HPBOT_ORGANIZERS": "900",  # the contest's organizer (hpbot.demo_contest)
            # the live board, on a free port of this machine's loopback (hpbot.demo_contest reads the page)
            "HPBOT_BOARD_URL": f"http://127.0.0.1:{self.board_port}",
            "HPBOT_BOARD_PORT": str(self.board_port),
        }

    async def start_bot(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "hpbot",
            "run",
            env=self.bot_env(),
            cwd=str(self.workdir),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=open(self.workdir / "bot.log", "wb"),  # noqa: SIM115
        )

    async def stop_bot(self) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        return self.process.returncode or 0

    def new_messages(self, chat_id: int) -> list:
        messages = self.fake.messages(chat_id)
        start = self.seen.get(chat_id, 0)
        self.seen[chat_id] = len(messages)
        return messages[start:]

    def show_new(self, chat_id: int) -> list:
        """Every message the bot sent into the group since the last look, whatever it is."""
        title = GROUPS[chat_id][0]
        fresh = self.new_messages(chat_id)
        for message in fresh:
            self.p.bot(title, message.text, _buttons(message))
        return fresh

    async def until(self, predicate: Any, what: str, timeout: float = 20) -> None:
        try:
            await self.fake.wait_for(predicate, timeout=timeout)
        except AssertionError as exc:
            log_tail = (self.workdir / "bot.log").read_text(errors="replace")[-2000:]
            raise SystemExit(f"demo: gave up waiting for {what}.\nbot log:\n{log_tail}") from exc

    async def perhaps(self, predicate: Any, timeout: float) -> bool:
        """Wait for something the bot may or may not do; False if it did not within `timeout`."""
        try:
            await self.fake.wait_for(predicate, timeout=timeout)
        except AssertionError:
            return False
        return True

    def count(self, chat_id: int) -> int:
        return len(self.fake.messages(chat_id))

    async def run(self) -> int:
        await self.fake.start()
        for chat_id, (title, members) in GROUPS.items():
            secretary = SECRETARIES[chat_id]
            for person in (secretary, *members):
                self.fake.add_user(person.user_id, person.first_name, person.last_name)
            self.fake.add_group(
                chat_id,
                title,
                type="supergroup",
                admins=[secretary.user_id],
                members=[m.user_id for m in members],
            )
        day0 = datetime.combine(START_DAY, datetime.min.time(), tzinfo=TZ)
        self.set_time(day0.replace(hour=6, minute=30))
        self.p.progress(
            "Khởi động Telegram mô phỏng và tiến trình hpbot thật (không cần token, không cần mạng)"
        )
        await self.start_bot()
        try:
            await self.until(lambda: self.fake.calls_to("getUpdates"), "the bot to start polling", timeout=30)
            await self.setup_groups()
            from hpbot.demo_contest import contest_closing, contest_opening
            from hpbot.demo_practice import opening_scene, practice_scene

            await contest_opening(self, GROUPS, SECRETARIES)
            await opening_scene(self, LEARNER)
            for offset in range(self.days):
                await self.play_day(day0 + timedelta(days=offset), offset)
            await self.boards(weekly=self.days > 1)
            await contest_closing(self, GROUPS)
            await practice_scene(self, LEARNER, day0 + timedelta(days=self.days - 1))
        finally:
            code = await self.stop_bot()
            await self.fake.stop()
        self.p.progress(f"Xong: {self.days} ngày học, bot dừng với mã {code}.")
        return 0 if code in (0, -signal.SIGINT) else 1

    async def setup_groups(self) -> None:
        for chat_id, (title, _members) in GROUPS.items():
            secretary = SECRETARIES[chat_id]
            self.p.progress(f"Bí thư chi bộ thêm hpbot vào nhóm «{title}»")
            before = self.count(chat_id)
            self.fake.bot_added(chat_id, secretary.user_id)
            await self.until(lambda c=chat_id, b=before: self.count(c) > b, "the greeting")
            self.show_new(chat_id)
            await self.command(chat_id, secretary, "/dangky", who=f"{secretary.name} (bí thư, quản trị nhóm)")

    async def command(self, chat_id: int, member: Member, text: str, who: str | None = None) -> list:
        self.p.person(who or member.name, text)
        before = self.count(chat_id)
        self.fake.command(chat_id, member.user_id, text)
        await self.until(lambda: self.count(chat_id) > before, f"the reply to {text}")
        return self.show_new(chat_id)

    async def play_day(self, day: datetime, offset: int) -> None:
        last = offset == self.days - 1
        self.p.progress(f"Ngày {offset + 1}: {day.strftime('%d/%m/%Y')} — 07:00, câu hỏi của ngày")
        self.set_time(day.replace(hour=7, minute=0))
        for chat_id in GROUPS:
            await self.until(lambda c=chat_id: self.count(c) > self.seen.get(c, 0), "the question of the day")
        posts = {chat_id: self.show_new(chat_id)[-1] for chat_id in GROUPS}
        self.p.progress("Các đảng viên bấm chọn đáp án (ai đúng ai sai chỉ biết lúc công bố)")
        minute, late = 3, GROUPS[KHU_3][1][-1]
        chosen: dict[int, tuple[Member, bool]] = {}
        for chat_id, (_title, members) in GROUPS.items():
            post = posts[chat_id]
            for index, member in enumerate(members):
                misses = self.random.random() > 0.9 and offset > 0  # now and then someone misses a day
                if member is late or misses:
                    continue
                minute += self.random.randint(2, 25)
                self.set_time(day.replace(hour=7) + timedelta(minutes=minute))
                if chat_id == KHU_3 and index == 2 and offset == 0:  # a typed answer counts for nothing
                    await self.typed_reply(chat_id, member, post, "Tôi chọn đáp án B")
                right = await self.answer(chat_id, member, post, wrong=member is LEARNER and last)
                chosen[member.user_id] = (member, right)
                if index == 0 and offset == 0:  # one double tap: only the first counts
                    other = next(b for b in callback_buttons(post) if b["text"] != self.last_tap_text)
                    await self.tap(chat_id, member, post, other, again=True)
        await self.reminder(day, late, with_check=offset == 0 or last)
        self.set_time(day.replace(hour=REMINDER_AT[0], minute=REMINDER_AT[1] + 12))
        chosen[late.user_id] = (late, await self.answer(KHU_3, late, posts[KHU_3]))

        self.p.progress("20:00 — công bố đáp án, câu trả lời chính thức và kết quả")
        self.set_time(day.replace(hour=20, minute=0))
        results = {}
        for chat_id in GROUPS:
            await self.until(lambda c=chat_id: self._revealed(c), "the reveal")
            edited = self.fake.messages(chat_id)[self.fake.messages(chat_id).index(posts[chat_id])]
            self.p.bot(GROUPS[chat_id][0] + " (tin câu hỏi được sửa)", edited.text)
            results[chat_id] = self.show_new(chat_id)
        if offset == 0 or last:
            await self.own_results(KHU_3, results[KHU_3], chosen)

    async def reminder(self, day: datetime, late: Member, with_check: bool) -> None:
        """The group reminder before the reveal, where the bot sends one (the demo does not insist)."""
        self.p.progress(f"{REMINDER_AT[0]:02d}:{REMINDER_AT[1]:02d} — hai giờ trước giờ công bố")
        self.set_time(day.replace(hour=REMINDER_AT[0], minute=REMINDER_AT[1]))
        came = await self.perhaps(
            lambda: all(self.count(c) > self.seen.get(c, 0) for c in GROUPS), 3.0 if self.reminders else 0.6
        )
        self.reminders = came
        fresh = {chat_id: self.show_new(chat_id) for chat_id in GROUPS}
        message = next((m for m in fresh[KHU_3] if callback_buttons(m)), None)
        if with_check and message is not None:  # a member who has not answered asks, privately
            await self.tap(KHU_3, late, message, callback_buttons(message)[0])

    async def own_results(self, chat_id: int, fresh: list, chosen: dict[int, tuple[Member, bool]]) -> None:
        """Members tap the results' button: each sees only their own result."""
        results = next((m for m in fresh if "Kết quả ngày" in (m.text or "")), None)
        buttons = callback_buttons(results) if results is not None else []
        if not buttons:
            return
        members = GROUPS[chat_id][1]
        right = next((m for m in members if chosen.get(m.user_id, (m, False))[1]), None)
        wrong = next((m for m in members if m.user_id in chosen and not chosen[m.user_id][1]), None)
        missed = next((m for m in members if m.user_id not in chosen), None)
        self.p.progress("Các đồng chí bấm «📋 Kết quả của tôi»: mỗi người chỉ thấy kết quả của mình")
        for member in (right, wrong, missed):
            if member is not None:
                await self.tap(chat_id, member, results, buttons[0])

    def right_button(self, message: Any) -> dict | None:
        """The button of the right option, found as a member who studied the official answer would: the stem and
        the options as the message shows them (each group sees its own order)."""
        from hpbot.content import load_bank

        if self._bank is None:
            self._bank = load_bank()
        shown = plain(message.text)
        item = next((i for i in self._bank.items if i.stem in shown), None)
        if item is None:
            return None
        for line in shown.splitlines():
            letter, _, text = line.strip().lstrip("✅ ").partition(". ")
            if len(letter) == 1 and text.strip() == item.options[item.answer]:
                return next((b for b in callback_buttons(message) if b["text"] == letter), None)
        return None

    async def answer(self, chat_id: int, member: Member, post: Any, wrong: bool = False) -> bool:
        """The member taps an option (right as often as their skill, never if `wrong`); True if it was right."""
        buttons = [b for b in callback_buttons(post) if len(b["text"]) == 1]
        right = self.right_button(post) or buttons[0]
        knows = self.random.random() < member.skill and not wrong
        button = right if knows else self.random.choice([b for b in buttons if b is not right])
        await self.tap(chat_id, member, post, button)
        return button is right

    async def typed_reply(self, chat_id: int, member: Member, post: Any, text: str) -> None:
        """A member replies to the post in words (privacy mode lets replies to the bot through)."""
        self.p.person(member.name, f"trả lời tin câu hỏi bằng chữ: «{text}»")
        # the fake's own message builders, as the end-to-end tests use them
        message = self.fake._message(chat_id, member.user_id, text)
        message["reply_to_message"] = self.fake._as_telegram(post)
        before = self.count(chat_id)
        self.fake.raw_update({"message": message})
        if await self.perhaps(lambda: self.count(chat_id) > before, 3.0):
            self.show_new(chat_id)

    async def tap(
        self, chat_id: int, member: Member, message: Any, button: dict, again: bool = False
    ) -> None:
        self.p.person(member.name, f"bấm [ {button['text']} ]" + (" lần nữa" if again else ""))
        self.last_tap_text = button["text"]
        update = self.fake.tap(member.user_id, chat_id, message.message_id, button["callback_data"])
        query_id = update["callback_query"]["id"]
        await self.until(lambda: query_id in self.fake.callback_answers, "the answer to a tap")
        self.p.answered(member.name, self.fake.callback_answers[query_id])

    def _revealed(self, chat_id: int) -> bool:
        fresh = self.fake.messages(chat_id)[self.seen.get(chat_id, 0) :]
        return any("Kết quả ngày" in (m.text or "") for m in fresh)

    async def boards(self, weekly: bool) -> None:
        period = "tuan" if weekly else "tatca"
        looking_back = ("/cauhoi", "/homqua") if weekly else ("/cauhoi",)
        self.p.progress(
            f"Bảng xếp hạng (/bxh {period}), kết quả riêng (/toi), xem lại ({', '.join(looking_back)})"
        )
        for chat_id, (_title, members) in GROUPS.items():
            asker = members[0]
            await self.command(chat_id, asker, f"/bxh {period}")
            for reply in await self.command(chat_id, asker, "/toi"):
                for button in callback_buttons(reply):
                    await self.tap(chat_id, asker, reply, button)
        asker = GROUPS[KHU_3][1][1]
        for text in looking_back:
            await self.command(KHU_3, asker, text)


def run_demo(days: int = 1) -> int:
    if days < 1 or days > 31:
        print("hpbot demo: --days must be between 1 and 31", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="hpbot-demo-") as workdir:
        return asyncio.run(Demo(days, Path(workdir), Printer()).run())
