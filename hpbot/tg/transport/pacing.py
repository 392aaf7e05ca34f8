"""Send pacing: Telegram's flood limits count messages (sends and edits), not look-ups.

PTB's AIORateLimiter paces every request that names a chat, so a member count or an admin check would take a slot
of the 30/s budget and halve the morning push. This limiter paces only the message methods: across chats, and per
group.
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from hpbot.clock import Clock

log = logging.getLogger(__name__)

PACED = frozenset(
    {
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "sendDocument",
        "sendPhoto",
        "copyMessage",
        "forwardMessage",
        "sendPoll",
        "sendMediaGroup",
        "editMessageCaption",
    }
)


# the shortest wait, in seconds, an event loop's timer resolves (uvloop: one millisecond)
TIMER_RESOLUTION = 0.001
# how long after leaving a message whose answer has not come back yet is taken to be counted at the latest
# (`Departure`): a second later, when the cap reads it, the answer is almost always back
JITTER = 0.035
# the shortest round trip seen, less this, is the link's distance: the shortest ways out and back need not have been
# one message's, so a trip just as short may still hide a few milliseconds of delay on one way
SETTLE = 0.010
SECOND = 1.0 + 1e-6  # the cap's second, a microsecond more: a second even where floating point rounds down


class Departure:
    """One paced request: when it left, and by when Telegram had surely counted it (`Pacer.answered`)."""

    __slots__ = ("left", "counted_by")

    def __init__(self, left: float, jitter: float) -> None:
        self.left = left
        self.counted_by = left + jitter


class Pacer:
    """Departures on a grid at `share` of the limit `limit`/s, a late one made up, and never more than `limit` in
    any second as Telegram counts them, at arrival.

    Each departure is due `1 / (share * limit)` after the previous one was due. When the event loop is busy at that
    moment, or the cap holds it, the departure leaves late, and the ones after it leave as soon as the cap lets
    them instead of the lateness adding up: a slot missed is not lost. Catching up may send a few at once, which
    Telegram counts in the second as the cap does. (Spacing them out instead, as the pacer did before it read the
    answers, carried a stall's lateness from one second into the next, since at the limit every departure waits
    on the one a second before it.) Lateness beyond a quarter of a second (a long stall) is forgiven rather than
    made up. Waiting requests queue on a lock in arrival order.

    The cap: a departure leaves at least one second after every departure `limit` places or more before it was
    surely counted (`Departure.counted_by`). Of any `limit + 1` messages one is at least `limit` places before the
    last, so no second as Telegram counts holds more than `limit` of them. Telegram counts a message at arrival,
    after it left here and before its answer came back, so when the answer is back the pacer takes the message as
    counted at the latest `round trip - distance` after it left: the part of its trip that was delay (the loop
    busy before the request went out, a queue on the way, Telegram slow to count it) rather than distance, which
    every message travels (a message that arrived late came back that much late too). The distance is the
    shortest round trip seen, less `SETTLE`, once a second's worth of answers (`limit`) has come back; until then
    it is taken as none. On a quiet link that costs the round trip's variation once per `limit` messages: the
    push runs at about `limit / (1 + variation)`, and slows down by itself when the link or either event loop
    stalls. A request whose answer is not back when the cap reads it (slower than a second: a timeout) counts as
    `jitter` after it left; one that failed without an answer (a network error) as counted when it failed.

    Waits are the event loop's timers only. uvloop counts them in whole milliseconds, so a timer fires up to about
    a millisecond before or after its time: a departure whose slot on the grid is less than half a millisecond
    away leaves at once, and one woken early sleeps again. The grid keeps the average however each departure's
    timer falls. The cap is never left early: a wait for it shorter than a timer can measure sleeps one tick, a
    little late. (Spending the last 2 ms of every wait yielding, as the pacer did before, woke a waiting request
    hundreds of times a departure, CPU the taps needed.) A timer cannot wait less than about a millisecond either,
    so when a gap is shorter than two of them (over 500/s: paid broadcasts) a departure may leave up to half a gap
    before its slot on the grid: waiting out every gap with a timer cost a tenth of the rate at 1,000/s, more on a
    busy loop.
    """

    def __init__(
        self,
        limit: float,
        share: float = 1.0,
        jitter: float = JITTER,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval, self.clock, self.sleep = 1 / (share * limit), clock, sleep
        self.jitter = jitter
        self.budget = max(1, int(limit))
        self.credit = 0.25
        self.slack = min(TIMER_RESOLUTION / 2, self.interval / 4)  # how early a timer may let a departure go
        self.early = self.interval / 2 if self.interval < 2 * TIMER_RESOLUTION else 0.0
        self._due = float("-inf")
        self._counted = float("-inf")  # the latest any departure older than the window may have been counted
        self._shortest = float("inf")  # the shortest round trip of an answer so far: the link's distance
        self._trips = 0  # answers so far
        self._window: deque[Departure] = deque(maxlen=self.budget)
        self._lock = asyncio.Lock()

    @property
    def rate(self) -> float:
        """Departures a second it keeps up when round trips vary by up to `jitter` (steadier: up to the limit)."""
        return min(1 / self.interval, self.budget / (1 + self.jitter))

    def answered(self, departure: Departure, at: float | None = None, *, reached: bool = True) -> None:
        """`departure`'s answer came back (at `at`, else now): counted by then, at the latest its round trip's
        delay after it left. `reached=False`: it failed without an answer (a network error, a timeout), so it may
        have been counted at any moment until now."""
        at = self.clock() if at is None else at
        trip = at - departure.left
        if not reached:
            departure.counted_by = at
            return
        if trip < self._shortest:
            self._shortest = trip
        self._trips += 1
        # until a second's worth of answers has come back, the shortest of them says little about the distance
        distance = max(0.0, self._shortest - SETTLE) if self._trips > self.budget else 0.0
        departure.counted_by = departure.left + trip - distance

    async def wait(self) -> Departure:
        """Wait for this request's turn; tell the returned departure when the answer came back."""
        async with self._lock:
            now = self.clock()
            if now - self._due > self.credit:  # idle, or stalled too long to make up: start afresh
                self._due = now
            slot = self._due - self.early  # the grid: a timer may let it go up to `slack` early
            oldest = self._window[0] if len(self._window) == self.budget else None
            while True:
                now = self.clock()
                # the cap is never left early: a wait for it shorter than a timer can measure sleeps one tick, a
                # little late (the oldest's answer may come back meanwhile: it is read again after each wait)
                hard = max(oldest.counted_by, self._counted) + SECOND - now if oldest is not None else 0.0
                soft = slot - now
                if hard > 0:
                    await self.sleep(max(hard, soft, TIMER_RESOLUTION))
                elif soft > self.slack:
                    await self.sleep(soft)
                else:
                    break
            if oldest is not None:  # it leaves the window: the latest it may still be counted stays a bound
                self._counted = max(self._counted, oldest.counted_by)
            departure = Departure(now, self.jitter)
            self._window.append(departure)
            self._due += self.interval  # the grid, however late this one left
            return departure


