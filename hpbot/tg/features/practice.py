"""Private study with the bot: /ontap (/ontap <mã tài liệu>, /ontap nhom), /decuong, /cau N, /tiendo, /nhac, /hoten
and the `/start <payload>` deep links from the group (cau_12 or cau_12_<document>: Câu 12 in the outline; ontap:
practice; ontap_<item>: practise that item, the results' "Ôn lại câu này").

A tap is answered at once (answerCallbackQuery is not a message and is not paced); what it changes on screen is
a message, paced with every other send, and follows outside the update's slot (`FollowUps`).

Everything here is for the private chat; the screens are built in hpbot.app.practice and hpbot.app.outline.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from html import escape
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes, filters

from hpbot.app import outline
from hpbot.app.practice import Outcome, Screen, feedback_alert, small_number
from hpbot.domain import schedule
from hpbot.errors import InputError
from hpbot.texts import practice as texts
from hpbot.tg.features.daily import ack
from hpbot.tg.router import Feature, callback, command
from hpbot.tg.transport.pacing import MessageRateLimiter

if TYPE_CHECKING:
    from hpbot.app.practice import PracticeService

log = logging.getLogger(__name__)
F = TypeVar("F", bound="Practice")
ALERT_AFTER = 2.0  # seconds the feedback message may take before the verdict is a pop-up instead of a toast
FOLLOW_UPS_WAIT_MAX = 60.0  # seconds of follow-ups queued at most; beyond, a second tap shows the feedback
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


class FollowUps:
    """The paced part of a tap's answer (the feedback edited in place, the next item sent), run after the tap is
    acknowledged and outside the update's slot.

    Edits count against Telegram's ~30 messages/s across chats, so the rate limiter holds them to that budget; an
    answerCallbackQuery is not a message and goes at once. Were the handler to wait for its edit, a burst of
    practice beyond 30/s would keep the shared update slots waiting on the budget, and every tap, in the groups
    too, would wait behind them. The follow-ups leave from a queue of their own at the rate the limiter keeps up
    (`Pacer.rate`), timed by the event loop's timer: a thousand of them waiting inside the limiter kept it busy yielding to
    the loop on every departure (when the pacer still spent the last 2 ms before each slot spinning), which cost
    more CPU than the edits. Each leaves as a task of its own, so a slow answer from Telegram delays no other.
    """

    def __init__(self, wait_max: float = FOLLOW_UPS_WAIT_MAX) -> None:
        self.wait_max = wait_max
        self._queue: deque[Coroutine[Any, Any, None]] = deque()
        self._tasks: set[asyncio.Task[None]] = set()
        self._worker: asyncio.Task[None] | None = None
        self._gap = 0.0
        self._next = 0.0  # the loop's time the next follow-up may leave

    def __len__(self) -> int:
        return len(self._queue) + len(self._tasks)

    @staticmethod
    def rate(bot: Any) -> float | None:
        """Messages a second the bot's rate limiter lets out (None: not paced)."""
        limiter = getattr(bot, "rate_limiter", None)
        if isinstance(limiter, MessageRateLimiter) and limiter.pacer is not None:
            return limiter.pacer.rate
        return None

    def wait(self, bot: Any) -> float:
        """About how long a follow-up queued now would wait for its turn, in seconds."""
        rate = self.rate(bot)
        return len(self._queue) / rate if rate else 0.0

    def start(self, coroutine: Coroutine[Any, Any, None], bot: Any = None) -> None:
        """Queue a follow-up; it leaves when the ones before it have, one a gap of `bot`'s limiter apart."""
        rate = self.rate(bot)
        self._gap = 1 / rate if rate else 0.0
        self._queue.append(coroutine)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queue:
            if (pause := self._next - loop.time()) > 0:
                await asyncio.sleep(pause)
            task = loop.create_task(self._queue.popleft())
            self._tasks.add(task)
            task.add_done_callback(self._done)
            self._next = max(self._next, loop.time()) + self._gap

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("practice follow-up failed", exc_info=exc)

    async def drain(self) -> None:
        """Wait for every follow-up queued so far to have left and finished."""
        while self._queue or self._tasks or (self._worker is not None and not self._worker.done()):
            pending = [*self._tasks, *([self._worker] if self._worker is not None else [])]
            await asyncio.gather(*pending, return_exceptions=True)


class Practice(Feature):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.follow_ups = FollowUps()

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
        if (asked := outline.from_payload(payload)) is not None:
            number, document = asked
            named = practice.library.get(document)
            if named is not None:
                screen = outline.question(named, number)
            elif document is None:
                screen = outline.question(bank, number) or outline.question(practice.library.first, number)
        elif payload == "ontap":
            screen = practice.next_item(user.id)
        elif payload.startswith("ontap_"):
            screen = practice.serve_link(user.id, payload[6:])
        await self.show(update, screen or Screen(texts.LINK_UNKNOWN))

    @command("ontap", "practice")
    @private_only
    async def practise(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/ontap: the member's next due item (or when the next review is due); /ontap <mã>: practise that
        document from now on; /ontap nhom: the group's document again."""
        assert update.effective_user is not None
        practice, user_id, args = service(context), update.effective_user.id, self.edge.args(context)
        screen = practice.choose_document(user_id, " ".join(args)) if args else practice.next_item(user_id)
        await self.show(update, screen)

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
        """A practice or outline button: the toast first, then the message edited in place (or the next one sent)
        as a follow-up."""
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
            await self.answer(update, context, args)
            return
        if kind == "n" and not args:
            await ack(query, "")
            self.follow_ups.start(self.send(update, practice.next_item(user_id)), context.bot)
            return
        if (kind == "d" and len(args) == 1 and practice.library.get(args[0])) or (kind == "g" and not args):
            await ack(query, "")  # another document (or the group's again): its next item in place
            chosen = practice.choose_document(user_id, args[0] if args else "nhom")
            self.follow_ups.start(self.edit(query, chosen), context.bot)
            return
        screen = self.navigate(practice, user_id, kind, args)
        if screen is None:
            await ack(query, texts.TOAST_STALE)
            return
        await ack(query, "")
        self.follow_ups.start(
            self.send(update, screen) if kind == "t" else self.edit(query, screen), context.bot
        )

    async def answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str]) -> None:
        """An option tapped: rated and stored, then the verdict with the right answer as the toast (at once), and
        the explanation with the quote edited into the message when the message budget carries it."""
        query = update.callback_query
        assert query is not None
        serve_id, position = small_number(args[0]), small_number(args[1])
        if serve_id is None or position is None:
            await ack(query, texts.TOAST_STALE)
            return
        result = service(context).answer(query.from_user.id, serve_id, position)
        self.edge.mark_answered(update)
        if result.screen is None:
            await ack(query, result.toast)
            return
        wait = self.follow_ups.wait(context.bot)
        queued = wait <= self.follow_ups.wait_max
        if result.outcome in (Outcome.RIGHT, Outcome.WRONG) and wait > ALERT_AFTER:
            await ack(query, feedback_alert(result.toast, wait if queued else None), alert=True)
        else:
            await ack(query, result.toast)
        if queued:  # a second tap edits it again: the way back to an explanation not shown
            self.follow_ups.start(self.edit(query, result.screen), context.bot)

    async def send(self, update: Update, screen: Screen) -> None:
        try:
            await self.show(update, screen)
        except TelegramError as exc:
            log.warning("practice message not sent (%s): %s", type(exc).__name__, exc.message)

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
