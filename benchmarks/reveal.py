"""The evening reveal as members see it: N groups reveal at the same minute, against a fake Bot API that enforces
Telegram's limits, timed from the due minute.

    python -m benchmarks.reveal --groups 10000          # L = 30 messages/s, the bot's pacer at its defaults
    python -m benchmarks.reveal --groups 2000
    python -m benchmarks.reveal --smoke                 # small, correctness only (CI)

Each group's reveal is one call per message, each counted against the limits: the edit of the morning post (the
right option marked, the buttons gone), the official answer in as few messages as Telegram's 4,096 limit allows
(hpbot/app/messages.py `official_answer`), and the day's results with the "📋 Kết quả của tôi" button. The groups
are on different questions of the bank (group i on question i mod 41 + 1), as cells that joined on different days
are, so the official answers differ in length: the benchmark counts the messages each group got and checks them
against what that question needs.

Setup, not measured: the morning post in every group and two members' answers in each, sent without limits
(reminders off: they go out hours before the reveal). Then the bot is started as `hpbot run` starts it
(initialize, recovery and the due check, its own long polling, the job queue) `--lead` seconds before 20:00 on a
clock that runs at real speed (benchmarks.push.RunningClock): nothing starts the reveal by hand, the scheduler's
wake job fires at the due minute. The fake counts at most L messages in any sliding second across chats and 20 a
minute into one group, and answers 429 with `retry_after` beyond them; the bot paces at L (HPBOT_RATE_PER_SECOND,
30 by default, the bot's own default).

Each message's delay counts from the due minute to the moment the fake received it (what a member sees), read
from the fake's record of calls (benchmarks/timed_fake.py). "Wall" is the last message's delay; the ratio is wall
÷ (messages sent ÷ L). The target is ≤ 1.05.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.answer_burst import process_cpu
from benchmarks.push import RunningClock, pct, start_like_runner, time_due_checks
from benchmarks.timed_fake import TimedFakeProcess, TimedLocalFake
from hpbot import eventloop
from hpbot.app import messages
from hpbot.config import load_config
from hpbot.content import load_bank
from hpbot.store import Store
from hpbot.testing import Limits
from hpbot.testing.faults import SENDS
from hpbot.wiring import Hpbot, build
from tests.e2e.harness import TOKEN, local

POST = local(2026, 11, 30, 7, 0)  # the groups' default post time, on a study day
DUE = local(2026, 11, 30, 20, 0)  # and their default reveal time
MEMBERS = (2, 3)  # who answers in every group (the admin, 1, does not)
TARGET = 1.05


async def post_mornings(hp: Hpbot, ids: list[int], concurrency: int = 32) -> dict[int, int]:
    """Setup, not measured: group i's round on question i mod 41 + 1, posted, and answered by both members.
    Returns each group's question."""
    bank = hp.study.bank
    numbers = [q.number for q in bank.questions if bank.items_for(q.number)]
    question_of = {chat_id: numbers[i % len(numbers)] for i, chat_id in enumerate(ids)}
    reveal_at = DUE.astimezone(hp.study.tz)
    slots = asyncio.Semaphore(concurrency)

    async def post(i: int, chat_id: int) -> None:
        question = question_of[chat_id]
        items = bank.items_for(question)
        rnd = hp.store.insert_round(
            chat_id, POST.date(), question, items[i % len(items)].id, reveal_at, bank.id
        )
        assert rnd is not None
        async with slots:
            assert await hp.rounds.publish(rnd), f"setup: the post to {chat_id} did not go out"
        rnd = hp.store.round(rnd.id)
        assert rnd is not None and rnd.posted_at is not None
        for k, user in enumerate(MEMBERS):
            hp.study.member_seen(user, "Đảng viên", str(user), None)
            at = rnd.posted_at + timedelta(minutes=7 * (k + 1) + i % 50)
            hp.study.answer(rnd.id, chat_id, user, (i + k) % 4, at=at)

    await asyncio.gather(*(post(i, chat_id) for i, chat_id in enumerate(ids)))
    await hp.rounds.drain()  # the member counts the posts left for later
    return question_of


