"""Opening the database file at start, with one English line for each way it can fail.

Every failure to open becomes a DatabaseError (hpbot.errors) that names the file and the way out, which the runner
prints as one line before it exits 2: a directory or file that cannot be written (or a read-only filesystem), a file
that is not an SQLite database, one that is corrupt or truncated, one that another process keeps locked. Nothing
here replaces, truncates or removes a file: SQLite creates a new database only where there is no file at all.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from hpbot.errors import DatabaseError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000  # how long a statement waits for another connection's lock before "database is locked"

# The quick check at open is bounded in time, not by `quick_check(1)`: the (1) stops at the first error found, but
# on a sound file the check still reads every page. Measured here (SQLite 3.40, 2 cores, a 208 MB hpbot file with
# 2.3 million answers): `PRAGMA quick_check(1)` 1.1 s with the file in the page cache, 4.6 s after dropping the cache
# (integrity_check: 9.5 s); a city-wide year is 4.6 GB (docs/performance.md), over 20 s. So the check is
# interrupted after QUICK_CHECK_SECONDS: a file up to about 100 MB (when cached) is checked whole at every start,
# and of a bigger one what the check reaches in that time; `hpbot backup` checks the whole file (integrity_check).
QUICK_CHECK_SECONDS = 0.5

RESTORE = "restore a backup with `hpbot restore BACKUP --db {path}`"
WRITABLE = "fix the permissions, or set HPBOT_DB to a file in a writable directory"


def connect(path: Path) -> sqlite_utils.Database:
    """A connection to the database at `path` (or ":memory:"): busy timeout, WAL, a bounded quick check, and proof
    that it can be written. Raises DatabaseError; the file is left as it was."""
    memory = str(path) == ":memory:"
    if not memory:
        make_directory(path)
        create_database_file(path)
    with translated(path):
        db = sqlite_utils.Database(path)
    try:
        with translated(path):
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not memory:
                db.enable_wal()
                # WAL + NORMAL survives a process crash (kill -9); only a power cut can lose the last commits.
                db.execute("PRAGMA synchronous = NORMAL")
                quick_check(db, path)
                write_probe(db)
    except BaseException:
        db.close()
        raise
    return db


@contextmanager
def translated(path: Path) -> Iterator[None]:
    """An SQLite error inside becomes the DatabaseError that names `path` and the way out."""
    try:
        yield
    except sqlite3.Error as exc:
        raise open_error(path, exc) from exc


def open_error(path: Path, exc: sqlite3.Error) -> DatabaseError:
    """The one line an operator needs for an SQLite error met while opening `path`."""
    name: str = getattr(exc, "sqlite_errorname", None) or ""
    if name == "SQLITE_NOTADB":
        return DatabaseError(
            f"{path} is not an SQLite database: point HPBOT_DB at hpbot's database, or "
            + RESTORE.format(path=path)
        )
    if name.startswith("SQLITE_CORRUPT"):
        return DatabaseError(f"{path} is corrupt or truncated ({exc}): " + RESTORE.format(path=path))
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return DatabaseError(
            f"{path} is locked by another process (still after {BUSY_TIMEOUT_MS / 1000:g} s): stop "
            "the other hpbot or program that has it open, then start again"
        )
    if name.startswith("SQLITE_FULL"):
        return DatabaseError(f"{path} cannot be written: the disk is full: free some space, then start again")
    reason = why_unwritable(path)
    if reason is not None:
        return DatabaseError(f"{path} cannot be opened for writing: {reason}: {WRITABLE}")
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR", "SQLITE_AUTH")):
        return DatabaseError(f"{path} cannot be opened for writing ({exc}): {WRITABLE}")
    return DatabaseError(f"{path} cannot be opened ({exc}): " + RESTORE.format(path=path))


def make_directory(path: Path) -> None:
    """The database's directory, made if missing (0700, as every directory made for its files)."""
    try:
        make_private_directory(path.parent)
    except OSError as exc:
        reason = why_unwritable(path) or exc.strerror or str(exc)
        raise DatabaseError(f"{path} cannot be created: {reason}: {WRITABLE}") from exc


