"""Fairness: one member floods a group with commands while taps arrive at 1,000/s in the other groups.

    python -m benchmarks.fairness                 # 300 × /trogiup into one group, 10,000 taps at 1,000/s
    python -m benchmarks.fairness --smoke         # small, correctness only (CI)

The morning post is first sent to every group (a setup run of the bot, not measured). Then the bot is started as
`hpbot run` starts it (hpbot's own long polling, the job queue) with Telegram's limits on both sides: the bot paces
at its defaults (30 messages/s, 20 a minute into a group) and the fake Bot API answers 429 beyond them and refuses
an answer to a callback query more than 15 s after its tap, as Telegram does. The fake offers the taps at `--rate`
through getUpdates, each member of the other groups tapping once; `--flood-at` seconds after the first tap, one
member's `--flood` commands (`/trogiup`) are queued at once, in one group of their own, so that they reach the bot
ahead of the taps that follow them.

Each tap is timed by the fake from its update being available to the bot's answerCallbackQuery. Reported: p50, p99
and the largest of those latencies, over all taps and over the taps offered while the flood was being handled
(from its arrival until its last command was handled, read from the bot's inbox); the answers stored (each member
taps once, so all of them must be); how many replies the flooded group got; and 429 responses.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.answer_burst import process_cpu
from benchmarks.push import RunningClock, pct
from hpbot import eventloop
from hpbot.config import load_config
from hpbot.content import load_bank
from hpbot.store import Store
from hpbot.testing import FakeProcess, LocalFake
from hpbot.tg import app as tg_app
from hpbot.wiring import build
from tests.e2e.harness import TOKEN, local

FLOODED = -(3 * 10**12)  # the flooded group
FLOODER, FLOODED_ADMIN = 9_000_001, 9_000_002
FLOOD_MESSAGE_IDS = (
    1_000_000  # the flood's message ids start here (the bot's own messages are numbered from 1)
)


def base_env(fake: Any, db: Path) -> dict[str, str]:
    return {"HPBOT_TOKEN": TOKEN, "HPBOT_API_BASE_URL": fake.base_url, "HPBOT_DB": str(db)}


def cells(groups: int, per_group: int) -> tuple[list[int], list[dict], list[dict]]:
    """`groups` groups of `per_group` members (user ids from 1, group by group; the first member is the admin), as
    the fake's world takes them: (chat ids, users, groups)."""
    chat_ids = [-(10**12) - g for g in range(groups)]
    users, world = [], []
    for g, chat in enumerate(chat_ids):
        members = list(range(1 + g * per_group, 1 + (g + 1) * per_group))
        users += [{"id": u, "first_name": f"Đảng viên {u}"} for u in members]
        world.append({"chat_id": chat, "title": f"Chi bộ {g}", "admins": [members[0]], "members": members})
    return chat_ids, users, world


async def subscribed_with_posts(fake: Any, db: Path, world: list[dict]) -> Store:
    """The bot's database with these groups subscribed, each with its morning post (setup, not measured)."""
    store = Store.open(db)
    with store.db.atomic():
        store.db.conn.executemany(
            "INSERT INTO groups (chat_id, title, status) VALUES (?, ?, 'active')",
            [(c["chat_id"], c["title"]) for c in world],
        )
    await post_mornings(fake, db, store)
    return store


async def post_mornings(fake: Any, db: Path, store: Store) -> None:
    """Setup, not measured: the morning post in every group, sent without limits on either side."""
    await fake.control("limits", {})
    config = load_config(
        base_env(fake, db) | {"HPBOT_RATE_PER_SECOND": "0", "HPBOT_GROUP_RATE_PER_MINUTE": "0"}
    )
    hp = build(
        config, clock=RunningClock(local(2026, 11, 30, 7, 0)), bank=load_bank(), store=store, run_jobs=False
    )
    await hp.application.initialize()
    await hp.rounds.run_due()
    await hp.rounds.drain()  # the member counts the posts left for later
    await hp.application.shutdown()


def flood_updates(count: int, title: str, bot_username: str) -> list[dict]:
    command = f"/trogiup@{bot_username}"
    sender = {"id": FLOODER, "is_bot": False, "first_name": "Đảng viên", "last_name": "gõ liên tục"}
    chat = {"id": FLOODED, "type": "group", "title": title}
    entity = {"type": "bot_command", "offset": 0, "length": len(command)}
    return [
        {
            "message": {
                "message_id": FLOOD_MESSAGE_IDS + i,
                "date": int(time.time()),
                "chat": chat,
                "from": sender,
                "text": command,
                "entities": [entity],
            }
        }
        for i in range(count)
    ]


