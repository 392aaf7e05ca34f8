"""Concurrent update handling that keeps order where it matters and is fair between chats.

Taps from thousands of members must not wait for each other, but two updates of one conversation must be handled
in the order they came: a group's commands in order, and a member's taps in order. Updates are keyed by chat (and
by member for button taps); one lock per key, created on demand and dropped when idle.

Fairness: an update waiting for its chat's turn holds none of the shared slots (`max_concurrent_updates`), so one
chat's backlog never delays another chat. A chat's queue is bounded; a command identical to one of the same member
still waiting or running in that chat is coalesced into it (dropped: its answer would be the same). A tap's time is
taken when it arrives here, not when its turn comes (a callback query carries no timestamp of its own). A
message in a group whose turn comes more than `stale_after` seconds after it arrived is dropped: its chat is
flooded, the group's 20 replies a minute are spent, and an answer minutes late would only lengthen the flood.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)
CHAT_QUEUE_LIMIT = 50  # updates of one chat waiting at once; more are dropped (a flood, not a conversation)
STALE_AFTER = 20.0  # seconds a group message may wait for its turn before it is dropped unanswered
GROUPS = ("group", "supergroup")


def order_key(update: object) -> tuple[Any, ...] | None:
    if not isinstance(update, Update):
        return None
    chat = update.effective_chat
    if update.callback_query is not None:
        user = update.callback_query.from_user
        return ("tap", chat.id if chat else None, user.id if user else None)
    return ("chat", chat.id) if chat is not None else None


def command_signature(update: object) -> tuple[Any, ...] | None:
    """(chat, member, text) of a command, for coalescing repeats; None for anything else."""
    if not isinstance(update, Update) or update.message is None:
        return None
    message = update.message
    text = message.text or ""
    if not text.startswith("/") or message.from_user is None:
        return None
    return (message.chat.id, message.from_user.id, " ".join(text.split()))


UNBOUNDED = 1 << 30  # PTB's own semaphore: never the limit, so an update reaches `do_process_update` at once


class PerChatOrder(BaseUpdateProcessor):
    """PTB takes its shared slot before handing an update over; here the slot (`_slots`) is taken only once the
    update's chat lock is held, so waiting updates hold none."""

    __slots__ = (
        "_arrivals",
        "_clock",
        "_monotonic",
        "_locks",
        "_on_done",
        "_running",
        "_slots",
        "_users",
        "chat_limit",
        "slots",
        "stale_after",
    )

    def __init__(
        self,
        max_concurrent_updates: int = 256,
        *,
        clock: Callable[[], datetime] | None = None,
        on_done: Callable[[int], None] | None = None,
        chat_limit: int = CHAT_QUEUE_LIMIT,
        stale_after: float = STALE_AFTER,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(UNBOUNDED)
        self.slots = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[tuple[Any, ...], asyncio.Lock] = {}
        self._users: dict[tuple[Any, ...], int] = {}
        self._running: set[tuple[Any, ...]] = set()  # commands waiting or being handled
        self._arrivals: dict[int, datetime] = {}
        self._clock, self._on_done, self.chat_limit = clock, on_done, chat_limit
        self.stale_after, self._monotonic = stale_after, monotonic

    def note_arrival(self, update_id: int, when: datetime) -> None:
        """An update that arrived before now: one received before a crash and replayed after the restart."""
        self._arrivals[update_id] = when

    def arrived_at(self, update: Update) -> datetime | None:
        """When the update reached the bot (its time for scoring a tap), if it is being handled now."""
        return self._arrivals.get(update.update_id)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Order by chat, then take a shared slot; note the arrival first and the update handled last."""
        update_id = update.update_id if isinstance(update, Update) else None
        if update_id is not None and self._clock is not None and update_id not in self._arrivals:
            self._arrivals[update_id] = self._clock()
        try:
            await self._process(update, coroutine)
        finally:
            if update_id is not None:
                self._arrivals.pop(update_id, None)
                if self._on_done is not None:
                    self._on_done(update_id)

    async def _process(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = order_key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        signature = command_signature(update)
        if signature is not None and signature in self._running:
            log.info("command repeated while the same one waits in chat %s: coalesced", signature[0])
            _discard(coroutine)
            return
        if key[0] == "chat" and self._users.get(key, 0) >= self.chat_limit:
            log.info("chat %s has %d updates waiting: one more dropped", key[1], self.chat_limit)
            _discard(coroutine)
            return
        if signature is not None:
            self._running.add(signature)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        queued = self._monotonic()
        try:
            async with lock:
                waited = self._monotonic() - queued
                if waited > self.stale_after and _group_message(update):
                    log.info(
                        "message in chat %s waited %.0f s for its turn behind the chat's flood: dropped",
                        key[1],
                        waited,
                    )
                    _discard(coroutine)
                    return
                async with self._slots:
                    await coroutine
        finally:
            if signature is not None:
                self._running.discard(signature)
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _group_message(update: object) -> bool:
    return (
        isinstance(update, Update)
        and update.message is not None
        and update.effective_chat is not None
        and update.effective_chat.type in GROUPS
    )


def _discard(coroutine: Awaitable[Any]) -> None:
    if isinstance(coroutine, Coroutine):
        coroutine.close()