class ChatWindow:
    """At most `limit` departures into one chat in any `period` seconds (Telegram: 20 a minute into a group).

    A slot is reserved when asked for, so concurrent senders to one chat leave in the order they asked. Chats with
    nothing in their window are forgotten in a sweep that runs once every as many calls as there are chats, so the
    cost per call stays constant however many groups a morning reaches.
    """

    def __init__(self, limit: int, period: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.period, self.clock = limit, period, clock
        self._sent: dict[int | str, deque[float]] = {}
        self._calls = 0

    def reserve(self, chat: int | str) -> float:
        """Reserve the next slot into `chat`; returns how long to wait before leaving (0: now)."""
        now = self.clock()
        self._calls += 1
        if self._calls >= max(1024, len(self._sent)):
            self._sweep(now)
        window = self._sent.get(chat)
        if window is None:
            window = self._sent[chat] = deque()
        while window and now - window[0] >= self.period:
            window.popleft()
        at = now
        if window:
            at = max(at, window[-1])  # in the order asked
            if len(window) >= self.limit:
                at = max(at, window[-self.limit] + self.period)
        window.append(at)
        return at - now

    def wait(self, chat: int | str) -> float:
        """How long the next departure into `chat` would wait, without reserving it."""
        window = self._sent.get(chat)
        if not window:
            return 0.0
        now = self.clock()
        live = [t for t in window if now - t < self.period]
        if len(live) < self.limit:
            return max(0.0, live[-1] - now) if live else 0.0
        return max(0.0, live[-self.limit] + self.period - now, live[-1] - now)

    def _sweep(self, now: float) -> None:
        self._calls = 0
        for chat in [
            chat for chat, window in self._sent.items() if not window or now - window[-1] >= self.period
        ]:
            del self._sent[chat]

    def __len__(self) -> int:
        return len(self._sent)


DELIVER = 1
"""`rate_limit_args` of the scheduled deliveries (posts, reveals, count edits, bulletins): they wait their turn in
a group however long it takes. Everything else is a reply to a person, dropped when the group's budget cannot carry
it soon."""
REPLY_WAIT_MAX = 5.0  # seconds a reply may wait for its group's 20-a-minute budget before it is dropped


class ReplyDropped(TelegramError):
    """A reply the group's message budget could not carry within REPLY_WAIT_MAX seconds: not sent (a flood of
    commands in one group gets some answers, not a queue of minutes)."""

    def __init__(self, chat: int | str) -> None:
        super().__init__(f"reply to chat {chat} dropped: the group's message budget is spent")
        self.chat = chat


class MessageRateLimiter(BaseRateLimiter[int]):
    """Paces message methods: up to `per_second` across chats as Telegram counts them (see `Pacer`), and at most
    `group_per_minute` into one group (see `ChatWindow`); a 429 pauses every paced send for the time Telegram
    asks, then the request is retried (at most `max_retries` times): this is the one place hpbot retries a 429.
    Other methods go straight through.

    A reply (a request without `rate_limit_args=DELIVER`) that would wait more than `reply_wait_max` seconds for its
    group's budget is dropped with `ReplyDropped` instead of queueing. With `paid_per_second` (paid broadcasts,
    `allow_paid_broadcast`), the sends that carry the flag are paced on a grid of their own at that rate less the
    free one's (Telegram counts both against it); edits (which cannot carry the flag) and replies stay on the free
    one.

    PTB's AIORateLimiter did the per-group part before, but once more than 512 groups have a recent send it walks
    all of their buckets on every request: with 10,000 groups in a morning that walk took about a quarter of the
    push's time.
    """

    def __init__(
        self,
        per_second: float = 30.0,
        group_per_minute: float = 20.0,
        max_retries: int = 3,
        *,
        paid_per_second: float = 0.0,
        reply_wait_max: float = REPLY_WAIT_MAX,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.pacer = Pacer(per_second, clock=clock, sleep=sleep) if per_second else None
        # Telegram's paid limit counts every message, the free ones too: the paid sends take what the free pacer
        # leaves of it (970 of 1,000 a second)
        paid = max(paid_per_second - per_second, paid_per_second / 2)
        self.paid = Pacer(paid, clock=clock, sleep=sleep) if paid_per_second else None
        # a minute and a second: a slot is reserved before the send waits its turn in the pacer's queue
        self.groups = ChatWindow(int(group_per_minute), 61.0, clock) if group_per_minute else None
        self.max_retries, self.sleep, self.reply_wait_max = max_retries, sleep, reply_wait_max
        self._open = asyncio.Event()
        self._open.set()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if endpoint not in PACED:
            return await callback(*args, **kwargs)
        chat = _group_id(data.get("chat_id"))
        deliver = rate_limit_args == DELIVER
        # only a request that is paid for (a send with allow_paid_broadcast) may use the paid rate: edits cannot
        # carry the flag, so the reveal's and the live count's edits stay within the free 30/s
        paid = deliver and self.paid is not None and bool(data.get("allow_paid_broadcast"))
        pacer = self.paid if paid else self.pacer
        retries = self.max_retries
        for attempt in range(retries + 1):
            await self._open.wait()
            if chat is not None and self.groups is not None:
                if not deliver and self.groups.wait(chat) > self.reply_wait_max:
                    log.info("%s to chat %s dropped: the group's budget of messages is spent", endpoint, chat)
                    raise ReplyDropped(chat)
                if (delay := self.groups.reserve(chat)) > 0:
                    await self.sleep(delay)
            departure = await pacer.wait() if pacer is not None else None
            reached = False  # whether Telegram answered (a result or an error of its own)
            try:
                try:
                    result = await callback(*args, **kwargs)
                    reached = True
                    return result
                except TelegramError as exc:
                    # PTB's BadRequest is a NetworkError too, but Telegram sent it
                    reached = isinstance(exc, BadRequest) or not isinstance(exc, NetworkError)
                    raise
                finally:
                    if departure is not None and pacer is not None:
                        pacer.answered(departure, reached=reached)
            except RetryAfter as exc:
                if attempt == retries:
                    log.warning("%s still limited after %d retries", endpoint, retries)
                    raise
                pause = retry_after_seconds(exc) + 0.1
                log.info(
                    "%s: Telegram asked for a pause of %.1f s; every send waits, then this one is retried",
                    endpoint,
                    pause,
                )
                self._open.clear()
                try:
                    await self.sleep(pause)
                finally:
                    self._open.set()
        raise AssertionError("unreachable")  # pragma: no cover


def following(clock: Clock, monotonic: Callable[[], float] = time.monotonic) -> Callable[[], float]:
    """A monotonic clock for the pacing windows that also moves when the bot's clock jumps ahead.

    With the system clock it is `time.monotonic`. When the bot's time is moved by hand (the demo and the crash
    trials compress a day into seconds; end-to-end tests move a fake clock), a jump of the bot's day frees the
    per-group windows as the real day would, so a week played in seconds is paced as a real week is.
    """
    wall0, mono0 = clock.now(), monotonic()
    ahead = 0.0

    def now() -> float:
        nonlocal ahead
        elapsed = monotonic() - mono0
        ahead = max(ahead, (clock.now() - wall0).total_seconds() - elapsed)
        return mono0 + elapsed + ahead

    return now


def _group_id(chat_id: Any) -> int | str | None:
    """The chat a per-group limit applies to: negative ids (groups, supergroups, channels) and @usernames."""
    if isinstance(chat_id, str):
        try:
            chat_id = int(chat_id)
        except ValueError:
            return chat_id
    return chat_id if isinstance(chat_id, int) and chat_id < 0 else None


def retry_after_seconds(exc: RetryAfter) -> float:
    """How long Telegram asked to wait: a timedelta with PTB_TIMEDELTA (set by hpbot.tg), seconds without it."""
    with warnings.catch_warnings():  # PTB 22 warns on every read when PTB_TIMEDELTA is not set
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
