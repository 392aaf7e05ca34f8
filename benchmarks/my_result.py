"""Members tapping "📋 Kết quả của tôi" after the reveal: each gets their own result as a private alert.

    python -m benchmarks.my_result                      # 1,000 groups of 20: 20,000 members, within 120 s
    python -m benchmarks.my_result --groups 2000 --members 10
    python -m benchmarks.my_result --smoke              # small, correctness only (CI)

Setup, not measured: `--days` study days of history (Monday to Wednesday by default: a post, answers from about
85 % of the members, the reveal), then the measured day's post and answers, sent without limits. Then the bot is
started as `hpbot run` starts it (its own long polling, the job queue) a few seconds before the reveal minute on a
clock that runs at real speed (benchmarks.push.RunningClock), with Telegram's limits on both sides: the bot paces
at its defaults (30 messages/s, 20 a minute into a group), and the fake Bot API answers 429 beyond them and refuses
an answer to a callback query more than 15 s after its tap. The scheduler's wake job reveals every group at the
due minute, paced: the results reach the groups one after the other over (messages ÷ 30) seconds.

As each group's results arrive, every member of that group taps their button once, each at a random moment within
`--spread` seconds (120 by default) of the results: 20,000 members tap within two minutes of their group's
reveal, while the bot is still sending the reveal to the other groups. Each tap is timed by the fake from its
update being available to the bot's answerCallbackQuery. Reported: p50, p99 and the largest latency, the peak
number of taps in one second, and whether every tap got, as an alert, the text `MemberDayService.my_result` gives
for that member (checked afterwards against the database). The target is p99 < 250 ms.

The fake runs in a child process of its own (this module, run with `--serve-fake`: hpbot's fake with the
benchmark's taps added, see `ResultTapFake`), so that the bot and the fake each have a core.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import runpy
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.answer_burst import process_cpu
from benchmarks.push import RunningClock, pct, start_like_runner, time_due_checks
from benchmarks.timed_fake import TimedFake, TimedFakeProcess
from hpbot import eventloop
from hpbot.app.member_day import MemberDayService
from hpbot.app.study import AnswerOutcome, StudyService
from hpbot.clock import FakeClock
from hpbot.config import load_config
from hpbot.content import load_bank
from hpbot.store import Store
from hpbot.testing import server as fake_server
from hpbot.testing.world import SentMessage
from hpbot.wiring import Hpbot, build
from tests.e2e.harness import TOKEN, local

SERVE_FAKE = "--serve-fake"
MONDAY = local(2026, 11, 30, 7, 0)
TARGET_MS = 250.0
ANSWERING = 0.85  # share of the members who answer on a day
RIGHT = 0.7  # of those, the share who choose the right option


class ResultTapFake(TimedFake):
    """The benchmark's fake: with `result_taps` on, every member of a group taps the button of the results
    ("r:<round>") once, at a random moment within `spread` seconds after the results reach the group.

        result_taps       {"spread": seconds, "seed": int}: from now on
        result_tap_stats  {"taps": bool}: taps scheduled, made, answered; the peak taps in one second; and if
                          asked every tap as [user_id, chat_id, data, latency_ms | null, text | null, show_alert]
    """

    def _c_result_taps(self, p: dict) -> dict:
        self._spread = float(p.get("spread", 120.0))
        self._rng = random.Random(p.get("seed", 1))
        self._scheduled = 0
        self._result_taps: list[tuple[str, int, int, str]] = []
        self._answer_after = 0.0  # the fake's "answering" hook, which calls _members_answer after each send
        return {"spread": self._spread}

    def _members_answer(self, message: SentMessage) -> None:
        rows = message.reply_markup["inline_keyboard"]  # type: ignore[index]
        data = next((b["callback_data"] for row in rows for b in row if "callback_data" in b), "")
        if not data.startswith("r:"):
            return
        loop = asyncio.get_running_loop()
        for user_id, status in self._chat_status(message.chat_id).items():
            if status in ("creator", "administrator", "member") and user_id in self.users:
                self._scheduled += 1
                delay = self._rng.uniform(0.0, self._spread)
                loop.call_later(delay, self._result_tap, user_id, message.chat_id, message.message_id, data)

    def _result_tap(self, user_id: int, chat_id: int, message_id: int, data: str) -> None:
        update = self.tap(user_id, chat_id, message_id, data)
        self._result_taps.append((update["callback_query"]["id"], user_id, chat_id, data))

    def _c_result_tap_stats(self, p: dict) -> dict:
        taps = getattr(self, "_result_taps", [])
        answers, times = self.callback_answers, self.tap_times
        tapped = sorted(times[q] for q, *_ in taps)
        peak, start = 0, 0
        for end, at in enumerate(tapped):
            while at - tapped[start] >= 1.0:
                start += 1
            peak = max(peak, end - start + 1)
        result: dict[str, Any] = {
            "scheduled": getattr(self, "_scheduled", 0),
            "tapped": len(taps),
            "answered": sum(1 for q, *_ in taps if q in answers),
            "expired": sum(
                1
                for q, *_ in taps
                if q not in answers
                and self.callback_ttl is not None
                and time.monotonic() - times[q] > self.callback_ttl
            ),
            "peak_per_second": peak,
            "first_tap": tapped[0] if tapped else None,
            "last_tap": tapped[-1] if tapped else None,
        }
        if p.get("taps"):
            result["taps"] = [
                [user_id, chat_id, data]
                + (
                    [(answers[q]["at"] - times[q]) * 1000, answers[q]["text"], answers[q]["show_alert"]]
                    if q in answers
                    else [None, None, False]
                )
                for q, user_id, chat_id, data in taps
            ]
        return result


class ResultTapFakeProcess(TimedFakeProcess):
    """A FakeProcess whose child serves `ResultTapFake` (this module, run with --serve-fake)."""

    @property
    def argv(self) -> list[str]:
        argv = list(super().argv)
        at = argv.index("benchmarks.timed_fake")
        return argv[:at] + ["benchmarks.my_result", SERVE_FAKE] + argv[at + 1 :]


def answer_day(hp: Hpbot, chat_ids: list[int], per_group: int, rng: random.Random) -> int:
    """Setup: about ANSWERING of each group's members answer today's round, RIGHT of them rightly."""
    stored = 0
    for g, chat_id in enumerate(chat_ids):
        rnd = hp.study.today_round(chat_id)
        assert rnd is not None and rnd.posted_at is not None, f"setup: no post in {chat_id}"
        right = hp.study.item(rnd).answer
        for user in members_of(g, per_group):
            if rng.random() >= ANSWERING:
                continue
            option = right if rng.random() < RIGHT else rng.choice([o for o in range(4) if o != right])
            at = rnd.posted_at + timedelta(seconds=rng.randint(20, 12 * 3600))
            stored += hp.study.answer(rnd.id, chat_id, user, option, at=at).outcome is AnswerOutcome.RECORDED
    return stored


def members_of(g: int, per_group: int) -> range:
    return range(1 + g * per_group, 1 + (g + 1) * per_group)


async def setup(
    fake: ResultTapFakeProcess, db: Path, store: Store, chat_ids: list[int], per_group: int, days: int
) -> int:
    """Not measured: `days` study days (post, answers, reveal), then the measured day's post and answers, without
    limits on either side. Returns the answers stored on the measured day."""
    await fake.control("limits", {})
    env = {"HPBOT_TOKEN": TOKEN, "HPBOT_API_BASE_URL": fake.base_url, "HPBOT_DB": str(db)}
    config = load_config(env | {"HPBOT_RATE_PER_SECOND": "0", "HPBOT_GROUP_RATE_PER_MINUTE": "0"})
    clock = FakeClock(MONDAY)
    hp = build(config, clock=clock, bank=load_bank(), store=store, run_jobs=False)
    await hp.application.initialize()
    rng = random.Random(7)
    for g in range(len(chat_ids)):
        for user in members_of(g, per_group):
            hp.study.member_seen(user, "Đảng viên", str(user), None)
    stored = 0
    for d in range(days + 1):
        clock.set(MONDAY + timedelta(days=d))
        await hp.rounds.run_due()  # the posts
        await hp.rounds.drain()  # and the member counts they left for later
        stored = answer_day(hp, chat_ids, per_group, rng)
        if d < days:
            clock.set(MONDAY + timedelta(days=d, hours=13))
            await hp.rounds.run_due()  # the reveals
    await hp.application.shutdown()
    return stored


async def my_result(
    groups: int, per_group: int, days: int, spread: float, workdir: Path, *, lead: float = 5.0
) -> dict[str, Any]:
    fake = ResultTapFakeProcess()
    await fake.start()
    try:
        chat_ids = [-(10**12) - g for g in range(groups)]
        users, world = [], []
        for g, chat in enumerate(chat_ids):
            members = list(members_of(g, per_group))
            users += [{"id": u, "first_name": "Đảng viên", "last_name": str(u)} for u in members]
            world.append({"chat_id": chat, "title": f"Chi bộ {g}", "admins": [], "members": members})
        await fake.control("world", {"users": users, "groups": world})
        db = workdir / "my_result.sqlite3"
        store = Store.open(db)
        with store.db.atomic():
            store.db.conn.executemany(
                "INSERT INTO groups (chat_id, title, status, reminder_minutes) VALUES (?, ?, 'active', 0)",
                [(c["chat_id"], c["title"]) for c in world],
            )
        answered = await setup(fake, db, store, chat_ids, per_group, days)

        # measured: Telegram's limits on both sides, the bot started as `hpbot run` starts it
        await fake.control(
            "limits", {"global_per_second": 30, "per_chat_per_minute": 20, "per_private_chat_per_second": 1}
        )
        await fake.control("reset")
        await fake.control("result_taps", {"spread": spread, "seed": 11})
        config = load_config({"HPBOT_TOKEN": TOKEN, "HPBOT_API_BASE_URL": fake.base_url, "HPBOT_DB": str(db)})
        due = MONDAY + timedelta(days=days, hours=13)
        clock = RunningClock(due - timedelta(seconds=lead))
        hp = build(config, clock=clock, bank=load_bank(), store=store)
        due_at = clock.monotonic_at(due)
        checks, running = time_due_checks(hp)
        app, receiving = await start_like_runner(hp)
        await asyncio.sleep(max(0.0, due_at - time.monotonic()))
        cpu, fake_cpu = time.process_time(), process_cpu(fake)
        deadline = due_at + 4 * groups / 29 + spread + 60
        revealed_at: float | None = None
        progress: dict[str, Any] = {}
        while time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            if revealed_at is None and not running[0] and checks and checks[-1] >= due_at:
                # the due checks are done (nothing read from the database while they run)
                done = store.db.execute("SELECT COUNT(*) FROM rounds WHERE status = 'revealed'").fetchone()
                if done[0] >= groups * (days + 1):
                    revealed_at = time.monotonic()
            progress = await fake.control("result_tap_stats")
            settled = progress["answered"] + progress["expired"]
            if revealed_at is not None and progress["scheduled"] == settled == groups * per_group:
                break
        cpu, fake_cpu = time.process_time() - cpu, process_cpu(fake) - fake_cpu
        wall = time.monotonic() - due_at
        await hp.rounds.drain()
        await receiving.stop()
        await app.stop()
        await app.shutdown()
        result = await fake.control("result_tap_stats", {"taps": True})
        stats = await fake.control("stats")
    finally:
        await fake.stop()

    # every tap's alert must be the member's own result as the database has it
    service = MemberDayService(StudyService(store, load_bank(), clock, config.tz))
    round_of = dict(
        store.db.execute(
            "SELECT chat_id, id FROM rounds WHERE study_date = ?", [due.date().isoformat()]
        ).fetchall()
    )
    latencies, wrong, not_alert, members_tapped, example = [], 0, 0, set(), ""
    for user_id, chat_id, data, latency, text, alert in result["taps"]:
        members_tapped.add((chat_id, user_id))
        if latency is None:
            continue
        latencies.append(latency)
        example = example or text
        wrong += (
            text != service.my_result(round_of[chat_id], chat_id, user_id) or data != f"r:{round_of[chat_id]}"
        )
        not_alert += not alert
    pending = store.db.execute("SELECT COUNT(*) FROM inbox WHERE done_at IS NULL").fetchone()[0]
    store.close()
    span = (result["last_tap"] - result["first_tap"]) if result["first_tap"] is not None else float("nan")
    return {
        "groups": groups,
        "members": groups * per_group,
        "answered_today": answered,
        "scheduled": result["scheduled"],
        "tapped": result["tapped"],
        "distinct": len(members_tapped),
        "answered": len(latencies),
        "expired": result["tapped"] - len(latencies),
        "wrong_text": wrong,
        "not_alert": not_alert,
        "example": example,
        "p50": pct(latencies, 50),
        "p99": pct(latencies, 99),
        "max": max(latencies, default=float("nan")),
        "over_250": sum(1 for ms in latencies if ms >= TARGET_MS),
        "peak_per_second": result["peak_per_second"],
        "first_tap_s": (result["first_tap"] or float("nan")) - due_at,
        "tap_span_s": span,
        "revealed_s": None if revealed_at is None else revealed_at - due_at,
        "wall_s": wall,
        "cpu_s": cpu,
        "fake_cpu_s": fake_cpu,
        "inbox_pending": pending,
        "responses_429": stats["too_many_requests"],
        "requests": stats["methods"],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=1_000, help="groups (default 1,000)")
    parser.add_argument(
        "--members", type=int, default=20, help="members per group, each taps once (default 20)"
    )
    parser.add_argument(
        "--days", type=int, default=3, help="study days of history before the measured one (default 3)"
    )
    parser.add_argument(
        "--spread",
        type=float,
        default=120.0,
        help="each member taps within this many seconds of the results reaching the group (default 120)",
    )
    parser.add_argument(
        "--lead", type=float, default=5.0, help="seconds before the reveal minute the bot starts (default 5)"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="20 groups of 10, taps within 5 s, 1 day of history: correctness only",
    )
    args = parser.parse_args()
    if args.smoke:
        args.groups, args.members, args.days, args.spread, args.lead = 20, 10, 1, 5.0, 2.0
    with tempfile.TemporaryDirectory() as tmp:
        r = eventloop.run(
            my_result(args.groups, args.members, args.days, args.spread, Path(tmp), lead=args.lead)
        )
    print(f"command: python -m benchmarks.my_result {' '.join(sys.argv[1:])}")
    print(
        "fake Bot API: separate process, Telegram's limits (30 messages/s, 20/min into a group, callback queries "
        "answered within 15 s); bot pacing at its defaults"
    )
    revealed = "not all" if r["revealed_s"] is None else f"all by +{r['revealed_s']:.1f}s"
    print(
        f"reveal: {r['groups']} groups from the due minute, {revealed}; {r['answered_today']} of {r['members']} "
        f"members had answered the day's question; 429 responses: {r['responses_429']}"
    )
    print(
        f"taps: {r['tapped']} by {r['distinct']} members of {r['scheduled']} scheduled, each within "
        f"{args.spread:g}s of its group's results; first at +{r['first_tap_s']:.1f}s after the due minute, spread "
        f"over {r['tap_span_s']:.1f}s, peak {r['peak_per_second']} in one second"
    )
    print(
        f"answered: {r['answered']} of {r['tapped']} (not answered within 15 s: {r['expired']}) "
        f"p50={r['p50']:.1f}ms p99={r['p99']:.1f}ms max={r['max']:.1f}ms; {r['over_250']} at 250ms or more "
        f"(target p99 < {TARGET_MS:g}ms: {'holds' if r['p99'] < TARGET_MS else 'does not hold'})"
    )
    print(
        f"alerts not the member's own result: {r['wrong_text']}; answers not shown as an alert: {r['not_alert']}; "
        f"updates left unhandled in the inbox: {r['inbox_pending']}"
    )
    print(f"the first alert answered: {r['example']!r}")
    wall = r["wall_s"]
    print(
        f"CPU from the due minute over {wall:.1f}s: bot {r['cpu_s']:.2f}s ({r['cpu_s'] / wall:.0%} of a core), "
        f"fake {r['fake_cpu_s']:.2f}s"
    )
    print(
        "requests by method and status: "
        + ", ".join(
            f"{method} {'/'.join(f'{status}:{n}' for status, n in sorted(by_status.items()))}"
            for method, by_status in sorted(r["requests"].items())
        )
    )
    ok = r["scheduled"] == r["tapped"] == r["distinct"] == r["answered"] == r["members"]
    ok = ok and r["wrong_text"] == r["not_alert"] == r["inbox_pending"] == 0 and r["revealed_s"] is not None
    if not ok:
        print("FAILED: not every member's tap was answered with their own result")
    return 0 if ok else 1


def serve_fake() -> None:
    """Run as hpbot.testing.process serving ResultTapFake (see benchmarks.timed_fake, which does the same)."""
    fake_server.FakeTelegram = ResultTapFake  # type: ignore[misc]
    sys.argv[0] = "hpbot.testing.process"
    runpy.run_path(fake_server.__file__.replace("server.py", "process.py"), run_name="__main__")


if __name__ == "__main__":
    if sys.argv[1:2] == [SERVE_FAKE]:
        del sys.argv[1]
        serve_fake()
    else:
        sys.exit(main())
