"""Commit stalls: how long the store's write transactions hold the event loop, with WAL checkpoints run by SQLite
inside the commits (its default) and on hpbot's checkpointer thread.

    python -m benchmarks.commits --groups 20000
    python -m benchmarks.commits --smoke        # small, correctness only (CI)

Each group gets the two transactions of a morning post as the bot makes them (`insert_round`, then
`mark_posted`), one group at a time with a short pause between groups, as paced posts arrive. Prints per
transaction: mean, p99, p99.9, max, and how many took over 5 ms (a stall long enough to bunch paced sends).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hpbot.store import Store

DAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)


def run(path: Path, groups: int, checkpoint_every: float | None, pause: float) -> dict:
    store = Store.open(path, checkpoint_every=checkpoint_every)
    ids = [-(10**12) - i for i in range(groups)]
    with store.db.atomic():
        store.db.conn.executemany(
            "INSERT INTO groups (chat_id, title, type, status) VALUES (?, ?, 'group', 'active')",
            [(chat_id, f"Chi bộ {i}") for i, chat_id in enumerate(ids)],
        )
    samples = []
    for n, chat_id in enumerate(ids):
        t = time.perf_counter()
        rnd = store.insert_round(chat_id, DAY, 1, "q01-a", NOW + timedelta(hours=13))
        samples.append(time.perf_counter() - t)
        t = time.perf_counter()
        store.mark_posted(rnd.id, 100 + n, NOW)
        samples.append(time.perf_counter() - t)
        time.sleep(pause)
    rounds = store.db.execute("SELECT COUNT(*) FROM rounds WHERE status = 'open'").fetchone()[0]
    store.close()
    samples.sort()
    count = len(samples)
    return {
        "transactions": count,
        "rounds_open": rounds,
        "mean_us": sum(samples) / count * 1e6,
        "p99_us": samples[int(count * 0.99)] * 1e6,
        "p999_us": samples[int(count * 0.999)] * 1e6,
        "max_ms": samples[-1] * 1e3,
        "over_5ms": sum(s > 0.005 for s in samples),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--groups", type=int, default=20000)
    parser.add_argument("--pause", type=float, default=0.0002, help="seconds between groups")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    groups = 200 if args.smoke else args.groups
    print("command: python -m benchmarks.commits " + " ".join(argv if argv is not None else sys.argv[1:]))
    with tempfile.TemporaryDirectory() as tmp:
        for label, every in (
            ("checkpoints in the commits (SQLite's default)", None),
            ("checkpoints on the checkpointer thread", 1.0),
        ):
            r = run(Path(tmp) / f"{every}.sqlite3", groups, every, args.pause)
            print(
                f"{label}: {r['transactions']} transactions, mean {r['mean_us']:.0f} us, p99 {r['p99_us']:.0f} us, "
                f"p99.9 {r['p999_us']:.0f} us, max {r['max_ms']:.1f} ms, over 5 ms: {r['over_5ms']}"
            )
            if r["rounds_open"] != groups:
                print(f"FAIL: {r['rounds_open']} rounds open, expected {groups}")
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
