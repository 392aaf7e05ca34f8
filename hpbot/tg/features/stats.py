"""/thongke: a group's last 30 days as a chart.

The chart builder (matplotlib) is imported when a chart is first asked for, not at start-up: it doubles the bot's
start-up time and memory, and most runs never draw a chart.
"""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from hpbot import texts
from hpbot.format import number
from hpbot.tg.edge import Edge
from hpbot.tg.guards import group_only
from hpbot.tg.router import Feature, command


class Stats(Feature):
    def __init__(self, edge: Edge) -> None:
        super().__init__(edge)
        self._charts: dict[
            int, tuple[tuple[object, ...], str]
        ] = {}  # chat -> (what it shows, Telegram file id)

    @command("thongke", "stats")
    @group_only
    async def stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/thongke: a PNG of the group's last 30 days (sent again by file id while nothing new was revealed)."""
        from hpbot.reports import charts

        chat = self.edge.chat(update)
        comps = self.edge.competitions
        days = comps.group_days(chat.id)
        asked = [d for d in days if d.answers is not None]
        if not asked:
            await self.edge.reply(update, texts.STATS_NONE)
            return
        answers = sum(d.answers or 0 for d in asked)
        right = sum(d.correct or 0 for d in asked)
        caption = texts.STATS_CAPTION.format(
            days=len(asked), answers=answers, right=number(100 * right / answers if answers else 0)
        )
        key = (days[-1].study_date, comps.last_revealed_round(chat.id), chat.title)
        cached = self._charts.get(chat.id)
        photo: InputFile | str
        if cached and cached[0] == key:
            photo = cached[1]
        else:
            at = comps.now().astimezone(comps.tz).strftime("%H:%M %d/%m/%Y")
            png = await asyncio.to_thread(charts.group_activity, days, chat.title or "", at)
            photo = InputFile(png, filename=f"thongke-{days[-1].study_date:%Y%m%d}.png")
        assert update.effective_message is not None
        sent = await update.effective_message.reply_photo(
            photo, caption=caption, do_quote=False, parse_mode=ParseMode.HTML
        )
        self.edge.mark_answered(update)
        self.edge.study.note_message(sent.chat.id, sent.message_id)
        if sent.photo:
            self._charts[chat.id] = (key, sent.photo[-1].file_id)
