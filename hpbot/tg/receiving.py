"""Receiving updates: each one recorded in the inbox before Telegram is told it arrived, handled once.

Polling is hpbot's own loop rather than PTB's `Updater`: PTB confirms a batch when it asks for the next one,
before the batch was handled, so a crash lost the updates still waiting behind others in their chat. Here a
batch is written to the database (hpbot.app.inbox) first, then confirmed with the next `getUpdates`; the updates
still pending at a crash are handled after the restart, and an update id seen before is not handled again. Each
update is parsed on its own: one that PTB cannot read is logged in one line and skipped, the rest of its batch is
handled. The webhook (hpbot.tg.transport.webhook) hands its updates to the same `Receiver.take`.

A button tap carries the whole message its button is under: for a morning post, the question's text with its
entities and the keyboard. The handlers of taps read only where that message is (its chat, its id, whether it is
still accessible), so the tap is parsed with the message cut down to those fields (`CARRIED`), and the message so
parsed is kept for the next tap under the same message (PTB's objects are immutable; each group's members tap one
post): building a `Message` costs more than the rest of the update, and the text's entities and the keyboard's
buttons as PTB objects were about a fifth of the bot's CPU at 1,000 taps/s. The inbox keeps the update as Telegram
sent it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from telegram import Message, Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from hpbot.tg.transport.bot import BotClient
from hpbot.tg.transport.ordering import PerChatOrder
from hpbot.tg.transport.pacing import retry_after_seconds

log = logging.getLogger(__name__)
POLL_TIMEOUT = 30  # seconds a getUpdates call may wait for updates (long polling)
BACKOFF_MAX = 30.0
# what a tap's handlers may read of the message its button is under (a date of 0: the message is inaccessible)
CARRIED = ("message_id", "date", "chat", "from", "sender_chat", "message_thread_id", "is_topic_message")
MESSAGES_KEPT = 4096  # tapped messages kept parsed (a morning's posts being tapped at once, and more)


class Inbox(Protocol):
    def receive(self, updates: list[dict[str, Any]]) -> list[dict[str, Any]]: ...
    def pending(self) -> list[tuple[dict[str, Any], datetime]]: ...
    def next_offset(self) -> int: ...
    def done(self, update_id: int) -> None: ...
    async def replayed(self, timeout: float) -> bool: ...


class Receiver:
    """Turns the Bot API's JSON into PTB updates for the Application, through the inbox."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], inbox: Inbox) -> None:
        self.application, self.inbox = application, inbox
        # (chat, message id) -> the carried fields and the Message parsed from them
        self._messages: OrderedDict[tuple[Any, Any], tuple[dict[str, Any], Message]] = OrderedDict()

    async def take(self, raw: list[dict[str, Any]]) -> None:
        """Record a batch (before it is confirmed to Telegram) and queue the updates not seen before."""
        for update in self.inbox.receive(raw):
            await self._queue(update)

    async def replay(self) -> int:
        """Queue the updates received but not handled before the last stop; returns how many."""
        pending = self.inbox.pending()
        for update, received in pending:
            # a tap keeps the time it first came, not its replay's
            await self._queue(update, arrived=received)
        if pending:
            log.info("handling %d updates received before the last stop", len(pending))
        return len(pending)

    def _parse(self, raw: dict[str, Any]) -> Update | None:
        """PTB's update; a tap's message cut down to `CARRIED` and parsed once for every tap under it."""
        bot = self.application.bot
        query = raw.get("callback_query")
        message = query.get("message") if isinstance(query, dict) else None
        if not isinstance(query, dict) or not isinstance(message, dict):
            return Update.de_json(raw, bot)
        carried = {key: message[key] for key in CARRIED if key in message}
        chat = carried.get("chat")
        key = (chat.get("id") if isinstance(chat, dict) else None, carried.get("message_id"))
        kept = self._messages.get(key)
        if kept is not None and kept[0] == carried:
            parsed = kept[1]
            self._messages.move_to_end(key)
        else:
            parsed = Message.de_json(carried, bot)
            self._messages[key] = (carried, parsed)
            self._messages.move_to_end(key)
            while len(self._messages) > MESSAGES_KEPT:
                self._messages.popitem(last=False)
        update = Update.de_json(
            {**raw, "callback_query": {k: v for k, v in query.items() if k != "message"}}, bot
        )
        if update.callback_query is not None:
            with update.callback_query._unfrozen():
                update.callback_query.message = parsed
        return update

    async def _queue(self, raw: dict[str, Any], arrived: datetime | None = None) -> None:
        try:
            update = self._parse(raw)
        except Exception as exc:  # one unreadable update must not cost the others
            log.warning(
                "update %s skipped: it does not parse (%s: %s)", raw.get("update_id"), type(exc).__name__, exc
            )
            self.inbox.done(int(raw["update_id"]))
            return
        if update is None:
            self.inbox.done(int(raw["update_id"]))
            return
        processor = self.application.update_processor
        if arrived is not None and isinstance(processor, PerChatOrder):
            processor.note_arrival(update.update_id, arrived)
        await self.application.update_queue.put(update)


