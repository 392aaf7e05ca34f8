"""Private study with the bot: /ontap, /decuong, /cau N, /tiendo, /nhac, /hoten and the `/start <payload>` deep
links from the group (cau_12: Câu 12 in the outline; ontap: practice; ontap_<item>: practise that item).

Everything here is for the private chat; the screens are built in hpbot.app.practice and hpbot.app.outline.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from html import escape
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes, filters

from hpbot.app import outline
from hpbot.app.practice import Outcome, Screen, small_number
from hpbot.domain import schedule
from hpbot.errors import InputError
from hpbot.texts import practice as texts
from hpbot.tg.features.daily import ack
from hpbot.tg.router import Feature, callback, command

if TYPE_CHECKING:
    from hpbot.app.practice import PracticeService

log = logging.getLogger(__name__)
F = TypeVar("F", bound="Practice")
PRIVATE = filters.ChatType.PRIVATE
WITH_PAYLOAD = PRIVATE & filters.Regex(r"^/start(@\w+)?\s+\S")


def service(context: ContextTypes.DEFAULT_TYPE) -> PracticeService:
    from hpbot.tg.app import state  # the Application's state module imports every feature

    practice = state(context.application).practice
    assert practice is not None, "the Application was built without practice"
    return practice


def markup(screen: Screen) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.de_json(screen.keyboard, None) if screen.keyboard else None


def private_only(
    method: Callable[[F, Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]],
) -> Callable[[F, Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
    """Only in the private chat, from a person (the member is recorded as having started the bot)."""

    @functools.wraps(method)
    async def guarded(self: F, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE or update.effective_user is None:
            await self.edge.reply(update, texts.PRIVATE_ONLY)
            return
        service(context).started(update.effective_user.id)
        await method(self, update, context)

    return guarded


class Practice(Feature):
    async def show(self, update: Update, screen: Screen) -> None:
        await self.edge.reply(update, screen.html, reply_markup=markup(screen))

    @command("start", filter=PRIVATE, group=-2)
    async def started(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start in private: the member can now be written to (the greeting itself is Membership's)."""
        if update.effective_user is not None:
            service(context).started(update.effective_user.id)

    @command("start", filter=WITH_PAYLOAD)
    @private_only
    async def deep_link(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start <payload> from a group's link: open the outline or practice at the right place."""
        user = update.effective_user
        assert user is not None
        payload = self.edge.args(context)[0] if self.edge.args(context) else ""
        practice = service(context)
        bank, _ = practice.document_for(user.id)
        screen: Screen | None = None
        if payload.startswith("cau_") and (number := small_number(payload[4:])) is not None:
            screen = outline.question(bank, number) or outline.question(practice.library.first, number)
        elif payload == "ontap":
            screen = practice.next_item(user.id)
        elif payload.startswith("ontap_"):
            screen = practice.serve_link(user.id, payload[6:])
        await self.show(update, screen or Screen(texts.LINK_UNKNOWN))

    @command("ontap", "practice")
    @private_only
    async def practise(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/ontap: the member's next due item (or when the next review is due)."""
        assert update.effective_user is not None
        await self.show(update, service(context).next_item(update.effective_user.id))

    @command("decuong", "outline")
    @private_only
    async def outline_root(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/decuong: the outline's parts as buttons."""
        assert update.effective_user is not None
        bank, _ = service(context).document_for(update.effective_user.id)
        await self.show(update, outline.root(bank))

    @command("cau", "question")
    @private_only
    async def question(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cau N: question N with its official answer."""
        assert update.effective_user is not None
        bank, _ = service(context).document_for(update.effective_user.id)
        last = outline.last_question(bank)
        args = self.edge.args(context)
        number = small_number(args[0]) if len(args) == 1 else None
        if number is None:
            await self.edge.reply(update, texts.QUESTION_USAGE.format(last=last))
            return
        screen = outline.question(bank, number)
        if screen is None:
            title = escape(bank.document.title)
            await self.edge.reply(
                update, texts.QUESTION_UNKNOWN.format(number=number, title=title, last=last)
            )
            return
        await self.show(update, screen)

    @command("tiendo", "progress")
    @private_only
    async def progress(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/tiendo: items seen and mastered, per part, the next reviews, and a chart."""
        assert update.effective_user is not None and update.effective_message is not None
        found = service(context).progress(update.effective_user.id)
        if found is None:
            await self.edge.reply(update, texts.PROGRESS_NONE)
            return
        html, rows = found
        await self.edge.reply(update, html)
        from hpbot.reports import progress as chart  # matplotlib only when a chart is asked for

        png = await asyncio.to_thread(chart.progress_chart, rows)
        await update.effective_message.reply_photo(InputFile(png, filename="tiendo.png"), do_quote=False)

    @command("nhac", "remind")
    @private_only
    async def remind(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/nhac 19:30 | /nhac tat: the daily private reminder."""
        assert update.effective_user is not None
        practice, user_id = service(context), update.effective_user.id
        args = self.edge.args(context)
        if not args:
            current = practice.reminder(user_id)
            shown = texts.REMINDER_SHOW.format(time=current) if current else texts.REMINDER_NONE
            await self.edge.reply(update, shown)
            return
        if len(args) == 1 and args[0].lower() in texts.OFF_WORDS:
            practice.set_reminder(user_id, None)
            await self.edge.reply(update, texts.REMINDER_OFF)
            return
        try:
            when = schedule.format_time(schedule.parse_time(args[0])) if len(args) == 1 else None
        except InputError:
            when = None
        if when is None:
            await self.edge.reply(update, texts.REMINDER_BAD)
            return
        practice.set_reminder(user_id, when)
        await self.edge.reply(update, texts.REMINDER_SET.format(time=when))

    @command("hoten", "fullname")
    @private_only
    async def full_name(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/hoten Nguyễn Văn A: the member's full name for reports and certificates, shown back."""
        assert update.effective_user is not None
        practice, user_id = service(context), update.effective_user.id
        given = self.edge.rest_of(update)
        if not given:
            current = practice.full_name(user_id)
            shown = texts.NAME_SHOW.format(name=escape(current)) if current else texts.NAME_USAGE
            await self.edge.reply(update, shown)
            return
        name = practice.set_full_name(user_id, given)
        if name is None:
            await self.edge.reply(update, texts.NAME_BAD.format(limit=80))
            return
        await self.edge.reply(update, texts.NAME_SET.format(name=escape(name)))

    @callback("^p:")
    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A practice or outline button: answer the toast first, then edit the message in place."""
        query = update.callback_query
        if query is None:
            return
        parts = (query.data or "").split(":")
        practice, user_id = service(context), query.from_user.id
        in_private = query.message is not None and query.message.chat.type == ChatType.PRIVATE
        if not in_private:
            await ack(query, texts.TOAST_STALE)
            return
        practice.started(user_id)
        kind, args = parts[1] if len(parts) > 1 else "", parts[2:]
        if kind == "a" and len(args) == 2:
            serve_id, position = small_number(args[0]), small_number(args[1])
            if serve_id is None or position is None:
                await ack(query, texts.TOAST_STALE)
                return
            result = practice.answer(user_id, serve_id, position)
            self.edge.mark_answered(update)
            toast = {
                Outcome.RIGHT: texts.TOAST_RIGHT,
                Outcome.WRONG: texts.TOAST_WRONG,
                Outcome.ANSWERED: texts.TOAST_ANSWERED,
            }.get(result.outcome, texts.TOAST_STALE)
            await ack(query, toast)
            if result.screen is not None and result.outcome is not Outcome.ANSWERED:
                await self.edit(query, result.screen)
            return
        if kind == "n" and not args:
            await ack(query, "")
            await self.edge.reply(update, (s := practice.next_item(user_id)).html, reply_markup=markup(s))
            return
        screen = self.navigate(practice, user_id, kind, args)
        if screen is None:
            await ack(query, texts.TOAST_STALE)
            return
        await ack(query, "")
        if kind == "t":
            await self.show(update, screen)
        else:
            await self.edit(query, screen)

    @staticmethod
    def navigate(practice: PracticeService, user_id: int, kind: str, args: list[str]) -> Screen | None:
        """The outline's screens by their button data; None for data of no current button."""
        bank = practice.library.get(args[0]) if args else None
        if bank is None:
            return None
        numbers = [small_number(a) for a in args[1:]]
        if any(n is None for n in numbers):
            return None
        if kind == "o" and not numbers:
            return outline.root(bank)
        if kind == "p" and len(numbers) == 1:
            return outline.part(bank, numbers[0] or 0)
        if kind == "q" and len(numbers) == 2:
            return outline.question(bank, numbers[0] or 0, numbers[1] or 1)
        if kind == "t" and len(numbers) == 1:
            return practice.practise_question(user_id, bank, numbers[0] or 0)
        return None

    @staticmethod
    async def edit(query: Any, screen: Screen) -> None:
        try:
            await query.edit_message_text(screen.html, parse_mode=ParseMode.HTML, reply_markup=markup(screen))
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                log.info("practice message not edited: %s", exc.message)
        except TelegramError as exc:
            log.warning("practice message not edited (%s): %s", type(exc).__name__, exc.message)
