"""What the use cases need from Telegram: a small outbound port that the Telegram edge implements.

`hpbot.tg.outbound.TelegramOutbound` implements it over python-telegram-bot; tests fake it with a few lines. Every
failure arrives as an `hpbot.errors.DeliveryError`: `GroupGone`, `Refused` (with `NotModified` and `MessageGone`)
or `Unavailable`; nothing here or in its callers knows a `telegram` type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

Keyboard = dict[str, Any]
"""An inline keyboard as the Bot API takes it: {"inline_keyboard": [[{"text": …, "callback_data": …}, …], …]}."""


@dataclass(frozen=True)
class Sent:
    """Where a message went: the chat it finally reached (a group may have become a supergroup) and its id."""

    chat_id: int
    message_id: int


class Outbound(Protocol):
    async def send(self, chat_id: int, html: str, keyboard: Keyboard | None = None) -> Sent:
        """Send an HTML message, following a group's move to a supergroup and retrying what is worth retrying."""
        ...

    async def edit(self, chat_id: int, message_id: int, html: str, keyboard: Keyboard | None = None) -> int:
        """Replace a message's text (and keyboard: none removes it); returns the chat id it finally went to."""
        ...

    async def set_keyboard(self, chat_id: int, message_id: int, keyboard: Keyboard | None) -> None:
        """Set a message's keyboard (None removes it), once and without retries: the lost-post probe."""
        ...

    async def member_count(self, chat_id: int) -> int:
        """Members of the chat, the bot included."""
        ...
