"""The Telegram edge put together: the Application with hpbot's HTTP client, pacing and update order, every
feature's handlers, the command menus, and the due check that drives the rounds' lifecycle.

The use cases are handed in (hpbot.wiring builds them); nothing here opens the store.
"""

from __future__ import annotations

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
from hpbot.clock import Clock, SystemClock
from hpbot.config import Config
from hpbot.health import beat
from hpbot.tg.edge import Edge
from hpbot.tg.features.boards import Boards
from hpbot.tg.features.daily import DailyLoop
from hpbot.tg.features.errors import Errors
from hpbot.tg.features.group_admin import GroupAdmin
from hpbot.tg.features.membership import Membership
from hpbot.tg.features.organizers import Organizers
from hpbot.tg.features.stats import Stats
from hpbot.tg.router import Feature, Route, register
from hpbot.tg.transport.bot import BotClient
from hpbot.tg.transport.http import AiohttpRequest
from hpbot.tg.transport.ordering import PerChatOrder
from hpbot.tg.transport.pacing import MessageRateLimiter, following

log = logging.getLogger(__name__)
DUE_JOB_ID = "hpbot-due"
WAKE_JOB_ID = "hpbot-due-at"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER, Update.EDITED_MESSAGE]
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
FEATURES: tuple[type[Feature], ...] = (DailyLoop, Membership, GroupAdmin, Boards, Stats, Organizers)


@dataclass
class EdgeState:
    """What the Application's callbacks need, kept in one typed place instead of loose bot_data keys."""

    edge: Edge
    organizers: Sequence[int]
    run_jobs: bool
    tick_seconds: float
    db_path: str
    on_shutdown: Callable[[], None]
    routes: list[Route] = field(default_factory=list)


def state(application: AnyApplication) -> EdgeState:
    found: EdgeState = application.bot_data["hpbot"]
    return found


def new_bot(
    config: Config, rate_limiter: BaseRateLimiter[Any] | None = None, clock: Clock | None = None
) -> BotClient:
    """The bot object: aiohttp for every request, the pacing limiter on message methods (its windows follow the
    bot's clock when that is not the system's: see `pacing.following`)."""
    paced_by = time.monotonic if clock is None or isinstance(clock, SystemClock) else following(clock)
    return BotClient(
        config.token,
        base_url=config.api_base_url,
        base_file_url=config.api_base_file_url,
        request=AiohttpRequest(
            connection_pool_size=64, connect_timeout=10, read_timeout=20, write_timeout=20, pool_timeout=10
        ),
        get_updates_request=AiohttpRequest(connection_pool_size=1, connect_timeout=10, read_timeout=35),
        rate_limiter=rate_limiter
        or MessageRateLimiter(config.rate_per_second, config.group_rate_per_minute, clock=paced_by),
    )


def new_application(bot: BotClient) -> AnyApplication:
    return (
        ApplicationBuilder()
        .bot(bot)
        .concurrent_updates(PerChatOrder(256))
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


async def _due(context: ContextTypes.DEFAULT_TYPE) -> None:
    current = state(context.application)
    await current.edge.rounds.run_due()
    beat(current.db_path)


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
    await current.edge.rounds.recover()
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
    await current.edge.rounds.drain()
    current.on_shutdown()