async def reveal(
    groups: int, rate: float, workdir: Path, *, in_process: bool = False, lead: float = 5.0
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
                    {"chat_id": chat_id, "title": f"Chi bộ {i}", "admins": [1], "members": list(MEMBERS)}
                    for i, chat_id in enumerate(ids)
                ]
            },
        )
        db = workdir / "reveal.sqlite3"
        store = Store.open(db)
        with store.db.atomic():
            store.db.conn.executemany(
                "INSERT INTO groups (chat_id, title, type, status, reminder_minutes) "
                "VALUES (?, ?, 'group', 'active', 0)",
                [(chat_id, f"Chi bộ {i}") for i, chat_id in enumerate(ids)],
            )
        env = {"HPBOT_TOKEN": TOKEN, "HPBOT_API_BASE_URL": fake.base_url, "HPBOT_DB": str(db)}

        # setup: the morning, without limits on either side
        await fake.control("limits", {})
        config = load_config(env | {"HPBOT_RATE_PER_SECOND": "0", "HPBOT_GROUP_RATE_PER_MINUTE": "0"})
        bank = load_bank()
        morning = build(config, clock=RunningClock(POST), bank=bank, store=store, run_jobs=False)
        await morning.application.initialize()
        question_of = await post_mornings(morning, ids)
        await morning.application.shutdown()
        expected = {
            chat_id: 1 + len(messages.official_answer(bank, bank.question(q))) + 1
            for chat_id, q in question_of.items()
        }

        # measured: Telegram's limits on both sides, the bot started as `hpbot run` starts it
        await fake.control(
            "limits",
            {"global_per_second": rate, "per_chat_per_minute": 20, "per_private_chat_per_second": None},
        )
        await fake.control("reset")
        config = load_config(env | {"HPBOT_RATE_PER_SECOND": str(rate)})
        clock = RunningClock(DUE - timedelta(seconds=lead))
        hp = build(config, clock=clock, bank=bank, store=store)
        due_at = clock.monotonic_at(DUE)
        checks, running = time_due_checks(hp)
        app, receiving = await start_like_runner(hp)
        ready = time.monotonic()
        total_expected = sum(expected.values())
        deadline = due_at + 3 * total_expected / rate + 120
        await asyncio.sleep(max(0.0, due_at - time.monotonic()))
        cpu, fake_cpu = time.process_time(), process_cpu(fake)
        while time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            if running[0] or not checks or checks[-1] < due_at:
                continue  # the reveal is under way (or has not begun): nothing read from the database meanwhile
            revealed = store.db.execute("SELECT COUNT(*) FROM rounds WHERE status = 'revealed'").fetchone()[0]
            if revealed >= groups:
                break
        done = time.monotonic()
        cpu, fake_cpu = time.process_time() - cpu, process_cpu(fake) - fake_cpu
        await hp.rounds.drain()
        await receiving.stop()
        await app.stop()
        await app.shutdown()
        stats = await fake.control("stats")
        arrivals = {method: await fake.control("send_times", {"method": method}) for method in sorted(SENDS)}
        keyboards = await fake.control("messages", {"with_markup": True})
    finally:
        await fake.stop()
    revealed = store.db.execute("SELECT COUNT(*) FROM rounds WHERE status = 'revealed'").fetchone()[0]
    linked = store.db.execute("SELECT COUNT(answer_message_id) FROM rounds").fetchone()[0]
    round_of = dict(store.db.execute("SELECT chat_id, id FROM rounds").fetchall())
    store.close()

    by_chat: dict[int, list[float]] = defaultdict(list)
    by_method: Counter[str] = Counter()
    for method, sends in arrivals.items():
        for chat_id, at, _ in sends:
            by_chat[chat_id].append(at)
            by_method[method] += 1
    sent = sum(by_method.values())
    last = sorted(max(times) - due_at for times in by_chat.values())
    first = min((min(times) for times in by_chat.values()), default=float("nan")) - due_at
    wall = last[-1] if last else float("nan")
    per_group = Counter(len(by_chat.get(chat_id, [])) for chat_id in ids)
    # the results' button, and no other callback button left (the post's answer buttons are gone); link buttons
    # (into the private chat) are not counted
    buttons: dict[int, list[str]] = defaultdict(list)
    for m in keyboards:
        for row in m["reply_markup"]["inline_keyboard"]:
            buttons[m["chat_id"]] += [b["callback_data"] for b in row if "callback_data" in b]
    return {
        "groups": groups,
        "rate": rate,
        "ready_before_due_s": due_at - ready,
        "due_checks_s": [t - due_at for t in checks],
        "questions": Counter(expected.values()),
        "per_group": per_group,
        "expected": total_expected,
        "sent": sent,
        "by_method": dict(by_method),
        "first_s": first,
        "p50_s": pct(last, 50),
        "p99_s": pct(last, 99),
        "wall_s": wall,
        "ideal_s": sent / rate,
        "ratio": wall / (sent / rate) if sent else float("nan"),
        "done_s": done - due_at,
        "cpu_s": cpu,
        "fake_cpu_s": fake_cpu,
        "early": sum(1 for times in by_chat.values() for at in times if at < due_at),
        "short": sum(1 for chat_id in ids if len(by_chat.get(chat_id, [])) < expected[chat_id]),
        "extra": sum(1 for chat_id in ids if len(by_chat.get(chat_id, [])) > expected[chat_id]),
        "wrong_buttons": sum(1 for chat_id in ids if buttons.get(chat_id) != [f"r:{round_of[chat_id]}"]),
        "revealed": revealed,
        "linked": linked,
        "responses_429": stats["too_many_requests"],
        "requests": stats["methods"],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument(
        "--rate", type=float, default=30.0, help="overall messages/s the fake allows and the bot paces at (L)"
    )
    parser.add_argument(
        "--lead", type=float, default=5.0, help="seconds before the due minute the bot starts (default 5)"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="82 groups (every question twice) at L = 30: correctness only"
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run the fake Bot API in this process and event loop (default: a child process)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.groups, args.rate, args.lead = 82, 30.0, 2.0
    with tempfile.TemporaryDirectory() as tmp:
        r = eventloop.run(
            reveal(args.groups, args.rate, Path(tmp), in_process=args.in_process, lead=args.lead)
        )
    print(f"command: python -m benchmarks.reveal {' '.join(sys.argv[1:])}")
    print(
        f"fake Bot API: {'in this process' if args.in_process else 'separate process'}, L={r['rate']:g} messages/s "
        f"across chats, 20/min into a group; bot paced at HPBOT_RATE_PER_SECOND={r['rate']:g}"
    )
    print(
        f"bot ready {r['ready_before_due_s']:.2f} s before the due minute; due checks began at "
        + ", ".join(f"{t:+.3f}" for t in r["due_checks_s"])
        + " s"
    )
    shapes = ", ".join(f"{n} groups: {k} messages" for k, n in sorted(r["questions"].items()))
    got = ", ".join(f"{n} groups: {k}" for k, n in sorted(r["per_group"].items()))
    print(
        f"messages per group needed (1 edit of the post + the official answer's parts + the results): {shapes}; "
        f"received: {got}; mean {r['sent'] / r['groups']:.3f}"
    )
    print(
        f"messages sent={r['sent']} ("
        + ", ".join(f"{m} {n}" for m, n in sorted(r["by_method"].items()))
        + ") "
        f"needed={r['expected']}; 429s={r['responses_429']}"
    )
    holds = "holds" if r["ratio"] <= TARGET else "does not hold"
    print(
        f"groups={r['groups']} L={r['rate']:g}/s first message={r['first_s']:.3f}s after the due minute; "
        f"groups done p50 {r['p50_s']:.2f}s, p99 {r['p99_s']:.2f}s; wall={r['wall_s']:.2f}s "
        f"ideal messages/L={r['ideal_s']:.2f}s ratio={r['ratio']:.3f} (target ≤ {TARGET}: {holds})"
    )
    print(
        f"rounds revealed={r['revealed']}/{r['groups']} official answer linked={r['linked']} groups short of "
        f"messages={r['short']} with extra messages={r['extra']} whose callback buttons are not just the results' one="
        f"{r['wrong_buttons']} messages before the due minute={r['early']}"
    )
    print(
        f"CPU from the due minute to the last reveal done: bot {r['cpu_s']:.2f}s "
        f"({r['cpu_s'] / r['done_s']:.0%} of a core), fake {r['fake_cpu_s']:.2f}s, over {r['done_s']:.2f}s"
    )
    print(
        "requests by method and status: "
        + ", ".join(
            f"{method} {'/'.join(f'{status}:{n}' for status, n in sorted(by_status.items()))}"
            for method, by_status in sorted(r["requests"].items())
        )
    )
    ok = r["revealed"] == r["groups"] == r["linked"] and r["short"] == r["extra"] == r["early"] == 0
    ok = ok and r["wrong_buttons"] == 0 and r["sent"] == r["expected"]
    if not ok:
        print("FAILED: not every group got its whole reveal exactly once")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
