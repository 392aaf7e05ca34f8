"""Morning push: N groups due at the same minute, against a fake Bot API that enforces Telegram's limits.

    python -m benchmarks.push --groups 10000 --rate 300
    python -m benchmarks.push --smoke          # small, correctness only (CI)
    python -m benchmarks.push --groups 3000 --rate 300 --in-process    # the fake in this process (old figures)
    python -m benchmarks.push --groups 10000 --rate 300 --answering 2  # members tap each post 2 s after it

By default the fake Bot API runs in a child process of its own (`python -m hpbot.testing.process`, driven
through its /_control/ routes), so that on a small machine the bot and the fake do not share one core and the wall
time is the bot's. `--in-process` runs the fake in the bot's event loop instead.

Prints wall time, the ideal N / L, their ratio, posts lost / duplicated and 429 responses received. With
`--answering S` the bot also polls for updates, and S seconds after each post both members of its group tap a button:
the taps and the live answer-count edits they cause come during the push, as on a real morning.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from hpbot import eventloop
from hpbot.clock import FakeClock
from hpbot.config import load_config
from hpbot.content import load_bank
from hpbot.store import Store
from hpbot.testing import FakeProcess, Limits, LocalFake
from hpbot.tg import app as tg_app
from hpbot.wiring import build
from tests.e2e.harness import TOKEN, local


async def push(
    groups: int, rate: float, workdir: Path, *, in_process: bool = False, answering: float | None = None
) -> dict:
    limits = Limits(global_per_second=rate, per_chat_per_minute=20, per_private_chat_per_second=None)
    fake = LocalFake(limits=limits) if in_process else FakeProcess(limits=limits)
    await fake.start()
    try:
        ids = [-(10**12) - i for i in range(groups)]
        await fake.control(
            "world",
            {
                "groups": [
                    {"chat_id": chat_id, "title": f"Chi bộ {i}", "admins": [1], "members": [2, 3]}
                    for i, chat_id in enumerate(ids)
                ]
            },
        )
        store = Store.open(workdir / "push.sqlite3")
        with store.db.atomic():
            store.db.conn.executemany(
                "INSERT INTO groups (chat_id, title, type, status) VALUES (?, ?, 'group', 'active')",
                [(chat_id, f"Chi bộ {i}") for i, chat_id in enumerate(ids)],
            )
        config = load_config(
            {
                "HPBOT_TOKEN": TOKEN,
                "HPBOT_API_BASE_URL": fake.base_url,
                "HPBOT_DB": str(workdir / "push.sqlite3"),
                "HPBOT_RATE_PER_SECOND": str(rate),
            }
        )
        hp = build(
            config, clock=FakeClock(local(2026, 11, 30, 7, 0)), bank=load_bank(), store=store, run_jobs=False
        )
        app = hp.application
        await app.initialize()
        if answering is not None:
            await fake.control("answering", {"after": answering})
            await app.start()
            receiving = tg_app.Receiving(app, poll_timeout=1)
            await receiving.start_polling()
        started = time.perf_counter()
        await hp.rounds.run_due()
        wall = time.perf_counter() - started
        if answering is not None:
            await asyncio.sleep(answering + 1)  # the last posts' taps
        await hp.rounds.drain()  # what the push left for later (member counts, count edits) finishes first
        drained = time.perf_counter() - started
        if answering is not None:
            await receiving.stop()
            await app.stop()
        await app.shutdown()
        stats = await fake.control("stats", {"sent_by_chat": True})
    finally:
        await fake.stop()
    sent = {chat_id: n for chat_id, n in stats["sent_by_chat"]}
    rounds = store.db.execute("SELECT COUNT(*) FROM rounds WHERE status = 'open'").fetchone()[0]
    answers = store.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    store.close()
    return {
        "groups": groups,
        "rate": rate,
        "wall_s": wall,
        "ideal_s": groups / rate,
        "ratio": wall / (groups / rate),
        "drained_s": drained,
        "lost": sum(1 for chat_id in ids if sent.get(chat_id, 0) == 0),
        "duplicated": sum(1 for n in sent.values() if n > 1),
        "responses_429": stats["too_many_requests"],
        "rounds_open": rounds,
        "answers": answers,
        "requests": {method: by_status for method, by_status in stats["methods"].items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=300.0, help="overall messages/s the fake allows (L)")
    parser.add_argument("--smoke", action="store_true", help="200 groups at L=400: correctness only")
    parser.add_argument(
        "--answering",
        type=float,
        default=None,
        metavar="S",
        help="members tap each post S seconds after it, during the push (default: nobody answers)",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run the fake Bot API in this process and event loop (default: a child process)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.groups, args.rate = 200, 400.0
    with tempfile.TemporaryDirectory() as tmp:
        r = eventloop.run(
            push(args.groups, args.rate, Path(tmp), in_process=args.in_process, answering=args.answering)
        )
    print(f"command: python -m benchmarks.push {' '.join(sys.argv[1:])}")
    print(f"fake Bot API: {'in this process' if args.in_process else 'separate process'}")
    print(
        f"groups={r['groups']} L={r['rate']:.0f}/s wall={r['wall_s']:.2f}s ideal N/L={r['ideal_s']:.2f}s "
        f"ratio={r['ratio']:.3f} lost={r['lost']} duplicated={r['duplicated']} 429s={r['responses_429']} "
        f"rounds_open={r['rounds_open']}"
    )
    print(
        f"wall until the work the push left for later (member counts, count edits) is done: {r['drained_s']:.2f}s"
    )
    if args.answering is not None:
        print(
            f"answers stored: {r['answers']} (2 members in each group tap each post {args.answering:g} s after it)"
        )
    print(
        "requests by method and status: "
        + ", ".join(
            f"{method} {'/'.join(f'{status}:{n}' for status, n in sorted(by_status.items()))}"
            for method, by_status in sorted(r["requests"].items())
        )
    )
    ok = r["lost"] == 0 and r["duplicated"] == 0 and r["rounds_open"] == r["groups"]
    ok = ok and (args.answering is None or r["answers"] == 2 * r["groups"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
