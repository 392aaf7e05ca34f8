"""A bot that cannot start says why in one English line and exits 2: settings, study bank, migrations, database.

Each case runs the real command, `python -m hpbot run`, against a Bot API address on the loopback that nothing
listens on: every one of them fails before the first request.
"""

import logging
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hpbot import errors
from hpbot.errors import DatabaseError, MigrationError
from hpbot.store import Store
from hpbot.store.migrations import Migration, discover, migrate

TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HPBOT_")}
    settings = {
        "HPBOT_TOKEN": TOKEN,
        "HPBOT_API_BASE_URL": f"http://127.0.0.1:{closed_port()}/bot",
        "HPBOT_DB": str(tmp_path / "hpbot.sqlite3"),
        **env,
    }
    # cwd: a directory without a .env file, so that only these settings count
    return subprocess.run(
        [sys.executable, "-m", "hpbot", "run"],
        cwd=tmp_path,
        env={**clean, **settings},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def one_line(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """The one non-empty stderr line of a start-up that failed as it should; it holds every fragment."""
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("hpbot: "), line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line


def migrated_db(path: Path) -> Path:
    Store.open(path).close()  # the last connection's close checkpoints the log: the file holds everything
    return path


# the tree ---------------------------------------------------------------------------------------------------
def test_every_error_is_an_hpbot_error():
    classes = [
        value for value in vars(errors).values() if isinstance(value, type) and issubclass(value, Exception)
    ]
    assert len(classes) >= 16
    for cls in classes:
        assert issubclass(cls, errors.HpbotError), cls


def test_the_tree_is_the_one_the_docstring_draws():
    startup = {errors.ConfigError, errors.ContentError, errors.MigrationError, errors.DatabaseError}
    assert {cls for cls in startup if cls.__bases__ == (errors.StartupError,)} == startup
    assert errors.StartupError.__bases__ == (errors.HpbotError,)
    assert errors.BackupError.__bases__ == (errors.HpbotError,)
    assert not issubclass(errors.BackupError, errors.StartupError)
    for cls in (errors.TimeFormatError, errors.TimeOrderError, errors.CompetitionInputError):
        assert cls.__bases__ == (errors.InputError,)
        assert issubclass(cls, ValueError)  # callers that catch ValueError keep working
    assert issubclass(errors.NotModified, errors.Refused)
    for cls in (errors.GroupGone, errors.Refused, errors.Unavailable):
        assert issubclass(cls, errors.DeliveryError)
    for cls in (errors.HpbotError, errors.StartupError, errors.InputError, errors.DeliveryError):
        assert cls.__name__ in errors.__doc__


def test_the_old_homes_hold_the_same_classes():
    from hpbot import backup, config, content
    from hpbot.content import model
    from hpbot.domain import competition, schedule
    from hpbot.store import migrations

    assert config.ConfigError is errors.ConfigError
    assert content.ContentError is model.ContentError is errors.ContentError
    assert migrations.MigrationError is errors.MigrationError
    assert backup.BackupError is errors.BackupError
    assert schedule.TimeFormatError is errors.TimeFormatError
    assert schedule.TimeOrderError is errors.TimeOrderError
    assert competition.CompetitionInputError is errors.CompetitionInputError
    assert competition.parse_spec.__module__ == "hpbot.domain.competition"


def test_a_reveal_before_the_post_is_a_time_order_error():
    from hpbot.domain import schedule

    with pytest.raises(errors.TimeOrderError):
        schedule.parse_times(["21:00", "06:30"])
    with pytest.raises(errors.TimeOrderError):
        schedule.parse_times(["07:00", "07:00"])
    with pytest.raises(errors.TimeFormatError):
        schedule.parse_times(["7", "21:00"])


# settings and study bank ------------------------------------------------------------------------------------
def test_a_bad_setting(tmp_path):
    one_line(start(tmp_path, HPBOT_TZ="Mars/Base"), "HPBOT_TZ", "Mars/Base")


def test_a_study_bank_that_is_not_there(tmp_path):
    empty = tmp_path / "content"
    empty.mkdir()
    one_line(start(tmp_path, HPBOT_CONTENT=str(empty)), str(empty / "questions.yaml"), "missing")


def test_a_study_bank_with_a_yaml_error_still_fits_on_one_line(tmp_path):
    bank = tmp_path / "content"
    bank.mkdir()
    (bank / "questions.yaml").write_text("document: [unclosed\n  parts: {\n", encoding="utf-8")
    one_line(start(tmp_path, HPBOT_CONTENT=str(bank)), str(bank / "questions.yaml"), "not valid YAML")


@pytest.fixture
def bank_copy(tmp_path):
    from hpbot.content.bank import document_dir
    from hpbot.paths import content_dir

    return Path(shutil.copytree(document_dir(content_dir()), tmp_path / "content"))


@pytest.mark.parametrize(
    ("file", "text", "fragments"),
    [
        (
            "quiz/zz-bad.yaml",
            "items:\n  - {id: q01-bad, question: 1, difficulty: de, stem: s, options: [a, b, c, d], "
            "answer: E, fact: a, explanation: e, quote: q}\n",
            ("zz-bad.yaml: q01-bad: answer 'E'", "hpbot content check"),
        ),
        ("quiz/zz-list.yaml", "- just\n- a list\n", ("zz-list.yaml: expected a mapping",)),
        (
            "errata.yaml",
            "errata:\n  - {question: 1, source: x}\n",
            ("errata.yaml: not an errata list", "suggested"),
        ),
    ],
)
def test_a_broken_bank_file_is_a_content_error_naming_it(bank_copy, file, text, fragments):
    from hpbot.content import load_bank

    (bank_copy / file).write_text(text, encoding="utf-8")
    with pytest.raises(errors.ContentError) as info:
        load_bank(bank_copy)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_two_documents_sharing_an_item_id_stop_the_start(tmp_path, bank_copy):
    root = tmp_path / "library"
    for name in ("a-doc", "b-doc"):  # the same quiz items in both: a round's item would name two documents
        shutil.copytree(bank_copy, root / "documents" / name)
    unique = "item ids must be unique across documents"
    one_line(start(tmp_path, HPBOT_CONTENT=str(root)), unique, "a-doc", "b-doc")


# migrations -------------------------------------------------------------------------------------------------
@pytest.fixture
def root_logging_restored():
    """The runner sets up logging on the root logger: put it back for the tests that follow."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def test_a_migrations_directory_that_is_not_there_stops_the_runner(
    tmp_path, monkeypatch, capsys, root_logging_restored
):
    """The migrations directory is the package's, not a setting: the runner is driven in-process here."""
    from hpbot import runner
    from hpbot.store import migrations

    missing = tmp_path / "no-migrations"
    monkeypatch.setattr(migrations, "migrations_dir", lambda: missing)
    for name in [k for k in os.environ if k.startswith("HPBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HPBOT_TOKEN", TOKEN)
    monkeypatch.setenv("HPBOT_API_BASE_URL", f"http://127.0.0.1:{closed_port()}/bot")
    monkeypatch.setenv("HPBOT_DB", str(tmp_path / "hpbot.sqlite3"))
    monkeypatch.chdir(tmp_path)
    assert runner.run() == 2
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line.strip()] == [
        f"hpbot: migrations directory not found: {missing}"
    ]


def test_migrations_must_exist_and_run_without_gaps(tmp_path):
    with pytest.raises(MigrationError, match="not found"):
        discover(tmp_path / "none")
    with pytest.raises(MigrationError, match="no migrations"):
        discover(tmp_path)
    (tmp_path / "0001_a.sql").write_text("CREATE TABLE a (x);")
    (tmp_path / "0003_c.sql").write_text("CREATE TABLE c (x);")
    with pytest.raises(MigrationError, match=r"without gaps, found \[1, 3\]"):
        discover(tmp_path)


def test_a_failing_step_is_a_migration_error_and_is_rolled_back(tmp_path):
    store = Store.open(tmp_path / "a.sqlite3", checkpoint_every=None)
    steps = [
        *discover(),
        Migration(len(discover()) + 1, "broken", "CREATE TABLE fine (x);\nCREATE TABLE oops (;\n"),
    ]
    with pytest.raises(MigrationError, match=rf"migration {len(steps):04d}_broken.sql failed on .*a.sqlite3"):
        migrate(store.db, steps)
    assert "fine" not in store.db.table_names()
    assert (
        max(r["version"] for r in store.db.query("SELECT version FROM schema_migrations")) == len(steps) - 1
    )
    store.close()


def test_a_schema_newer_than_the_code_is_refused_before_any_step(tmp_path):
    store = Store.open(tmp_path / "a.sqlite3", checkpoint_every=None)
    store.db.execute("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01')")
    store.db.conn.commit()
    with pytest.raises(
        DatabaseError, match=rf"newer hpbot \(schema 999, this build knows {len(discover())}\)"
    ):
        migrate(store.db)
    store.close()


# the database file ------------------------------------------------------------------------------------------
def test_a_file_that_is_not_a_database(tmp_path):
    db = tmp_path / "hpbot.sqlite3"
    db.write_bytes(b"not an SQLite file, just text " * 200)
    before = db.read_bytes()
    one_line(
        start(tmp_path, HPBOT_DB=str(db)),
        str(db),
        "not an SQLite database",
        f"`hpbot restore BACKUP --db {db}`",
    )
    assert db.read_bytes() == before  # never replaced by a new, empty database


def test_a_truncated_database(tmp_path):
    good = migrated_db(tmp_path / "good.sqlite3")
    db = tmp_path / "hpbot.sqlite3"
    data = good.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    one_line(
        start(tmp_path, HPBOT_DB=str(db)),
        str(db),
        "corrupt or truncated",
        f"`hpbot restore BACKUP --db {db}`",
    )
    assert db.read_bytes() == data[: len(data) // 2]


def test_a_corrupt_page_is_found_by_the_quick_check_at_open(tmp_path):
    db = migrated_db(tmp_path / "hpbot.sqlite3")
    with sqlite3.connect(db) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'rounds_status'").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    data[(root - 1) * page_size : root * page_size] = (
        b"\xab" * page_size
    )  # an index page: the schema still reads
    db.write_bytes(bytes(data))
    one_line(
        start(tmp_path, HPBOT_DB=str(db)),
        str(db),
        "is corrupt (quick_check:",
        f"`hpbot restore BACKUP --db {db}`",
    )


def test_a_place_the_bot_cannot_write(tmp_path):
    """Under a regular file, for every user; as a user other than root also a read-only directory and a read-only
    database file (root writes through the permission bits, so those two cannot be shown as root)."""
    afile = tmp_path / "afile"
    afile.write_text("a file where the database's directory should be")
    db = afile / "hpbot.sqlite3"
    one_line(start(tmp_path, HPBOT_DB=str(db)), str(db), f"{afile} is a file, not a directory", "HPBOT_DB")
    if os.geteuid() == 0:
        return
    locked_dir = tmp_path / "read-only"
    locked_dir.mkdir()
    read_only = migrated_db(tmp_path / "read-only.sqlite3")
    locked_dir.chmod(0o500)
    read_only.chmod(0o400)
    try:
        one_line(
            start(tmp_path, HPBOT_DB=str(locked_dir / "hpbot.sqlite3")),
            str(locked_dir / "hpbot.sqlite3"),
            f"the directory {locked_dir} is not writable",
        )
        one_line(start(tmp_path, HPBOT_DB=str(read_only)), str(read_only), "cannot be read and written")
    finally:
        locked_dir.chmod(0o700)
        read_only.chmod(0o600)
    assert not (locked_dir / "hpbot.sqlite3").exists()


def test_a_database_another_process_keeps_locked(tmp_path):
    """Another connection holds the write lock for longer than the busy timeout (5 s): this test takes ~5 s."""
    db = migrated_db(tmp_path / "hpbot.sqlite3")
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        result = start(tmp_path, HPBOT_DB=str(db))
        waited = time.monotonic() - started
    finally:
        holder.close()
    one_line(result, str(db), "locked by another process")
    assert waited >= 4.5  # it waited for the lock before giving up


def test_a_database_written_by_a_newer_hpbot(tmp_path):
    db = migrated_db(tmp_path / "hpbot.sqlite3")
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'later')"
        )
    conn.close()
    one_line(
        start(tmp_path, HPBOT_DB=str(db)),
        str(db),
        f"was written by a newer hpbot (schema 999, this build knows {len(discover())})",
        "upgrade hpbot",
        "hpbot restore",
    )
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == 999
    conn.close()


