"""The daily loop in the group: answer buttons (acknowledged privately) and the pointer to today's question."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from hpbot import texts
from hpbot.app.study import AnswerOutcome
from hpbot.format import LETTERS
from hpbot.tg.edge import ANONYMOUS_ADMIN_ID
from hpbot.tg.guards import group_only
from hpbot.tg.router import Feature, callback, command

log = logging.getLogger(__name__)


async def ack(query: CallbackQuery, text: str) -> None:
    """The private toast. A query Telegram already considers too old cannot be answered: the answer is stored
    by then, so there is nothing to tell the member and nothing to retry."""
    try:
        await query.answer(text)
    except BadRequest as exc:
        log.info("callback %s not acknowledged: %s", query.id, exc.message)


class DailyLoop(Feature):
    @callback()
    async def tap(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An answer button: store the first answer, then acknowledge privately (a toast). Stale or foreign
        buttons get a polite toast too."""
        query = update.callback_query
        if query is None:
            return
        msg = query.message
        try:
            kind, round_id, option = (query.data or "").split(":")
            round_id_int, option_int = int(round_id), int(option)
            if kind != "a":
                raise ValueError(kind)
        except ValueError:
            await ack(query, texts.ACK_INVALID)
            return
        if msg is None or query.from_user.id == ANONYMOUS_ADMIN_ID:
            await ack(query, texts.ACK_ANONYMOUS if msg is not None else texts.ACK_INVALID)
            return
        user = query.from_user
        self.edge.study.member_seen(user.id, user.first_name, user.last_name, user.username)
        result = self.edge.study.answer(round_id_int, msg.chat.id, user.id, option_int)
        if result.outcome is AnswerOutcome.RECORDED and result.round is not None:
            await ack(
                query,
                texts.ACK_RECORDED.format(
                    letter=LETTERS[result.option], reveal=self.edge.rounds.reveal_hhmm(result.round)
                ),
            )
            self.edge.rounds.answers_changed(
                result.round
            )  # read just before the answer; the edit re-reads it
        elif result.outcome is AnswerOutcome.DUPLICATE:
            await ack(query, texts.ACK_DUPLICATE.format(letter=LETTERS[result.option]))
        elif result.outcome is AnswerOutcome.CLOSED:
            await ack(query, texts.ACK_CLOSED)
        else:
            await ack(query, texts.ACK_INVALID)

    @command("cauhoi", "today")
    @group_only
    async def today(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cauhoi: point to today's question."""
        group = self.edge.seen(self.edge.chat(update))
        if not group.active:
            await self.edge.reply(update, texts.TODAY_NOT_SUBSCRIBED)
            return
        rnd = self.edge.study.today_round(group.chat_id)
        if rnd is None or rnd.message_id is None:
            await self.edge.reply(update, texts.TODAY_NONE.format(post=group.post_time))
        elif rnd.is_open and update.effective_message is not None:
            await update.effective_message.reply_text(
                texts.TODAY_POINTER.format(reveal=self.edge.rounds.reveal_hhmm(rnd)),
                parse_mode=ParseMode.HTML,
                reply_to_message_id=rnd.message_id,
                allow_sending_without_reply=True,
            )
        else:
            await self.edge.reply(update, texts.TODAY_POINTER_CLOSED.format(post=group.post_time))
