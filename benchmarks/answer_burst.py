"""Answer burst: taps delivered through getUpdates (batches of 100), hpbot against an empty PTB application.

    python -m benchmarks.answer_burst --taps 50000 --members 20000 --groups 2000 --rate 1000
    python -m benchmarks.answer_burst --smoke

For each application, taps are offered at `--rate` per second; reported: taps/s handled (update queued → answer
stored → callback acknowledged) and p50/p99 latency from the update being available to its acknowledgement. The
"ceiling" is a bare python-telegram-bot Application whose only handler acknowledges the callback. The fake Bot API
runs in the same process, so both figures include its cost.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from telegram.ext import AIORateLimiter, ApplicationBuilder, CallbackQueryHandler

from hpbot.clock import FakeClock
from hpbot.config import load_config
from hpbot.content import load_bank
from hpbot.store import Store
from hpbot.testing.fake_telegram import FakeTelegram
from hpbot.tg.app import ALLOWED_UPDATES, build
from hpbot.tg.ordering import PerChatOrder
from tests.e2e.harness import TOKEN, local


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


async def offer(fake: FakeTelegram, taps: list[tuple], rate: float) -> dict[str, float]:
    queued: dict[str, float] = {}
    started = time.perf_counter()
    for index, (user, chat, message_id, data) in enumerate(taps):
        due = started + index / rate
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        query_id = fake.tap(user, chat, message_id, data)["callback_query"]["id"]
        queued[query_id] = time.perf_counter()
    return queued


async def measure(fake: FakeTelegram, app, taps: list[tuple], rate: float) -> dict:
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
    fake.callback_answers.clear()
    acked: dict[str, float] = {}
    original = fake._m_answercallbackquery

    def record(p: dict) -> bool:
        result = original(p)
        acked[str(p.get("callback_query_id"))] = time.perf_counter()
        return result

    fake._m_answercallbackquery = record  # type: ignore[method-assign]
    started = time.perf_counter()
    queued = await offer(fake, taps, rate)
    await fake.wait_for(lambda: len(acked) >= len(queued), timeout=600, interval=0.05)
    wall = time.perf_counter() - started
    fake._m_answercallbackquery = original  # type: ignore[method-assign]
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    latencies = [(acked[q] - t) * 1000 for q, t in queued.items()]
    return {"taps": len(taps), "wall": wall, "rate": len(taps) / wall, "p50": pct(latencies, 50),
            "p99": pct(latencies, 99)}


async def run(taps_n: int, members: int, groups: int, rate: float, workdir: Path) -> tuple[dict, dict, int]:
    fake = FakeTelegram()
    await fake.start()
    per_group = members // groups
    chat_ids = [-(10**12) - g for g in range(groups)]
    for g, chat in enumerate(chat_ids):
        users = list(range(1 + g * per_group, 1 + (g + 1) * per_group))
        for u in users:
            fake.add_user(u, f"Đảng viên {u}")
        fake.add_group(chat, f"Chi bộ {g}", admins=[users[0]], members=users)
    store = Store.open(workdir / "burst.sqlite3")
    with store.db.atomic():
        store.db.conn.executemany("INSERT INTO groups (chat_id, title, status) VALUES (?, ?, 'active')",
                                  [(c, f"Chi bộ {c}") for c in chat_ids])
    config = load_config({"HPBOT_TOKEN": TOKEN, "HPBOT_API_BASE_URL": fake.base_url,
                          "HPBOT_DB": str(workdir / "burst.sqlite3"), "HPBOT_RATE_PER_SECOND": "0",
                          "HPBOT_GROUP_RATE_PER_MINUTE": "0", "HPBOT_COUNT_EDIT_SECONDS": "15"})
    hp = build(config, clock=FakeClock(local(2026, 11, 30, 7, 5)), bank=load_bank(), store=store, run_jobs=False)
    await hp.application.initialize()
    hp.service.clock.set(local(2026, 11, 30, 7, 0))
    await hp.runtime.run_due()
    hp.service.clock.set(local(2026, 11, 30, 7, 5))
    await hp.application.shutdown()
    posts = {chat: next(m for m in fake.messages(chat) if m.reply_markup) for chat in chat_ids}
    taps = []
    for i in range(taps_n):
        chat = chat_ids[i % groups]
        user = 1 + (i % groups) * per_group + (i // groups) % per_group
        post = posts[chat]
        taps.append((user, chat, post.message_id, post.reply_markup["inline_keyboard"][0][i % 4]["callback_data"]))
    ours = await measure(fake, hp.application, taps, rate)
    stored = store.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]

    async def ack(update, context) -> None:
        await update.callback_query.answer("ok")

    bare = (ApplicationBuilder().token(TOKEN).base_url(fake.base_url).concurrent_updates(PerChatOrder(256))
            .rate_limiter(AIORateLimiter(overall_max_rate=0, group_max_rate=0)).build())
    bare.add_handler(CallbackQueryHandler(ack))
    ceiling = await measure(fake, bare, taps, rate)
    await fake.stop()
    return ours, ceiling, stored


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--taps", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--groups", type=int, default=2_000)
    parser.add_argument("--rate", type=float, default=1_000.0, help="offered taps per second")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.taps, args.members, args.groups, args.rate = 400, 200, 20, 400.0
    with tempfile.TemporaryDirectory() as tmp:
        ours, ceiling, stored = asyncio.run(run(args.taps, args.members, args.groups, args.rate, Path(tmp)))
    print(f"command: python -m benchmarks.answer_burst {' '.join(sys.argv[1:])}")
    for name, r in (("hpbot", ours), ("empty PTB app (ceiling)", ceiling)):
        print(f"{name:<24} taps={r['taps']} handled={r['rate']:.0f}/s p50={r['p50']:.1f}ms p99={r['p99']:.1f}ms "
              f"(offered {args.rate:.0f}/s)")
    distinct = min(args.taps, args.members)
    print(f"hpbot/ceiling rate: {ours['rate'] / ceiling['rate']:.2f}; answers stored: {stored} "
          f"(distinct members who tapped: {distinct}; later taps are 'already answered')")
    return 0 if stored == distinct else 1


if __name__ == "__main__":
    sys.exit(main())
