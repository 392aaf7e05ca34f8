"""The last word on an update that failed: logged once (never the token), and the person waiting told plainly,
unless they already had their answer."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from hpbot import texts
from hpbot.tg.router import Feature
from hpbot.tg.transport.pacing import ReplyDropped

log = logging.getLogger(__name__)


class Errors(Feature):
    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error (never the token) and tell a person in plain words when one is still waiting; never
        raises (PTB would log a second traceback for the same update)."""
        if isinstance(context.error, ReplyDropped):
            # the group's 20 messages a minute are spent (a flood): expected, and no other message would go out
            log.info("reply dropped: %s", context.error)
            return
        log.error("error while handling an update: %s", type(context.error).__name__, exc_info=context.error)
        if not isinstance(update, Update):
            return
        if self.edge.answered(update):
            # a second message saying "error" after a delivered reply (or a stored tap) would be false
            return
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(texts.ERROR_GENERIC)
                self.edge.mark_answered(update)
            elif update.effective_message is not None and update.effective_message.text:
                await self.edge.reply(update, texts.ERROR_GENERIC)
        except Exception as exc:  # the error itself is logged above; telling the person is best effort
            log.info("could not tell the user about the error: %s", type(exc).__name__)
