"""Work that makes a great many objects at once (a city's export: a million lines, rows and cells) with the cyclic
garbage collector paused, and big lists freed a slice at a time (`dropped`).

Each collection passes over every object still alive, and the export keeps all it makes until the file is written:
with the collector on, a city's report, sheets and workbook took ~14 s of CPU, of which ~5 s were collections
finding nothing to free (docs/performance.md). The pause is process-wide and nests across threads (a report is read and
its file written on a worker thread while the event loop runs); objects are still freed by reference counting meanwhile, and
the collector resumes when the last pause ends (never if it was off before the first).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DROP_SLICE = 10_000  # items freed at a time by `dropped`

_lock = threading.Lock()
_depth = 0  # pauses in progress
_resume = False  # whether the collector was on when the first of them began


@contextmanager
def collections_paused() -> Iterator[None]:
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()


def dropped(*lists: list[Any]) -> None:
    """Empty these lists a slice at a time. Freeing a city's report at once (a million objects, by reference
    counting) holds the GIL for ~0.35 s in C while an event loop beside it waits (the report is read on a worker
    thread); a slice takes a few ms, and between slices the loop gets its turn."""
    for items in lists:
        while items:
            del items[-DROP_SLICE:]
