"""Consistent copies of the live database (SQLite's online backup API) and checked, all-or-nothing restores.

A backup is copied in one step: SQLite's backup copied in steps starts again whenever another connection commits
between two steps, so under the bot's steady writes a big database never finished. One step reads one snapshot
(WAL lets the bot go on writing meanwhile). The copy is checked (`PRAGMA integrity_check`) before it takes the
name asked for; a backup that fails or is interrupted removes its `.partial` file.

A restore refuses while the bot runs (it takes the instance lock, hpbot/instance.py, and holds it throughout), and
swaps files only once the new database is complete: copied to a temporary file beside the database, checked
(integrity, an hpbot schema this build knows), synced to the disk with its directory, then put in place with
`os.replace`. Until that moment nothing of the old database (its -wal and -shm included) is touched; a failure
before it says so. The old files are then kept beside it as `.before-restore` (with their own -wal and -shm).

Files are named by paths, never by URIs made from them (`file:{path}` read `nightly#1.sqlite3` as `nightly`):
read-only opens use `Path.as_uri()`, which escapes `#`, `?` and `%`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any

from hpbot import instance
from hpbot.errors import BackupError as BackupError  # re-exported: its old home
from hpbot.errors import InstanceLocked, MigrationError, StartupError
from hpbot.store.opening import create_private_file, make_private_directory

SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's files beside a database, which belong to it


def read_only_uri(path: Path) -> str:
    return Path(path).resolve().as_uri() + "?mode=ro"


def integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(read_only_uri(path), uri=True)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def backup(db_path: Path, target: Path) -> dict[str, Any]:
    """Copy the database while the bot may be writing; the copy is one consistent snapshot, mode 0600."""
    if not db_path.is_file():
        raise BackupError(f"database not found: {db_path}")
    partial = target.with_name(target.name + ".partial")
    try:
        make_private_directory(target.parent)
        _remove(partial)
        create_private_file(partial)
        source = sqlite3.connect(os.path.abspath(db_path))
        try:
            dest = sqlite3.connect(os.path.abspath(partial))
            try:
                source.backup(dest, pages=-1)  # one step: see the module's docstring
                dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            finally:
                dest.close()
        finally:
            source.close()
        result = integrity(partial)
        if result != "ok":
            raise BackupError(f"the backup failed its integrity check: {result}")
        _sync(partial)
        os.replace(partial, target)
        _sync(target.parent)
    except (sqlite3.Error, OSError) as exc:  # not SQLite, corrupt, locked; no room or no rights for the copy
        _remove(partial)
        raise BackupError(f"cannot back up {db_path} to {target}: {_reason(exc)}") from exc
    except BaseException:  # BackupError, Ctrl+C, a stop signal: no half-made copy stays behind
        _remove(partial)
        raise
    return summary(target)


def restore(backup_path: Path, db_path: Path) -> dict[str, Any]:
    """Replace the database with a checked backup, all or nothing; refused while the bot runs. The old file (with
    its -wal and -shm) is kept as .before-restore."""
    if not backup_path.is_file():
        raise BackupError(f"backup not found: {backup_path}")
    _check_schema(backup_path, backup_path)  # a quick look before any work: not SQLite, not hpbot's, too new
    try:
        lock = instance.acquire(db_path)
    except InstanceLocked as exc:
        raise BackupError(f"cannot restore {backup_path} to {db_path}: {exc}") from None
    except StartupError as exc:  # the database's directory cannot be made or written
        raise BackupError(f"cannot restore {backup_path} to {db_path}: {exc}") from None
    with lock:
        incoming = db_path.with_name(db_path.name + ".restoring")
        untouched = f"{db_path} is left as it was"
        try:
            _remove(incoming)
            create_private_file(incoming)
            _same_owner(incoming, db_path)
            _copy(backup_path, incoming)
            _verify(backup_path, incoming)
            _sync(incoming)
        except (sqlite3.Error, OSError) as exc:  # no room or no rights where the database goes; a bad copy
            _remove(incoming)
            raise BackupError(
                f"cannot restore {backup_path} to {db_path}: {_reason(exc)}; {untouched}"
            ) from exc
        except BackupError as exc:
            _remove(incoming)
            raise BackupError(f"{exc}; {untouched}") from exc
        except BaseException:
            _remove(incoming)
            raise
        try:
            _swap(incoming, db_path)
        except OSError as exc:  # a rename in one directory: next to impossible once the copy is made
            _remove(incoming)
            raise BackupError(f"cannot restore {backup_path} to {db_path}: {_reason(exc)}") from exc
    return summary(db_path)


def _copy(source: Path, target: Path) -> None:
    """The backup's content into `target` (an empty file made for it), through SQLite: a backup still in WAL mode
    brings the commits in its -wal too."""
    with contextlib.closing(sqlite3.connect(read_only_uri(source), uri=True)) as src:
        with contextlib.closing(sqlite3.connect(os.path.abspath(target))) as dest:
            src.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # everything in the one file that is renamed


def _verify(backup_path: Path, copy: Path) -> None:
    """The copy, as it will be the database: sound, and an hpbot schema this build can run."""
    result = integrity(copy)
    if result != "ok":
        raise BackupError(f"{backup_path} failed its integrity check: {' '.join(result.split())}")
    _check_schema(backup_path, copy)


def _check_schema(backup_path: Path, path: Path) -> None:
    from hpbot.store.migrations import discover

    try:
        with contextlib.closing(sqlite3.connect(read_only_uri(path), uri=True)) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "schema_migrations" not in tables:
                raise BackupError(f"{backup_path} is not an hpbot database (no schema_migrations table)")
            newest = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{backup_path} is not an SQLite database, or is damaged: {exc}") from exc
    try:
        known = max(step.version for step in discover())
    except MigrationError as exc:
        raise BackupError(f"cannot check {backup_path} against this build's schema: {exc}") from exc
    if newest is not None and int(newest) > known:
        raise BackupError(
            f"{backup_path} was written by a newer hpbot (schema {newest}, this build knows {known}): "
            "upgrade hpbot first"
        )


def _swap(incoming: Path, db_path: Path) -> None:
    """Keep the old database and its side files as .before-restore, then put the new one in its place."""
    if db_path.exists():
        kept = db_path.with_name(db_path.name + ".before-restore")
        for suffix in SIDE_FILES:  # an older .before-restore's: they would be read as the new one's
            Path(f"{kept}{suffix}").unlink(missing_ok=True)
        os.replace(db_path, kept)
        for suffix in SIDE_FILES:  # the old -wal may hold its last commits: it travels with its database
            side = Path(f"{db_path}{suffix}")
            if side.exists():
                os.replace(side, f"{kept}{suffix}")
    os.replace(incoming, db_path)
    _sync(db_path.parent)


def _same_owner(path: Path, like: Path) -> None:
    """Run as root (sudo, `docker exec -u 0`), a restore still leaves the database to the user the bot runs as."""
    if hasattr(os, "geteuid") and os.geteuid() == 0 and like.exists():
        info = like.stat()
        os.chown(path, info.st_uid, info.st_gid)


def _sync(path: Path) -> None:
    """Flush a file, or a directory's entries (a rename is durable once its directory is synced), to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    for name in (str(path), *(f"{path}{suffix}" for suffix in SIDE_FILES)):
        with contextlib.suppress(OSError):
            os.unlink(name)


def _reason(exc: sqlite3.Error | OSError) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} ({exc.filename})" if exc.filename else exc.strerror
    return str(exc)


def summary(path: Path) -> dict[str, Any]:
    with contextlib.closing(sqlite3.connect(read_only_uri(path), uri=True)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {}
        for name in ("groups", "answers", "rounds"):
            if name in tables:
                counts[name] = conn.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]  # noqa: S608 - fixed names
    return {"tables": tables, "counts": counts}
