"""The daily loop in the group: answer buttons (acknowledged privately) and the pointer to today's question."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes, filters

from hpbot import texts
from hpbot.app.messages import shown_letter
from hpbot.app.study import AnswerOutcome
from hpbot.tg.edge import ANONYMOUS_ADMIN_ID
from hpbot.tg.guards import group_only
from hpbot.tg.router import Feature, callback, command, message
from hpbot.tg.transport.ordering import PerChatOrder

log = logging.getLogger(__name__)
NUMBER_MAX = 2**62  # a round id or an option from a button fits SQLite's integers with room to spare


async def ack(query: CallbackQuery, text: str, *, alert: bool = False) -> None:
    """The private toast (or, with `alert`, the pop-up only the tapping member sees). It is said after the answer
    is stored, so a toast that fails (a query too old, a 5xx, a timeout) leaves nothing to retry and nothing to
    report as failed: a second tap tells the member again."""
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        log.info("callback %s not acknowledged: %s", query.id, exc.message)
    except TelegramError as exc:
        log.warning("callback %s not acknowledged (%s): %s", query.id, type(exc).__name__, exc.message)


def small_number(text: str) -> int | None:
    """A plain number 0…2**62 as a button carries it; None for anything else ('²', '٣', 30 digits, '-1')."""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if number <= NUMBER_MAX else None


class DailyLoop(Feature):
    @callback()
    async def tap(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An answer button: store the first answer, then acknowledge privately (a toast). Stale or foreign
        buttons get a polite toast too."""
        query = update.callback_query
        if query is None:
            return
        msg = query.message
        parts = (query.data or "").split(":")
        if parts[0] in ("r", "m"):
            await self.my_result(update, parts)
            return
        round_id = option = None
        if len(parts) == 3 and parts[0] == "a":
            round_id, option = small_number(parts[1]), small_number(parts[2])
        if round_id is None or option is None:
            log.info("callback %s with data not of a current button", query.id)
            await ack(query, texts.ACK_INVALID)
            return
        if msg is None or query.from_user.id == ANONYMOUS_ADMIN_ID:
            await ack(query, texts.ACK_ANONYMOUS if msg is not None else texts.ACK_INVALID)
            return
        user = query.from_user
        processor = context.application.update_processor
        arrived = processor.arrived_at(update) if isinstance(processor, PerChatOrder) else None
        self.edge.study.member_seen(user.id, user.first_name, user.last_name, user.username)
        result = self.edge.study.answer(round_id, msg.chat.id, user.id, option, at=arrived)
        self.edge.mark_answered(update)  # stored (or refused) for good: never reported as failed afterwards
        if result.outcome is AnswerOutcome.RECORDED and result.round is not None:
            await ack(
                query,
                texts.ACK_RECORDED.format(
                    letter=shown_letter(result.round, result.option),
                    reveal=self.edge.rounds.reveal_hhmm(result.round),
                ),
            )
            self.edge.rounds.answers_changed(
                result.round
            )  # read just before the answer; the edit re-reads it
        elif result.outcome is AnswerOutcome.DUPLICATE and result.round is not None:
            await ack(query, texts.ACK_DUPLICATE.format(letter=shown_letter(result.round, result.option)))
        elif result.outcome is AnswerOutcome.CLOSED:
            await ack(query, texts.ACK_CLOSED)
        else:
            await ack(query, texts.ACK_INVALID)

    async def my_result(self, update: Update, parts: list[str]) -> None:
        """ "📋 Kết quả của tôi" under the results (r:ROUND) or the /toi button (m): the member's own result or
        card, as a private alert."""
        query = update.callback_query
        assert query is not None
        user, msg = query.from_user, query.message
        if msg is None or user.id == ANONYMOUS_ADMIN_ID:
            await ack(query, texts.ACK_ANONYMOUS if msg is not None else texts.ACK_INVALID)
            return
        member_day = self.edge.member_day
        if parts == ["m"]:
            text = member_day.me_alert(msg.chat.id, user.id)
        elif len(parts) == 2 and (round_id := small_number(parts[1])) is not None:
            text = member_day.my_result(round_id, msg.chat.id, user.id)
        else:
            text = texts.ACK_INVALID
        self.edge.mark_answered(update)
        await ack(query, text, alert=True)

    @command("cauhoi", "today")
    @group_only
    async def today(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cauhoi: point to today's question."""
        group = self.edge.seen(self.edge.chat(update))
        if not group.active:
            await self.edge.reply(update, texts.TODAY_NOT_SUBSCRIBED)
            return
        rnd = self.edge.study.today_round(group.chat_id)
        off = self.edge.study.calendar.day_off(group.chat_id) if rnd is None else None
        if off is not None:  # a weekday the group does not study, or a pause: say so, not "posted at 07:00"
            await self.edge.reply(update, self.edge.study.calendar.day_off_html(off))
        elif rnd is None or rnd.message_id is None:
            await self.edge.reply(update, texts.TODAY_NONE.format(post=group.post_time))
        elif rnd.is_open and update.effective_message is not None:
            await update.effective_message.reply_text(
                texts.TODAY_POINTER.format(reveal=self.edge.rounds.reveal_hhmm(rnd)),
                parse_mode=ParseMode.HTML,
                reply_to_message_id=rnd.message_id,
                allow_sending_without_reply=True,
            )
            self.edge.mark_answered(update)
        else:  # revealed: where the post and its official answer are (a reply to the post reaches it in any group)
            text = self.edge.member_day.today_closed(group.chat_id, rnd, group.post_time)
            await self.reply_at(update, text, rnd.message_id)

    @command("homqua", "yesterday")
    @group_only
    async def yesterday(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/homqua: the last question revealed before today, its right option and its official answer."""
        group = self.edge.seen(self.edge.chat(update))
        found = self.edge.member_day.look_back(group.chat_id)
        if found is None:
            await self.edge.reply(update, texts.LOOK_BACK_NONE)
            return
        text, answer_message = found
        await self.reply_at(update, text, answer_message)

    @message(
        filters.ChatType.GROUPS & filters.REPLY & filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED
    )
    async def text_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A member replied to the bot in words (privacy mode lets only such replies through): while today's
        question is open, say once a day that only the buttons count."""
        msg = update.effective_message
        user = self.edge.person(update)
        if msg is None or user is None or msg.reply_to_message is None:
            return
        replied = msg.reply_to_message.from_user
        if replied is None or replied.id != context.bot.id:
            return
        rnd = self.edge.study.today_round(msg.chat.id)
        if rnd is None or not rnd.is_open or not self.edge.member_day.hint_due(msg.chat.id, user.id):
            return
        await self.reply_at(update, texts.TEXT_REPLY_HINT, msg.message_id)

    async def reply_at(self, update: Update, text: str, message_id: int | None) -> None:
        """An HTML reply quoting `message_id` (the post, an official answer), or a plain reply without one."""
        message = update.effective_message
        if message_id is None or message is None:
            await self.edge.reply(update, text)
            return
        sent = await message.reply_text(
            text,
            parse_mode=ParseMode.HTML,
            reply_to_message_id=message_id,
            allow_sending_without_reply=True,
            disable_web_page_preview=True,
        )
        self.edge.mark_answered(update)
        self.edge.study.note_message(sent.chat.id, sent.message_id)
