"""The bot object hpbot talks to Telegram through: PTB's `ExtBot` with a token-free repr and two lean calls.

PTB turns every answer into objects: `sendMessage` returns a full `Message` (chat, sender, entities, keyboard),
which in a morning push of thousands of posts, or the live-count edits of a burst of taps, costs more than
building and sending the request (profiled in docs/performance.md). The two calls here go through the same path
as PTB's own methods (defaults, the rate limiter, the HTTP client, errors mapped to `TelegramError`) and read only
what the bot uses: the new message's id, or nothing.
"""

from __future__ import annotations

from telegram.constants import ParseMode
from telegram.ext import ExtBot


class BotClient(ExtBot):
    """PTB's bot, whose repr would show the token, with a repr that does not."""

    def __repr__(self) -> str:
        return "ExtBot[token=***]"

    async def send_html(self, chat_id: int, text: str, keyboard: dict | None = None) -> int:
        """`sendMessage` in HTML; returns the new message's id."""
        data: dict = {"chat_id": chat_id, "text": text, "parse_mode": ParseMode.HTML}
        if keyboard is not None:
            data["reply_markup"] = keyboard
        result = await self._post("sendMessage", data)
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
        await self._post("editMessageText", data)
