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
    """Paces message methods: evenly at 98% of `per_second` across chats (a leaky bucket holding one request, so
    no burst can overrun a one-second window), and at most `group_per_minute` into one group."""

    def __init__(self, per_second: float = 30.0, group_per_minute: float = 20.0, max_retries: int = 3) -> None:
        super().__init__(
            overall_max_rate=1 if per_second else 0,
            overall_time_period=1 / (0.98 * per_second) if per_second else 1,
            group_max_rate=group_per_minute,
            group_time_period=60,
            max_retries=max_retries,
        )

    async def process_request(self, callback, args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: int | None):
        if endpoint not in PACED:
            return await callback(*args, **kwargs)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
