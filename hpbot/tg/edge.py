"""What every feature of the Telegram edge shares: the use cases, replying, who is asking, and where."""

from __future__ import annotations

import enum
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import Chat, ChatMember, Update, User
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from hpbot.app.competitions import CompetitionService
from hpbot.app.member_day import MemberDayService
from hpbot.app.rounds import RoundLifecycle
from hpbot.app.study import Group, StudyService

log = logging.getLogger(__name__)
ANONYMOUS_ADMIN_ID = 1087968824  # GroupAnonymousBot: an admin posting as the group
ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)
ADMINS_FRESH = timedelta(seconds=60)  # a group's admin list is asked for at most once a minute…
ADMINS_RECHECK = timedelta(seconds=10)  # …but a refusal is never made on a list older than this
ADMINS_GROUPS = 4096  # groups whose admin lists are kept at once
ANSWERED_KEPT = 4096  # updates remembered as answered (far more than are handled at once)


class AdminCheck(enum.Enum):
    """Whether the sender is an admin of the chat: UNKNOWN when Telegram could not be asked."""

    ADMIN = "admin"
    NOT_ADMIN = "not_admin"
    UNKNOWN = "unknown"


@dataclass
class Edge:
    study: StudyService
    rounds: RoundLifecycle
    competitions: CompetitionService
    _admins: OrderedDict[int, tuple[datetime, frozenset[int]]] = field(
        default_factory=OrderedDict, init=False, repr=False
    )
    _answered: OrderedDict[int, None] = field(default_factory=OrderedDict, init=False, repr=False)
    member_day: MemberDayService = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.member_day = MemberDayService(self.study)

    async def reply(self, update: Update, text: str, **kwargs: Any) -> None:
        """An HTML reply in the chat of the update (not quoting it); in a group its id is noted for the probe."""
        message = update.effective_message
        if message is not None:
            sent = await message.reply_text(text, parse_mode=ParseMode.HTML, do_quote=False, **kwargs)
            self.mark_answered(update)
            if self.in_group(update):
                self.study.note_message(sent.chat.id, sent.message_id)

    def mark_answered(self, update: Update) -> None:
        """The person behind the update has had their answer (a reply, a toast, a stored tap): whatever fails
        afterwards is logged, not reported to them as a second message."""
        self._answered[update.update_id] = None
        self._answered.move_to_end(update.update_id)
        while len(self._answered) > ANSWERED_KEPT:
            self._answered.popitem(last=False)

    def answered(self, update: Update) -> bool:
        return update.update_id in self._answered

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

    async def is_admin(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> AdminCheck:
        """Chat admins, including anonymous admins who post as the group itself; UNKNOWN when Telegram did not
        answer. The group's admin list is kept for a minute (one look-up per group, not one per command)."""
        chat, message, user = update.effective_chat, update.effective_message, update.effective_user
        if chat is None or message is None:
            return AdminCheck.NOT_ADMIN
        if message.sender_chat is not None:
            return AdminCheck.ADMIN if message.sender_chat.id == chat.id else AdminCheck.NOT_ADMIN
        if user is None or user.id == ANONYMOUS_ADMIN_ID:
            return AdminCheck.NOT_ADMIN
        now = self.study.now()
        cached = self._admins.get(chat.id)
        if cached is not None and now - cached[0] < ADMINS_FRESH:
            if user.id in cached[1]:
                return AdminCheck.ADMIN
            if now - cached[0] < ADMINS_RECHECK:
                return AdminCheck.NOT_ADMIN
        try:
            admins = await context.bot.get_chat_administrators(chat.id)
        except TelegramError as exc:
            log.warning("could not check admin status in chat %s: %s", chat.id, exc.message)
            self.forget_admins(chat.id)
            return AdminCheck.UNKNOWN
        ids = frozenset(m.user.id for m in admins if m.status in ADMIN_STATUSES)
        self._admins[chat.id] = (now, ids)
        self._admins.move_to_end(chat.id)
        while len(self._admins) > ADMINS_GROUPS:
            self._admins.popitem(last=False)
        return AdminCheck.ADMIN if user.id in ids else AdminCheck.NOT_ADMIN

    def forget_admins(self, chat_id: int) -> None:
        """The group's admins may have changed (the bot's own place there did, or a look-up failed)."""
        self._admins.pop(chat_id, None)

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