def test_a_good_database_still_opens_and_an_empty_file_becomes_one(tmp_path):
    """The checks at open refuse nothing sound: a migrated file opens again, and a zero-byte file (`touch`) is
    what SQLite takes for an empty database."""
    db = migrated_db(tmp_path / "a.sqlite3")
    Store.open(db).close()
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    store = Store.open(empty)
    assert "schema_migrations" in store.db.table_names()
    store.close()
    Store.open(tmp_path / "sub" / "dir" / "new.sqlite3").close()  # missing directories are still made


def _can_mount_read_only() -> bool:
    """Root with a mount namespace of its own (`unshare --mount`): a real read-only mount can then be made."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True, check=False).returncode == 0


def test_a_database_on_a_read_only_filesystem(tmp_path, monkeypatch):
    """The database's filesystem mounted read-only (a volume mounted `:ro`, a disk remounted read-only after
    errors), for an existing database and for a new one: exit 2, one line saying so. Where this test may mount
    (root, `unshare --mount`), the real process runs on a real read-only bind mount; elsewhere Store.open meets
    what the kernel would answer (EROFS, and the read-only flag of statvfs)."""
    existing = migrated_db(tmp_path / "hpbot.sqlite3")
    (tmp_path / "new").mkdir()
    fresh = tmp_path / "new" / "hpbot.sqlite3"
    said = "is mounted read-only"
    if _can_mount_read_only():
        script = (
            f'mount --bind "{tmp_path}" "{tmp_path}" && mount -o remount,ro,bind "{tmp_path}" && '
            f'cd / && for db in "{existing}" "{fresh}"; do HPBOT_DB="$db" "{sys.executable}" -m hpbot run; '
            'echo "exit=$?"; done'
        )
        clean = {k: v for k, v in os.environ.items() if not k.startswith("HPBOT_")}
        env = {**clean, "HPBOT_TOKEN": TOKEN, "HPBOT_API_BASE_URL": f"http://127.0.0.1:{closed_port()}/bot"}
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
        result = subprocess.run(
            ["unshare", "--mount", "sh", "-c", script], env=env, capture_output=True, text=True, timeout=90
        )
        assert result.stdout.split() == ["exit=2", "exit=2"], (result.stdout, result.stderr)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 2 and "Traceback" not in result.stderr, result.stderr
        for db, line in zip((existing, fresh), lines, strict=True):
            assert str(db) in line and said in line and "HPBOT_DB" in line, line
        assert not fresh.exists()
        return
    from hpbot.store import opening

    real_open, real_statvfs = os.open, os.statvfs

    def read_only_open(path, flags, *args):
        if str(path).startswith(str(tmp_path)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(30, os.strerror(30), str(path))  # EROFS
        return real_open(path, flags, *args)

    class ReadOnly:
        def __init__(self, result):
            self.f_flag = result.f_flag | os.ST_RDONLY

    monkeypatch.setattr(opening.os, "open", read_only_open)
    monkeypatch.setattr(
        opening.os,
        "statvfs",
        lambda p: ReadOnly(real_statvfs(p)) if str(p).startswith(str(tmp_path)) else real_statvfs(p),
    )
    with pytest.raises(DatabaseError) as caught:
        Store.open(fresh)
    assert said in str(caught.value) and str(fresh) in str(caught.value)
