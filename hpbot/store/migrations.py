"""Schema steps: db/migrations/NNNN_name.sql, applied in order, each once, each in its own transaction."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from hpbot.errors import DatabaseError
from hpbot.errors import MigrationError as MigrationError  # re-exported: its old home
from hpbot.paths import migrations_dir

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def discover(directory: Path | None = None) -> list[Migration]:
    directory = directory or migrations_dir()
    if not directory.is_dir():
        raise MigrationError(f"migrations directory not found: {directory}")
    steps = []
    for path in sorted(directory.iterdir()):
        match = _NAME.match(path.name)
        if match:
            steps.append(Migration(int(match.group(1)), match.group(2), path.read_text(encoding="utf-8")))
    versions = [m.version for m in steps]
    if not steps:  # an empty directory would "migrate" a new database to no tables at all
        raise MigrationError(f"no migrations (NNNN_name.sql) in {directory}")
    if versions != list(range(1, len(steps) + 1)):
        raise MigrationError(f"migration versions must run 1..N without gaps, found {versions}")
    return steps


def applied_versions(db: sqlite_utils.Database) -> set[int]:
    if "schema_migrations" not in db.table_names():
        return set()
    return {int(row["version"]) for row in db.query("SELECT version FROM schema_migrations")}


def migrate(
    db: sqlite_utils.Database, steps: list[Migration] | None = None, *, upto: int | None = None
) -> list[int]:
    """Apply every step not applied yet (up to `upto`); return the versions applied now.

    Raises DatabaseError for a database a newer hpbot has migrated past these steps (its tables may no longer be
    what this code reads and writes, so nothing is applied), and MigrationError for a step that fails (its
    transaction is rolled back: the database stays at the step before).
    """
    steps = discover() if steps is None else steps
    done = applied_versions(db)
    unknown = done - {step.version for step in steps}
    if unknown and steps:
        where, known = _where(db), max(step.version for step in steps)
        raise DatabaseError(
            f"{where} was written by a newer hpbot (schema {max(unknown)}, this build knows {known}): "
            f"upgrade hpbot, or restore a backup made by this version with `hpbot restore BACKUP --db {where}`"
        )
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    applied = []
    for step in steps:
        if step.version in done or (upto is not None and step.version > upto):
            continue
        try:
            with db.atomic():
                for statement in _statements(step.sql):
                    db.execute(statement)
                db.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [step.version, step.name, datetime.now(UTC).isoformat(timespec="seconds")],
                )
        except sqlite3.Error as exc:
            if (getattr(exc, "sqlite_errorname", None) or "").startswith(_NOT_THE_STEP):
                raise  # the file, not the step: the caller (Store.open) names the way out
            raise MigrationError(
                f"migration {step.version:04d}_{step.name}.sql failed on {_where(db)}: {exc}"
            ) from exc
        applied.append(step.version)
    return applied


# SQLite errors that come from the file or another process rather than from a step's SQL
_NOT_THE_STEP = (
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_READONLY",
    "SQLITE_FULL",
    "SQLITE_IOERR",
    "SQLITE_CANTOPEN",
    "SQLITE_CORRUPT",
    "SQLITE_NOTADB",
    "SQLITE_PERM",
)


def _where(db: sqlite_utils.Database) -> str:
    """The database's file, for messages ("an in-memory database" for :memory:)."""
    for row in db.execute("PRAGMA database_list").fetchall():
        if row[1] == "main":
            return str(row[2]) if row[2] else "an in-memory database"
    return "the database"


def _statements(sql: str) -> list[str]:
    """Split a step into statements (sqlite3.complete_statement keeps ';' inside strings intact)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
