"""One bot per database: the instance lock, `<db>.lock` beside the database file.

Two bots on one database both post every question and every reveal (each one's due job sees the same rounds
due), so `hpbot run` takes this lock before it builds the bot, and a second one exits 2 with the first one's PID.
`hpbot restore` takes it too: it refuses while the bot runs, and no bot can start half-way through a restore.

The lock is `flock` on the file, held for the life of the process: the kernel lets go of it when the process
ends in any way, kill -9 included, so a lock file left behind never keeps the next start out. The file holds the
holder's PID and host name, only to name it in the refusal (behind Docker's PID namespaces, "PID 1 on <container
id>" tells which container). The file is never removed: removing it while another process waits to lock it would
let two processes hold two different files of that name.
"""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path
from types import TracebackType

from hpbot.errors import DatabaseError, InstanceLocked
from hpbot.store import opening


def lock_path(db_path: Path | str) -> Path:
    return Path(f"{db_path}.lock")


class Instance:
    """A held instance lock; `release()` (or leaving the `with` block) lets it go."""

    def __init__(self, path: Path | None, fd: int | None) -> None:
        self.path, self._fd = path, fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None

    def __enter__(self) -> Instance:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def acquire(db_path: Path) -> Instance:
    """Take the instance lock of the database at `db_path` (its directory is made if missing, 0700).

    Raises InstanceLocked naming the holder when another process has it, DatabaseError when the lock file cannot
    be made (the same words as for the database itself: an unwritable directory, a file in the way)."""
    if str(db_path) == ":memory:":
        return Instance(None, None)
    path = lock_path(db_path)
    opening.make_directory(db_path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, opening.PRIVATE_FILE)
    except OSError as exc:
        reason = opening.why_unwritable(db_path) or exc.strerror or str(exc)
        raise DatabaseError(f"{db_path} cannot be opened for writing: {reason}: {opening.WRITABLE}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        os.close(fd)
        raise InstanceLocked(
            f"{db_path} is in use by another hpbot ({holder}): stop that one first; two bots on one database "
            f"would post everything twice (lock file {path})"
        ) from None
    except OSError as exc:  # a filesystem without locks: one bot per database could not be kept
        os.close(fd)
        raise DatabaseError(
            f"{db_path} cannot be locked ({exc.strerror or exc}): keep the database on a local filesystem"
        ) from exc
    try:
        os.fchmod(fd, opening.PRIVATE_FILE)
    except OSError:  # another user's file (made by root, say): the PID in it is no secret
        pass
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()} {socket.gethostname()}\n".encode(), 0)
    return Instance(path, fd)


def _holder(fd: int) -> str:
    """'PID 1234' (and 'on <host>' when it is another host's, as another container is) from the lock file."""
    try:
        words = os.pread(fd, 512, 0).decode("utf-8", "replace").split()
    except OSError:
        words = []
    if not words or not words[0].isdigit():
        return "its PID is not written yet"
    here = socket.gethostname()
    return f"PID {words[0]}" + (f" on {words[1]}" if len(words) > 1 and words[1] != here else "")