def create_database_file(path: Path) -> None:
    """A new database starts as an empty file of mode 0600, made before SQLite opens it: SQLite would make it
    0644 (less the umask), and gives its -wal and -shm files the database file's mode. An existing file keeps
    the mode someone gave it."""
    try:
        create_private_file(path)
    except OSError as exc:
        reason = why_unwritable(path) or exc.strerror or str(exc)
        raise DatabaseError(f"{path} cannot be opened for writing: {reason}: {WRITABLE}") from exc


# The members' answers and names are nobody else's business on a shared host: what hpbot creates (the database,
# backups, exports, the directories it makes for them) is readable by its own user only, whatever the umask.
PRIVATE_FILE = 0o600
PRIVATE_DIRECTORY = 0o700


def make_private_directory(directory: Path) -> None:
    """`directory` and its missing parents, each made 0700; directories already there are left as they are.
    Raises OSError (NotADirectoryError when a file stands where a directory should be)."""
    missing: list[Path] = []
    current = directory
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for step in reversed(missing):
        try:
            os.mkdir(step, PRIVATE_DIRECTORY)
        except FileExistsError:  # made meanwhile by someone else: theirs, left as it is
            continue
        os.chmod(step, PRIVATE_DIRECTORY)  # the umask may have taken bits away: exactly 0700
    if not directory.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(directory))


def create_private_file(path: Path) -> bool:
    """Create `path` empty with mode 0600 if nothing is there; True if it was created now. Raises OSError."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)
    return True


def why_unwritable(path: Path) -> str | None:
    """What in the filesystem keeps SQLite from writing `path` and the -wal and -shm files beside it, if anything
    can be seen (None when nothing can: SQLite's own message then stands)."""
    if path.is_dir():
        return "it is a directory"
    directory = path.parent
    existing = next((p for p in (directory, *directory.parents) if p.exists()), None)
    if existing is None:
        return None
    if not existing.is_dir():
        return f"{existing} is a file, not a directory"
    if _read_only_filesystem(existing):
        return f"the filesystem holding {existing} is mounted read-only"
    user = f"uid {os.geteuid()}" if hasattr(os, "geteuid") else "this user"
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        info = path.stat()
        return (
            f"the file cannot be read and written by {user} (mode {stat.S_IMODE(info.st_mode):04o}, "
            f"owner uid {info.st_uid})"
        )
    if existing == directory and not os.access(directory, os.W_OK | os.X_OK):
        return f"the directory {directory} is not writable by {user} (SQLite keeps its -wal and -shm files there)"
    return None


def _read_only_filesystem(directory: Path) -> bool:
    if not hasattr(os, "statvfs"):
        return False
    try:
        return bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def write_probe(db: sqlite_utils.Database) -> None:
    """Take the write lock and write, then roll back: a file SQLite could open only read-only, or a lock another
    process holds past the busy timeout, is told now rather than at the first answer. (BEGIN IMMEDIATE alone is not
    enough: in WAL mode it succeeds on a read-only file; the header write of `user_version`, to the value it has,
    is refused.)"""
    version = int(db.conn.execute("PRAGMA user_version").fetchone()[0])
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        db.conn.execute(f"PRAGMA user_version = {version}")
    finally:
        db.conn.execute("ROLLBACK")


def quick_check(db: sqlite_utils.Database, path: Path, budget: float = QUICK_CHECK_SECONDS) -> None:
    """`PRAGMA quick_check(1)`, interrupted after `budget` seconds (see QUICK_CHECK_SECONDS). Raises DatabaseError
    for a corrupt file; SQLite errors (not a database, truncated) are left to `translated`."""
    timer = threading.Timer(
        budget, db.conn.interrupt
    )  # interrupting a connection with nothing running is a no-op
    started = time.perf_counter()
    timer.start()
    try:
        rows = db.conn.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", None) != "SQLITE_INTERRUPT":
            raise
        log.info(
            "quick check of %s (%.0f MB) stopped after %.1f s, sound so far; `hpbot backup` checks all of it",
            path,
            path.stat().st_size / 1e6,
            time.perf_counter() - started,
        )
        return
    finally:
        timer.cancel()
        timer.join()
    result = str(rows[0][0]) if rows else "no result"
    if result != "ok":
        raise DatabaseError(
            f"{path} is corrupt (quick_check: {' '.join(result.split())}): " + RESTORE.format(path=path)
        )
