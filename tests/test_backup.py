"""Backups taken while the bot writes hold every answer committed before them; restores are checked."""

import sqlite3
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from hpbot.backup import BackupError, backup, restore
from hpbot.cli import main
from hpbot.store import Store

NOW = datetime(2026, 11, 25, tzinfo=UTC)


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
