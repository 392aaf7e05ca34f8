"""Consistent copies of the live database (SQLite's online backup API) and checked restores."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any

from hpbot.errors import BackupError as BackupError  # re-exported: its old home


def integrity(path: Path) -> str:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def backup(db_path: Path, target: Path) -> dict[str, Any]:
    """Copy the database while the bot may be writing; the copy is one consistent snapshot."""
    if not db_path.is_file():
        raise BackupError(f"database not found: {db_path}")
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        source = sqlite3.connect(db_path)
        try:
            dest = sqlite3.connect(partial)
            try:
                source.backup(dest, pages=1024)
            finally:
                dest.close()
        finally:
            source.close()
        result = integrity(partial)
    except (sqlite3.Error, OSError) as exc:  # not SQLite, corrupt, locked; no room or no rights for the copy
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise BackupError(f"cannot back up {db_path} to {target}: {_reason(exc)}") from exc
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the backup failed its integrity check: {result}")
    os.replace(partial, target)
    return summary(target)


def restore(backup_path: Path, db_path: Path) -> dict[str, Any]:
    """Replace the database with a checked backup. Stop the bot first; the old file is kept as .before-restore."""
    if not backup_path.is_file():
        raise BackupError(f"backup not found: {backup_path}")
    try:
        result = integrity(backup_path)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{backup_path} is not an SQLite database: {exc}") from exc
    if result != "ok":
        raise BackupError(f"{backup_path} failed its integrity check: {result}")
    info = summary(backup_path)
    if "schema_migrations" not in info["tables"]:
        raise BackupError(f"{backup_path} is not an hpbot database (no schema_migrations table)")
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        if db_path.exists():
            os.replace(db_path, db_path.with_name(db_path.name + ".before-restore"))
        for suffix in ("-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        source = sqlite3.connect(backup_path)
        try:
            dest = sqlite3.connect(db_path)
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()
        return summary(db_path)
    except (sqlite3.Error, OSError) as exc:  # no room or no rights where the database goes
        raise BackupError(f"cannot restore {backup_path} to {db_path}: {_reason(exc)}") from exc


def _reason(exc: sqlite3.Error | OSError) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} ({exc.filename})" if exc.filename else exc.strerror
    return str(exc)


def summary(path: Path) -> dict[str, Any]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {}
        for name in ("groups", "answers", "rounds"):
            if name in tables:
                counts[name] = conn.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]  # noqa: S608 - fixed names
    return {"tables": tables, "counts": counts}
