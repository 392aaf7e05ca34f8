"""The health check's scheduler heartbeat: fresh while a long due run is under way, but not for ever."""

import asyncio
import os

from hpbot import health


async def test_a_long_due_run_keeps_the_heartbeat_fresh_then_gives_up(tmp_path):
    db = tmp_path / "hpbot.sqlite3"
    path = health.heartbeat_path(db)
    busy = asyncio.create_task(health.beat_while_busy(db, every=0.05, at_most=0.3))
    await asyncio.sleep(0.12)
    assert path.exists()  # beaten while the run goes on, before it ends
    first = path.stat().st_mtime_ns
    await asyncio.sleep(0.12)
    assert path.stat().st_mtime_ns > first
    await asyncio.wait_for(busy, 1)  # a run longer than `at_most` is stuck: the beats stop by themselves
    assert busy.done()


async def test_no_beat_once_the_run_is_cancelled(tmp_path):
    db = tmp_path / "hpbot.sqlite3"
    busy = asyncio.create_task(health.beat_while_busy(db, every=0.05))
    await asyncio.sleep(0.01)
    busy.cancel()
    await asyncio.sleep(0.12)
    assert not health.heartbeat_path(db).exists()


def test_a_stale_heartbeat_fails_the_check(tmp_path):
    db = tmp_path / "hpbot.sqlite3"
    health.beat(db)
    health.beat(db, health.TELEGRAM)
    now = os.stat(health.heartbeat_path(db)).st_mtime
    assert health.check(db, now=now + 10) is None
    assert "heartbeat is" in (health.check(db, now=now + health.MAX_AGE_SECONDS + 1) or "")
