"""What every feature of the Telegram edge shares: the use cases, replying, who is asking, and where."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from telegram import Chat, ChatMember, Update, User
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from hpbot.app.competitions import CompetitionService
from hpbot.app.rounds import RoundLifecycle
from hpbot.app.study import Group, StudyService

log = logging.getLogger(__name__)
ANONYMOUS_ADMIN_ID = 1087968824  # GroupAnonymousBot: an admin posting as the group
ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)


@dataclass
class Edge:
    study: StudyService
    rounds: RoundLifecycle
    competitions: CompetitionService

    async def reply(self, update: Update, text: str, **kwargs: Any) -> None:
        """An HTML reply in the chat of the update (not quoting it); in a group its id is noted for the probe."""
        message = update.effective_message
        if message is not None:
            sent = await message.reply_text(text, parse_mode=ParseMode.HTML, do_quote=False, **kwargs)
            if self.in_group(update):
                self.study.note_message(sent.chat.id, sent.message_id)

    @staticmethod
    def in_group(update: Update) -> bool:
        chat = update.effective_chat
        return chat is not None and chat.type in GROUP_TYPES

    @staticmethod
    def chat(update: Update) -> Chat:
        """The update's chat (every command and tap has one)."""
        chat = update.effective_chat
        assert chat is not None
        return chat

    @staticmethod
    def args(context: ContextTypes.DEFAULT_TYPE) -> list[str]:
        return list(context.args or [])

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

    def is_organizer(self, update: Update) -> bool:
        """An organizer writing as themselves (not as a channel or an anonymous admin)."""
        user, message = update.effective_user, update.effective_message
        anonymous = message is not None and message.sender_chat is not None
        return not anonymous and self.competitions.is_organizer(user.id if user else None)

    def seen(self, chat: Chat) -> Group:
        """The group as stored, its title refreshed."""
        return self.study.group_seen(chat.id, chat.title or "", chat.type)

    def person(self, update: Update) -> User | None:
        """The member behind a command, recorded with their current name; None for anonymous senders."""
        user, message = update.effective_user, update.effective_message
        if user is None or user.id == ANONYMOUS_ADMIN_ID or (message is not None and message.sender_chat):
            return None
        self.study.member_seen(user.id, user.first_name, user.last_name, user.username)
        return user

    @staticmethod
    def rest_of(update: Update) -> str:
        """The text after the command (names contain spaces and '|')."""
        text = (update.effective_message.text or "") if update.effective_message else ""
        parts = text.split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""
