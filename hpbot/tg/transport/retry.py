"""Sending to a group whatever happens on the way: flaky networks, kicked bots, supergroup upgrades.

Exceptions PTB raises and what they mean here:

    TelegramError
    ├── RetryAfter      429: not retried here; the rate limiter (hpbot.tg.transport.pacing) is the one owner of
    │                   429s: it pauses every paced send and retries, and only gives up after its own retries
    ├── ChatMigrated    the group became a supergroup: move it in the database, send to the new id
    ├── Forbidden       403: the bot was kicked or left: mark the group, send nothing more
    ├── BadRequest      400: "message is not modified" is success for an edit; other 400s are not retried
    ├── NetworkError / TimedOut: transient, retried with backoff
    └── "Invalid server response" (a body that is not JSON, e.g. a proxy's error page): retried with backoff
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, TelegramError

from hpbot.errors import GroupGone

log = logging.getLogger(__name__)
T = TypeVar("T")


class Delivery:
    def __init__(
        self,
        on_migrated: Callable[[int, int], object],
        on_gone: Callable[[int], object],
        *,
        attempts: int = 5,
        backoff: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.on_migrated, self.on_gone = on_migrated, on_gone
        self.attempts, self.backoff, self.sleep = attempts, backoff, sleep

    async def call(self, chat_id: int, action: Callable[[int], Awaitable[T]]) -> tuple[int, T]:
        """Run `action(chat_id)` until it succeeds; returns (the chat id it finally went to, its result).

        Raises GroupGone if the bot cannot write there any more, BadRequest for a request Telegram refuses,
        RetryAfter when the rate limiter gave up, NetworkError after the last attempt.
        """
        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            try:
                return chat_id, await action(chat_id)
            except ChatMigrated as exc:
                log.info("group %s became supergroup %s", chat_id, exc.new_chat_id)
                self.on_migrated(chat_id, exc.new_chat_id)
                chat_id = exc.new_chat_id
            except Forbidden as exc:
                log.info("group %s is gone for the bot: %s", chat_id, exc.message)
                self.on_gone(chat_id)
                raise GroupGone(chat_id, exc.message) from exc
            except BadRequest as exc:
                if "chat not found" in exc.message.lower():
                    self.on_gone(chat_id)
                    raise GroupGone(chat_id, exc.message) from exc
                raise
            except NetworkError as exc:  # includes TimedOut
                if attempt == self.attempts:
                    raise
                log.warning("network error for chat %s (attempt %d): %s", chat_id, attempt, exc.message)
                await self.sleep(delay)
                delay = min(delay * 2, 30)
            except TelegramError as exc:
                if "invalid server response" not in exc.message.lower() or attempt == self.attempts:
                    raise
                log.warning("unreadable response for chat %s (attempt %d); retrying", chat_id, attempt)
                await self.sleep(delay)
                delay = min(delay * 2, 30)
        raise NetworkError(f"giving up on chat {chat_id} after {self.attempts} attempts")


def not_modified(exc: BadRequest) -> bool:
    return "not modified" in exc.message.lower()
