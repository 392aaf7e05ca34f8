"""Start the bot for real: settings, logging, then polling or webhook until stopped.

Under systemd (`Type=notify`, deploy/hpbot.service) the runner tells the service manager when the bot is ready,
when it stops and, with `WatchdogSec=`, that its event loop is still turning (hpbot/notify.py; without systemd
nothing is sent).

The bot runs in one `asyncio.run` whose stop signals (SIGINT, SIGTERM) are handled from before start-up to the
end. PTB's `run_polling`/`run_webhook` run the loop once per start-up step instead, and uvloop stops listening for
signals between two runs of its loop: a SIGTERM or Ctrl+C arriving between those steps is noted by uvloop but never
handed to the application, which goes on running (tests/test_runner.py shows the drop).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from typing import Any

from hpbot import notify
from hpbot.config import load_config
from hpbot.errors import StartupError, TokenRejected
from hpbot.logs import setup_logging

log = logging.getLogger("hpbot")


def run() -> int:
    """Start the bot and serve until a stop signal. 2 when it cannot start: the settings, the study bank or the
    database (any StartupError) is then one English line on stderr, without a traceback, for the operator."""
    from hpbot import instance

    lock = None
    try:
        config = load_config()
        setup_logging(config.log_level, config.token, config.webhook_secret)
        from hpbot.wiring import ALLOWED_UPDATES, build

        clock = None
        if clock_file := os.environ.get("HPBOT_CLOCK_FILE"):
            from hpbot.clock import FileClock

            log.warning("HPBOT_CLOCK_FILE is set: time is read from %s (demo and trials only)", clock_file)
            clock = FileClock(clock_file)
        lock = instance.acquire(
            config.db_path
        )  # one bot per database: a second one would post everything twice
        hp = build(config, clock=clock)
    except StartupError as exc:
        if lock is not None:
            lock.release()
        print(f"hpbot: {one_line(exc)}", file=sys.stderr)
        return 2
    except Exception:  # a bug while building: reported as below, never as a raw traceback holding the token
        if lock is not None:
            lock.release()
        log.exception("hpbot could not start on an unexpected error")
        return 1
    from hpbot import eventloop

    log.info("starting hpbot with %r on the %s event loop", config, eventloop.install())
    try:
        return asyncio.run(serve(hp.application, config, ALLOWED_UPDATES, board=hp.board))
    except KeyboardInterrupt:  # Ctrl+C before the handlers were in place: shut down as for a signal
        return 0
    except TokenRejected as exc:
        print(f"hpbot: {one_line(exc)}", file=sys.stderr)
        return 2
    except (
        Exception
    ):  # a bug: through the log, whose filter takes the token and the secret out of the traceback
        log.exception("hpbot stopped on an unexpected error")
        return 1
    finally:
        lock.release()


def one_line(exc: BaseException) -> str:
    """The message on one line: a wrapped parser message (YAML's, SQLite's) may hold line breaks and indents."""
    return " ".join(str(exc).split()) or exc.__class__.__name__


START_RETRY_MAX = 60.0  # seconds between two attempts to reach the Bot API at start
EXIT_TOKEN_REVOKED = (
    3  # the token was rejected while running: the supervisor sees a failure, not a clean stop
)


async def serve(
    application: Any, config: Any, allowed_updates: list[str], *, receiving: Any = None, board: Any = None
) -> int:
    """What `Application.run_polling`/`run_webhook` do, in one run of the event loop: initialize (reaching the Bot
    API, retried with backoff), post_init (recovery), start receiving updates, wait for a stop signal, then stop
    and shut down, post_shutdown included. `board`: the live board's web server (hpbot.web), served from once
    the bot receives updates until it stops. Returns the exit code: 0 after a stop signal, EXIT_TOKEN_REVOKED when
    Telegram rejected the token while running. Raises TokenRejected when it is rejected at start."""
    from hpbot.tg.app import Receiving

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    receiving = receiving or Receiving(application)
    initialized = False
    watchdog: asyncio.Task[None] | None = None
    try:
        initialized = await _initialize(application, stop)
        if not initialized:
            return 0
        if application.post_init:
            await application.post_init(application)
        if stop.is_set():  # asked to stop while starting: do not start receiving updates
            return 0
        if config.webhook_url:
            await receiving.start_webhook(config)
        else:
            await receiving.start_polling()
        await application.start()
        if board is not None:
            try:
                await board.start()
            except OSError as exc:  # the port taken, say: the daily study goes on without the page
                log.error(
                    "the live board cannot listen on %s:%d (%s); running without it",
                    board.listen,
                    board.port,
                    exc.strerror or exc,
                )
                board = None
        mode = "webhook" if config.webhook_url else "polling"
        notify.notify("READY=1", f"STATUS=receiving updates ({mode})")
        if (interval := notify.watchdog_interval()) is not None:
            watchdog = asyncio.create_task(_watchdog(interval))
        stopped = asyncio.ensure_future(stop.wait())
        failed = asyncio.ensure_future(receiving.failed.wait())
        await asyncio.wait((stopped, failed), return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        failed.cancel()
        if receiving.failed.is_set():
            log.error("stopping: %s", receiving.fatal[0])
            return EXIT_TOKEN_REVOKED
        log.info("stop signal received; shutting down")
        return 0
    finally:
        notify.notify("STOPPING=1", "STATUS=shutting down")
        if watchdog is not None:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
        if board is not None:
            await board.stop()
        await receiving.stop()
        if initialized:
            if application.running:
                await application.stop()
            if application.post_stop:
                await application.post_stop(application)
            await application.shutdown()
            if application.post_shutdown:
                await application.post_shutdown(application)


async def _initialize(application: Any, stop: asyncio.Event) -> bool:
    """Initialize the Application, waiting for the Bot API to be reachable; False if stopped meanwhile."""
    from telegram.error import InvalidToken, NetworkError, TelegramError

    delay = 1.0
    while True:
        try:
            await application.initialize()
            return True
        except InvalidToken:  # PTB's message holds the token: never shown
            await application.bot.shutdown()
            raise TokenRejected(
                "the Bot API rejected HPBOT_TOKEN (401 Unauthorized): it is mistyped or was revoked; copy the "
                "current token from @BotFather into HPBOT_TOKEN"
            ) from None
        except (NetworkError, TelegramError) as exc:
            await application.bot.shutdown()
            log.warning(
                "cannot reach the Bot API at %s (%s); retrying in %.0f s",
                _host(application),
                type(exc).__name__,
                delay,
            )
            notify.notify(f"STATUS=cannot reach the Bot API at {_host(application)}; retrying")
        try:
            await asyncio.wait_for(stop.wait(), delay)
            return False
        except TimeoutError:
            delay = min(delay * 2, START_RETRY_MAX)


def _host(application: Any) -> str:
    from urllib.parse import urlsplit

    return urlsplit(str(application.bot.base_url)).netloc or "?"


async def _watchdog(period: float) -> None:
    """WATCHDOG=1 to systemd every `period` seconds from the event loop: a loop that stops turning (blocked or
    deadlocked) stops the pings, and systemd restarts the bot. Not tied to the scheduler's heartbeat, which a long
    morning push or reveal leaves untouched until it is done: a restart then would only interrupt it."""
    while True:
        notify.notify("WATCHDOG=1")
        await asyncio.sleep(period)
