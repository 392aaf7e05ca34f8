"""Thin Telegram handlers: read the update, call a use case, render a reply."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from html import escape

from telegram import Chat, ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from hpbot import texts
from hpbot.app import messages as render
from hpbot.app.rounds import StudyRuntime
from hpbot.app.study import PERIOD_ALIASES, AnswerOutcome
from hpbot.domain import schedule

log = logging.getLogger(__name__)
ANONYMOUS_ADMIN_ID = 1087968824  # GroupAnonymousBot: an admin posting as the group
ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)


class Handlers:
    def __init__(self, runtime: StudyRuntime) -> None:
        self.runtime = runtime
        self.service = runtime.service
        self.competition_board: Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]] | None = None

    # helpers ------------------------------------------------------------------------------------------------
    async def reply(self, update: Update, text: str, **kwargs) -> None:
        message = update.effective_message
        if message is not None:
            sent = await message.reply_text(text, parse_mode=ParseMode.HTML, do_quote=False, **kwargs)
            if self.in_group(update):
                self.service.store.note_message(sent.chat.id, sent.message_id)

    @staticmethod
    def in_group(update: Update) -> bool:
        chat = update.effective_chat
        return chat is not None and chat.type in GROUP_TYPES

    async def is_admin(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """Chat admins, including anonymous admins who post as the group itself."""
        chat, message, user = update.effective_chat, update.effective_message, update.effective_user
        if chat is None or message is None:
            return False
        if message.sender_chat is not None:
            return message.sender_chat.id == chat.id
        if user is None or user.id == ANONYMOUS_ADMIN_ID:
            return False
        try:
            member = await context.bot.get_chat_member(chat.id, user.id)
        except TelegramError:
            log.warning("could not check admin status in chat %s", chat.id)
            return False
        return member.status in ADMIN_STATUSES

    async def admin_guard(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        if not self.in_group(update):
            await self.reply(update, texts.GROUP_ONLY)
            return False
        if not await self.is_admin(update, context):
            await self.reply(update, texts.ADMIN_ONLY)
            return False
        return True

    def seen(self, chat: Chat):
        return self.service.group_seen(chat.id, chat.title or "", chat.type)

    async def note_ids(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Keep the highest message id seen in each group (runs before the command handlers, group -1)."""
        message = update.effective_message
        if message is not None and self.in_group(update):
            self.service.store.note_message(message.chat.id, message.message_id)

    def person(self, update: Update):
        """The member behind a command, recorded with their current name; None for anonymous senders."""
        user, message = update.effective_user, update.effective_message
        if user is None or user.id == ANONYMOUS_ADMIN_ID or (message is not None and message.sender_chat):
            return None
        self.service.store.touch_user(user.id, user.first_name, user.last_name, user.username, self.service.now())
        return user

    # membership ---------------------------------------------------------------------------------------------
    async def my_chat_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was added to or removed from a chat: greet, or stop writing there."""
        change: ChatMemberUpdated = update.my_chat_member  # type: ignore[assignment]
        chat = change.chat
        if chat.type not in GROUP_TYPES:
            return
        was_in = change.old_chat_member.status not in (ChatMember.LEFT, ChatMember.BANNED)
        now_in = change.new_chat_member.status not in (ChatMember.LEFT, ChatMember.BANNED)
        if now_in and not was_in:
            self.service.bot_returned(chat.id, chat.title or "", chat.type)
            await context.bot.send_message(chat.id, texts.GREETING, parse_mode=ParseMode.HTML)
        elif was_in and not now_in:
            self.service.bot_removed(chat.id)

    async def migrated(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group became a supergroup: keep everything under the new id."""
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id:
            self.service.migrate(message.chat.id, message.migrate_to_chat_id)
        elif message.migrate_from_chat_id:
            self.service.migrate(message.migrate_from_chat_id, message.chat.id)

    # admin commands -----------------------------------------------------------------------------------------
    async def subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/dangky: subscribe the group to the daily question."""
        if not await self.admin_guard(update, context):
            return
        chat = update.effective_chat
        group, already = self.service.subscribe(chat.id, chat.title or "", chat.type)
        template = texts.ALREADY_SUBSCRIBED if already else texts.SUBSCRIBED
        await self.reply(update, template.format(post=group.post_time, reveal=group.reveal_time))
        if not already:
            await self.runtime.run_due()

    async def unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/huydangky: stop the daily question."""
        if not await self.admin_guard(update, context):
            return
        done = self.service.unsubscribe(update.effective_chat.id)
        await self.reply(update, texts.UNSUBSCRIBED if done else texts.NOT_SUBSCRIBED)

    async def settings(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/caidat [HH:MM HH:MM]: show or change the post and reveal times."""
        if not await self.admin_guard(update, context):
            return
        chat = update.effective_chat
        group = self.seen(chat)
        args = context.args or []
        if args:
            try:
                times = schedule.parse_times(args)
            except schedule.TimeFormatError:
                await self.reply(update, texts.SETTINGS_BAD_FORMAT)
                return
            except ValueError:
                await self.reply(update, texts.SETTINGS_BAD_ORDER)
                return
            group = self.service.set_times(chat.id, times)
            await self.reply(update, texts.SETTINGS_SAVED.format(post=group.post_time, reveal=group.reveal_time))
            return
        await self.reply(update, texts.SETTINGS.format(
            status=texts.STATUS_ACTIVE if group.active else texts.STATUS_INACTIVE,
            post=group.post_time, reveal=group.reveal_time, tz=escape(self.service.tz.key)))

    async def post_now(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/guingay: post today's question now if it is not posted yet."""
        if not await self.admin_guard(update, context):
            return
        group = self.seen(update.effective_chat)
        if not group.active:
            await self.reply(update, texts.NOT_SUBSCRIBED)
            return
        if self.service.today_round(group.chat_id) is not None:
            await self.reply(update, texts.POSTNOW_ALREADY)
            return
        if not await self.runtime.post_for(group, early=True) and self.service.today_round(group.chat_id) is None:
            await self.reply(update, texts.POSTNOW_TOO_LATE.format(reveal=group.reveal_time))

    async def reveal_now(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/congbo: reveal today's answer now."""
        if not await self.admin_guard(update, context):
            return
        rnd = self.service.today_round(update.effective_chat.id)
        if rnd is None or not rnd.is_open:
            await self.reply(update, texts.REVEAL_NOTHING)
            return
        await self.runtime.reveal(rnd)

    # member commands ----------------------------------------------------------------------------------------
    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: a greeting in private, the help in a group."""
        if self.in_group(update):
            await self.reply(update, texts.GREETING)
            return
        user = update.effective_user
        name = escape(render.display_name(user.first_name, user.last_name, user.username)) if user else ""
        await self.reply(update, texts.START_PRIVATE.format(name=name))

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/trogiup: commands and scoring rules."""
        await self.reply(update, texts.HELP)

    async def today(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cauhoi: point to today's question."""
        if not self.in_group(update):
            await self.reply(update, texts.GROUP_ONLY)
            return
        group = self.seen(update.effective_chat)
        if not group.active:
            await self.reply(update, texts.TODAY_NOT_SUBSCRIBED)
            return
        rnd = self.service.today_round(group.chat_id)
        if rnd is None or rnd.message_id is None:
            await self.reply(update, texts.TODAY_NONE.format(post=group.post_time))
        elif rnd.is_open:
            await update.effective_message.reply_text(
                texts.TODAY_POINTER.format(reveal=self.runtime.reveal_hhmm(rnd)), parse_mode=ParseMode.HTML,
                reply_to_message_id=rnd.message_id, allow_sending_without_reply=True)
        else:
            await self.reply(update, texts.TODAY_POINTER_CLOSED.format(post=group.post_time))

    async def leaderboard(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/bxh [tuan|thang|tatca]: the group's top 10 and the caller's line."""
        if not self.in_group(update):
            await self.reply(update, texts.GROUP_ONLY)
            return
        raw = " ".join(context.args or []).strip().lower() or "tuan"
        if raw in texts.COMPETITION_WORDS and self.competition_board is not None:
            await self.competition_board(update, context)
            return
        period = PERIOD_ALIASES.get(raw)
        if period is None:
            await self.reply(update, texts.BOARD_BAD_PERIOD)
            return
        user = self.person(update)
        ranked = self.service.leaderboard(update.effective_chat.id, period)
        today = self.service.today()
        start, end = schedule.week_bounds(today)
        title = texts.BOARD_TITLES[period].format(start=render.day(start)[:5], end=render.day(end)[:5],
                                                  month=today.strftime("%m/%Y"))
        await self.reply(update, render.board(title, ranked, user.id if user else None))

    async def me(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/toi: the caller's points, streak, accuracy and rank."""
        if not self.in_group(update):
            await self.reply(update, texts.GROUP_ONLY)
            return
        user = self.person(update)
        if user is None:
            await self.reply(update, texts.UNKNOWN_MEMBER)
            return
        card = self.service.me(update.effective_chat.id, user.id)
        if card is None:
            await self.reply(update, texts.ME_NONE)
            return
        s = card.standing
        accuracy = round(100 * s.correct / s.answers) if s.answers else 0
        await self.reply(update, texts.ME.format(
            name=escape(render.display_name(user.first_name, user.last_name, user.username)), points=s.points,
            rank=card.rank, total=card.total, streak=s.streak, best=card.best_streak, answers=s.answers,
            correct=s.correct, accuracy=accuracy))

    # answers ------------------------------------------------------------------------------------------------
    @staticmethod
    async def ack(query, text: str) -> None:
        """The private toast. A query Telegram already considers too old cannot be answered: the answer is stored
        by then, so there is nothing to tell the member and nothing to retry."""
        try:
            await query.answer(text)
        except BadRequest as exc:
            log.info("callback %s not acknowledged: %s", query.id, exc.message)

    async def tap(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An answer button: store the first answer, then acknowledge privately (a toast)."""
        query = update.callback_query
        message = query.message
        try:
            _, round_id, option = (query.data or "").split(":")
            round_id_int, option_int = int(round_id), int(option)
        except ValueError:
            await self.ack(query, texts.ACK_INVALID)
            return
        if message is None or query.from_user.id == ANONYMOUS_ADMIN_ID:
            await self.ack(query, texts.ACK_ANONYMOUS if message is not None else texts.ACK_INVALID)
            return
        user = query.from_user
        self.service.store.touch_user(user.id, user.first_name, user.last_name, user.username, self.service.now())
        result = self.service.answer(round_id_int, message.chat.id, user.id, option_int)
        if result.outcome is AnswerOutcome.RECORDED:
            await self.ack(query, texts.ACK_RECORDED.format(letter=render.LETTERS[result.option],
                                                         reveal=self.runtime.reveal_hhmm(result.round)))
            self.runtime.answers_changed(result.round)  # read just before the answer; the edit re-reads it
        elif result.outcome is AnswerOutcome.DUPLICATE:
            await self.ack(query, texts.ACK_DUPLICATE.format(letter=render.LETTERS[result.option]))
        elif result.outcome is AnswerOutcome.CLOSED:
            await self.ack(query, texts.ACK_CLOSED)
        else:
            await self.ack(query, texts.ACK_INVALID)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error (never the token) and tell a person in plain words when one is waiting."""
        log.error("error while handling an update: %s", type(context.error).__name__, exc_info=context.error)
        if isinstance(update, Update):
            try:
                if update.callback_query is not None:
                    await update.callback_query.answer(texts.ERROR_GENERIC)
                elif update.effective_message is not None and update.effective_message.text:
                    await self.reply(update, texts.ERROR_GENERIC)
            except TelegramError as exc:
                log.debug("could not tell the user about the error: %s", exc.message)