class Backoff:
    """One streak of failures: waits of 1 s doubling up to BACKOFF_MAX; `failing` until the next success."""

    def __init__(self, sleep: Callable[[float], Any]) -> None:
        self.sleep, self.delay, self.failing = sleep, 1.0, False

    async def wait(self) -> None:
        self.failing = True
        await self.sleep(self.delay)
        self.delay = min(self.delay * 2, BACKOFF_MAX)

    def recovered(self) -> bool:
        """Note a success; True if it ends a streak of failures."""
        was, self.delay, self.failing = self.failing, 1.0, False
        return was


class Poller:
    """Long polling with the offset taken from the inbox; fatal when Telegram rejects the token."""

    def __init__(
        self,
        bot: BotClient,
        receiver: Receiver,
        allowed_updates: list[str],
        *,
        on_fatal: Callable[[str], None],
        on_polled: Callable[[], None] | None = None,
        timeout: int = POLL_TIMEOUT,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self.bot, self.receiver, self.allowed_updates = bot, receiver, allowed_updates
        self.on_fatal, self.on_polled, self.timeout, self.sleep = on_fatal, on_polled, timeout, sleep

    async def _delete_webhook(self) -> bool:
        """A webhook is still registered (the bot ran in webhook mode before): polling is what this start asked
        for (HPBOT_WEBHOOK_URL is not set), so the webhook goes; updates waiting at Telegram are kept."""
        log.warning(
            "a webhook is registered for this bot but HPBOT_WEBHOOK_URL is not set: deleting the webhook to poll"
        )
        try:
            return bool(await self.bot.delete_webhook(drop_pending_updates=False))
        except TelegramError as exc:
            log.warning("deleteWebhook failed (%s); retrying with backoff", type(exc).__name__)
            return False

    async def run(self) -> None:
        """Poll until cancelled (or until the token is rejected). A batch the inbox cannot record (the database
        locked or full) is not confirmed: it is fetched again, with backoff, until it is recorded."""
        polling, recording = Backoff(self.sleep), Backoff(self.sleep)
        webhook_deleted = False
        while True:
            offset = self.receiver.inbox.next_offset()
            try:
                batch = await self.bot.get_updates_raw(offset, self.timeout, self.allowed_updates)
            except InvalidToken:
                self.on_fatal(
                    "the Bot API rejected HPBOT_TOKEN while running (401 Unauthorized): the token was revoked or "
                    "changed in @BotFather; put the current token in HPBOT_TOKEN and start hpbot again"
                )
                return
            except RetryAfter as exc:
                await self.sleep(retry_after_seconds(exc) + 0.5)
                continue
            except (Conflict, NetworkError, TelegramError) as exc:
                if isinstance(exc, Conflict) and "webhook" in exc.message.lower() and not webhook_deleted:
                    webhook_deleted = True  # once per failing streak: never a loop of deletes
                    if await self._delete_webhook():
                        continue
                if not polling.failing:
                    log.warning(
                        "getUpdates failed (%s: %s); retrying with backoff", type(exc).__name__, exc.message
                    )
                await polling.wait()
                continue
            if polling.recovered():
                log.info("getUpdates works again")
            webhook_deleted = False
            if self.on_polled is not None:
                self.on_polled()
            if not batch:
                continue
            try:
                await self.receiver.take(batch)
            # the database locked or full: the batch is neither recorded nor confirmed
            except Exception as exc:
                if not recording.failing:
                    log.warning(
                        "could not record %d received updates (%s: %s); fetching them again with backoff",
                        len(batch),
                        type(exc).__name__,
                        exc,
                    )
                await recording.wait()
                continue
            if recording.recovered():
                log.info("received updates are recorded again")
