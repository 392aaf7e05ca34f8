"""What hpbot writes is readable by its own user only, whatever the umask: the database and its -wal and -shm,
the instance lock, backups, restored databases and exports are 0600, the directories hpbot makes for them 0700.
Files and directories that were there before keep the modes someone gave them."""

import os
import stat
from datetime import UTC, datetime

import pytest

from hpbot.backup import backup, restore
from hpbot.cli import main
from hpbot.store import Store

NOW = datetime(2026, 11, 30, tzinfo=UTC)


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def umask(request):
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def modes(directory):
    return {p.name: mode(p) for p in directory.iterdir()}


def test_the_database_its_log_and_the_directories_made_for_it(tmp_path, umask):
    db = tmp_path / "state" / "db" / "hpbot.sqlite3"
    store = Store.open(db)
    try:
        store.touch_group(-1, "Chi bộ", "group", NOW)  # the -wal holds a commit, the -shm exists
        assert modes(db.parent) == {
            "hpbot.sqlite3": 0o600,
            "hpbot.sqlite3-wal": 0o600,
            "hpbot.sqlite3-shm": 0o600,
        }
        assert mode(tmp_path / "state") == mode(db.parent) == 0o700
    finally:
        store.close()


def test_files_and_directories_that_were_there_keep_their_modes(tmp_path, umask):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o750)
    db = shared / "hpbot.sqlite3"
    db.touch()
    db.chmod(0o640)
    Store.open(db).close()
    assert mode(shared) == 0o750 and mode(db) == 0o640


def test_the_instance_lock(tmp_path, umask):
    from hpbot.instance import acquire, lock_path

    db = tmp_path / "run" / "hpbot.sqlite3"
    with acquire(db):
        assert mode(lock_path(db)) == 0o600 and mode(db.parent) == 0o700


def test_backups_and_restored_databases(tmp_path, umask):
    (tmp_path / "live").mkdir()
    db = tmp_path / "live" / "hpbot.sqlite3"
    Store.open(db).close()
    target = tmp_path / "backups" / "nightly" / "hpbot-2026-11-30.sqlite3"
    backup(db, target)
    assert modes(target.parent) == {target.name: 0o600}
    assert mode(target.parent) == mode(target.parent.parent) == 0o700
    restored = tmp_path / "restored" / "hpbot.sqlite3"
    restore(target, restored)
    assert mode(restored) == 0o600 and mode(restored.parent) == 0o700


def test_exports(tmp_path, umask, capsys):
    from tests.test_reports import seeded

    (tmp_path / "seed").mkdir()
    store, _service, comp = seeded(tmp_path / "seed")
    store.close()
    db = str(tmp_path / "seed" / "c.sqlite3")
    out = tmp_path / "exports" / "results.xlsx"
    assert main(["export", "--competition", str(comp.id), "--out", str(out), "--db", db, "--quiet"]) == 0
    assert modes(out.parent) == {"results.xlsx": 0o600} and mode(out.parent) == 0o700
    csv_out = tmp_path / "csv" / "results.csv"
    assert main(["export", "--competition", str(comp.id), "--out", str(csv_out), "--db", db, "--quiet"]) == 0
    assert set(modes(csv_out.parent).values()) == {0o600} and len(modes(csv_out.parent)) >= 3
    assert mode(csv_out.parent) == 0o700
