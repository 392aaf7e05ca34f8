"""What private practice does after each due check: fold revealed rounds into members' practice, and send the daily
reminders whose time has come.

A reminder is claimed in the database before it is sent, so it goes at most once a day; a failure worth retrying
gives the claim back, a member who blocked the bot (403) is marked and never written to again until they come back.
"""

from __future__ import annotations

import asyncio
import logging

from hpbot.app.ports import Outbound
from hpbot.app.practice import PracticeService
from hpbot.errors import DeliveryError, GroupGone, Refused
from hpbot.texts import practice as texts

log = logging.getLogger(__name__)


class PracticeRun:
    def __init__(self, outbound: Outbound, practice: PracticeService, concurrency: int = 16) -> None:
        self.outbound, self.practice = outbound, practice
        self._slots = asyncio.Semaphore(concurrency)

    async def run_due(self) -> int:
        """Fold what was revealed, then send the reminders due now; returns how many reminders went out."""
        self.practice.fold_revealed()
        due = self.practice.reminders_due()
        if not due:
            return 0
        store, today = self.practice.store, self.practice.today()
        sent = 0

        async def one(user_id: int) -> None:
            nonlocal sent
            member = store.practice_member(user_id)
            previous = member.reminded_on if member else None
            if not store.claim_reminder(user_id, today):
                return
            count = self.practice.due_count(user_id)
            if count == 0:
                return  # nothing to practise today: no message
            try:
                async with self._slots:
                    await self.outbound.send(user_id, texts.REMINDER.format(count=count))
            except GroupGone:
                store.mark_blocked(user_id, self.practice.now())
                return
            except Refused as exc:
                log.error("reminder to %s refused: %s", user_id, exc.detail)
                return
            except DeliveryError as exc:
                log.warning("reminder to %s not sent (%s); will retry", user_id, exc.detail)
                store.release_reminder(user_id, previous)
                return
            sent += 1

        await asyncio.gather(*(one(user_id) for user_id in due))
        if sent:
            log.info("sent %d practice reminders", sent)
        return sent
