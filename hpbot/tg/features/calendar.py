"""A group's study calendar and its reminder: `/lich`, `/tamdung`, `/nhacnho` (admins), and the reminder's button
("🔔 Tôi đã trả lời chưa?"), answered with a private alert."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from hpbot import texts
from hpbot.app.calendar import REMINDER_PREFIX
from hpbot.tg.edge import ANONYMOUS_ADMIN_ID
from hpbot.tg.features.daily import ack, small_number
from hpbot.tg.guards import admins_only
from hpbot.tg.router import Feature, callback, command


class Calendar(Feature):
    @command("lich", "calendar")
    @admins_only
    async def calendar(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/lich [T2-T6]: show or set the weekdays the group studies."""
        chat_id = self.edge.seen(self.edge.chat(update)).chat_id
        typed = self.edge.rest_of(update)
        service = self.edge.study.calendar
        await self.edge.reply(update, service.set_days(chat_id, typed) if typed else service.show(chat_id))

    @command("tamdung", "pause")
    @admins_only
    async def pause(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/tamdung [dd/mm/yyyy dd/mm/yyyy | xoa]: list, add or remove the group's pauses."""
        chat_id = self.edge.seen(self.edge.chat(update)).chat_id
        await self.edge.reply(update, self.edge.study.calendar.pause(chat_id, self.edge.args(context)))

    @command("nhacnho", "reminder")
    @admins_only
    async def reminder(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/nhacnho [phút | tat]: show or set the reminder before the reveal."""
        group = self.edge.seen(self.edge.chat(update))
        text = self.edge.study.calendar.reminder_setting(
            group.chat_id, self.edge.rest_of(update), group.times
        )
        self.edge.rounds.schedule_changed()
        await self.edge.reply(update, text)

    @callback(f"^{REMINDER_PREFIX}")
    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The reminder's button: whether the tapping member answered today, privately (never rightly or not)."""
        query = update.callback_query
        if query is None:
            return
        msg, user = query.message, query.from_user
        if msg is None or user.id == ANONYMOUS_ADMIN_ID:
            await ack(query, texts.ACK_ANONYMOUS if msg is not None else texts.ACK_INVALID)
            return
        round_id = small_number((query.data or "")[len(REMINDER_PREFIX) :])
        text = (
            texts.ACK_INVALID
            if round_id is None
            else self.edge.study.calendar.check_alert(round_id, msg.chat.id, user.id)
        )
        self.edge.mark_answered(update)
        await ack(query, text, alert=True)
