"""The organizer's unit list, in private chat: `/donvi N` shows it and waits for the file (or takes the file it
captions or replies to), `/donvi_mau` sends a template; reading the file is `hpbot/reports/unit_list.py`, the
rules `hpbot/domain/units.py`, the import `hpbot/app/units.py`."""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import Document, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes, filters

from hpbot import texts
from hpbot.app.competitions import Competition
from hpbot.app.units import UnitService
from hpbot.domain.units import UnitListError
from hpbot.format import short
from hpbot.reports import unit_list
from hpbot.texts import units as unit_texts
from hpbot.tg.features.organizers import OrganizerBase
from hpbot.tg.guards import organizers_in_private
from hpbot.tg.router import command, message

log = logging.getLogger(__name__)

WAITING_KEY = "units_for"  # user_data: the competition whose list the organizer's next file is


class UnitLists(OrganizerBase):
    @command("donvi", "units")
    @organizers_in_private
    async def units(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/donvi N: the list's summary and how to send it; the next file the organizer sends is that list. As a
        reply to a file, that file is imported."""
        comp = await self.chosen(update, self.first_arg(context), "donvi", required=True)
        if comp is None:
            return
        replied = self._message(update).reply_to_message
        if replied is not None and replied.document is not None:
            await self.import_document(update, comp, replied.document)
            return
        service = UnitService(self.edge.competitions)
        if context.user_data is not None:
            context.user_data[WAITING_KEY] = comp.id
        await self.edge.reply(
            update,
            service.summary_html(comp)
            + "\n\n"
            + unit_texts.WAITING.format(contest=texts.contest(escape(comp.name))),
        )

    @command("huy", "cancel", filter=filters.ChatType.PRIVATE)
    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/huy: stop waiting for a unit list."""
        if context.user_data is not None and context.user_data.pop(WAITING_KEY, None) is not None:
            await self.edge.reply(update, unit_texts.WAITING_CANCELLED)

    @command("donvi_mau", "units_template")
    @organizers_in_private
    async def template(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/donvi_mau: a sample unit list (.xlsx) to fill in."""
        await self._message(update).reply_document(
            InputFile(unit_list.template_xlsx(), filename="danh-sach-don-vi-mau.xlsx"),
            do_quote=False,
            parse_mode=ParseMode.HTML,
            caption=unit_texts.TEMPLATE_CAPTION,
        )
        self.edge.mark_answered(update)

    @message(filters.ChatType.PRIVATE & filters.Document.ALL & ~filters.UpdateType.EDITED)
    async def document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A file in private: a unit list when its caption is `/donvi N` or after `/donvi N` (organizers only)."""
        msg = self._message(update)
        caption = (msg.caption or "").split()
        head = caption[0].split("@")[0].lower() if caption else ""
        waiting = context.user_data.get(WAITING_KEY) if context.user_data is not None else None
        if head not in ("/donvi", "/units") and waiting is None:
            if self.edge.is_organizer(update):
                await self.edge.reply(update, unit_texts.DOCUMENT_UNEXPECTED)
            return
        if not self.edge.is_organizer(update):
            user = update.effective_user
            await self.edge.reply(
                update,
                texts.ORGANIZER_ONLY.format(user_id=user.id) if user else texts.ORGANIZER_ONLY_GROUP,
            )
            return
        arg = caption[1] if len(caption) > 1 and head in ("/donvi", "/units") else None
        if arg is None and isinstance(waiting, int):
            arg = str(waiting)
        comp = await self.chosen(update, arg, "donvi", required=True)
        if comp is None:
            return
        document = self._message(update).document
        assert document is not None  # the filter
        if await self.import_document(update, comp, document) and context.user_data is not None:
            context.user_data.pop(
                WAITING_KEY, None
            )  # a refused file: the next one is still taken as the list

    async def import_document(self, update: Update, comp: Competition, document: Document) -> bool:
        """Import the file as the competition's unit list; True once imported (the organizer told either way)."""
        name = document.file_name or "tep"
        shown = escape(short(name, 60))
        if (document.file_size or 0) > unit_list.FILE_MAX:
            await self.edge.reply(
                update, unit_texts.FILE_BIG.format(name=shown, mb=unit_list.FILE_MAX // (1024 * 1024))
            )
            return False
        try:
            file = await document.get_file()
            data = bytes(await file.download_as_bytearray())
            rows = await asyncio.to_thread(unit_list.read_rows, name, data)
        except unit_list.UnreadableFile as exc:
            log.info("unit list %r not readable: %s", name, exc)
            await self.edge.reply(update, unit_texts.FILE_BAD.format(name=shown))
            return False
        except TelegramError as exc:
            log.info("could not download a unit list: %s", exc.message)
            await self.edge.reply(update, unit_texts.FILE_BAD.format(name=shown))
            return False
        service = UnitService(self.edge.competitions)
        try:
            done = service.import_rows(comp, rows)
        except UnitListError as exc:
            await self.edge.reply(update, service.refused_html(comp, name, exc))
            return False
        await self.edge.reply(update, service.imported_html(comp, done))
        return True
