"""Running the real hpbot Application against the fake Bot API, with a fake clock and a real SQLite file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hpbot.clock import FakeClock
from hpbot.config import load_config
from hpbot.content import Bank
from hpbot.testing import FakeTelegram
from hpbot.tg import app as tg_app
from hpbot.wiring import Hpbot, build

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TOKEN = "987654321:TestTokenForHpbotEndToEndTests_xyz"


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


class BotUnderTest:
    """One bot process's worth of hpbot, started and stopped like the real thing (polling)."""

    def __init__(self, fake: FakeTelegram, db_path: Path, clock: FakeClock, bank: Bank, **env: str) -> None:
        self.fake, self.db_path, self.clock, self.bank, self.env = fake, db_path, clock, bank, env
        self.hp: Hpbot | None = None

    async def start(self) -> Hpbot:
        config = load_config(
            {
                "HPBOT_TOKEN": TOKEN,
                "HPBOT_API_BASE_URL": self.fake.base_url,
                "HPBOT_DB": str(self.db_path),
                "HPBOT_COUNT_EDIT_SECONDS": "0.05",
                **self.env,
            }
        )
        # the bot's own pacing, as in production (its windows follow the fake clock: a day moved on frees them)
        self.hp = build(config, clock=self.clock, bank=self.bank, run_jobs=False)
        app = self.hp.application
        await app.initialize()
        await app.post_init(
            app
        )  # the runner (hpbot.runner.serve) calls it; recovery and command menus live there
        await app.start()
        self.receiving = tg_app.Receiving(app, poll_timeout=1)
        await self.receiving.start_polling()
        return self.hp

    async def stop(self) -> None:
        if self.hp is None:
            return
        app = self.hp.application
        await self.receiving.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)
        self.hp = None

    async def restart(self) -> Hpbot:
        await self.stop()
        return await self.start()

    async def tick(self) -> None:
        """What the repeating due-job does, run now (the clock is fake, nothing waits for real time): the due
        check, then the rankings a reveal made stale read again apart."""
        assert self.hp is not None
        await self.hp.rounds.run_due()
        await tg_app.rank_apart(self.hp.competitions)

    async def reply_to(self, chat_id: int, user_id: int | None, text: str, **kwargs) -> str:
        """Send a command and return the text of the bot's next message in that chat."""
        before = len(self.fake.messages(chat_id))
        self.fake.command(chat_id, user_id, text, **kwargs)
        await self.fake.wait_for(lambda: len(self.fake.messages(chat_id)) > before)
        return self.fake.messages(chat_id)[before].text

    async def join(self, chat_id: int, admin_id: int, code: str, organizer_id: int) -> str:
        """/thamgia CODE from a group's admin, accepted by the organizer with the request's button: the news the
        group then gets."""
        asked = await self.reply_to(chat_id, admin_id, f"/thamgia {code}")
        assert "Đã gửi yêu cầu" in asked, asked

        def request():  # the organizer is told after the group's reply
            for m in reversed(self.fake.messages(organizer_id)):
                buttons = (m.reply_markup or {}).get("inline_keyboard") or [[{}]]
                if buttons[0][0].get("callback_data", "").endswith(f":{chat_id}"):
                    return m, buttons[0][0]["callback_data"]
            return None

        await self.fake.wait_for(lambda: request() is not None)
        sent, approve = request()
        before = len(self.fake.messages(chat_id))
        await self.tap(organizer_id, organizer_id, sent.message_id, approve)
        await self.fake.wait_for(lambda: len(self.fake.messages(chat_id)) > before)
        return self.fake.messages(chat_id)[before].text

    async def tap(self, chat_id: int, user_id: int, message_id: int, data: str) -> str:
        """Tap a button; return the private toast text."""
        query_id = self.fake.tap(user_id, chat_id, message_id, data)["callback_query"]["id"]
        await self.fake.wait_for(lambda: query_id in self.fake.callback_answers)
        return self.fake.callback_answers[query_id]["text"]
