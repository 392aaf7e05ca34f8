"""The live board (hpbot/web/) under load: how long a page takes to build for a contest of 10,000 groups, and what
200 viewers with live updates cost the bot while it handles 500 taps/s.

    python -m benchmarks.live_board                  # both parts at their default sizes
    python -m benchmarks.live_board --part render    # 10,000 groups, 200,000 members, 30 days of answers
    python -m benchmarks.live_board --part viewers   # 10,000 groups, 200 viewers, 500 taps/s for 20 s, twice
    python -m benchmarks.live_board --smoke          # small, correctness only (CI)

Render: a synthetic database (benchmarks/leaderboards.py's: groups of equal size, a share of the members answering
each day, every day revealed) with one competition of every group. Timed in this process: the board built from the
database as each viewer's first request builds it (the standings read, ranked, rendered: no cache), and whole GET
requests for the page through the server on loopback with its cache off (`tick` ~0), which is server time plus the
loopback round trip. Reported: p50 / p99 / max in ms.

Viewers: a fake Bot API in a child process with Telegram's limits on; every group has its morning post (setup, not
measured); the bot is started as `hpbot run` starts it, its board server beside it. Two phases of the same length
offer taps at `--rate` through getUpdates, each from members who have not tapped yet: the first with no viewer,
the second with `--viewers` event streams open from a child process (each as its own client, the address in
X-Forwarded-For, as the HTTPS proxy sends it). The bot's CPU (this process) is read over each phase; the
viewers' cost is the difference, in % of one core. Also: taps p50 / p99, the events each viewer received.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from benchmarks.fairness import base_env, cells, subscribed_with_posts
from benchmarks.leaderboards import START, generate
from benchmarks.push import RunningClock, pct, start_like_runner
from hpbot import eventloop
from hpbot.app.competitions import CompetitionService
from hpbot.app.live_board import LiveBoardService
from hpbot.clock import FakeClock
from hpbot.config import load_config
from hpbot.content import load_bank
from hpbot.store import Store
from hpbot.testing import FakeProcess
from hpbot.web import page
from hpbot.web.server import BoardServer
from hpbot.wiring import build
from tests.e2e.harness import local

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


# render ---------------------------------------------------------------------------------------------------------
async def render(groups: int, members: int, days: int, samples: int, path: Path) -> dict[str, Any]:
    t = time.perf_counter()
    answers = generate(path, members, groups, days, share=0.6) if not path.exists() else None
    generated = time.perf_counter() - t
    store = Store.open(path)
    now = datetime.combine(START + timedelta(days=days - 1), datetime.min.time(), UTC) + timedelta(hours=8)
    t = time.perf_counter()
    comps = store.competitions.all()
    if comps:
        comp = comps[0]
    else:
        comp = store.competitions.create(
            "Thi đua toàn thành phố", START, START + timedelta(days=days - 1), 1, now
        )
        store.competitions.join_many(comp.id, [-1_000_000 - g for g in range(groups)], now)
    joined = time.perf_counter() - t
    bank = load_bank()
    competitions = CompetitionService(store, bank, FakeClock(now), TZ, frozenset())
    service = LiveBoardService(competitions, "http://127.0.0.1")
    token = service.link(comp, 1)

    def build(fresh: bool) -> str:
        if not fresh:
            return page.fragment(service.board(comp), TZ, 30)
        anew = CompetitionService(store, bank, FakeClock(now), TZ, frozenset())  # nothing kept
        board_service = LiveBoardService(anew, "http://127.0.0.1")
        return page.fragment(board_service.board(comp), TZ, 30)

    cold, warm = [], []
    for samples_of, fresh in ((cold, True), (warm, False)):
        for _ in range(samples):
            t = time.perf_counter()
            html = build(fresh)
            samples_of.append((time.perf_counter() - t) * 1000)
    timings: dict[str, list[float]] = {"cold": cold, "warm": warm}
    for name, tick in (("served", 2.0), ("served_uncached", 1e-9)):
        server = BoardServer(service, TZ, "127.0.0.1", 0, tick=tick, rate=1e9, burst=1e9)
        await server.start()
        timings[name] = []
        try:
            async with aiohttp.ClientSession() as session:
                url = f"http://127.0.0.1:{server.port}/bang/{token}"
                for _ in range(samples):
                    t = time.perf_counter()
                    async with session.get(url) as response:
                        body = await response.text()
                        assert response.status == 200, response.status
                    timings[name].append((time.perf_counter() - t) * 1000)
                    await asyncio.sleep(0.01)
        finally:
            await server.stop()
    store.close()
    assert "Chi bộ" in html and "Chi bộ" in body
    return {
        "answers": answers,
        "generated_s": generated,
        "joined_s": joined,
        "bytes": len(body.encode()),
    } | timings


# viewers --------------------------------------------------------------------------------------------------------
async def view(url: str, viewers: int, seconds: float) -> dict[str, Any]:
    """Open `viewers` event streams on `url` for `seconds`, each as its own client; the events each received."""
    events = [0] * viewers
    refused = 0

    async def one(i: int, session: aiohttp.ClientSession) -> None:
        nonlocal refused
        headers = {"X-Forwarded-For": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"}
        async with session.get(url, headers=headers) as response:
            if response.status != 200:
                refused += 1
                return
            async for line in response.content:
                if line.startswith(b"event: board"):
                    events[i] += 1

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=None)
    ) as session:
        tasks = [asyncio.create_task(one(i, session)) for i in range(viewers)]
        await asyncio.sleep(seconds)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {"events": events, "refused": refused}


async def viewers_run(
    groups: int, per_group: int, rate: float, viewers: int, seconds: float, workdir: Path
) -> dict[str, Any]:
    fake = FakeProcess()
    await fake.start()
    try:
        chat_ids, users, world = cells(groups, per_group)
        await fake.control("world", {"users": users, "groups": world})
        db = workdir / "viewers.sqlite3"
        store = await subscribed_with_posts(fake, db, world)
        opened = datetime(2026, 11, 30, tzinfo=UTC)
        comp = store.competitions.create(
            "Thi đua toàn thành phố", date(2026, 11, 30), date(2026, 12, 31), 1, opened
        )
        store.competitions.join_many(comp.id, chat_ids, opened)
        posts = {m["chat_id"]: m for m in await fake.control("messages", {"with_markup": True})}
        rng = random.Random(3)
        taps = []
        for g, chat in enumerate(chat_ids):
            keyboard = posts[chat]["reply_markup"]["inline_keyboard"][0]
            for i in range(per_group):
                user = 1 + g * per_group + i
                taps.append(
                    [user, chat, posts[chat]["message_id"], keyboard[rng.randrange(4)]["callback_data"]]
                )
        rng.shuffle(taps)
        per_phase = int(rate * seconds)
        if 2 * per_phase > len(taps):
            raise SystemExit(f"{len(taps)} members cannot tap for two phases of {seconds} s at {rate}/s")

        await fake.control(
            "limits", {"global_per_second": 30, "per_chat_per_minute": 20, "per_private_chat_per_second": 1}
        )
        await fake.control("reset")
        config = load_config(base_env(fake, db) | {"HPBOT_BOARD_URL": "http://127.0.0.1"})
        clock = RunningClock(local(2026, 11, 30, 7, 5))
        hp = build(config, clock=clock, bank=load_bank(), store=store)
        assert hp.live_boards is not None
        token = hp.live_boards.link(comp, 1)
        board = BoardServer(hp.live_boards, TZ, "127.0.0.1", 0)
        app, receiving = await start_like_runner(hp)
        await board.start()
        url = f"http://127.0.0.1:{board.port}/bang/{token}/{page.EVENTS}"
        phases = []
        for phase, watching in enumerate((0, viewers)):
            client = None
            if watching:
                client = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "benchmarks.live_board", "--view", url,
                    "--viewers", str(watching), "--seconds", str(seconds + 4),
                    stdout=asyncio.subprocess.PIPE,
                )  # fmt: skip
                await asyncio.sleep(2)  # the streams open and get their first board
            builds = board.builds
            cpu, started = time.process_time(), time.monotonic()
            await fake.control(
                "offer_taps",
                {"taps": taps[phase * per_phase : (phase + 1) * per_phase], "rate": rate, "via": "poll"},
            )
            await asyncio.sleep(seconds)
            cpu, wall = time.process_time() - cpu, time.monotonic() - started
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                progress = await fake.control("tap_stats")
                if progress["answered"] >= progress["total"]:
                    break
                await asyncio.sleep(0.25)
            result = await fake.control("tap_stats", {"latencies": True})
            seen: dict[str, Any] = {}
            if client is not None:
                out, _ = await client.communicate()
                seen = json.loads(out)
            phases.append(
                {
                    "viewers": watching,
                    "cpu_s": cpu,
                    "wall_s": wall,
                    "taps": per_phase,
                    "answered": result["answered"],
                    "p50": pct(result["latencies_ms"], 50),
                    "p99": pct(result["latencies_ms"], 99),
                    "builds": board.builds - builds,
                    "events": seen.get("events", []),
                    "refused": seen.get("refused", 0),
                }
            )
        await board.stop()
        await receiving.stop()
        await app.stop()
        await app.shutdown()
    finally:
        await fake.stop()
    store.close()
    return {"phases": phases}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=("render", "viewers", "both"), default="both")
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument(
        "--members", type=int, default=200_000, help="render: members in all (default 200,000)"
    )
    parser.add_argument("--days", type=int, default=30, help="render: days of answers (default 30)")
    parser.add_argument("--samples", type=int, default=200, help="render: timed builds and requests")
    parser.add_argument("--per-group", type=int, default=2, help="viewers: members per group (default 2)")
    parser.add_argument("--rate", type=float, default=500.0, help="viewers: taps offered per second")
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0, help="viewers: length of each phase")
    parser.add_argument("--db", type=Path, help="render: keep/reuse the generated database here")
    parser.add_argument("--view", help=argparse.SUPPRESS)  # the viewers' child process: the stream's URL
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.view:
        print(json.dumps(eventloop.run(view(args.view, args.viewers, args.seconds))))
        return 0
    if args.smoke:
        args.groups, args.members, args.days, args.samples = 40, 400, 5, 20
        args.per_group, args.rate, args.viewers, args.seconds = 5, 50.0, 10, 2.0
    print(f"command: python -m benchmarks.live_board {' '.join(sys.argv[1:])}")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        if args.part in ("render", "both"):
            path = args.db or Path(tmp) / "render.sqlite3"
            r = eventloop.run(render(args.groups, args.members, args.days, args.samples, path))
            made = (
                f"generated in {r['generated_s']:.1f}s, {r['answers']:,} answers"
                if r["answers"] is not None
                else f"reused {path}"
            )
            print(
                f"render: {args.groups:,} groups, {args.members:,} members, {args.days} days ({made}; the "
                f"competition's totals in {r['joined_s']:.1f}s); page {r['bytes']:,} bytes"
            )
            for name, label in (
                ("cold", "board built, nothing cached"),
                ("warm", "board rebuilt, ranking reused"),
                ("served", "GET page as served"),
                ("served_uncached", "GET page, built each time"),
            ):
                samples = r[name]
                print(
                    f"  {label:<34} p50={pct(samples, 50):.1f}ms p99={pct(samples, 99):.1f}ms "
                    f"max={max(samples):.1f}ms ({len(samples)} samples)"
                )
        if args.part in ("viewers", "both"):
            v = eventloop.run(
                viewers_run(args.groups, args.per_group, args.rate, args.viewers, args.seconds, Path(tmp))
            )
            base = None
            for p in v["phases"]:
                per_s = p["cpu_s"] / p["wall_s"]
                events = p["events"]
                got = f", events per viewer min {min(events)} max {max(events)}" if events else ""
                print(
                    f"viewers={p['viewers']}: bot CPU {p['cpu_s']:.2f}s over {p['wall_s']:.1f}s "
                    f"({per_s:.1%} of a core); taps {p['answered']} of {p['taps']} at {args.rate:.0f}/s "
                    f"p50={p['p50']:.1f}ms p99={p['p99']:.1f}ms; boards built {p['builds']}{got}; "
                    f"streams refused {p['refused']}"
                )
                ok &= p["answered"] == p["taps"] and p["refused"] == 0
                if p["viewers"]:
                    ok &= bool(events) and min(events) >= 1
                    if base is not None:
                        print(f"the viewers' cost: {per_s - base:+.1%} of a core (the target: under 10 %)")
                else:
                    base = per_s
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
