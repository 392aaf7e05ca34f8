"""Footprint: start-up time to ready and peak memory of the real bot process with N subscribed groups.

    python -m benchmarks.footprint --groups 10000
    python -m benchmarks.footprint --groups 100          # CI size

The bot process (`python -m hpbot run`) starts against the fake Bot API with a database of N active groups whose
post time is later today. "Ready" is its first getUpdates call (migrations applied, bank loaded, recovery and the
first due-check done). Peak RSS is VmHWM from /proc after it has run its due-job for a few seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from hpbot import eventloop
from hpbot.store import Store
from hpbot.testing import FakeTelegram

TOKEN = "123456789:FootprintTokenForTheFakeTelegramOnly"


async def measure(groups: int, workdir: Path) -> dict:
    db = workdir / "fp.sqlite3"
    store = Store.open(db)
    with store.db.atomic():
        store.db.conn.executemany(
            "INSERT INTO groups (chat_id, title, status, post_time, reveal_time) VALUES (?, ?, 'active', '23:58', '23:59')",
            [(-(10**12) - i, f"Chi bộ {i}") for i in range(groups)],
        )
    store.close()
    fake = FakeTelegram()
    await fake.start()
    env = {
        **os.environ,
        "HPBOT_TOKEN": TOKEN,
        "HPBOT_API_BASE_URL": fake.base_url,
        "HPBOT_DB": str(db),
        "HPBOT_LOG_LEVEL": "WARNING",
        "HPBOT_TICK_SECONDS": "0.5",
    }
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hpbot",
        "run",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await fake.wait_for(lambda: fake.calls_to("getUpdates"), timeout=60, interval=0.005)
    ready = time.perf_counter() - started
    await asyncio.sleep(3)  # several due-checks over the N groups
    status = Path(f"/proc/{process.pid}/status").read_text()
    peak_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
    process.terminate()
    await process.wait()
    await fake.stop()
    return {"groups": groups, "ready_s": ready, "peak_rss_mb": peak_kb / 1024}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        r = eventloop.run(measure(args.groups, Path(tmp)))
    print(f"command: python -m benchmarks.footprint {' '.join(sys.argv[1:])}")
    print(f"groups={r['groups']} ready={r['ready_s']:.2f}s peak_rss={r['peak_rss_mb']:.1f}MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
