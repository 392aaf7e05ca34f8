"""One bot per database: a second `hpbot run` on the same file exits 2 naming the first one's PID, and
`hpbot restore` refuses while the bot runs (the instance lock, hpbot/instance.py).

The two real-process tests run `python -m hpbot run` against the fake Bot API in this event loop (as the crash
trials do), so the first bot is really polling when the second one starts.
"""

import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hpbot.store import Store
from hpbot.testing import FakeTelegram

TOKEN = "123456789:InstanceLockTokenForTheFakeTelegramOnly"
ROOT = Path(__file__).resolve().parent.parent


def bot_env(fake: FakeTelegram, db: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HPBOT_")}
    return {
        **clean,
        "HPBOT_TOKEN": TOKEN,
        "HPBOT_API_BASE_URL": fake.base_url,
        "HPBOT_DB": str(db),
        "HPBOT_LOG_LEVEL": "WARNING",
        "HPBOT_RATE_PER_SECOND": "0",
        "HPBOT_GROUP_RATE_PER_MINUTE": "0",
    }


async def start_bot(fake: FakeTelegram, db: Path, cwd: Path) -> asyncio.subprocess.Process:
    # cwd: a directory without a .env file, so that only these settings count
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hpbot",
        "run",
        cwd=cwd,
        env=bot_env(fake, db),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def stop_bot(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()


@pytest.fixture
async def running_bot(tmp_path):
    """A real bot process polling the fake on tmp_path/hpbot.sqlite3."""
    fake = FakeTelegram()
    await fake.start()
    db = tmp_path / "hpbot.sqlite3"
    first = await start_bot(fake, db, tmp_path)
    try:
        await fake.wait_for(lambda: fake.calls_to("getUpdates"), timeout=60)
        yield fake, db, first
    finally:
        await stop_bot(first)
        await fake.stop()


async def test_a_second_bot_on_the_same_database_exits_2_naming_the_first_ones_pid(running_bot, tmp_path):
    fake, db, first = running_bot
    second = await start_bot(fake, db, tmp_path)
    try:
        _, err = await asyncio.wait_for(second.communicate(), 30)
    except TimeoutError:
        second.kill()
        await second.wait()
        pytest.fail("the second bot kept running beside the first: every post would go out twice")
    lines = [line for line in err.decode().splitlines() if line.strip()]
    assert second.returncode == 2, lines
    assert len(lines) == 1 and "Traceback" not in lines[0], lines
    assert lines[0].startswith("hpbot: ") and f"PID {first.pid}" in lines[0] and str(db) in lines[0], lines
    assert first.returncode is None  # the first one goes on
    await fake.wait_for(lambda: len(fake.calls_to("getUpdates")) >= 2, timeout=60)  # still polling


async def test_restore_refuses_while_the_bot_runs(running_bot, tmp_path, capsys):
    from hpbot.cli import main

    fake, db, first = running_bot
    other = tmp_path / "other.sqlite3"
    store = Store.open(other, checkpoint_every=None)
    store.touch_group(-5, "Chi bộ khác", "group", datetime(2026, 11, 30, tzinfo=UTC))
    store.close()
    backup_file = tmp_path / "b.sqlite3"
    assert main(["backup", str(backup_file), "--db", str(other)]) == 0
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["restore", str(backup_file), "--db", str(db)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("hpbot restore: ") and f"PID {first.pid}" in err[0], err
    assert first.returncode is None
    check = Store.open(db, checkpoint_every=None)  # the bot's database, not the backup's
    assert check.group(-5) is None
    check.close()


# the lock itself --------------------------------------------------------------------------------------------
def test_the_lock_is_one_holder_at_a_time_and_names_it(tmp_path):
    from hpbot.errors import InstanceLocked, StartupError
    from hpbot.instance import acquire, lock_path

    db = tmp_path / "db" / "hpbot.sqlite3"
    held = acquire(db)
    try:
        assert lock_path(db).read_text().split()[0] == str(os.getpid())
        with pytest.raises(InstanceLocked, match=rf"PID {os.getpid()}\b") as info:
            acquire(db)
        assert isinstance(info.value, StartupError)
        assert "\n" not in str(info.value)
    finally:
        held.release()
    acquire(db).release()  # free again
    with acquire(db):  # also a context manager
        pass
    acquire(Path(":memory:")).release()  # nothing to lock


def test_a_killed_holder_frees_the_lock(tmp_path):
    from hpbot.instance import acquire

    db = tmp_path / "hpbot.sqlite3"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from hpbot.instance import acquire; "
            "lock = acquire(Path(sys.argv[1])); print('held', flush=True); time.sleep(120)",
            str(db),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        from hpbot.errors import InstanceLocked

        with pytest.raises(InstanceLocked, match=rf"PID {holder.pid}\b"):
            acquire(db)
        holder.kill()  # kill -9: no clean-up runs, the kernel drops the lock with the process
        holder.wait()
        acquire(db).release()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def test_restore_refuses_while_the_lock_is_held_and_leaves_the_database(tmp_path):
    from hpbot.backup import BackupError, backup, restore
    from hpbot.instance import acquire

    db = tmp_path / "hpbot.sqlite3"
    store = Store.open(db, checkpoint_every=None)
    store.touch_group(-1, "Chi bộ", "group", datetime(2026, 11, 30, tzinfo=UTC))
    store.close()
    other = tmp_path / "other.sqlite3"
    Store.open(other, checkpoint_every=None).close()
    backup(other, tmp_path / "b.sqlite3")
    before = db.read_bytes()
    with acquire(db), pytest.raises(BackupError, match=rf"PID {os.getpid()}\b.*stop"):
        restore(tmp_path / "b.sqlite3", db)
    assert db.read_bytes() == before
    restore(tmp_path / "b.sqlite3", db)  # the bot stopped: now it goes ahead
    store = Store.open(db, checkpoint_every=None)
    assert store.group(-1) is None
    store.close()
