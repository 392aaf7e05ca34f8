"""Answer burst: taps delivered through getUpdates (batches of 100), hpbot against an empty PTB application.

    python -m benchmarks.answer_burst --taps 50000 --members 20000 --groups 2000 --rate 1000
    python -m benchmarks.answer_burst --taps 50000 --members 20000 --groups 2000 --rate 1000 --via webhook
    python -m benchmarks.answer_burst --smoke                 # small, correctness only (CI); both paths
    python -m benchmarks.answer_burst --smoke --in-process    # the fake in this process (old figures)

For each application, taps are offered at `--rate` per second; reported: taps/s handled (update queued → answer
stored → callback acknowledged) and p50/p99 latency from the update being available to its acknowledgement. The
"ceiling" is a bare python-telegram-bot Application whose only handler acknowledges the callback, measured twice:
with PTB's default HTTP client (httpx) and with the one hpbot uses (aiohttp, hpbot/tg/transport/http.py).
hpbot receives through its own long polling or its own webhook server (hpbot.tg.app.Receiving: each update is
recorded in its inbox first), the empty application through PTB's Updater.

By default the fake Bot API runs in a child process (`python -m hpbot.testing.process`): it offers the taps
itself at the given rate (queued for getUpdates, or POSTed to the webhook with `--via webhook`) and times them on
its own clock, so the figures are the application's and not the fake's. `--in-process` runs the fake, and so the
offering loop, in the application's event loop instead (both figures then include the fake's cost).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace

from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, CallbackQueryHandler

from hpbot import eventloop
from hpbot.clock import FakeClock
from hpbot.config import load_config
from hpbot.content import load_bank
from hpbot.store import Store
from hpbot.testing import FakeProcess, Limits, LocalFake
from hpbot.tg import app as tg_app
from hpbot.tg.transport.http import AiohttpRequest
from hpbot.tg.transport.ordering import PerChatOrder
from hpbot.wiring import ALLOWED_UPDATES, build
from tests.e2e.harness import TOKEN, local

SECRET = (
    "burst-Secret_0123456789abcdefghijklmnop"  # Telegram's alphabet, 32 characters or more (hpbot's rule)
)
CEILING_NAMES = {"httpx": "empty PTB app, PTB's httpx", "aiohttp": "empty PTB app, aiohttp"}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def measure(
    fake: FakeProcess | LocalFake,
    app: Application,
    taps: list[list],
    rate: float,
    via: str,
    before_stop: Callable[[], Awaitable[object]] | None = None,
) -> dict:
    await app.initialize()
    await app.start()
    receiving = None
    if app.updater is None:  # hpbot: its own long polling, or its own webhook server (hpbot.tg.app.Receiving)
        receiving = tg_app.Receiving(app, poll_timeout=1)
        if via == "webhook":
            port = free_port()
            await receiving.start_webhook(
                SimpleNamespace(
                    webhook_url=f"http://127.0.0.1:{port}",
                    webhook_secret=SECRET,
                    webhook_listen="127.0.0.1",
                    webhook_port=port,
                )
            )
        else:
            await receiving.start_polling()
    elif via == "webhook":
        port = free_port()
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="telegram",
            webhook_url=f"http://127.0.0.1:{port}/telegram",
            secret_token=SECRET,
            allowed_updates=ALLOWED_UPDATES,
            max_connections=40,
        )
    else:
        await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
    await fake.control("reset")
    cpu, fake_cpu = time.process_time(), process_cpu(fake)
    await fake.control("offer_taps", {"taps": taps, "rate": rate, "via": via})
    deadline = time.monotonic() + 600 + len(taps) / rate
    while True:
        await asyncio.sleep(0.25)
        progress = await fake.control("tap_stats")
        if progress["answered"] >= progress["total"]:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{progress['answered']} of {progress['total']} taps answered before the deadline"
            )
    cpu, fake_cpu = time.process_time() - cpu, process_cpu(fake) - fake_cpu
    result = await fake.control("tap_stats", {"latencies": True})
    if before_stop is not None:
        await before_stop()
    if receiving is not None:
        await receiving.stop()
    else:
        await app.updater.stop()
    await app.stop()
    await app.shutdown()
    latencies = result["latencies_ms"]
    return {
        "taps": len(taps),
        "wall": result["wall_s"],
        "rate": len(taps) / result["wall_s"],
        "p50": pct(latencies, 50),
        "p99": pct(latencies, 99),
        "offer_s": result["offer_s"],
        "offer_lag_s": result["offer_lag_s"],
        "webhook_failures": result["webhook_failures"],
        "cpu_s": cpu,
        "fake_cpu_s": fake_cpu,
    }


def process_cpu(fake: FakeProcess | LocalFake) -> float:
    """CPU seconds (user + system) the fake's process has used so far; NaN when it runs in this process."""
    process = getattr(fake, "process", None)
    if process is None:
        return float("nan")
    with open(f"/proc/{process.pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def scenario(
    fake: FakeProcess | LocalFake,
    chat_ids: list[int],
    per_group: int,
    taps_n: int,
    rate: float,
    via: str,
    workdir: Path,
    count_edit_seconds: float,
    ceilings_of: tuple[str, ...],
) -> tuple[dict, dict[str, dict], int]:
    """One path (poll or webhook): a fresh database, the morning post in every group, then the same taps to hpbot
    and to the empty application."""
    db = workdir / f"burst-{via}.sqlite3"
    store = Store.open(db)
    with store.db.atomic():
        store.db.conn.executemany(
            "INSERT INTO groups (chat_id, title, status) VALUES (?, ?, 'active')",
            [(c, f"Chi bộ {c}") for c in chat_ids],
        )
    config = load_config(
        {
            "HPBOT_TOKEN": TOKEN,
            "HPBOT_API_BASE_URL": fake.base_url,
            "HPBOT_DB": str(db),
            "HPBOT_RATE_PER_SECOND": "0",
            "HPBOT_GROUP_RATE_PER_MINUTE": "0",
            "HPBOT_COUNT_EDIT_SECONDS": str(count_edit_seconds),
        }
    )
    hp = build(
        config, clock=FakeClock(local(2026, 11, 30, 7, 5)), bank=load_bank(), store=store, run_jobs=False
    )
    await hp.application.initialize()
    hp.study.clock.set(local(2026, 11, 30, 7, 0))
    await hp.rounds.run_due()
    await hp.rounds.drain()  # the member counts the push left for later, before the measured part
    hp.study.clock.set(local(2026, 11, 30, 7, 5))
    await hp.application.shutdown()
    posts = {}
    for m in await fake.control("messages", {"with_markup": True}):
        posts[m["chat_id"]] = m  # the latest post of each chat wins (this path's round)
    groups = len(chat_ids)
    taps = []
    for i in range(taps_n):
        chat = chat_ids[i % groups]
        user = 1 + (i % groups) * per_group + (i // groups) % per_group
        post = posts[chat]
        taps.append(
            [
                user,
                chat,
                post["message_id"],
                post["reply_markup"]["inline_keyboard"][0][i % 4]["callback_data"],
            ]
        )
    # the answer-count edits hpbot schedules run before it stops (outside the measured wall time)
    ours = await measure(fake, hp.application, taps, rate, via, before_stop=hp.rounds.drain)
    stored = store.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]

    async def ack(update, context) -> None:
        await update.callback_query.answer("ok")

    ceilings = {}
    for transport in ceilings_of:
        builder = ApplicationBuilder().token(TOKEN).base_url(fake.base_url)
        if transport == "aiohttp":  # the HTTP client hpbot uses, so the difference is hpbot's own work
            builder = builder.request(AiohttpRequest(connection_pool_size=64)).get_updates_request(
                AiohttpRequest(connection_pool_size=1)
            )
        bare = (
            builder.concurrent_updates(PerChatOrder(256))
            .rate_limiter(AIORateLimiter(overall_max_rate=0, group_max_rate=0))
            .build()
        )
        bare.add_handler(CallbackQueryHandler(ack))
        ceilings[transport] = await measure(fake, bare, taps, rate, via)
    store.close()
    return ours, ceilings, stored


