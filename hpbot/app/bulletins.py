"""The weekly bulletin of a competition, posted to each participating group on Monday from its post time.

Each (competition, group, week) is claimed in the database before the send, so it goes out at most once; a send
that fails in a way worth retrying gives the claim back for the next due check, a group that is gone keeps it.
A group on a pause of its study calendar gets no bulletin while the pause lasts.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from hpbot.app import messages
from hpbot.app.calendar import CalendarService
from hpbot.app.competitions import CompetitionService
from hpbot.app.ports import Outbound
from hpbot.errors import DeliveryError, GroupGone, Refused
from hpbot.store.competitions import Competition

log = logging.getLogger(__name__)


class BulletinRun:
    def __init__(self, outbound: Outbound, service: CompetitionService, concurrency: int = 16) -> None:
        self.outbound, self.service = outbound, service
        self.calendar = CalendarService(service.store, service.clock, service.tz)
        self._slots = asyncio.Semaphore(concurrency)

    async def run_due(self) -> int:
        """Send the bulletins due now; returns how many were sent."""
        due = self.service.bulletins_due()
        if not due:
            return 0
        today = self.service.today()
        paused = self.calendar.paused_on(today)
        # a paused group's bulletin is left unclaimed: lifting the pause today sends it
        due = [entry for entry in due if entry[1] not in paused]
        cache = self.service.new_week_cache()
        sent = 0

        async def one(comp: Competition, chat_id: int, week_start: date) -> None:
            nonlocal sent
            if not self.service.claim_bulletin(comp, chat_id, week_start):
                return
            text = messages.bulletin(self.service.bulletin(comp, chat_id, week_start, cache))
            try:
                async with self._slots:
                    delivered = await self.outbound.send(chat_id, text)
            except GroupGone:
                return
            except Refused as exc:  # the same text would be refused again: keep the claim, say so
                log.error("bulletin of competition %s to chat %s refused: %s", comp.id, chat_id, exc.detail)
                return
            except DeliveryError as exc:
                log.warning(
                    "bulletin of competition %s to chat %s not sent (%s); will retry",
                    comp.id,
                    chat_id,
                    exc.detail,
                )
                self.service.release_bulletin(comp, chat_id, week_start)
                return
            self.service.bulletin_sent(comp, delivered.chat_id, week_start, delivered.message_id)
            sent += 1

        await asyncio.gather(*(one(*entry) for entry in due))
        if sent:
            log.info("sent %d weekly bulletins", sent)
        return sent
