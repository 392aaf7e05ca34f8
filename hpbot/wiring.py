"""One function builds a running bot from settings and hands every dependency in: the store, the study bank, the
use cases, the outbound port and the Telegram edge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import BaseRateLimiter

from hpbot.app.bulletins import BulletinRun
from hpbot.app.competitions import CompetitionService
from hpbot.app.inbox import UpdateInbox
from hpbot.app.rounds import RoundLifecycle
from hpbot.app.study import StudyService
from hpbot.clock import Clock, SystemClock
from hpbot.config import Config
from hpbot.content import Bank, load_bank
from hpbot.store import Store
from hpbot.tg import app as tg_app
from hpbot.tg.app import ALLOWED_UPDATES, AnyApplication, EdgeState
from hpbot.tg.edge import Edge
from hpbot.tg.outbound import TelegramOutbound
from hpbot.tg.transport.retry import Delivery

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


def build(
    config: Config,
    *,
    clock: Clock | None = None,
    bank: Bank | None = None,
    store: Store | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    run_jobs: bool = True,
) -> Hpbot:
    """Build the bot. `run_jobs=False` leaves the due job out (tests drive `rounds.run_due()` with a fake clock).

    Raises a StartupError (hpbot.errors) when the study bank or the database cannot be used.
    """
    clock = clock or SystemClock()
    bank = bank or load_bank()
    store = store or Store.open(config.db_path)
    study = StudyService(store, bank, clock, config.tz)
    competitions = CompetitionService(store, bank, clock, config.tz, config.organizers)

    inbox = UpdateInbox(store, clock)
    bot = tg_app.new_bot(config, rate_limiter, clock)
    application = tg_app.new_application(bot, clock, inbox.done)
    outbound = TelegramOutbound(bot, Delivery(on_migrated=study.migrate, on_gone=study.bot_removed))
    rounds = RoundLifecycle(outbound, study, count_edit_seconds=config.count_edit_seconds)
    bulletins = BulletinRun(outbound, competitions)
    rounds.after_due.append(bulletins.run_due)
    tg_app.install(
        application,
        EdgeState(
            edge=Edge(study, rounds, competitions),
            organizers=sorted(config.organizers),
            run_jobs=run_jobs,
            tick_seconds=config.tick_seconds,
            db_path=str(config.db_path),
            on_shutdown=store.close,
            inbox=inbox,
        ),
    )
    return Hpbot(application, rounds, study, competitions, bulletins, store, str(config.db_path))
