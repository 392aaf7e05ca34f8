"""The bot's place in chats: added, removed, a group become a supergroup; greetings, help and message ids."""

from __future__ import annotations

from html import escape

from telegram import ChatMember, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes, filters

from hpbot import texts
from hpbot.format import display_name
from hpbot.tg.edge import GROUP_TYPES
from hpbot.tg.router import Feature, command, message, my_chat_member

LEFT = (ChatMember.LEFT, ChatMember.BANNED)


class Membership(Feature):
    @message(filters.ChatType.GROUPS & ~filters.UpdateType.EDITED, group=-1)
    async def note_ids(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Keep the highest message id seen in each group (runs before the command handlers, group -1)."""
        msg = update.effective_message
        if msg is not None and self.edge.in_group(update):
            self.edge.study.note_message(msg.chat.id, msg.message_id)

    @my_chat_member()
    async def my_chat_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was added to or removed from a chat: greet, or stop writing there."""
        change = update.my_chat_member
        if change is None or change.chat.type not in GROUP_TYPES:
            return
        chat = change.chat
        self.edge.forget_admins(chat.id)  # whoever changed the bot's place there is an admin: ask afresh
        was_in = change.old_chat_member.status not in LEFT
        now_in = change.new_chat_member.status not in LEFT
        if now_in and not was_in:
            self.edge.study.bot_returned(chat.id, chat.title or "", chat.type)
            await context.bot.send_message(chat.id, texts.GREETING, parse_mode=ParseMode.HTML)
        elif was_in and not now_in:
            self.edge.study.bot_removed(chat.id)

    @message(filters.StatusUpdate.MIGRATE)
    async def migrated(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group became a supergroup: keep everything under the new id."""
        msg = update.effective_message
        if msg is None:
            return
        if msg.migrate_to_chat_id:
            self.edge.study.migrate(msg.chat.id, msg.migrate_to_chat_id)
        elif msg.migrate_from_chat_id:
            self.edge.study.migrate(msg.migrate_from_chat_id, msg.chat.id)

    @command("start")
    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: a greeting in private; in a group the greeting, or what the subscribed group can do."""
        if self.edge.in_group(update):
            subscribed = self.edge.seen(self.edge.chat(update)).active
            await self.edge.reply(update, texts.GREETING_SUBSCRIBED if subscribed else texts.GREETING)
            return
        user = update.effective_user
        name = escape(display_name(user.first_name, user.last_name, user.username)) if user else ""
        await self.edge.reply(update, texts.START_PRIVATE.format(name=name))

    @command("trogiup", "help")
    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/trogiup: commands and scoring rules; in private, an organizer also gets the contest commands."""
        user = update.effective_user
        organizer = (
            not self.edge.in_group(update)
            and user is not None
            and self.edge.competitions.is_organizer(user.id)
        )
        await self.edge.reply(update, texts.HELP + texts.HELP_ORGANIZER if organizer else texts.HELP)
