"""Test and demo support shipped with hpbot: a fake Telegram Bot API server on 127.0.0.1 for tests, the demo and
the trials.

`FakeTelegram` holds a small world (users, groups, admins), serves getUpdates from a queue the caller fills,
answers the methods hpbot uses with objects python-telegram-bot parses, records every call, checks HTML and
length the way Telegram does, and can inject faults (429, 5xx, 403, timeouts, resets, malformed bodies) and
enforce rate limits.

Benchmarks run it in a child process of its own (`python -m hpbot.testing.process --empty --port 0`, see
`FakeProcess`) so that the fake does not share a core with the bot it measures. They then drive it through routes
under `/_control/` that are not Bot API methods (`FakeTelegram.control` lists them): build the world in bulk,
offer button taps at a fixed rate (through getUpdates or by POSTing to the webhook), and read back statistics.
`LocalFake` offers the same `control()` interface for a fake running in the caller's own event loop.

One module per concern: `world` (the records, users, groups and statuses, and the update builders), `server`
(`FakeTelegram` itself: the HTTP server, request parsing and dispatch), `methods` (the Bot API methods and
Telegram's checks), `faults` (fault injection, flood limits, `ApiError`), `control` (the `/_control/` API and
`LocalFake`), `process` (`FakeProcess` and the program that runs the fake), `html_check` (Telegram's HTML rules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpbot.testing.control import LocalFake
from hpbot.testing.faults import ApiError
from hpbot.testing.server import FakeTelegram
from hpbot.testing.world import ANONYMOUS_ADMIN_ID, Call, Limits, SentMessage

if TYPE_CHECKING:
    from hpbot.testing.process import FakeProcess

__all__ = [
    "FakeTelegram",
    "FakeProcess",
    "LocalFake",
    "Limits",
    "Call",
    "SentMessage",
    "ApiError",
    "ANONYMOUS_ADMIN_ID",
]


def __getattr__(name: str) -> Any:
    # FakeProcess is imported on first use: were this package to import hpbot.testing.process,
    # `python -m hpbot.testing.process` would find the module already imported and warn (runpy's RuntimeWarning)
    if name == "FakeProcess":
        from hpbot.testing.process import FakeProcess

        return FakeProcess
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
