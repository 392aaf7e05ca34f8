"""Morning push as members see it: N groups due at the same minute, against a fake Bot API that enforces Telegram's
limits, timed from the due minute.

    python -m benchmarks.push --groups 10000 --rate 300
    python -m benchmarks.push --groups 10000 --rate 1000 --paid  # HPBOT_PAID_BROADCAST=1: paced up to 1,000/s
    python -m benchmarks.push --smoke          # small, correctness only (CI); also with --paid
    python -m benchmarks.push --groups 3000 --rate 300 --in-process    # the fake in this process
    python -m benchmarks.push --groups 10000 --rate 300 --answering 2  # members tap each post 2 s after it

The bot is started as `hpbot run` starts it (initialize, recovery and the due check, polling, the job queue) a few
seconds (`--lead`) before 07:00 on its clock, a clock that runs at real speed from 06:59:55: nothing triggers the
push by hand, the bot's scheduler wakes at the due minute (and the periodic due check, HPBOT_TICK_SECONDS, runs as in
production). Each post's delay counts from the due minute to the moment the fake Bot API received it (what a member
sees), read from the fake's record of calls (benchmarks/timed_fake.py).

The fake counts at most L messages in any sliding second across chats and 20 a minute into one group, and answers
429 with `retry_after` beyond them. The bot's global pacing is set to the same L (HPBOT_RATE_PER_SECOND); with
`--paid` the bot keeps the free 30/s for replies and sends the posts with `allow_paid_broadcast`, paced on its own
grid up to 1,000/s (hpbot/tg/transport/pacing.py), and the fake allows L (1,000 unless `--rate` says otherwise).

By default the fake runs in a child process of its own (`python -m benchmarks.timed_fake`), so that the bot and the
fake do not share one core. Prints the first post's delay after the due minute, the last one's (the wall), the
ideal N / L and their ratio, posts lost / duplicated and 429 responses received.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.answer_burst import process_cpu
from benchmarks.timed_fake import TimedFakeProcess, TimedLocalFake
from hpbot import eventloop
from hpbot.clock import SystemClock
from hpbot.config import load_config
from hpbot.content import load_bank
from hpbot.store import Store
from hpbot.testing import Limits
from hpbot.tg import app as tg_app
from hpbot.wiring import build
from tests.e2e.harness import TOKEN, local

DUE = local(2026, 11, 30, 7, 0)  # the groups' default post time, on a study day


class RunningClock(SystemClock):
    """The bot's clock here: the system's clock moved to `start` (so the due minute comes while the bot runs). It
    runs at real speed, so the bot paces on `time.monotonic()` as in production (hpbot.tg.app.new_bot)."""

    def __init__(self, start: datetime) -> None:
        self.start, self.mono0 = start.astimezone(UTC), time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.mono0)

    def monotonic_at(self, when: datetime) -> float:
        """The `time.monotonic()` of the instant `when` of this clock."""
        return self.mono0 + (when - self.start).total_seconds()


def time_due_checks(hp: Any) -> tuple[list[float], list[int]]:
    """Patch the built bot's due check to note when each one begins and how many are under way (the wake job, the
    periodic one, the one at start): (the start times, [running now])."""
    checks: list[float] = []
    running = [0]
    run_due = hp.rounds.run_due

    async def timed_run_due() -> None:
        checks.append(time.monotonic())
        running[0] += 1
        try:
            await run_due()
        finally:
            running[0] -= 1

    hp.rounds.run_due = timed_run_due
    return checks, running


async def start_like_runner(hp: Any) -> tuple[Any, Any]:
    """Start the built bot as hpbot.runner.serve does (long polling); returns (the application, its receiving)."""
    app = hp.application
    receiving = tg_app.Receiving(app, poll_timeout=1)
    await app.initialize()
    await app.post_init(app)
    await receiving.start_polling()
    await app.start()
    return app, receiving


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


async def push(
    groups: int,
    rate: float,
    workdir: Path,
    *,
    in_process: bool = False,
    answering: float | None = None,
    paid: bool = False,
    lead: float = 5.0,
) -> dict[str, Any]:
    limits = Limits(global_per_second=rate, per_chat_per_minute=20, per_private_chat_per_second=None)
    fake = TimedLocalFake(limits=limits) if in_process else TimedFakeProcess(limits=limits)
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
        env = {
            "HPBOT_TOKEN": TOKEN,
            "HPBOT_API_BASE_URL": fake.base_url,
            "HPBOT_DB": str(workdir / "push.sqlite3"),
            "HPBOT_RATE_PER_SECOND": "30" if paid else str(rate),
        }
        if paid:
            env["HPBOT_PAID_BROADCAST"] = "1"
        config = load_config(env)
        clock = RunningClock(DUE - timedelta(seconds=lead))
        hp = build(config, clock=clock, bank=load_bank(), store=store)
        due_at = clock.monotonic_at(DUE)
        checks, running = time_due_checks(hp)
        app, receiving = await start_like_runner(hp)
        ready = time.monotonic()
        if answering is not None:
            await fake.control("answering", {"after": answering})
        deadline = due_at + 3 * groups / rate + 60
        await asyncio.sleep(max(0.0, due_at - time.monotonic()))
        cpu, fake_cpu = time.process_time(), process_cpu(fake)
        while time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            if running[0] or not checks or checks[-1] < due_at:
                continue  # the push is under way (or has not begun): nothing read from the database meanwhile
            opened = store.db.execute("SELECT COUNT(*) FROM rounds WHERE status = 'open'").fetchone()[0]
            if opened >= groups:
                break
        posted = time.monotonic()
        cpu, fake_cpu = time.process_time() - cpu, process_cpu(fake) - fake_cpu
        if answering is not None:
            await asyncio.sleep(answering + 1)  # the last posts' taps
        await hp.rounds.drain()  # what the push left for later (member counts, count edits) finishes first
        drained = time.monotonic()
        await receiving.stop()
        await app.stop()
        await app.shutdown()
        stats = await fake.control("stats", {"sent_by_chat": True})
        sends = await fake.control("send_times", {"method": "sendMessage"})
    finally:
        await fake.stop()
    rounds = store.db.execute("SELECT COUNT(*) FROM rounds WHERE status = 'open'").fetchone()[0]
    answers = store.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    store.close()
    by_chat: dict[int, list[float]] = defaultdict(list)
    for chat_id, at, _ in sends:
        by_chat[chat_id].append(at)
    delays = sorted(min(times) - due_at for times in by_chat.values())
    wall = delays[-1] if delays else float("nan")
    return {
        "groups": groups,
        "rate": rate,
        "paid": paid,
        "ready_before_due_s": due_at - ready,
        "due_checks_s": [t - due_at for t in checks],
        "first_s": delays[0] if delays else float("nan"),
        "p50_s": pct(delays, 50),
        "p99_s": pct(delays, 99),
        "wall_s": wall,
        "ideal_s": groups / rate,
        "ratio": wall / (groups / rate),
        "posted_s": posted - due_at,
        "drained_s": drained - due_at,
        "cpu_s": cpu,
        "fake_cpu_s": fake_cpu,
        "early": sum(1 for d in delays if d < 0),
        "lost": sum(1 for chat_id in ids if chat_id not in by_chat),
        "duplicated": sum(1 for times in by_chat.values() if len(times) > 1),
        "paid_flagged": sum(1 for _, _, flagged in sends if flagged),
        "responses_429": stats["too_many_requests"],
        "rounds_open": rounds,
        "answers": answers,
        "requests": {method: by_status for method, by_status in stats["methods"].items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="overall messages/s the fake allows (L; default 300, 1,000 with --paid)",
    )
    parser.add_argument(
        "--paid",
        action="store_true",
        help="HPBOT_PAID_BROADCAST=1: posts with allow_paid_broadcast, paced up to 1,000/s (give --rate 1000)",
    )
    parser.add_argument(
        "--lead", type=float, default=5.0, help="seconds before the due minute the bot starts (default 5)"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="200 groups at L=400 (1,000 with --paid): correctness only"
    )
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
    if args.rate is None:
        args.rate = 1000.0 if args.paid else 300.0
    if args.smoke:
        args.groups, args.rate, args.lead = 200, 1000.0 if args.paid else 400.0, 2.0
    with tempfile.TemporaryDirectory() as tmp:
        r = eventloop.run(
            push(
                args.groups,
                args.rate,
                Path(tmp),
                in_process=args.in_process,
                answering=args.answering,
                paid=args.paid,
                lead=args.lead,
            )
        )
    print(f"command: python -m benchmarks.push {' '.join(sys.argv[1:])}")
    print(
        f"fake Bot API: {'in this process' if args.in_process else 'separate process'}; "
        + (
            f"posts with allow_paid_broadcast (paid pacing up to 1,000/s), {r['paid_flagged']} flagged"
            if r["paid"]
            else f"bot paced at HPBOT_RATE_PER_SECOND={r['rate']:g}"
        )
    )
    print(
        f"bot ready {r['ready_before_due_s']:.2f} s before the due minute; due checks began at "
        + ", ".join(f"{t:+.3f}" for t in r["due_checks_s"])
        + " s"
    )
    print(
        f"groups={r['groups']} L={r['rate']:.0f}/s first post={r['first_s']:.3f}s after the due minute "
        f"(p50 {r['p50_s']:.2f}s, p99 {r['p99_s']:.2f}s) wall={r['wall_s']:.2f}s ideal N/L={r['ideal_s']:.2f}s "
        f"ratio={r['ratio']:.3f} lost={r['lost']} duplicated={r['duplicated']} 429s={r['responses_429']} "
        f"early={r['early']} rounds_open={r['rounds_open']}"
    )
    print(
        f"CPU from the due minute to the last post opened: bot {r['cpu_s']:.2f}s "
        f"({r['cpu_s'] / r['posted_s']:.0%} of a core), fake {r['fake_cpu_s']:.2f}s, over {r['posted_s']:.2f}s"
    )
    print(
        "after the due minute, the work the push left for later (member counts, count edits) was done at "
        f"{r['drained_s']:.2f}s"
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
    ok = r["lost"] == 0 and r["duplicated"] == 0 and r["early"] == 0 and r["rounds_open"] == r["groups"]
    ok = ok and (not r["paid"] or r["paid_flagged"] == r["groups"])
    ok = ok and (args.answering is None or r["answers"] == 2 * r["groups"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
