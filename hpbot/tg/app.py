"""The Telegram edge put together: the Application with hpbot's HTTP client, pacing and update order, every
feature's handlers, the command menus, and the due check that drives the rounds' lifecycle.

The use cases are handed in (hpbot.wiring builds them); nothing here opens the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter, ContextTypes

from hpbot import texts
from hpbot.app.competitions import CompetitionService
from hpbot.app.live_board import LiveBoardService
from hpbot.app.practice import PracticeService
from hpbot.clock import Clock, SystemClock
from hpbot.config import Config
from hpbot.health import TELEGRAM, beat, beat_while_busy, heartbeat_path
from hpbot.tg.edge import Edge
from hpbot.tg.features.boards import Boards
from hpbot.tg.features.calendar import Calendar
from hpbot.tg.features.contests import Contests
from hpbot.tg.features.daily import DailyLoop
from hpbot.tg.features.documents import Documents
from hpbot.tg.features.errors import Errors
from hpbot.tg.features.group_admin import GroupAdmin
from hpbot.tg.features.live_board import LiveBoard
from hpbot.tg.features.membership import Membership
from hpbot.tg.features.organizers import Organizers
from hpbot.tg.features.practice import Practice
from hpbot.tg.features.predictions import Predictions
from hpbot.tg.features.stats import Stats
from hpbot.tg.features.units import UnitLists
from hpbot.tg.receiving import Inbox, Poller, Receiver
from hpbot.tg.router import Feature, Route, register
from hpbot.tg.transport.bot import BotClient
from hpbot.tg.transport.http import AiohttpRequest
from hpbot.tg.transport.ordering import PerChatOrder
from hpbot.tg.transport.pacing import MessageRateLimiter, following

log = logging.getLogger(__name__)
DUE_JOB_ID = "hpbot-due"
REPLAY_WAIT = 60  # seconds the first due check after a restart waits for the updates received before it
WAKE_JOB_ID = "hpbot-due-at"
PAID_BROADCAST_PER_SECOND = 1000.0  # Telegram's cap with allow_paid_broadcast
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER, Update.EDITED_MESSAGE]
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
# Documents before DailyLoop: the answer buttons' handler takes every tap, so the document buttons' must come first
FEATURES: tuple[type[Feature], ...] = (
    Practice,  # before DailyLoop (its buttons) and Membership (/start with a deep link's payload)
    Documents,
    Organizers,  # before DailyLoop too (its confirmation buttons)
    Contests,  # before DailyLoop too (join requests' and removals' buttons)
    UnitLists,  # the organizer's unit list (a file in private)
    Predictions,
    LiveBoard,
    Calendar,  # before DailyLoop: the reminder's button
    DailyLoop,
    Membership,
    GroupAdmin,
    Boards,
    Stats,
)


@dataclass
class EdgeState:
    """What the Application's callbacks need, kept in one typed place instead of loose bot_data keys."""

    edge: Edge
    organizers: Sequence[int]
    run_jobs: bool
    tick_seconds: float
    db_path: str
    on_shutdown: Callable[[], None]
    inbox: Inbox | None = None
    practice: PracticeService | None = None  # private study (hpbot.tg.features.practice)
    live_boards: LiveBoardService | None = None  # the live board's links (hpbot.tg.features.live_board)
    routes: list[Route] = field(default_factory=list)
    # cleared at start while the updates received before the last stop wait to be handled: the due check waits
    # too, so a tap that came before a reveal time is counted before that reveal goes out
    replay_done: asyncio.Event = field(default_factory=asyncio.Event)


def state(application: AnyApplication) -> EdgeState:
    found: EdgeState = application.bot_data["hpbot"]
    return found


def new_bot(
    config: Config, rate_limiter: BaseRateLimiter[Any] | None = None, clock: Clock | None = None
) -> BotClient:
    """The bot object: aiohttp for every request, the pacing limiter on message methods (its windows follow the
    bot's clock when that is not the system's: see `pacing.following`)."""
    paced_by = time.monotonic if clock is None or isinstance(clock, SystemClock) else following(clock)
    bot = BotClient(
        config.token,
        base_url=config.api_base_url,
        base_file_url=config.api_base_file_url,
        request=AiohttpRequest(
            connection_pool_size=64, connect_timeout=10, read_timeout=20, write_timeout=20, pool_timeout=10
        ),
        get_updates_request=AiohttpRequest(connection_pool_size=1, connect_timeout=10, read_timeout=35),
        rate_limiter=rate_limiter
        or MessageRateLimiter(
            config.rate_per_second,
            config.group_rate_per_minute,
            clock=paced_by,
            paid_per_second=PAID_BROADCAST_PER_SECOND if config.paid_broadcast else 0.0,
        ),
        paid_broadcast=config.paid_broadcast,
    )
    return bot


