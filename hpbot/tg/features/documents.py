"""The group's study document: `/tailieu` lists the documents with how far the group is in each, and its buttons
switch (admins only; a group in a running competition studies the competition's document)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from hpbot import texts
from hpbot.app.documents import SwitchOutcome
from hpbot.texts import documents as doc_texts
from hpbot.tg.edge import AdminCheck
from hpbot.tg.features.daily import ack
from hpbot.tg.guards import admins_only
from hpbot.tg.router import Feature, callback, command

PREFIX = "doc:"


class Documents(Feature):
    @command("tailieu", "documents")
    @admins_only
    async def listing(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/tailieu: the documents, how far the group is in each, and buttons to switch."""
        group = self.edge.seen(self.edge.chat(update))
        documents = self.edge.study.documents
        buttons = [
            [InlineKeyboardButton(label, callback_data=PREFIX + document_id)]
            for label, document_id in documents.buttons(group)
        ]
        await self.edge.reply(
            update,
            documents.listing_html(group),
            reply_markup=InlineKeyboardMarkup(buttons) if buttons else None,
        )

    @callback(f"^{PREFIX}")
    async def switch(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A document's button: an admin switches the group to that document."""
        query = update.callback_query
        if query is None:
            return
        if query.message is None or not self.edge.in_group(update):
            await ack(query, texts.ACK_INVALID)
            return
        check = await self.edge.is_admin(update, context)
        if check is not AdminCheck.ADMIN:
            await ack(
                query, texts.ADMIN_UNCHECKED if check is AdminCheck.UNKNOWN else doc_texts.TOAST_ADMIN_ONLY
            )
            return
        group = self.edge.seen(self.edge.chat(update))
        documents = self.edge.study.documents
        result = documents.switch(group, (query.data or "")[len(PREFIX) :])
        switched = result.outcome is SwitchOutcome.SWITCHED
        await ack(query, doc_texts.TOAST_SWITCHED if switched else doc_texts.TOAST_NOT_SWITCHED)
        await self.edge.reply(update, documents.switch_html(result, self.edge.seen(self.edge.chat(update))))