async def run(
    taps_n: int,
    members: int,
    groups: int,
    rate: float,
    paths: list[str],
    workdir: Path,
    in_process: bool,
    count_edit_seconds: float,
    ceilings_of: tuple[str, ...],
) -> dict[str, tuple[dict, dict[str, dict], int]]:
    # no flood limits and no expiry of callback queries, as measured before the fake had them (the bot's pacing
    # is off, HPBOT_RATE_PER_SECOND=0, and every offered tap must be answered for a run to end)
    fake: LocalFake | FakeProcess
    if in_process:
        fake = LocalFake(limits=Limits.off(), callback_ttl=None)
    else:
        fake = FakeProcess(limits=Limits.off(), callback_ttl=None)
    await fake.start()
    try:
        per_group = members // groups
        chat_ids = [-(10**12) - g for g in range(groups)]
        users, world = [], []
        for g, chat in enumerate(chat_ids):
            members_of = list(range(1 + g * per_group, 1 + (g + 1) * per_group))
            users += [{"id": u, "first_name": f"Đảng viên {u}"} for u in members_of]
            world.append(
                {"chat_id": chat, "title": f"Chi bộ {g}", "admins": [members_of[0]], "members": members_of}
            )
        await fake.control("world", {"users": users, "groups": world})
        return {
            via: await scenario(
                fake, chat_ids, per_group, taps_n, rate, via, workdir, count_edit_seconds, ceilings_of
            )
            for via in paths
        }
    finally:
        await fake.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--taps", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--groups", type=int, default=2_000)
    parser.add_argument("--rate", type=float, default=1_000.0, help="offered taps per second")
    parser.add_argument(
        "--via",
        choices=("poll", "webhook", "both"),
        default="poll",
        help="how updates reach the application: getUpdates, the webhook, or one after the other",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run the fake Bot API in this process and event loop (default: a child process)",
    )
    parser.add_argument(
        "--count-edit-seconds",
        type=float,
        default=15.0,
        help="HPBOT_COUNT_EDIT_SECONDS: delay of the live answer-count edit of a post",
    )
    parser.add_argument(
        "--ceilings",
        default="httpx,aiohttp",
        help="the empty PTB apps measured after hpbot, comma-separated: httpx,aiohttp (default) or none",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="400 taps, 200 members, 20 groups, count edits after 1 s; both paths",
    )
    args = parser.parse_args()
    if args.smoke:
        args.taps, args.members, args.groups, args.rate, args.via = 400, 200, 20, 400.0, "both"
        args.count_edit_seconds = 1.0
    paths = ["poll", "webhook"] if args.via == "both" else [args.via]
    ceilings_of = tuple(c for c in args.ceilings.split(",") if c and c != "none")
    if unknown := set(ceilings_of) - {"httpx", "aiohttp"}:
        parser.error(
            f"--ceilings: unknown client(s) {', '.join(sorted(unknown))}; use httpx, aiohttp or none"
        )
    with tempfile.TemporaryDirectory() as tmp:
        results = eventloop.run(
            run(
                args.taps,
                args.members,
                args.groups,
                args.rate,
                paths,
                Path(tmp),
                args.in_process,
                args.count_edit_seconds,
                ceilings_of,
            )
        )
    print(f"command: python -m benchmarks.answer_burst {' '.join(sys.argv[1:])}")
    print(f"fake Bot API: {'in this process' if args.in_process else 'separate process'}")
    distinct = min(args.taps, args.members)
    ok = True
    for via, (ours, ceilings, stored) in results.items():
        path = "getUpdates, batches of 100" if via == "poll" else "webhook"
        rows = [("hpbot (aiohttp client)", ours)]
        rows += [(CEILING_NAMES[c], ceilings[c]) for c in ceilings_of]
        for name, r in rows:
            print(
                f"[{path}] {name:<27} taps={r['taps']} handled={r['rate']:.0f}/s p50={r['p50']:.1f}ms "
                f"p99={r['p99']:.1f}ms (offered {args.rate:.0f}/s: all offered in {r['offer_s']:.1f}s, "
                f"max lag {r['offer_lag_s'] * 1000:.0f}ms; webhook retries {r['webhook_failures']}) "
                f"CPU per tap: app {r['cpu_s'] / r['taps'] * 1000:.2f}ms ({r['cpu_s'] / r['wall']:.0%} of a core), "
                f"fake {r['fake_cpu_s'] / r['taps'] * 1000:.2f}ms ({r['fake_cpu_s'] / r['wall']:.0%})"
            )
        for c in ceilings_of:
            print(
                f"[{path}] hpbot/ceiling rate against {CEILING_NAMES[c]}: {ours['rate'] / ceilings[c]['rate']:.2f}"
            )
        print(
            f"[{path}] answers stored: {stored} (distinct members who tapped: {distinct}; later taps are "
            "'already answered')"
        )
        ok = ok and stored == distinct
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