def new_application(
    bot: BotClient, clock: Clock | None = None, on_done: Callable[[int], None] | None = None
) -> AnyApplication:
    """The Application without PTB's Updater (hpbot.tg.receiving receives), its updates ordered per chat."""
    return (
        ApplicationBuilder()
        .bot(bot)
        .updater(None)
        .concurrent_updates(PerChatOrder(256, clock=clock.now if clock else None, on_done=on_done))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )


def install(application: AnyApplication, edge_state: EdgeState) -> None:
    """Register every feature's handlers and the error handler; keep the state the callbacks read."""
    application.bot_data["hpbot"] = edge_state
    edge = edge_state.edge
    edge_state.routes = register(application, [feature(edge) for feature in FEATURES])
    application.add_error_handler(Errors(edge).on_error)


async def set_command_menus(application: AnyApplication) -> None:
    def menu(pairs: list[tuple[str, str]]) -> list[BotCommand]:
        return [BotCommand(name, description) for name, description in pairs]

    bot = application.bot
    await bot.set_my_commands(menu(texts.COMMANDS_MEMBER), scope=BotCommandScopeAllGroupChats())
    await bot.set_my_commands(
        menu(texts.COMMANDS_MEMBER + texts.COMMANDS_ADMIN), scope=BotCommandScopeAllChatAdministrators()
    )
    await bot.set_my_commands(menu(texts.COMMANDS_PRIVATE), scope=BotCommandScopeAllPrivateChats())
    for organizer in state(application).organizers:
        try:  # fails until the organizer has started a chat with the bot; the commands work regardless
            await bot.set_my_commands(menu(texts.COMMANDS_ORGANIZER), scope=BotCommandScopeChat(organizer))
        except TelegramError as exc:
            log.info("no organizer menu for %s yet: %s", organizer, exc.message)


def receiver(application: AnyApplication) -> Receiver:
    """Where received updates go (polling or the webhook): through the inbox into the Application."""
    inbox = state(application).inbox
    assert inbox is not None, "the Application was built without an inbox"
    return Receiver(application, inbox)


def poller(application: AnyApplication, on_fatal: Callable[[str], None], *, timeout: int = 30) -> Poller:
    """hpbot's own long polling; every answer from Telegram counts as a sign of health."""
    current = state(application)
    bot = application.bot
    assert isinstance(bot, BotClient)
    return Poller(
        bot,
        receiver(application),
        ALLOWED_UPDATES,
        on_fatal=on_fatal,
        on_polled=lambda: beat(current.db_path, TELEGRAM),
        timeout=timeout,
    )


class Receiving:
    """Receiving updates for a built Application, started and stopped as one: hpbot's long polling (or the
    webhook server). `fatal` holds the reason when Telegram rejected the token."""

    def __init__(self, application: AnyApplication, *, poll_timeout: int = 30) -> None:
        self.application, self.poll_timeout = application, poll_timeout
        self.fatal: list[str] = []
        self.failed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._server: Any = None
        self._after_replay: asyncio.Task[None] | None = None

    def _fatal(self, reason: str) -> None:
        log.error("%s", reason)
        self.fatal.append(reason)
        self.failed.set()
        # unhealthy at once, not when the last answer from Telegram has aged past the limit
        heartbeat_path(state(self.application).db_path, TELEGRAM).unlink(missing_ok=True)

    async def start_polling(self) -> None:
        await self._replay()
        self._task = asyncio.create_task(
            poller(self.application, self._fatal, timeout=self.poll_timeout).run()
        )

    async def _replay(self) -> None:
        """Queue the updates received but not handled before the last stop, then run the due check recovery left:
        at once when there were none, else once they are handled (a tap that came before a reveal time counts in
        that reveal), or after REPLAY_WAIT seconds at most."""
        current = state(self.application)
        if current.replay_done.is_set():
            return  # receiving started again in this run: the replay and the first due check are behind us
        if not await receiver(self.application).replay():
            current.replay_done.set()
            await _run_due(current)
            return
        self._after_replay = asyncio.create_task(self._due_after_replay(current))

    async def _due_after_replay(self, current: EdgeState) -> None:
        assert current.inbox is not None
        if not await current.inbox.replayed(REPLAY_WAIT):
            log.warning("updates received before the last stop still not handled after %d s", REPLAY_WAIT)
        current.replay_done.set()
        try:
            await _run_due(current)
        except Exception:  # the repeating due check tries again
            log.exception("the due check after the restart failed")

    async def start_webhook(self, config: Any) -> None:
        """Serve the webhook (behind the HTTPS reverse proxy) and register it with Telegram. An update is answered
        200 once it is in the inbox; the periodic getWebhookInfo keeps the health check's Telegram heartbeat."""
        from hpbot.tg.transport.webhook import WebhookServer, set_webhook

        assert config.webhook_url is not None and config.webhook_secret is not None
        await self._replay()
        take = receiver(self.application).take

        async def accept(update: dict[str, Any]) -> None:
            await take([update])

        self._server = WebhookServer(
            config.webhook_listen, config.webhook_port, "/telegram", config.webhook_secret, accept
        )
        await self._server.start()
        await set_webhook(
            self.application.bot,
            config.webhook_url.rstrip("/") + "/telegram",
            config.webhook_secret,
            ALLOWED_UPDATES,
        )
        self._task = asyncio.create_task(self._watch_webhook())

    async def _watch_webhook(self) -> None:
        """Telegram answering getWebhookInfo is the webhook mode's sign of health; a 401 is fatal."""
        from telegram.error import InvalidToken, TelegramError

        db_path = state(self.application).db_path
        while True:
            try:
                await self.application.bot.get_webhook_info()
                beat(db_path, TELEGRAM)
            except InvalidToken:
                self._fatal(
                    "the Bot API rejected HPBOT_TOKEN while running (401 Unauthorized): the token was "
                    "revoked or changed in @BotFather; put the current token in HPBOT_TOKEN and start again"
                )
                return
            except TelegramError as exc:
                log.warning("getWebhookInfo failed (%s)", type(exc).__name__)
            await asyncio.sleep(60)

    async def stop(self) -> None:
        if self._after_replay is not None:
            self._after_replay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._after_replay
            self._after_replay = None
        if self._server is not None:
            await self._server.stop()
            self._server = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


