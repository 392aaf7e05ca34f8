"""Send pacing: Telegram's flood limits count messages (sends and edits), not look-ups.

PTB's AIORateLimiter paces every request that names a chat, so a member count or an admin check would take a slot
of the 30/s budget and halve the morning push. This limiter paces only the message methods.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import AIORateLimiter

PACED = frozenset({
    "sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto", "copyMessage",
    "forwardMessage", "sendPoll", "sendMediaGroup", "editMessageCaption",
})


class MessageRateLimiter(AIORateLimiter):
    async def process_request(self, callback, args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: int | None):
        if endpoint not in PACED:
            return await callback(*args, **kwargs)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
