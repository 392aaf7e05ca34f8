"""One function builds a running bot from settings and hands every dependency in: the store, the study documents
(the library), the use cases, the outbound port and the Telegram edge."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from telegram.ext import BaseRateLimiter

from hpbot.app.bulletins import BulletinRun
from hpbot.app.competitions import CompetitionService
from hpbot.app.inbox import UpdateInbox
from hpbot.app.live_board import LiveBoardService
from hpbot.app.practice import PracticeService
from hpbot.app.practice_run import PracticeRun
from hpbot.app.rounds import RoundLifecycle
from hpbot.app.study import StudyService
from hpbot.clock import Clock, SystemClock
from hpbot.config import Config
from hpbot.content import Bank, Library, load_library
from hpbot.store import Store
from hpbot.tg import app as tg_app
from hpbot.tg.app import ALLOWED_UPDATES, AnyApplication, EdgeState
from hpbot.tg.edge import Edge
from hpbot.tg.outbound import TelegramOutbound
from hpbot.tg.transport.retry import Delivery
from hpbot.web.server import BoardServer

__all__ = ["ALLOWED_UPDATES", "Hpbot", "build"]


@dataclass
class Hpbot:
    """Everything a running bot is made of, so tests can reach each part."""

    application: AnyApplication
    rounds: RoundLifecycle
    study: StudyService
    competitions: CompetitionService
    bulletins: BulletinRun
    store: Store
    db_path: str = ":memory:"
    practice: PracticeService | None = None
    live_boards: LiveBoardService | None = None
    board: BoardServer | None = None  # the live board's web server, when HPBOT_BOARD_URL is set


def build(
    config: Config,
    *,
    clock: Clock | None = None,
    bank: Bank | Library | None = None,
    store: Store | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    run_jobs: bool = True,
) -> Hpbot:
    """Build the bot. `run_jobs=False` leaves the due job out (tests drive `rounds.run_due()` with a fake clock).
    `bank`: one document or a library of them; by default every document under the content directory.

    Raises a StartupError (hpbot.errors) when the study bank or the database cannot be used.
    """
    clock = clock or SystemClock()
    library = Library.of(bank) if bank is not None else load_library()
    store = store or Store.open(config.db_path)
    study = StudyService(store, library, clock, config.tz)
    competitions = CompetitionService(store, library, clock, config.tz, config.organizers)

    inbox = UpdateInbox(store, clock)
    bot = tg_app.new_bot(config, rate_limiter, clock)
    application = tg_app.new_application(bot, clock, inbox.done)
    outbound = TelegramOutbound(bot, Delivery(on_migrated=study.migrate, on_gone=study.bot_removed))
    rounds = RoundLifecycle(outbound, study, count_edit_seconds=config.count_edit_seconds)
    bulletins = BulletinRun(outbound, competitions)
    rounds.after_due.append(bulletins.run_due)
    practice = PracticeService(study)
    rounds.after_due.append(PracticeRun(outbound, practice).run_due)
    live_boards = LiveBoardService(competitions, config.board_url)
    board = (
        BoardServer(
            live_boards, config.tz, config.board_listen, config.board_port, refresh=config.board_refresh
        )
        if config.board_url
        else None
    )
    tg_app.install(
        application,
        EdgeState(
            edge=Edge(study, rounds, competitions),
            organizers=sorted(config.organizers),
            run_jobs=run_jobs,
            tick_seconds=config.tick_seconds,
            db_path=str(config.db_path),
            on_shutdown=functools.partial(_close, inbox, store),
            inbox=inbox,
            practice=practice,
            live_boards=live_boards,
        ),
    )
    return Hpbot(
        application,
        rounds,
        study,
        competitions,
        bulletins,
        store,
        str(config.db_path),
        practice,
        live_boards,
        board,
    )


def _close(inbox: UpdateInbox, store: Store) -> None:
    """At shutdown: the marks of the last updates handled, then the database."""
    inbox.flush()
    store.close()
