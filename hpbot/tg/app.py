"""Wiring: one function builds the Application from settings and hands every dependency in."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from hpbot import texts
from hpbot.app.bulletins import BulletinSender
from hpbot.app.competitions import CompetitionService
from hpbot.app.rounds import StudyRuntime
from hpbot.app.study import StudyService
from hpbot.clock import Clock, SystemClock
from hpbot.config import Config
from hpbot.content import Bank, load_bank
from hpbot.health import beat
from hpbot.store import Store
from hpbot.tg.competition_handlers import CompetitionHandlers
from hpbot.tg.handlers import Handlers
from hpbot.tg.transport.bot import BotClient
from hpbot.tg.transport.http import AiohttpRequest
from hpbot.tg.transport.ordering import PerChatOrder
from hpbot.tg.transport.pacing import MessageRateLimiter

log = logging.getLogger(__name__)
DUE_JOB_ID = "hpbot-due"


@dataclass
class Hpbot:
    """Everything a running bot is made of, so tests can reach each part."""

    application: Application
    runtime: StudyRuntime
    service: StudyService
    store: Store
    handlers: Handlers
    db_path: str = ":memory:"
    competition: CompetitionService | None = None
    competition_handlers: CompetitionHandlers | None = None
    bulletins: BulletinSender | None = None


def build(config: Config, *, clock: Clock | None = None, bank: Bank | None = None, store: Store | None = None,
          rate_limiter: BaseRateLimiter | None = None, run_jobs: bool = True) -> Hpbot:
    """Build the bot. `run_jobs=False` leaves the due-job out (tests drive `runtime.run_due()` with a fake clock)."""
    clock = clock or SystemClock()
    bank = bank or load_bank()
    store = store or Store.open(config.db_path)
    service = StudyService(store, bank, clock, config.tz)

    bot = BotClient(
        config.token,
        base_url=config.api_base_url,
        base_file_url=config.api_base_file_url,
        request=AiohttpRequest(connection_pool_size=64, connect_timeout=10, read_timeout=20, write_timeout=20,
                               pool_timeout=10),
        get_updates_request=AiohttpRequest(connection_pool_size=1, connect_timeout=10, read_timeout=35),
        rate_limiter=rate_limiter or MessageRateLimiter(config.rate_per_second, config.group_rate_per_minute),
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .concurrent_updates(PerChatOrder(256))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    application = builder.build()
    runtime = StudyRuntime(application.bot, service, count_edit_seconds=config.count_edit_seconds)
    handlers = Handlers(runtime)
    competition = CompetitionService(store, bank, clock, config.tz, config.organizers)
    competition_handlers = CompetitionHandlers(handlers, competition)
    handlers.competition_board = competition_handlers.board
    bulletins = BulletinSender(application.bot, competition, runtime.delivery)
    runtime.after_due.append(bulletins.run_due)
    hp = Hpbot(application, runtime, service, store, handlers, str(config.db_path), competition, competition_handlers,
               bulletins)
    application.bot_data["organizers"] = sorted(config.organizers)
    application.bot_data["hpbot"] = hp
    application.bot_data["run_jobs"] = run_jobs
    application.bot_data["tick_seconds"] = config.tick_seconds
    _register(application, handlers, competition_handlers)
    return hp


def _register(app: Application, h: Handlers, c: CompetitionHandlers) -> None:
    commands = [
        (("dangky", "subscribe"), h.subscribe),
        (("huydangky", "unsubscribe"), h.unsubscribe),
        (("caidat", "settings"), h.settings),
        (("guingay", "postnow"), h.post_now),
        (("congbo", "reveal"), h.reveal_now),
        (("cauhoi", "today"), h.today),
        (("bxh", "leaderboard"), h.leaderboard),
        (("toi", "me"), h.me),
        (("trogiup", "help"), h.help),
        (("start",), h.start),
        (("thamgia", "join"), c.join),
        (("thongke", "stats"), c.stats),
        (("bantin", "bulletin"), c.bulletin),
        (("cuocthi", "competitions"), c.list),
        (("cuocthi_tao", "competition_new"), c.create),
        (("cuocthi_ketthuc", "competition_end"), c.end),
        (("cuocthi_xoa", "competition_delete"), c.delete),
        (("cuocthi_themtatca", "competition_add_all"), c.join_all),
        (("ketqua", "results"), c.results),
        (("xuat", "export"), c.export),
    ]
    # button taps first: most updates in a burst are taps, and PTB tries a group's handlers in order
    app.add_handler(CallbackQueryHandler(h.tap, pattern=r"^a:"))
    app.add_handler(CallbackQueryHandler(h.tap))  # stale or foreign buttons get a polite toast
    for names, callback in commands:
        app.add_handler(CommandHandler(list(names), callback, filters=~filters.UpdateType.EDITED))
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & ~filters.UpdateType.EDITED, h.note_ids), group=-1)
    app.add_handler(CommandHandler("start", c.organizer_menu, filters=filters.ChatType.PRIVATE), group=1)
    app.add_handler(ChatMemberHandler(h.my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, h.migrated))
    app.add_error_handler(h.on_error)


async def set_command_menus(app: Application) -> None:
    def menu(pairs):
        return [BotCommand(name, description) for name, description in pairs]

    await app.bot.set_my_commands(menu(texts.COMMANDS_MEMBER), scope=BotCommandScopeAllGroupChats())
    await app.bot.set_my_commands(menu(texts.COMMANDS_MEMBER + texts.COMMANDS_ADMIN),
                                  scope=BotCommandScopeAllChatAdministrators())
    await app.bot.set_my_commands(menu(texts.COMMANDS_PRIVATE), scope=BotCommandScopeAllPrivateChats())
    for organizer in app.bot_data.get("organizers", []):
        try:  # fails until the organizer has started a chat with the bot; the commands work regardless
            await app.bot.set_my_commands(menu(texts.COMMANDS_ORGANIZER), scope=BotCommandScopeChat(organizer))
        except TelegramError as exc:
            log.info("no organizer menu for %s yet: %s", organizer, exc.message)


async def _due(context: ContextTypes.DEFAULT_TYPE) -> None:
    hp: Hpbot = context.application.bot_data["hpbot"]
    await hp.runtime.run_due()
    beat(hp.db_path)


async def _post_init(app: Application) -> None:
    hp: Hpbot = app.bot_data["hpbot"]
    try:
        await set_command_menus(app)
    except Exception:  # the menu is a convenience; a failure must not stop the bot
        log.exception("could not set the command menus")
    await hp.runtime.recover()
    if app.bot_data["run_jobs"] and app.job_queue is not None:
        app.job_queue.run_repeating(
            _due, interval=app.bot_data["tick_seconds"], first=1, name=DUE_JOB_ID,
            job_kwargs={"id": DUE_JOB_ID, "replace_existing": True, "misfire_grace_time": 300, "coalesce": True,
                        "max_instances": 1},
        )
    log.info("hpbot ready: %d active groups", hp.store.active_group_count())


async def _post_shutdown(app: Application) -> None:
    hp: Hpbot = app.bot_data["hpbot"]
    await hp.runtime.drain()
    hp.store.close()


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER, Update.EDITED_MESSAGE]
