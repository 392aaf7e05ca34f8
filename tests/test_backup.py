"""Backups taken while the bot writes hold every answer committed before them; restores are checked."""

import errno
import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from hpbot.backup import BackupError, backup, restore
from hpbot.cli import main
from hpbot.store import Store

NOW = datetime(2026, 11, 25, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def test_backup_during_writes_keeps_every_committed_answer(tmp_path):
    db_path = tmp_path / "live.sqlite3"
    store = Store.open(db_path)
    store.touch_group(-1, "Chi bộ", "group", NOW)
    rnd = store.insert_round(-1, date(2026, 11, 25), 1, "q01-a", NOW + timedelta(hours=12))
    store.mark_posted(rnd.id, 5, NOW)
    committed: list[int] = []
    stop = threading.Event()

    def writer():
        writer_store = Store.open(db_path)
        user = 1
        while not stop.is_set() and user < 20000:
            writer_store.record_answer(rnd, user, user % 4, user % 4 == 0, 10, NOW, user)
            committed.append(user)
            user += 1
        writer_store.close()

    thread = threading.Thread(target=writer)
    thread.start()
    while len(committed) < 200:
        time.sleep(0.001)
    snapshot_floor = len(committed)  # every one of these was committed before the backup began
    backup(db_path, tmp_path / "copy.sqlite3")
    stop.set()
    thread.join()

    with sqlite3.connect(tmp_path / "copy.sqlite3") as conn:
        users = {row[0] for row in conn.execute("SELECT user_id FROM answers")}
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert set(committed[:snapshot_floor]) <= users
    assert users <= set(committed)

    restored = tmp_path / "restored.sqlite3"
    restore(tmp_path / "copy.sqlite3", restored)
    with sqlite3.connect(restored) as conn:
        assert {row[0] for row in conn.execute("SELECT user_id FROM answers")} == users


def test_restore_refuses_a_file_that_is_not_an_hpbot_database(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(BackupError, match="not an SQLite database|integrity"):
        restore(junk, tmp_path / "db.sqlite3")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE x (y)")
    with pytest.raises(BackupError, match="not an hpbot database"):
        restore(other, tmp_path / "db.sqlite3")
    assert not (tmp_path / "db.sqlite3").exists()


def test_cli_backup_reports_and_fails_clearly(tmp_path, capsys):
    Store.open(tmp_path / "db.sqlite3").close()
    assert main(["backup", str(tmp_path / "b.sqlite3"), "--db", str(tmp_path / "db.sqlite3")]) == 0
    assert "integrity ok" in capsys.readouterr().out
    assert main(["backup", str(tmp_path / "c.sqlite3"), "--db", str(tmp_path / "missing.sqlite3")]) == 1
    assert "database not found" in capsys.readouterr().err


def test_cli_backup_of_a_file_that_is_not_a_database_is_one_line(tmp_path, capsys):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not sqlite" * 300)
    assert main(["backup", str(tmp_path / "b.sqlite3"), "--db", str(junk)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"hpbot backup: cannot back up {junk} to {tmp_path / 'b.sqlite3'}: file is not a database"
    ]
    assert not (tmp_path / "b.sqlite3").exists() and not (tmp_path / "b.sqlite3.partial").exists()


def test_cli_restore_to_a_place_that_cannot_hold_the_database_is_one_line(tmp_path, capsys):
    Store.open(tmp_path / "db.sqlite3").close()
    assert main(["backup", str(tmp_path / "b.sqlite3"), "--db", str(tmp_path / "db.sqlite3")]) == 0
    capsys.readouterr()
    (tmp_path / "afile").write_text("not a directory")
    assert main(["restore", str(tmp_path / "b.sqlite3"), "--db", str(tmp_path / "afile" / "db.sqlite3")]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"hpbot restore: cannot restore {tmp_path / 'b.sqlite3'} to "
    )


# under steady writes, odd names, failures half-way ------------------------------------------------------------
def hpbot_db(path, groups=1):
    store = Store.open(path, checkpoint_every=None)
    for n in range(groups):
        store.touch_group(-1 - n, f"Chi bộ {n}", "group", NOW)
    store.close()
    return path


def group_ids(path):
    store = Store.open(path, checkpoint_every=None)
    try:
        return [row["chat_id"] for row in store.db.query("SELECT chat_id FROM groups ORDER BY chat_id")]
    finally:
        store.close()


def test_backup_finishes_while_another_connection_commits_50_times_a_second(tmp_path):
    """A backup copied in steps starts again after every commit made by another connection between two steps:
    with a commit every 20 ms it never finished. The copy here is one step (bounded: the writer gives up at 6 s)."""
    db_path = hpbot_db(tmp_path / "live.sqlite3")
    with sqlite3.connect(
        db_path
    ) as conn:  # 24 MB: six steps of 1024 pages, tens of ms between first and last
        conn.execute("CREATE TABLE filler (n INTEGER PRIMARY KEY, blob BLOB)")
        conn.executemany("INSERT INTO filler (blob) VALUES (randomblob(4000))", [()] * 6000)
    conn.close()
    committed: list[int] = []
    done = threading.Event()

    def writer():
        conn = sqlite3.connect(db_path, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 5000")
        deadline = time.monotonic() + 6
        while not done.is_set() and time.monotonic() < deadline:
            n = conn.execute("INSERT INTO filler (blob) VALUES (randomblob(100))").lastrowid
            committed.append(n)
            time.sleep(0.02)
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(committed) < 10:
            time.sleep(0.01)
        floor = committed[-1]
        started = time.monotonic()
        info = backup(db_path, tmp_path / "copy.sqlite3")
        took = time.monotonic() - started
        still_writing = thread.is_alive() and not done.is_set()
    finally:
        done.set()
        thread.join()
    assert still_writing and took < 5, f"the backup took {took:.1f} s under 50 commits/s"
    assert info["counts"]["groups"] == 1
    with sqlite3.connect(tmp_path / "copy.sqlite3") as conn:
        assert conn.execute("SELECT MAX(n) FROM filler").fetchone()[0] >= floor
    conn.close()
    assert not (tmp_path / "copy.sqlite3.partial").exists()


def test_an_interrupted_backup_leaves_no_partial_file(tmp_path, monkeypatch):
    import hpbot.backup as module

    db_path = hpbot_db(tmp_path / "live.sqlite3")

    def interrupted(path):
        raise KeyboardInterrupt  # Ctrl+C (or the SIGTERM of `timeout`) while the copy is checked

    monkeypatch.setattr(module, "integrity", interrupted)
    with pytest.raises(KeyboardInterrupt):
        backup(db_path, tmp_path / "nightly.sqlite3")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("nightly")) == []


@pytest.mark.parametrize("name", ["nightly#1.sqlite3", "a?b%20c.sqlite3"])
def test_backup_and_restore_where_the_name_holds_uri_characters(tmp_path, name):
    db_path = hpbot_db(tmp_path / "live.sqlite3", groups=3)
    info = backup(db_path, tmp_path / name)
    assert info["counts"]["groups"] == 3
    restored = tmp_path / "restored" / name
    assert restore(tmp_path / name, restored)["counts"]["groups"] == 3
    assert group_ids(restored) == [-3, -2, -1]


def corrupt_an_index(path):
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'rounds_status'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size : root * page_size] = b"\xab" * page_size  # the schema still reads
    path.write_bytes(bytes(data))


def test_a_corrupt_backup_is_refused_even_beside_a_sound_file_named_like_its_start(tmp_path):
    """`file:{path}?mode=ro` made `good#bad.sqlite3` read as `good`: the check passed the wrong file."""
    hpbot_db(tmp_path / "source.sqlite3", groups=2)
    backup(tmp_path / "source.sqlite3", tmp_path / "good")
    bad = tmp_path / "good#bad.sqlite3"
    bad.write_bytes((tmp_path / "good").read_bytes())
    corrupt_an_index(bad)
    db_path = hpbot_db(tmp_path / "hpbot.sqlite3", groups=1)
    before = db_path.read_bytes()
    with pytest.raises(BackupError, match="integrity check|malformed|corrupt"):
        restore(bad, db_path)
    assert db_path.read_bytes() == before and group_ids(db_path) == [-1]


def test_a_backup_from_a_newer_hpbot_is_refused(tmp_path):
    from hpbot.store.migrations import discover

    newer = hpbot_db(tmp_path / "newer.sqlite3")
    with sqlite3.connect(newer) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01')")
    conn.close()
    db_path = hpbot_db(tmp_path / "hpbot.sqlite3")
    with pytest.raises(BackupError, match=rf"schema 999.*knows {len(discover())}"):
        restore(newer, db_path)
    assert group_ids(db_path) == [-1]


def crashed_with_a_log(db_path):
    """A database whose last commits are still in its -wal, as after kill -9 (the process exits without closing)."""
    hpbot_db(db_path, groups=1)
    script = (
        "import os, sys; from datetime import UTC, datetime; from hpbot.store import Store; "
        "s = Store.open(sys.argv[1], checkpoint_every=None); "
        "s.touch_group(-2, 'Chi bộ sau', 'group', datetime(2026, 11, 30, tzinfo=UTC)); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", script, str(db_path)], check=True, cwd=ROOT)
    wal = Path(f"{db_path}-wal")
    assert wal.exists() and wal.stat().st_size > 0
    return {p.name: p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)}