async def _due(context: ContextTypes.DEFAULT_TYPE) -> None:
    current = state(context.application)
    if current.replay_done.is_set():
        await _run_due(current)


async def _run_due(current: EdgeState) -> None:
    busy = asyncio.create_task(beat_while_busy(current.db_path))  # a long push keeps the health check fresh
    done = asyncio.Event()
    ranking = asyncio.create_task(rank_while_busy(current.edge.competitions, done))
    try:
        await current.edge.rounds.run_due()
    finally:
        busy.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await busy
        done.set()
        await ranking
    beat(current.db_path)


async def rank_while_busy(competitions: CompetitionService, done: asyncio.Event, every: float = 5.0) -> None:
    """`rank_apart` every `every` seconds while a due check runs (a reveal of 10,000 groups lasts minutes), and
    once more when it is `done`."""
    while not done.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), every)
        await rank_apart(competitions)


async def rank_apart(competitions: CompetitionService) -> None:
    """Rank again, on a worker thread, the running contests whose next board would rank every group on the event
    loop (after a contest's common reveal, or the day's first): boards are served from the ranking before
    meanwhile (`CompetitionService.rank_apart`)."""
    try:
        stale = competitions.stale_rankings()
    except Exception:  # the database is unwell: the next board ranks on the loop, the due check goes on
        log.exception("could not tell which competitions' rankings to read again")
        return
    if not stale:
        return
    run = competitions.rank_apart(stale)
    rankings = {}
    try:
        rankings = await asyncio.to_thread(run) if competitions.detachable else run()
    except Exception:  # the next board ranks them on the loop instead
        log.exception("could not rank competitions %s apart", [c.id for c in stale])
    finally:
        competitions.adopt(rankings, stale)


def _wake_at(application: AnyApplication) -> Callable[[float | None], None]:
    """A one-shot job at the next due instant; the repeating due job stays as a safety net."""

    def schedule(delay: float | None) -> None:
        job_queue = application.job_queue
        if job_queue is None:
            return
        for job in job_queue.get_jobs_by_name(WAKE_JOB_ID):
            job.schedule_removal()
        if delay is not None:
            job_queue.run_once(
                _due, when=delay, name=WAKE_JOB_ID, job_kwargs={"misfire_grace_time": 300, "coalesce": True}
            )

    return schedule


async def _post_init(application: AnyApplication) -> None:
    current = state(application)
    try:
        await set_command_menus(application)
    except Exception:  # the menu is a convenience; a failure must not stop the bot
        log.exception("could not set the command menus")
    if current.run_jobs and application.job_queue is not None:
        current.edge.rounds.wake_listeners.append(_wake_at(application))
    current.edge.rounds.bot_username = application.bot.username  # known once initialize() called getMe
    # the due check of the recovery runs once the updates received before the stop are handled (Receiving)
    await current.edge.rounds.recover(run_due=False)
    current.edge.competitions.warm()  # the running contests' rankings, read before the first board asks
    if current.run_jobs and application.job_queue is not None:
        application.job_queue.run_repeating(
            _due,
            interval=current.tick_seconds,
            first=1,
            name=DUE_JOB_ID,
            job_kwargs={
                "id": DUE_JOB_ID,
                "replace_existing": True,
                "misfire_grace_time": 300,
                "coalesce": True,
                "max_instances": 1,
            },
        )
    log.info("hpbot ready: %d active groups", current.edge.study.active_group_count())


async def _post_shutdown(application: AnyApplication) -> None:
    current = state(application)
    await current.edge.rounds.drain(can_send=False)  # the bot is shut down: nothing more can be sent
    current.on_shutdown()
