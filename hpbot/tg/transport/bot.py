"""The bot object hpbot talks to Telegram through: PTB's `ExtBot` with a token-free repr and two lean calls.

PTB turns every answer into objects: `sendMessage` returns a full `Message` (chat, sender, entities, keyboard),
which in a morning push of thousands of posts, or the live-count edits of a burst of taps, costs more than
building and sending the request (profiled in docs/performance.md). The two calls here go through the same path
as PTB's own methods (defaults, the rate limiter, the HTTP client, errors mapped to `TelegramError`) and read only
what the bot uses: the new message's id, or nothing.
"""

from __future__ import annotations

from typing import Any

from telegram import User
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ExtBot

from hpbot.tg.transport.pacing import DELIVER


class BotClient(ExtBot):
    """PTB's bot, whose repr would show the token, with a repr that does not.

    `send_html` and `edit_html` are the scheduled deliveries (posts, reveals, count edits, bulletins): marked
    `DELIVER` for the rate limiter (they wait their group's turn; replies do not) and, with `paid_broadcast`, sent
    with `allow_paid_broadcast` (Telegram then allows up to 1,000 messages/s, each above the free 30/s paid in
    Stars).
    """

    def __init__(self, *args: Any, paid_broadcast: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self.paid_broadcast = paid_broadcast

    def __repr__(self) -> str:
        return "ExtBot[token=***]"

    async def send_html(self, chat_id: int, text: str, keyboard: dict | None = None) -> int:
        """`sendMessage` in HTML; returns the new message's id."""
        data: dict = {"chat_id": chat_id, "text": text, "parse_mode": ParseMode.HTML}
        if keyboard is not None:
            data["reply_markup"] = keyboard
        if self.paid_broadcast:
            data["allow_paid_broadcast"] = True
        result = await self._post("sendMessage", data, api_kwargs=self._merge_api_rl_kwargs(None, DELIVER))
        return int(result["message_id"])

    async def edit_html(self, chat_id: int, message_id: int, text: str, keyboard: dict | None = None) -> None:
        """`editMessageText` in HTML, the answer not parsed ("message is not modified" still raises BadRequest)."""
        data: dict = {
            "chat_id": chat_id,
            "message_id": message_id,
            "text": text,
            "parse_mode": ParseMode.HTML,
        }
        if keyboard is not None:
            data["reply_markup"] = keyboard
        await self._post("editMessageText", data, api_kwargs=self._merge_api_rl_kwargs(None, DELIVER))

    async def get_me(self, *args: Any, **kwargs: Any) -> User:
        """`getMe`, tolerant of a Bot API server that leaves out fields Telegram always sends (`is_bot`,
        `first_name`): PTB would fail to start on such an answer."""
        result = await self._post("getMe")
        if not isinstance(result, dict) or "id" not in result:
            raise TelegramError("getMe answered without the bot's id")
        result.setdefault("is_bot", True)
        result.setdefault("first_name", result.get("username") or "hpbot")
        user = User.de_json(result, self)
        self._bot_user = user
        return user

    async def get_updates_raw(
        self, offset: int, timeout: int, allowed_updates: list[str] | None
    ) -> list[dict[str, Any]]:
        """`getUpdates` as the Bot API's JSON: each update is parsed on its own later, so one PTB cannot read
        does not cost the rest of its batch."""
        data: dict[str, Any] = {"offset": offset, "timeout": timeout}
        if allowed_updates is not None:
            data["allowed_updates"] = allowed_updates
        result = await self._post("getUpdates", data, read_timeout=timeout + 10)
        if not isinstance(result, list):
            raise TelegramError("getUpdates answered with something other than a list")
        return [u for u in result if isinstance(u, dict)]
