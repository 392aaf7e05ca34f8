"""Schema steps: db/migrations/NNNN_name.sql, applied in order, each once, each in its own transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from hpbot.paths import migrations_dir

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(Exception):
    """The migrations directory or a step in it is unusable."""


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
    if versions != list(range(1, len(steps) + 1)):
        raise MigrationError(f"migration versions must run 1..N without gaps, found {versions}")
    return steps


def applied_versions(db: sqlite_utils.Database) -> set[int]:
    if "schema_migrations" not in db.table_names():
        return set()
    return {row["version"] for row in db.query("SELECT version FROM schema_migrations")}


def migrate(db: sqlite_utils.Database, steps: list[Migration] | None = None, *, upto: int | None = None) -> list[int]:
    """Apply every step not applied yet (up to `upto`); return the versions applied now."""
    steps = discover() if steps is None else steps
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    done = applied_versions(db)
    applied = []
    for step in steps:
        if step.version in done or (upto is not None and step.version > upto):
            continue
        with db.atomic():
            for statement in _statements(step.sql):
                db.execute(statement)
            db.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                [step.version, step.name, datetime.now(UTC).isoformat(timespec="seconds")],
            )
        applied.append(step.version)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a step into statements (sqlite3.complete_statement keeps ';' inside strings intact)."""
    import sqlite3

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
