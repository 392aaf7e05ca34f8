"""The rounds' lifecycle: posting, live answer counts, reveals, and catching up after a restart.

No schedule lives only in memory: the due check asks the database what is due (posts whose time has come, reveals
whose time has passed) and does it, so a restart at any point resumes from the database. Statuses and their
transitions are `hpbot.domain.rounds.RoundStatus`; Telegram is reached through the outbound port only.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from typing import TypeVar

from hpbot.app import messages, outline
from hpbot.app.ports import Keyboard, Outbound
from hpbot.app.study import StudyService
from hpbot.domain import schedule, streaks
from hpbot.domain.rounds import RoundStatus
from hpbot.errors import DeliveryError, GroupGone, MessageGone, NotModified, Refused
from hpbot.format import hhmm
from hpbot.store import Group, Round

log = logging.getLogger(__name__)
PROBE_SPAN = 30  # message ids searched for a post lost in a crash
T = TypeVar("T")


def keyboard_data(rnd: Round) -> Keyboard:
    """The answer buttons of a post, as the Bot API takes them (one row: A B C D, in the round's order)."""
    return messages.keyboard(rnd)


class RoundLifecycle:
    def __init__(
        self,
        outbound: Outbound,
        study: StudyService,
        *,
        count_edit_seconds: float = 15.0,
        concurrency: int = 32,
    ) -> None:
        self.outbound, self.study = outbound, study
        self.store = study.store
        self.bot_username: str | None = None  # set at start (getMe): the reveal's links into the private chat
        self.count_edit_seconds = count_edit_seconds
        self._count_tasks: dict[int, asyncio.Task[None]] = {}
        self._busy: set[int] = set()  # rounds being posted or revealed right now
        # member counts (getChatMemberCount) of new posts wait until no post is being sent, so a morning's push is
        # not slowed by a second request per group
        self._to_count: deque[tuple[int, int]] = deque()
        self._posting = 0
        self._push_idle = asyncio.Event()
        self._push_idle.set()
        self._counter: asyncio.Task[None] | None = None
        self._slots = asyncio.Semaphore(concurrency)
        self.workers = concurrency
        # work that follows the due check (weekly bulletins) runs in the background, one run of each at a time, so
        # a long run never holds up the next posts and reveals
        self.after_due: list[Callable[[], Awaitable[object]]] = []
        self._background: dict[int, asyncio.Task[None]] = {}
        # told how long until the next post or reveal is due, after every due check and every change of times:
        # the scheduler wakes then, so a post leaves at its minute rather than at the next periodic check
        self.wake_listeners: list[Callable[[float | None], None]] = []

    # posting ------------------------------------------------------------------------------------------------
    def reveal_hhmm(self, rnd: Round) -> str:
        return hhmm(rnd.reveal_at, self.study.tz)

    async def post_for(self, group: Group, *, early: bool = False) -> bool:
        """Start the group's round of today and post it; False if none is due or the post did not go out."""
        rnd = self.study.start_round(group, early=early)
        if rnd is None:
            return False
        return await self.publish(rnd)

    async def publish(self, rnd: Round) -> bool:
        """Send the question of a round in status POSTING and record its message; True once it is posted."""
        if rnd.id in self._busy:
            return False
        self._busy.add(rnd.id)
        self._posting += 1
        self._push_idle.clear()
        try:
            text = messages.question_post(
                self.study.bank_for(rnd), rnd, self.reveal_hhmm(rnd), count=rnd.answer_count
            )
            async with self._slots:
                sent = await self.outbound.send(rnd.chat_id, text, keyboard_data(rnd))
                self.study.posted(rnd, sent.message_id)  # also the group's newest known message id
            self._queue_count(rnd.id, sent.chat_id)
            return True
        except GroupGone:
            self.store.drop_round(rnd.id)
            return False
        except DeliveryError as exc:
            log.warning(
                "could not post round %s to chat %s (%s); will retry", rnd.id, rnd.chat_id, exc.detail
            )
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
            count = await self.outbound.member_count(chat_id)
        except DeliveryError as exc:
            log.warning("could not count members of chat %s: %s", chat_id, exc.detail)
            return
        self.store.set_member_count(round_id, chat_id, max(1, count - 1))

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
                rnd = self.store.round(round_id)
                if rnd is None or rnd.status is not RoundStatus.OPEN or rnd.message_id is None:
                    return
                text = messages.question_post(
                    self.study.bank_for(rnd), rnd, self.reveal_hhmm(rnd), count=rnd.answer_count
                )
                await self.outbound.edit(rnd.chat_id, rnd.message_id, text, keyboard_data(rnd))
        except NotModified:
            pass
        except DeliveryError as exc:
            log.warning("count edit failed for round %s: %s", round_id, exc.detail)
        finally:
            self._count_tasks.pop(round_id, None)

    # reveal -------------------------------------------------------------------------------------------------
    def reveal_messages(self, rnd: Round) -> list[str]:
        """Step 0 is the edit of the post; then the official answer in parts; then the day's results (which carry
        the button for each member's own result: `reveal_keyboards`)."""
        bank = self.study.bank_for(rnd)
        question = bank.question(rnd.question)
        item = bank.item(rnd.item_id)
        answers = self.store.round_answers(rnd.id)
        milestones = self.store.streak_milestones(rnd.chat_id, rnd.seq, streaks.MILESTONES)
        return messages.official_answer(bank, question) + [
            messages.results(item, rnd, answers, milestones=milestones)
        ]

    def reveal_keyboards(self, rnd: Round, steps: list[str]) -> list[Keyboard | None]:
        """Buttons on the last reveal message only: the member's own result, and (once the bot's username is known)
        links to the whole answer and to practice of the day's item in the private chat."""
        links = (
            outline.reveal_links(self.bot_username, self.study.bank_for(rnd), rnd.question, rnd.item_id)
            if self.bot_username
            else []
        )
        return [None] * (len(steps) - 1) + [messages.results_keyboard(rnd.id, links)]

    async def reveal(self, rnd: Round) -> bool:
        """Close the round (scores fold in exactly once), then deliver the reveal messages not yet delivered."""
        if rnd.id in self._busy:
            return False
        self._busy.add(rnd.id)
        try:
            if rnd.status.takes_answers:
                if not self.study.close(rnd):
                    return False
                closed = self.store.round(rnd.id)
                if closed is None:
                    return False
                rnd = closed
            if rnd.status is not RoundStatus.REVEALING:
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
        keyboards = self.reveal_keyboards(rnd, steps)
        chat_id = rnd.chat_id
        try:
            if rnd.reveal_sent == 0:
                if rnd.message_id is not None:
                    closed = messages.question_post(
                        self.study.bank_for(rnd),
                        rnd,
                        self.reveal_hhmm(rnd),
                        count=rnd.answer_count,
                        closed=True,
                    )
                    async with self._slots:
                        try:  # without a keyboard: the buttons go
                            chat_id = await self.outbound.edit(chat_id, rnd.message_id, closed)
                        except (NotModified, MessageGone):
                            pass
                self.store.set_reveal_sent(rnd.id, 1)
            for index in range(max(rnd.reveal_sent, 1), len(steps) + 1):
                async with self._slots:
                    sent = await self.outbound.send(chat_id, steps[index - 1], keyboards[index - 1])
                    chat_id = sent.chat_id
                if index == 1:  # the official answer's first message: /homqua links to it
                    self.store.set_answer_message(rnd.id, sent.message_id)
                self.store.set_reveal_sent(rnd.id, index + 1)
            self.store.finish_reveal(rnd.id)
        except GroupGone:
            self.store.finish_reveal(rnd.id)
        except DeliveryError as exc:
            log.warning("reveal of round %s interrupted (%s); will resume", rnd.id, exc.detail)

    # reminder -----------------------------------------------------------------------------------------------
    async def remind(self, rnd: Round) -> bool:
        """The one reminder of an open round before its reveal, with the count of members who answered so far.

        It is claimed in the database before the send, so it goes out at most once even across a crash; a send
        worth retrying gives the claim back for the next due check, a group that is gone (or a refusal, which
        would come again) keeps it."""
        calendar = self.study.calendar
        if not calendar.claim_reminder(rnd):
            return False
        try:
            message = calendar.reminder(rnd.id)
            if message is None:  # revealed meanwhile, or its day became a day off: none today
                return False
            async with self._slots:
                sent = await self.outbound.send(rnd.chat_id, *message)
            self.study.note_message(sent.chat_id, sent.message_id)
            return True
        except (GroupGone, Refused) as exc:
            log.warning("reminder of round %s not sent: %s", rnd.id, exc.detail)
            return False
        except DeliveryError as exc:
            log.warning("reminder of round %s not sent (%s); will retry", rnd.id, exc.detail)
            calendar.release_reminder(rnd)
            return False

    # the due check ------------------------------------------------------------------------------------------
    async def run_due(self) -> None:
        """Post what is due, remind before the reveal and reveal what is due. Called by the repeating job and at
        start."""
        posts = self.study.due_posts()
        reveals = self.study.due_reveals()
        reveals += [
            rnd for rnd in self.store.rounds_with_status(RoundStatus.REVEALING) if rnd.id not in self._busy
        ]
        # a reveal left over from an earlier day (the bot was down at its time) goes out before the group's new
        # question, so the group never reads yesterday's answer below today's post
        today = self.study.today()
        overdue = [rnd for rnd in reveals if rnd.study_date < today]
        if overdue:
            await self._in_workers(overdue, self.reveal)
            reveals = [rnd for rnd in reveals if rnd.study_date >= today]
        # reminders only of rounds whose reveal is still ahead: never one beside (or after) the reveal it announces
        reminders = self.study.calendar.reminders_due()
        if posts or reveals or reminders:
            await asyncio.gather(
                self._in_workers(posts, self.post_for),
                self._in_workers(reveals, self.reveal),
                self._in_workers(reminders, self.remind),
            )
        for index, job in enumerate(self.after_due):
            running = self._background.get(index)
            if running is None or running.done():
                self._background[index] = asyncio.create_task(self._guarded(job))
        self.schedule_changed()

    def schedule_changed(self) -> None:
        """Tell the scheduler when the next post or reveal is due (in seconds from now, by the bot's clock)."""
        if not self.wake_listeners:
            return
        when = self.study.next_wake()
        delay = None if when is None else max(0.0, (when - self.study.now()).total_seconds())
        for listener in self.wake_listeners:
            listener(delay)

    async def _in_workers(self, items: Iterable[T], action: Callable[[T], Awaitable[object]]) -> None:
        """Run `action` on each item with a bounded number of workers. Each round is created (or closed) just
        before it is sent, so a morning's thousands of transactions spread over the paced sending instead of all
        coming first and delaying the first posts."""
        items = list(items)
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

    async def recover(self, *, run_due: bool = True) -> None:
        """After a restart: finish posts that were being sent, then (unless the caller runs it later) the due check,
        which also delivers reveals that were being delivered."""
        now = self.study.now()
        for rnd in self.store.rounds_with_status(RoundStatus.POSTING):
            if rnd.answer_count:  # members answered, so the post reached them; it only lacks its message id
                self.store.mark_posted(rnd.id, None, rnd.posted_at or now)
            elif (found := await self.find_lost_post(rnd)) is not None:
                self.study.posted(rnd, found)
            elif now < rnd.reveal_at - timedelta(seconds=1):
                await self.publish(rnd)
            else:
                self.store.drop_round(rnd.id)
        if run_due:
            await self.run_due()

    async def find_lost_post(self, rnd: Round, span: int = PROBE_SPAN) -> int | None:
        """Look for a post Telegram accepted just before a crash: among the message ids after the highest one known
        when the round was created, the one that already carries this round's keyboard ("not modified").

        Telegram has no idempotency key and no way to list a chat's messages; setting the same keyboard again is
        the one probe that changes nothing on the post itself. A probe that does succeed hit another message of
        the bot (a reply, which has no keyboard), so that message's keyboard is removed again at once.
        """
        start = self.store.probe_from(rnd.id)
        if start is None:
            return None
        keyboard = keyboard_data(rnd)
        for message_id in range(start + 1, start + 1 + span):
            try:
                await self.outbound.set_keyboard(rnd.chat_id, message_id, keyboard)
            except NotModified:
                log.info("found round %s's post %s after a restart; not posting again", rnd.id, message_id)
                return message_id
            except Refused:
                continue  # not the bot's message, deleted, or not editable
            except DeliveryError as exc:
                log.warning("could not look for round %s's post: %s", rnd.id, exc.detail)
                return None
            try:  # an unrelated message of the bot: give it back its plain form
                await self.outbound.set_keyboard(rnd.chat_id, message_id, None)
            except DeliveryError:
                log.warning("could not restore message %s in chat %s after a probe", message_id, rnd.chat_id)
        return None

    async def drain(self, *, can_send: bool = True) -> None:
        """Wait for pending count edits, member counts and background runs (used at shutdown and by tests). With
        `can_send=False` (at shutdown, once the bot's connection to Telegram is closed) the count edits and member
        counts still waiting are cancelled instead: each would only fail after its retries. The post then shows
        the right count at the next answer or at the reveal."""
        if not can_send:
            for task in [*self._count_tasks.values(), self._counter]:
                if task is not None:
                    task.cancel()
        tasks: list[asyncio.Task[None]] = list(self._count_tasks.values()) + list(self._background.values())
        if self._counter is not None:
            tasks.append(self._counter)
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
