"""WAL checkpoints on a thread of their own, so that no commit of the event loop waits for the disk.

In WAL mode a commit appends pages to the write-ahead log; by default the commit that takes the log past 1,000
pages also copies the log back into the database file and syncs it (a checkpoint). On this project's machines that
checkpoint costs several milliseconds, so one commit in a few hundred stalls the event loop, and on average it
more than doubles a commit's cost (docs/performance.md). hpbot turns the automatic checkpoint off on its
connection and runs a PASSIVE checkpoint every second from this thread, on a connection of its own: PASSIVE never
waits for readers or writers, and SQLite releases the GIL while it copies and syncs.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(self, path: Path, interval: float = 1.0) -> None:
        self.path, self.interval = path, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hpbot-wal-checkpoint", daemon=True)
        self.runs = 0

    def start(self) -> None:
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop the thread (it finishes the checkpoint it is in)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = 5000")
            while not self._stop.wait(self.interval):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.runs += 1
                except sqlite3.Error as exc:  # a locked or busy database: try again at the next tick
                    log.warning("WAL checkpoint failed: %s", exc)
        finally:
            conn.close()
