"""Start the bot for real: settings, logging, then polling or webhook until stopped."""

from __future__ import annotations

import logging
import os
import sys

from hpbot.config import ConfigError, load_config
from hpbot.logs import setup_logging

log = logging.getLogger("hpbot")


def run() -> int:
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"hpbot: configuration error: {exc}", file=sys.stderr)
        return 2
    setup_logging(config.log_level, config.token)
    from hpbot.content import ContentError
    from hpbot.tg.app import ALLOWED_UPDATES, build

    clock = None
    if clock_file := os.environ.get("HPBOT_CLOCK_FILE"):
        from hpbot.clock import FileClock

        log.warning("HPBOT_CLOCK_FILE is set: time is read from %s (demo and trials only)", clock_file)
        clock = FileClock(clock_file)
    try:
        hp = build(config, clock=clock)
    except ContentError as exc:
        print(f"hpbot: the study bank is not usable: {exc}", file=sys.stderr)
        return 2
    from hpbot import eventloop

    log.info("starting hpbot with %r on the %s event loop", config, eventloop.install())
    if config.webhook_url:
        hp.application.run_webhook(
            listen=config.webhook_listen, port=config.webhook_port, url_path="telegram",
            webhook_url=config.webhook_url.rstrip("/") + "/telegram", secret_token=config.webhook_secret,
            allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False,
        )
    else:
        hp.application.run_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)
    return 0