async def fairness(
    groups: int,
    per_group: int,
    rate: float,
    flood: int,
    flood_at: float,
    workdir: Path,
    *,
    in_process: bool = False,
    count_edit_seconds: float = 15.0,
) -> dict[str, Any]:
    fake: FakeProcess | LocalFake = LocalFake() if in_process else FakeProcess()
    await fake.start()
    try:
        chat_ids, users, world = cells(groups, per_group)
        users = [
            {"id": FLOODER, "first_name": "Đảng viên"},
            {"id": FLOODED_ADMIN, "first_name": "Bí thư"},
        ] + users
        flooded = {
            "chat_id": FLOODED,
            "title": "Chi bộ bị gõ liên tục",
            "admins": [FLOODED_ADMIN],
            "members": [FLOODER],
        }
        world = [flooded] + world
        await fake.control("world", {"users": users, "groups": world})
        db = workdir / "fairness.sqlite3"
        store = await subscribed_with_posts(fake, db, world)
        posts = {m["chat_id"]: m for m in await fake.control("messages", {"with_markup": True})}
        taps = []
        for i in range(per_group):  # round-robin over the groups: each member taps once
            for g, chat in enumerate(chat_ids):
                keyboard = posts[chat]["reply_markup"]["inline_keyboard"][0]
                user = 1 + g * per_group + i
                taps.append([user, chat, posts[chat]["message_id"], keyboard[user % 4]["callback_data"]])

        # measured: Telegram's limits on both sides, the bot started as `hpbot run` starts it
        await fake.control(
            "limits", {"global_per_second": 30, "per_chat_per_minute": 20, "per_private_chat_per_second": 1}
        )
        await fake.control("reset")
        config = load_config(base_env(fake, db) | {"HPBOT_COUNT_EDIT_SECONDS": str(count_edit_seconds)})
        clock = RunningClock(local(2026, 11, 30, 7, 5))
        hp = build(config, clock=clock, bank=load_bank(), store=store)
        app = hp.application
        receiving = tg_app.Receiving(app)
        await app.initialize()
        await app.post_init(app)  # type: ignore[misc]
        await receiving.start_polling()
        await app.start()
        updates = flood_updates(flood, world[0]["title"], app.bot.username)

        cpu, fake_cpu = time.process_time(), process_cpu(fake)
        offered_at = time.monotonic()
        await fake.control("offer_taps", {"taps": taps, "rate": rate, "via": "poll"})
        await asyncio.sleep(max(0.0, offered_at + flood_at - time.monotonic()))
        flood_ids = await fake.control("updates", {"updates": updates})
        flooded_at = time.monotonic()
        deadline = offered_at + len(taps) / rate + 60
        flood_done_at: float | None = None
        while time.monotonic() < deadline:
            await asyncio.sleep(0.25)
            if flood_done_at is None:
                flood_done_at = flood_handled(store, clock, flood_ids)
            progress = await fake.control("tap_stats")
            if progress["answered"] >= progress["total"] and flood_done_at is not None:
                break
        cpu, fake_cpu = time.process_time() - cpu, process_cpu(fake) - fake_cpu
        result = await fake.control("tap_stats", {"latencies": True})
        await hp.rounds.drain()  # the live count edits the taps asked for, paced at 30/s
        drained = time.monotonic() - offered_at
        await receiving.stop()
        await app.stop()
        await app.shutdown()
        stats = await fake.control("stats", {"sent_by_chat": True})
    finally:
        await fake.stop()
    stored = store.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    pending = store.db.execute("SELECT COUNT(*) FROM inbox WHERE done_at IS NULL").fetchone()[0]
    store.close()
    latencies = result["latencies_ms"]
    # taps are offered in order at `rate`: tap i at offered_at + i / rate (its latency is at index i when all
    # were answered)
    first = int((flooded_at - offered_at) * rate)
    last = int(((flood_done_at or deadline) - offered_at) * rate) + 1
    during = latencies[first:last] if result["answered"] == len(taps) else []
    sent = dict((chat, n) for chat, n in stats["sent_by_chat"])
    return {
        "taps": len(taps),
        "answered": result["answered"],
        "wall_s": result["wall_s"],
        "offer_lag_s": result["offer_lag_s"],
        "p50": pct(latencies, 50),
        "p99": pct(latencies, 99),
        "max": max(latencies, default=float("nan")),
        "during_n": len(during),
        "during_p99": pct(during, 99),
        "during_max": max(during, default=float("nan")),
        "over_250": sum(1 for ms in latencies if ms >= 250),
        "stored": stored,
        "flood": flood,
        "flood_at_s": flooded_at - offered_at,
        "flood_done_s": None if flood_done_at is None else flood_done_at - offered_at,
        "flood_replies": sent.get(FLOODED, 0),
        "inbox_pending": pending,
        "drained_s": drained,
        "cpu_s": cpu,
        "fake_cpu_s": fake_cpu,
        "responses_429": stats["too_many_requests"],
        "requests": stats["methods"],
    }