def test_a_restore_that_fails_half_way_leaves_the_old_database_as_it_was(tmp_path, monkeypatch):
    import hpbot.backup as module

    (tmp_path / "live").mkdir()
    db_path = tmp_path / "live" / "hpbot.sqlite3"
    files = crashed_with_a_log(db_path)
    hpbot_db(tmp_path / "other.sqlite3", groups=5)
    backup(tmp_path / "other.sqlite3", tmp_path / "b.sqlite3")

    def disk_full(source, target):
        with open(target, "wb") as out:
            out.write(b"\0" * 8192)  # some of it made it to the disk
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(module, "_copy", disk_full)
    with pytest.raises(BackupError, match="No space left on device.*left as it was") as info:
        restore(tmp_path / "b.sqlite3", db_path)
    assert "\n" not in str(info.value)
    after = {p.name: p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)}
    assert {name: data for name, data in after.items() if not name.endswith(".lock")} == files
    assert group_ids(db_path) == [-2, -1]  # the commit that was only in the -wal too


def test_a_restore_that_runs_out_of_room_in_a_real_process_leaves_the_old_database(tmp_path):
    """The same, without touching the code: the restoring process may not write a file past 64 KB
    (RLIMIT_FSIZE; Python ignores SIGXFSZ, so the write fails with EFBIG as it would with ENOSPC)."""
    (tmp_path / "live").mkdir()
    db_path = tmp_path / "live" / "hpbot.sqlite3"
    crashed_with_a_log(db_path)
    other = hpbot_db(tmp_path / "other.sqlite3", groups=1)
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE filler (blob BLOB)")
        conn.executemany("INSERT INTO filler VALUES (randomblob(4000))", [()] * 100)
    conn.close()
    backup(other, tmp_path / "b.sqlite3")
    script = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536)); "
        "from hpbot.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HPBOT_")}
    result = subprocess.run(
        [sys.executable, "-c", script, "restore", str(tmp_path / "b.sqlite3"), "--db", str(db_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert len(result.stderr.splitlines()) == 1 and "left as it was" in result.stderr, result.stderr
    assert group_ids(db_path) == [-2, -1]
