"""The event loop: uvloop where it is installed (Linux and macOS), asyncio's own elsewhere.

uvloop is a drop-in event loop built on libuv. With thousands of posts a morning, the bot's process spends a
good part of its time in the loop's own machinery (sockets, timers, callbacks); uvloop does that work in C
(10,000-group push at 300/s: ratio 1.212 with asyncio's loop, 1.129 with uvloop; docs/performance.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def install() -> str:
    """Make new event loops uvloop ones (PTB's run_polling/run_webhook create theirs); returns the loop's name."""
    try:
        import uvloop
    except ImportError:
        return "asyncio"
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return "uvloop"


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on the fastest loop available (the benchmarks and the command-line tools)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)
