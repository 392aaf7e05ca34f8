"""The outbound port (hpbot.app.ports.Outbound) over python-telegram-bot: the only place where PTB's exceptions
become hpbot's `DeliveryError`s.

    BadRequest "message is not modified"        -> NotModified
    BadRequest "message to edit not found" …    -> MessageGone
    other BadRequest (400)                      -> Refused
    Forbidden, "chat not found" (via Delivery)  -> GroupGone (the group is marked first)
    RetryAfter (the rate limiter gave up), NetworkError, TimedOut, anything else from Telegram -> Unavailable
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError

from hpbot.app.ports import Keyboard, Sent
from hpbot.errors import DeliveryError, GroupGone, MessageGone, NotModified, Refused, Unavailable
from hpbot.tg.transport.bot import BotClient
from hpbot.tg.transport.retry import Delivery

T = TypeVar("T")


def translate(exc: TelegramError) -> DeliveryError:
    """hpbot's name for what Telegram answered."""
    message = exc.message
    if isinstance(exc, BadRequest):
        lowered = message.lower()
        if "not modified" in lowered:
            return NotModified(message)
        if "message to edit not found" in lowered or "message not found" in lowered:
            return MessageGone(message)
        return Refused(message)
    return Unavailable(message)


class TelegramOutbound:
    """Sends and edits through `Delivery` (supergroup moves, kicked bots, network retries); the rate limiter in the
    bot's request path paces them and owns 429s."""

    def __init__(self, bot: BotClient, delivery: Delivery) -> None:
        self.bot, self.delivery = bot, delivery

    async def _delivered(self, chat_id: int, action: Callable[[int], Awaitable[T]]) -> tuple[int, T]:
        try:
            return await self.delivery.call(chat_id, action)
        except GroupGone:
            raise
        except TelegramError as exc:
            raise translate(exc) from exc

    async def send(self, chat_id: int, html: str, keyboard: Keyboard | None = None) -> Sent:
        async def send(target: int) -> int:
            return await self.bot.send_html(target, html, keyboard)

        final, message_id = await self._delivered(chat_id, send)
        return Sent(final, message_id)

    async def edit(self, chat_id: int, message_id: int, html: str, keyboard: Keyboard | None = None) -> int:
        async def edit(target: int) -> None:
            await self.bot.edit_html(target, message_id, html, keyboard)

        final, _ = await self._delivered(chat_id, edit)
        return final

    async def set_keyboard(self, chat_id: int, message_id: int, keyboard: Keyboard | None) -> None:
        markup = InlineKeyboardMarkup.de_json(keyboard, None) if keyboard is not None else None
        try:
            await self.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)
        except TelegramError as exc:
            raise translate(exc) from exc

    async def member_count(self, chat_id: int) -> int:
        try:
            return await self.bot.get_chat_member_count(chat_id)
        except TelegramError as exc:
            raise translate(exc) from exc
