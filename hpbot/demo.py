"""`hpbot demo`: a compressed study day (or week) with no token and no network.

A simulated Telegram (the fake Bot API server the end-to-end tests use) runs on 127.0.0.1 with two party-cell
groups and their members; the real bot process (`python -m hpbot run`) talks to it through HPBOT_API_BASE_URL,
with a temporary database and a clock file the demo moves from morning to evening. The conversation is printed as
members would see it.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hpbot.testing import FakeTelegram, Limits

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_TOKEN = "123456789:DemoTokenForTheSimulatedTelegramOnly"
START_DAY = date(2026, 11, 30)  # a Monday, so a week's run fills one leaderboard week


@dataclass(frozen=True)
class Member:
    user_id: int
    first_name: str
    last_name: str
    skill: float  # chance of choosing the right option


GROUPS = {
    -1001001: (
        "Chi bộ Khu dân cư số 3 — phường Hồng Bàng",
        [
            Member(501, "Nguyễn Thị", "Lan", 0.95),
            Member(502, "Trần Văn", "Hùng", 0.7),
            Member(503, "Phạm Minh", "Tuấn", 0.5),
            Member(504, "Lê Thu", "Hà <b>&_*", 0.8),
        ],
    ),
    -1001002: (
        "Chi bộ Trường THCS Lê Lợi",
        [
            Member(601, "Vũ Đức", "Anh", 0.9),
            Member(602, "Đỗ Thị", "Mai", 0.6),
            Member(603, "Hoàng", "Nam", 0.4),
        ],
    ),
}
SECRETARIES = {-1001001: Member(500, "Bí thư", "Khu 3", 1.0), -1001002: Member(600, "Bí thư", "Lê Lợi", 1.0)}


def plain(text: str) -> str:
    """Telegram HTML as a terminal shows it."""
    return html.unescape(re.sub(r"<[^>]+>", "", text or ""))


class Printer:
    def __init__(self, out=sys.stdout) -> None:
        self.out, self.started = out, time.monotonic()

    def progress(self, text: str) -> None:
        print(f"\n[{time.monotonic() - self.started:5.1f}s] ── {text}", file=self.out, flush=True)

    def bot(self, chat: str, text: str, buttons: list[str] | None = None) -> None:
        print(f"  🤖 hpbot → {chat}:", file=self.out)
        for line in plain(text).splitlines():
            print(f"     │ {line}", file=self.out)
        if buttons:
            print("     │ " + "  ".join(f"[ {b} ]" for b in buttons), file=self.out)
        self.out.flush()

    def person(self, who: str, what: str) -> None:
        print(f"  👤 {who}: {what}", file=self.out, flush=True)

    def toast(self, who: str, text: str) -> None:
        print(f"     ↳ (chỉ {who} thấy) {text}", file=self.out, flush=True)


class Demo:
    def __init__(self, days: int, workdir: Path, printer: Printer, seed: int = 7) -> None:
        self.days, self.workdir, self.p = days, workdir, printer
        self.clock_file = workdir / "clock.txt"
        self.fake = FakeTelegram(
            bot_username="hpbot_demo_bot", limits=Limits.off()
        )  # a compressed day outpaces them
        self.process: asyncio.subprocess.Process | None = None
        import random

        self.random = random.Random(seed)
        self.seen: dict[int, int] = {}

    def set_time(self, when: datetime) -> None:
        partial = self.clock_file.with_suffix(".tmp")
        partial.write_text(when.isoformat(), encoding="utf-8")
        os.replace(partial, self.clock_file)  # the bot never reads a half-written time

    async def start_bot(self) -> None:
        env = {
            **os.environ,
            "HPBOT_TOKEN": DEMO_TOKEN,
            "HPBOT_API_BASE_URL": self.fake.base_url,
            "HPBOT_DB": str(self.workdir / "demo.sqlite3"),
            "HPBOT_CLOCK_FILE": str(self.clock_file),
            "HPBOT_TICK_SECONDS": "0.2",
            "HPBOT_COUNT_EDIT_SECONDS": "0.2",
            # the simulated Telegram has no flood limits, and a compressed day would hit the real ones
            "HPBOT_RATE_PER_SECOND": "0",
            "HPBOT_GROUP_RATE_PER_MINUTE": "0",
            "HPBOT_LOG_LEVEL": "WARNING",
        }
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "hpbot",
            "run",
            env=env,
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
        title = GROUPS[chat_id][0]
        fresh = self.new_messages(chat_id)
        for message in fresh:
            self.p.bot(title, message.text, _buttons(message))
        return fresh

    async def until(self, predicate, what: str, timeout: float = 20) -> None:
        try:
            await self.fake.wait_for(predicate, timeout=timeout)
        except AssertionError as exc:
            log_tail = (self.workdir / "bot.log").read_text(errors="replace")[-2000:]
            raise SystemExit(f"demo: gave up waiting for {what}.\nbot log:\n{log_tail}") from exc

    def count(self, chat_id: int) -> int:
        return len(self.fake.messages(chat_id))

    async def run(self) -> int:
        await self.fake.start()
        for chat_id, (title, members) in GROUPS.items():
            secretary = SECRETARIES[chat_id]
            for person in (secretary, *members):
                self.fake.add_user(person.user_id, person.first_name, person.last_name)
            self.fake.add_group(
                chat_id, title, admins=[secretary.user_id], members=[m.user_id for m in members]
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
            for offset in range(self.days):
                await self.play_day(day0 + timedelta(days=offset), offset)
            await self.boards(weekly=self.days > 1)
            from hpbot.demo_practice import practice_scene

            await practice_scene(self, GROUPS[-1001001][1][0])
        finally:
            code = await self.stop_bot()
            await self.fake.stop()
        self.p.progress(f"Xong: {self.days} ngày học, bot dừng với mã {code}.")
        return 0 if code in (0, -signal.SIGINT) else 1

    async def setup_groups(self) -> None:
        for chat_id, (title, _members) in GROUPS.items():
            secretary = SECRETARIES[chat_id]
            self.p.progress(f"Bí thư thêm hpbot vào nhóm «{title}»")
            before = self.count(chat_id)
            self.fake.bot_added(chat_id, secretary.user_id)
            await self.until(lambda c=chat_id, b=before: self.count(c) > b, "the greeting")
            self.show_new(chat_id)
            self.p.person(f"{secretary.first_name} {secretary.last_name} (quản trị)", "/dangky")
            before = self.count(chat_id)
            self.fake.command(chat_id, secretary.user_id, "/dangky")
            await self.until(lambda c=chat_id, b=before: self.count(c) > b, "the subscription reply")
            self.show_new(chat_id)

    async def play_day(self, day: datetime, offset: int) -> None:
        self.p.progress(f"Ngày {offset + 1}: {day.strftime('%d/%m/%Y')} — 07:00, câu hỏi của ngày")
        self.set_time(day.replace(hour=7, minute=0))
        for chat_id in GROUPS:
            await self.until(lambda c=chat_id: self.count(c) > self.seen.get(c, 0), "the question of the day")
        posts = {chat_id: self.show_new(chat_id)[-1] for chat_id in GROUPS}
        self.p.progress("Các đảng viên bấm chọn đáp án (ai đúng ai sai chỉ biết lúc công bố)")
        minute = 3
        for chat_id, (_title, members) in GROUPS.items():
            post = posts[chat_id]
            data = [b for row in post.reply_markup["inline_keyboard"] for b in row]
            right = self._right_option(post)
            for index, member in enumerate(members):
                if self.random.random() > 0.9 and offset:  # now and then someone misses a day
                    continue
                minute += self.random.randint(2, 25)
                self.set_time(day.replace(hour=7) + timedelta(minutes=minute))
                pick = (
                    right
                    if self.random.random() < member.skill
                    else self.random.choice([i for i in range(4) if i != right])
                )
                await self.tap(chat_id, member, post, data[pick])
                if index == 0 and offset == 0:  # one double tap: only the first counts
                    other = data[(pick + 1) % 4]
                    await self.tap(chat_id, member, post, other, again=True)
        self.p.progress("20:00 — công bố đáp án, câu trả lời chính thức và kết quả")
        self.set_time(day.replace(hour=20, minute=0))
        for chat_id in GROUPS:
            await self.until(lambda c=chat_id: self._revealed(c), "the reveal")
            edited = self.fake.messages(chat_id)[self.fake.messages(chat_id).index(posts[chat_id])]
            self.p.bot(GROUPS[chat_id][0] + " (tin câu hỏi được sửa)", edited.text)
            self.show_new(chat_id)

    def _right_option(self, post) -> int:
        """The demo's members 'know' the answer the way a member would: from the official answer (the bank)."""
        from hpbot.content import load_bank

        if not hasattr(self, "_bank"):
            self._bank = load_bank()
        stem = plain(post.text)
        for item in self._bank.items:
            if item.stem in stem:
                return item.answer
        return 0

    def _revealed(self, chat_id: int) -> bool:
        fresh = self.fake.messages(chat_id)[self.seen.get(chat_id, 0) :]
        return any("Kết quả ngày" in (m.text or "") for m in fresh)

    async def tap(self, chat_id: int, member: Member, post, button: dict, again: bool = False) -> None:
        name = f"{member.first_name} {member.last_name}"
        self.p.person(name, f"bấm [ {button['text']} ]" + (" lần nữa" if again else ""))
        update = self.fake.tap(member.user_id, chat_id, post.message_id, button["callback_data"])
        query_id = update["callback_query"]["id"]
        await self.until(lambda: query_id in self.fake.callback_answers, "the answer's acknowledgement")
        self.p.toast(name, self.fake.callback_answers[query_id].get("text", ""))

    async def boards(self, weekly: bool) -> None:
        period = "tuan" if weekly else "tatca"
        self.p.progress(f"Bảng xếp hạng (/bxh {period}) và thẻ cá nhân (/toi)")
        for chat_id, (_title, members) in GROUPS.items():
            asker = members[0]
            for text in (f"/bxh {period}", "/toi"):
                self.p.person(f"{asker.first_name} {asker.last_name}", text)
                before = self.count(chat_id)
                self.fake.command(chat_id, asker.user_id, text)
                await self.until(lambda c=chat_id, b=before: self.count(c) > b, f"the reply to {text}")
                self.show_new(chat_id)


def _buttons(message) -> list[str] | None:
    markup = getattr(message, "reply_markup", None)
    if not markup:
        return None
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def run_demo(days: int = 1) -> int:
    if days < 1 or days > 31:
        print("hpbot demo: --days must be between 1 and 31", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="hpbot-demo-") as workdir:
        return asyncio.run(Demo(days, Path(workdir), Printer()).run())
