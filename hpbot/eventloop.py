"""The event loop: uvloop where it is installed (Linux and macOS), asyncio's own elsewhere.

uvloop is a drop-in event loop built on libuv: the loop's own machinery (sockets, timers, callbacks) runs in C.
In an answer burst (the fake Bot API on uvloop too) the empty PTB application went from 500 to 687 taps/s, hpbot
from 428 to 450/s; the morning push changed less than its run-to-run spread (docs/performance.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def install() -> str:
    """Make new event loops uvloop ones (the runner's asyncio.run creates one); returns the loop's name."""
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
