"""Start the bot for real: settings, logging, then polling or webhook until stopped.

The bot runs in one `asyncio.run` whose stop signals (SIGINT, SIGTERM) are handled from before start-up to the
end. PTB's `run_polling`/`run_webhook` run the loop once per start-up step instead, and uvloop stops listening for
signals between two runs of its loop: a SIGTERM or Ctrl+C arriving between those steps is noted by uvloop but never
handed to the application, which goes on running (tests/test_runner.py shows the drop).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from hpbot.config import load_config
from hpbot.errors import StartupError
from hpbot.logs import setup_logging

log = logging.getLogger("hpbot")


def run() -> int:
    """Start the bot and serve until a stop signal. 2 when it cannot start: the settings, the study bank or the
    database (any StartupError) is then one English line on stderr, without a traceback, for the operator."""
    try:
        config = load_config()
        setup_logging(config.log_level, config.token)
        from hpbot.wiring import ALLOWED_UPDATES, build

        clock = None
        if clock_file := os.environ.get("HPBOT_CLOCK_FILE"):
            from hpbot.clock import FileClock

            log.warning("HPBOT_CLOCK_FILE is set: time is read from %s (demo and trials only)", clock_file)
            clock = FileClock(clock_file)
        hp = build(config, clock=clock)
    except StartupError as exc:
        print(f"hpbot: {one_line(exc)}", file=sys.stderr)
        return 2
    from hpbot import eventloop

    log.info("starting hpbot with %r on the %s event loop", config, eventloop.install())
    try:
        asyncio.run(serve(hp.application, config, ALLOWED_UPDATES))
    except KeyboardInterrupt:  # Ctrl+C before the handlers were in place: shut down as for a signal
        pass
    return 0


def one_line(exc: BaseException) -> str:
    """The message on one line: a wrapped parser message (YAML's, SQLite's) may hold line breaks and indents."""
    return " ".join(str(exc).split()) or exc.__class__.__name__


async def serve(application, config, allowed_updates: list[str]) -> None:
    """What `Application.run_polling`/`run_webhook` do, in one run of the event loop: initialize, post_init (recovery),
    start receiving updates, wait for a stop signal, then stop and shut down, post_shutdown included."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await application.initialize()
        if application.post_init:
            await application.post_init(application)
        if stop.is_set():  # asked to stop while starting: do not start receiving updates
            return
        if config.webhook_url:
            await application.updater.start_webhook(
                listen=config.webhook_listen,
                port=config.webhook_port,
                url_path="telegram",
                webhook_url=config.webhook_url.rstrip("/") + "/telegram",
                secret_token=config.webhook_secret,
                allowed_updates=allowed_updates,
                drop_pending_updates=False,
            )
        else:
            await application.updater.start_polling(
                allowed_updates=allowed_updates, drop_pending_updates=False
            )
        await application.start()
        await stop.wait()
        log.info("stop signal received; shutting down")
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        if application.post_stop:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
