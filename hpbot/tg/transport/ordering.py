"""Concurrent update handling that keeps order where it matters.

Taps from thousands of members must not wait for each other, but two updates of one conversation must be handled
in the order they came: a group's commands in order, and a member's taps in order. Updates are keyed by chat (and
by member for button taps); one lock per key, created on demand and dropped when idle.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def order_key(update: object) -> tuple | None:
    if not isinstance(update, Update):
        return None
    chat = update.effective_chat
    if update.callback_query is not None:
        user = update.callback_query.from_user
        return ("tap", chat.id if chat else None, user.id if user else None)
    return ("chat", chat.id) if chat is not None else None


class PerChatOrder(BaseUpdateProcessor):
    __slots__ = ("_locks", "_users")

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[tuple, asyncio.Lock] = {}
        self._users: dict[tuple, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = order_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
