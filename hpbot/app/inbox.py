"""Every update handled once: recorded before its batch is confirmed to Telegram, marked when handled.

What is guaranteed (docs/reliability.md): an update Telegram delivered is never lost — it is in the database before
Telegram is told it arrived, and one still pending at a crash is handled after the restart; an update id delivered
again (a replay, a webhook retry, a batch fetched twice) is not handled again. The one window left is the moment
between a handler's effect and the mark that it was handled: a crash exactly then handles that update again.

The marks of the updates handled in one turn of the event loop are written together, in one transaction at the
end of that turn (`flush`; also before the next batch is recorded, and at shutdown): at 1,000 taps/s a transaction
per mark was a tenth of the bot's database time. The window above stays within the turn of the loop that handled
the update.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from hpbot.clock import Clock
from hpbot.store import Store

KEEP = timedelta(hours=48)  # Telegram keeps an unconfirmed update for 24 hours
PRUNE_EVERY = 1000  # handled updates between two prunes


class UpdateInbox:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.inbox, self.clock = store.inbox, clock
        self._since_prune = 0
        self._replaying: set[int] = set()  # pending updates handed out for replay and not handled yet
        self._replayed = asyncio.Event()
        self._replayed.set()
        self._handled: list[int] = []  # handled, their mark not written yet (see `flush`)
        self._flush_due = False

    def receive(self, updates: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Record a batch as it arrives; returns the updates not seen before, in order (the rest are replays)."""
        batch = [u for u in updates if isinstance(u.get("update_id"), int)]
        if not batch:
            return []
        self.flush()
        fresh = self.inbox.receive(
            ((u["update_id"], json.dumps(u, ensure_ascii=False)) for u in batch), self.clock.now()
        )
        new = []
        for update in batch:  # an id twice in one batch is new once
            if update["update_id"] in fresh:
                fresh.discard(update["update_id"])
                new.append(update)
        return new

    def done(self, update_id: int) -> None:
        """The update is handled: its mark is written at the end of this turn of the event loop (at once when no
        loop runs)."""
        self._handled.append(update_id)
        if not self._flush_due:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self.flush()
            else:
                self._flush_due = True
                loop.call_soon(self.flush)
        if self._replaying:
            self._replaying.discard(update_id)
            if not self._replaying:
                self._replayed.set()

    def flush(self) -> None:
        """Write the marks of the updates handled since the last flush, in one transaction."""
        self._flush_due = False
        if not self._handled:
            return
        handled, self._handled = self._handled, []
        self.inbox.done_all(handled, self.clock.now())
        self._since_prune += len(handled)
        if self._since_prune >= PRUNE_EVERY:
            self._since_prune = 0
            self.inbox.prune(self.clock.now() - KEEP)

    def pending(self) -> list[tuple[dict[str, Any], datetime]]:
        """Updates received but not handled before the last stop, oldest first, with when they first arrived (a
        replayed tap is timed then, not at its replay). `replayed()` waits until these are handled."""
        pending = [(json.loads(raw), received) for _, raw, received in self.inbox.pending() if raw]
        self._replaying = {update["update_id"] for update, _ in pending}
        if self._replaying:
            self._replayed.clear()
        return pending

    async def replayed(self, timeout: float) -> bool:
        """Wait until the updates of the last `pending()` are handled; False if `timeout` seconds pass first."""
        try:
            await asyncio.wait_for(self._replayed.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def next_offset(self) -> int:
        """The getUpdates offset that confirms everything recorded."""
        self.flush()
        last = self.inbox.last_id()
        return last + 1 if last is not None else 0
