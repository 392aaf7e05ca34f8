"""The weekly bulletin of a competition, posted to each participating group on Monday from its post time.

Each (competition, group, week) is claimed in the database before the send, so it goes out at most once; a send
that fails in a way worth retrying gives the claim back for the next tick, a group that is gone keeps it.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from hpbot.app import messages as render
from hpbot.app.competitions import CompetitionService
from hpbot.tg.transport.retry import Delivery, GroupGone

log = logging.getLogger(__name__)


class BulletinSender:
    def __init__(self, bot: Bot, service: CompetitionService, delivery: Delivery, concurrency: int = 16) -> None:
        self.bot, self.service, self.delivery = bot, service, delivery
        self._slots = asyncio.Semaphore(concurrency)

    async def run_due(self) -> int:
        """Send the bulletins due now; returns how many were sent."""
        due = self.service.bulletins_due()
        if not due:
            return 0
        cache = self.service.new_week_cache()
        sent = 0

        async def one(comp, chat_id, week_start) -> None:
            nonlocal sent
            if not self.service.claim_bulletin(comp, chat_id, week_start):
                return
            text = render.bulletin(self.service.bulletin(comp, chat_id, week_start, cache))

            async def send(target: int) -> Message:
                return await self.bot.send_message(target, text, parse_mode=ParseMode.HTML)

            try:
                async with self._slots:
                    _, message = await self.delivery.call(chat_id, send)
            except GroupGone:
                return
            except BadRequest as exc:  # the same text would be refused again: keep the claim, say so
                log.error("bulletin of competition %s to chat %s refused: %s", comp.id, chat_id, exc.message)
                return
            except TelegramError as exc:
                log.warning("bulletin of competition %s to chat %s not sent (%s); will retry", comp.id, chat_id,
                            exc.message)
                self.service.comps.release_bulletin(comp.id, chat_id, week_start)
                return
            self.service.comps.bulletin_sent(comp.id, message.chat_id, week_start, message.message_id)
            self.service.store.note_message(message.chat_id, message.message_id)
            sent += 1

        await asyncio.gather(*(one(*entry) for entry in due))
        if sent:
            log.info("sent %d weekly bulletins", sent)
        return sent