def flood_handled(store: Store, clock: RunningClock, ids: list[int]) -> float | None:
    """When the last of the flood's updates was handled (time.monotonic()), or None while some are not."""
    if not ids:
        return time.monotonic()
    marks = ",".join("?" * len(ids))
    row = store.db.execute(
        f"SELECT COUNT(done_at), MAX(done_at) FROM inbox WHERE update_id IN ({marks})", ids
    ).fetchone()
    if row[0] < len(ids):
        return None
    return clock.monotonic_at(datetime.fromisoformat(row[1]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=1_000, help="groups whose members tap (default 1,000)")
    parser.add_argument(
        "--members", type=int, default=10, help="members per group, each taps once (default 10)"
    )
    parser.add_argument("--rate", type=float, default=1_000.0, help="taps offered per second (default 1,000)")
    parser.add_argument(
        "--flood", type=int, default=300, help="commands one member sends at once (default 300)"
    )
    parser.add_argument(
        "--flood-at",
        type=float,
        default=1.0,
        help="seconds after the first tap the flood arrives (default 1)",
    )
    parser.add_argument(
        "--count-edit-seconds",
        type=float,
        default=15.0,
        help="HPBOT_COUNT_EDIT_SECONDS: delay of the live answer-count edit of a post",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run the fake Bot API in this process and event loop (default: a child process)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="40 groups of 5, 200 taps at 400/s, a flood of 300: correctness only",
    )
    args = parser.parse_args()
    if args.smoke:
        args.groups, args.members, args.rate, args.flood_at, args.count_edit_seconds = 40, 5, 400.0, 0.1, 1.0
    with tempfile.TemporaryDirectory() as tmp:
        r = eventloop.run(
            fairness(
                args.groups,
                args.members,
                args.rate,
                args.flood,
                args.flood_at,
                Path(tmp),
                in_process=args.in_process,
                count_edit_seconds=args.count_edit_seconds,
            )
        )
    print(f"command: python -m benchmarks.fairness {' '.join(sys.argv[1:])}")
    print(
        f"fake Bot API: {'in this process' if args.in_process else 'separate process'}, Telegram's limits "
        "(30 messages/s, 20/min into a group, callback queries answered within 15 s); bot pacing at its defaults"
    )
    flood_done = (
        "not all handled" if r["flood_done_s"] is None else f"all handled by +{r['flood_done_s']:.2f}s"
    )
    print(
        f"flood: {r['flood']} × /trogiup from one member into one group at +{r['flood_at_s']:.2f}s, {flood_done}; "
        f"replies sent into that group: {r['flood_replies']}"
    )
    print(
        f"taps: {r['answered']} of {r['taps']} acknowledged (offered at {args.rate:.0f}/s in {args.groups} other "
        f"groups, max offer lag {r['offer_lag_s'] * 1000:.0f}ms) p50={r['p50']:.1f}ms p99={r['p99']:.1f}ms "
        f"max={r['max']:.1f}ms; {r['over_250']} at 250ms or more"
    )
    print(
        f"taps offered while the flood was being handled: {r['during_n']}, p99={r['during_p99']:.1f}ms "
        f"max={r['during_max']:.1f}ms"
    )
    print(
        f"answers stored: {r['stored']} of {r['taps']}; updates left unhandled in the inbox: {r['inbox_pending']}; "
        f"429 responses: {r['responses_429']}; count edits done at +{r['drained_s']:.1f}s"
    )
    wall = r["wall_s"] or float("nan")
    print(
        f"CPU over the taps: bot {r['cpu_s']:.2f}s ({r['cpu_s'] / wall:.0%} of a core), fake {r['fake_cpu_s']:.2f}s"
    )
    print(
        "requests by method and status: "
        + ", ".join(
            f"{method} {'/'.join(f'{status}:{n}' for status, n in sorted(by_status.items()))}"
            for method, by_status in sorted(r["requests"].items())
        )
    )
    ok = r["answered"] == r["taps"] and r["stored"] == r["taps"] and r["flood_done_s"] is not None
    return 0 if ok and r["inbox_pending"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
