"""The last word on an update that failed: logged once (never the token), and the person waiting told plainly."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from hpbot import texts
from hpbot.tg.router import Feature

log = logging.getLogger(__name__)


class Errors(Feature):
    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error (never the token) and tell a person in plain words when one is waiting."""
        log.error("error while handling an update: %s", type(context.error).__name__, exc_info=context.error)
        if isinstance(update, Update):
            try:
                if update.callback_query is not None:
                    await update.callback_query.answer(texts.ERROR_GENERIC)
                elif update.effective_message is not None and update.effective_message.text:
                    await self.edge.reply(update, texts.ERROR_GENERIC)
            except TelegramError as exc:
                log.debug("could not tell the user about the error: %s", exc.message)
