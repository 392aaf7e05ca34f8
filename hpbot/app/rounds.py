"""The scheduled side of the loop: posting, live answer counts, reveals, and catching up after a restart.

No schedule lives only in memory: one repeating job asks the database what is due (posts whose time has come,
reveals whose time has passed) and does it, so a restart at any point resumes from the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError

from hpbot.app import messages as render
from hpbot.app.study import StudyService
from hpbot.domain import schedule
from hpbot.store import Group, Round
from hpbot.tg.transport.bot import BotClient
from hpbot.tg.transport.retry import Delivery, GroupGone, not_modified

log = logging.getLogger(__name__)
PROBE_SPAN = 30  # message ids searched for a post lost in a crash


def keyboard_data(round_id: int) -> dict:
    """The answer buttons of a post, as the Bot API takes them (one row: A B C D)."""
    return {"inline_keyboard": [[{"text": letter, "callback_data": f"a:{round_id}:{i}"}
                                 for i, letter in enumerate(render.LETTERS)]]}


def answer_keyboard(rnd: Round) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup.de_json(keyboard_data(rnd.id), None)


class StudyRuntime:
    def __init__(self, bot: BotClient, service: StudyService, *, count_edit_seconds: float = 15.0,
                 delivery: Delivery | None = None, concurrency: int = 32) -> None:
        self.bot, self.service = bot, service
        self.bank = service.bank
        self.count_edit_seconds = count_edit_seconds
        self.delivery = delivery or Delivery(on_migrated=service.migrate, on_gone=service.bot_removed)
        self._count_tasks: dict[int, asyncio.Task] = {}
        self._busy: set[int] = set()  # rounds being posted or revealed right now
        # member counts (getChatMemberCount) of new posts wait until no post is being sent, so a morning's push is
        # not slowed by a second request per group
        self._to_count: deque[tuple[int, int]] = deque()
        self._posting = 0
        self._push_idle = asyncio.Event()
        self._push_idle.set()
        self._counter: asyncio.Task | None = None
        self._slots = asyncio.Semaphore(concurrency)
        self.workers = concurrency
        # work that follows the due-job (weekly bulletins) runs in the background, one run of each at a time, so a
        # long run never holds up the next posts and reveals
        self.after_due: list[Callable[[], Awaitable[object]]] = []
        self._background: dict[int, asyncio.Task] = {}

    # posting ------------------------------------------------------------------------------------------------
    def reveal_hhmm(self, rnd: Round) -> str:
        return rnd.reveal_at.astimezone(self.service.tz).strftime("%H:%M")

    async def post_for(self, group: Group, *, early: bool = False) -> bool:
        """Start the group's round of today and post it; False if none is due or the post did not go out."""
        rnd = self.service.start_round(group, early=early)
        if rnd is None:
            return False
        return await self.publish(rnd)

    async def publish(self, rnd: Round) -> bool:
        """Send the question of a round in status 'posting' and record its message; True once it is posted."""
        if rnd.id in self._busy:
            return False
        self._busy.add(rnd.id)
        self._posting += 1
        self._push_idle.clear()
        try:
            text = render.question_post(self.bank, rnd, self.reveal_hhmm(rnd), count=rnd.answer_count)

            keyboard = keyboard_data(rnd.id)

            async def send(chat_id: int) -> int:
                return await self.bot.send_html(chat_id, text, keyboard)

            async with self._slots:
                chat_id, message_id = await self.delivery.call(rnd.chat_id, send)
                self.service.posted(rnd, message_id)  # also the group's newest known message id
            self._queue_count(rnd.id, chat_id)
            return True
        except GroupGone:
            self.service.store.drop_round(rnd.id)
            return False
        except TelegramError:
            log.exception("could not post round %s to chat %s; will retry", rnd.id, rnd.chat_id)
            return False
        finally:
            self._busy.discard(rnd.id)
            self._posting -= 1
            if self._posting == 0:
                self._push_idle.set()

    def _queue_count(self, round_id: int, chat_id: int) -> None:
        self._to_count.append((round_id, chat_id))
        if self._counter is None or self._counter.done():
            self._counter = asyncio.create_task(self._count_queued())

    async def _count_queued(self) -> None:
        while self._to_count:
            await self._push_idle.wait()
            round_id, chat_id = self._to_count.popleft()
            async with self._slots:
                await self._count_members(round_id, chat_id)

    async def _count_members(self, round_id: int, chat_id: int) -> None:
        """Members at the post, for fair participation rates; humans only (the bot itself is not counted)."""
        try:
            count = await self.bot.get_chat_member_count(chat_id)
        except TelegramError as exc:
            log.warning("could not count members of chat %s: %s", chat_id, exc.message)
            return
        self.service.store.set_member_count(round_id, chat_id, max(1, count - 1))

    # live count ---------------------------------------------------------------------------------------------
    def answers_changed(self, rnd: Round) -> None:
        """Schedule one edit of the post's answer count; answers meanwhile share it (group edit limits). The edit
        goes out once no post is being sent."""
        if rnd.id in self._count_tasks or rnd.message_id is None:
            return
        self._count_tasks[rnd.id] = asyncio.create_task(self._edit_count(rnd.id))

    async def _edit_count(self, round_id: int) -> None:
        try:
            await asyncio.sleep(schedule.count_edit_delay(round_id, self.count_edit_seconds))
            # posts first: an edit takes a slot of the same 30 messages/s, so while a morning's posts are still going
            # out the live counts of the groups already answering wait for them (as the member counts do)
            await self._push_idle.wait()
            # and when the push ends thousands of them are ready at once: through the bounded set of slots, so that
            # rendering them all does not hold up the sends already paced (their arrival bunched: a 429)
            async with self._slots:
                rnd = self.service.store.round(round_id)
                if rnd is None or rnd.status != "open" or rnd.message_id is None:
                    return
                text = render.question_post(self.bank, rnd, self.reveal_hhmm(rnd), count=rnd.answer_count)
                await self.bot.edit_html(rnd.chat_id, rnd.message_id, text, keyboard_data(rnd.id))
        except BadRequest as exc:
            if not not_modified(exc):
                log.warning("count edit failed for round %s: %s", round_id, exc.message)
        except TelegramError as exc:
            log.warning("count edit failed for round %s: %s", round_id, exc.message)
        finally:
            self._count_tasks.pop(round_id, None)

    # reveal -------------------------------------------------------------------------------------------------
    def reveal_messages(self, rnd: Round) -> list[str]:
        """Step 0 is the edit of the post; then the official answer in parts; then the day's results."""
        question = self.bank.question(rnd.question)
        item = self.bank.item(rnd.item_id)
        answers = self.service.store.round_answers(rnd.id)
        return render.official_answer(self.bank, question) + [render.results(item, rnd, answers)]

    async def reveal(self, rnd: Round) -> bool:
        """Close the round (scores fold in exactly once), then deliver the reveal messages not yet delivered."""
        if rnd.id in self._busy:
            return False
        self._busy.add(rnd.id)
        try:
            if rnd.status in ("posting", "open"):
                if not self.service.close(rnd):
                    return False
                rnd = self.service.store.round(rnd.id)  # type: ignore[assignment]
            if rnd.status != "revealing":
                return False
            task = self._count_tasks.pop(rnd.id, None)
            if task:
                task.cancel()
            await self._deliver_reveal(rnd)
            return True
        finally:
            self._busy.discard(rnd.id)

    async def _deliver_reveal(self, rnd: Round) -> None:
        steps = self.reveal_messages(rnd)
        chat_id = rnd.chat_id
        try:
            if rnd.reveal_sent == 0:
                if rnd.message_id is not None:
                    closed = render.question_post(self.bank, rnd, self.reveal_hhmm(rnd), count=rnd.answer_count,
                                                  closed=True)

                    async def edit(target: int) -> None:
                        try:  # without a keyboard: the buttons go
                            await self.bot.edit_html(target, rnd.message_id, closed)  # type: ignore[arg-type]
                        except BadRequest as exc:
                            if not_modified(exc) or "not found" in exc.message.lower():
                                return
                            raise

                    async with self._slots:
                        chat_id, _ = await self.delivery.call(chat_id, edit)
                self.service.store.set_reveal_sent(rnd.id, 1)
            for index in range(max(rnd.reveal_sent, 1), len(steps) + 1):
                text = steps[index - 1]

                async def send(target: int, text: str = text) -> int:
                    return await self.bot.send_html(target, text)

                async with self._slots:
                    chat_id, _ = await self.delivery.call(chat_id, send)
                self.service.store.set_reveal_sent(rnd.id, index + 1)
            self.service.store.finish_reveal(rnd.id)
        except GroupGone:
            self.service.store.finish_reveal(rnd.id)
        except TelegramError:
            log.exception("reveal of round %s interrupted; will resume", rnd.id)

    # the due job --------------------------------------------------------------------------------------------
    async def run_due(self) -> None:
        """Post what is due and reveal what is due. Called by the repeating job and at start."""
        posts = self.service.due_posts()
        reveals = self.service.due_reveals()
        reveals += [rnd for rnd in self.service.store.rounds_with_status("revealing") if rnd.id not in self._busy]
        if posts or reveals:
            await asyncio.gather(self._in_workers(posts, self.post_for), self._in_workers(reveals, self.reveal))
        for index, job in enumerate(self.after_due):
            running = self._background.get(index)
            if running is None or running.done():
                self._background[index] = asyncio.create_task(self._guarded(job))

    async def _in_workers(self, items: list, action: Callable[[Any], Awaitable[object]]) -> None:
        """Run `action` on each item with a bounded number of workers. Each round is created (or closed) just
        before it is sent, so a morning's thousands of transactions spread over the paced sending instead of all
        coming first and delaying the first posts."""
        pending = iter(items)

        async def worker() -> None:
            for item in pending:
                await action(item)

        await asyncio.gather(*(worker() for _ in range(min(len(items), self.workers))))

    @staticmethod
    async def _guarded(job: Callable[[], Awaitable[object]]) -> None:
        try:
            await job()
        except Exception:  # a failed bulletin run must not end the background task silently
            log.exception("background job %s failed", getattr(job, "__qualname__", job))

    async def recover(self) -> None:
        """After a restart: finish posts that were being sent and reveals that were being delivered."""
        now = self.service.now()
        for rnd in self.service.store.rounds_with_status("posting"):
            if rnd.answer_count:  # members answered, so the post reached them; it only lacks its message id
                self.service.store.mark_posted(rnd.id, None, rnd.posted_at or now)  # type: ignore[arg-type]
            elif (found := await self.find_lost_post(rnd)) is not None:
                self.service.posted(rnd, found)
            elif now < rnd.reveal_at - timedelta(seconds=1):
                await self.publish(rnd)
            else:
                self.service.store.drop_round(rnd.id)
        await self.run_due()

    async def find_lost_post(self, rnd: Round, span: int = PROBE_SPAN) -> int | None:
        """Look for a post Telegram accepted just before a crash: among the message ids after the highest one known
        when the round was created, the one that already carries this round's keyboard ("not modified").

        Telegram has no idempotency key and no way to list a chat's messages; setting the same keyboard again is
        the one probe that changes nothing on the post itself. A probe that does succeed hit another message of
        the bot (a reply, which has no keyboard), so that message's keyboard is removed again at once.
        """
        start = self.service.store.probe_from(rnd.id)
        if start is None:
            return None
        keyboard = answer_keyboard(rnd)
        for message_id in range(start + 1, start + 1 + span):
            try:
                await self.bot.edit_message_reply_markup(rnd.chat_id, message_id, reply_markup=keyboard)
            except BadRequest as exc:
                if not_modified(exc):
                    log.info("found round %s's post %s after a restart; not posting again", rnd.id, message_id)
                    return message_id
                continue  # not the bot's message, deleted, or not editable
            except TelegramError as exc:
                log.warning("could not look for round %s's post: %s", rnd.id, exc.message)
                return None
            try:  # an unrelated message of the bot: give it back its plain form
                await self.bot.edit_message_reply_markup(rnd.chat_id, message_id, reply_markup=None)
            except TelegramError:
                log.warning("could not restore message %s in chat %s after a probe", message_id, rnd.chat_id)
        return None

    async def drain(self) -> None:
        """Wait for pending count edits and background runs (used at shutdown and by tests)."""
        tasks = list(self._count_tasks.values()) + list(self._background.values())
        if self._counter is not None:
            tasks.append(self._counter)
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
