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
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ExtBot

from hpbot.tg.transport.http import AiohttpRequest
from hpbot.tg.transport.pacing import DELIVER, MessageRateLimiter


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

    async def answer_callback_query(
        self,
        callback_query_id: str,
        text: str | None = None,
        show_alert: bool | None = None,
        url: str | None = None,
        cache_time: Any = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: dict[str, Any] | None = None,
        rate_limit_args: Any = None,
    ) -> bool:
        """`answerCallbackQuery`, a toast or an alert, straight to the HTTP client: the answer to every tap, so
        PTB's general path (defaults, a `RequestParameter` per field, the rate limiter, which lets callback answers
        through unpaced) was a sixth of the bot's CPU at 1,000 taps/s. Anything else the call may carry (a URL, a
        cache time, extra fields, defaults, another rate limiter or HTTP client) goes PTB's way."""
        request = self._request[1]
        if (
            url is not None
            or cache_time is not None
            or api_kwargs
            or rate_limit_args is not None
            or self.defaults is not None
            or not isinstance(request, AiohttpRequest)
            or not (self.rate_limiter is None or isinstance(self.rate_limiter, MessageRateLimiter))
        ):
            return await super().answer_callback_query(
                callback_query_id,
                text,
                show_alert,
                url,
                cache_time,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
                api_kwargs=api_kwargs,
                rate_limit_args=rate_limit_args,
            )
        data: dict[str, Any] = {"callback_query_id": callback_query_id}
        if text is not None:
            data["text"] = text
        if show_alert is not None:
            data["show_alert"] = show_alert
        result = await request.post_json(
            f"{self.base_url}/answerCallbackQuery",
            data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        return bool(result)

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
