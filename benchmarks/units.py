"""A city-wide contest with its unit list: 10,000 cells in 500 higher-level units, 200,000 members, official counts.

    python -m benchmarks.units                       # 10,000 groups, 200,000 members, 30 days (~1.2 M answers)
    python -m benchmarks.units --smoke               # tiny, correctness only

Generates the leaderboards benchmark's database (benchmarks/leaderboards.py), creates a competition over its days
with every group in it, imports a unit list of one cell per group (an .xlsx file read as the bot reads an
organizer's file), links every group to its cell, then times: the competition board a member sees (/bxh cuocthi,
with the caller's unit line), the organizer's standings of cells (every group's totals read and ranked; the kept
ranking unchanged, after `--changed` cells had a day folded as at a contest's reveal time, and after one more study
day), the per-unit aggregation and the whole export as /xuat makes it (on a snapshot: report, sheets, .xlsx bytes),
then the same export on a worker thread beside an event loop, and how late the loop's timers were meanwhile. Checks
the unit rates against a plain computation, and the kept ranking against ranking everything again.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook

from benchmarks.leaderboards import START, generate, pct
from hpbot.app.competitions import CompetitionService
from hpbot.app.units import UnitService
from hpbot.clock import FakeClock
from hpbot.content import load_bank
from hpbot.domain.competition import rank_groups
from hpbot.reports import unit_list, workbook
from hpbot.store import Store
from hpbot.store.units import Units


def unit_file(groups: int, units: int, per_group: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(["Đơn vị cấp trên", "Chi bộ", "Số đảng viên", "Mã"])
    for g in range(groups):
        sheet.append([f"Đảng bộ {g % units:03d}", f"Chi bộ {g}", per_group + g % 3, f"CB{g:05d}"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def loop_lag(work: Callable[[], object]) -> tuple[list[float], float]:
    """Run `work` on a worker thread as the bot runs /xuat (asyncio.to_thread) while the event loop sleeps 10 ms at a
    time: how late each wake-up is (ms) is how long a member's tap would wait for the loop meanwhile."""
    t = time.perf_counter()
    task = asyncio.ensure_future(asyncio.to_thread(work))
    lags = []
    while not task.done():
        start = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append((time.perf_counter() - start - 0.01) * 1000)
    await task
    return lags, time.perf_counter() - t


def day_more_or_less(store: Store, comp_id: int, day: str, n: int) -> None:
    """The competition's study day `day` taken out (even `n`) or put back (odd `n`): every cell's possible answers
    change, as at the day's first reveal."""
    if n % 2 == 0:
        store.db.execute(
            "DELETE FROM competition_days WHERE competition_id = ? AND study_date = ?", [comp_id, day]
        )
    else:
        store.db.execute(
            "INSERT INTO competition_days (competition_id, study_date) VALUES (?, ?)", [comp_id, day]
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--share", type=float, default=0.2)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument(
        "--changed", type=int, default=10, help="cells folded between two asks for the standings"
    )
    parser.add_argument("--db", type=Path, help="keep/reuse the generated database here")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.members, args.groups, args.units, args.days, args.samples = 400, 20, 4, 10, 20
    print(f"command: python -m benchmarks.units {' '.join(sys.argv[1:])}")
    tmp = tempfile.TemporaryDirectory()
    path = args.db or Path(tmp.name) / "units.sqlite3"
    if not path.exists():
        t = time.perf_counter()
        n = generate(path, args.members, args.groups, args.days, args.share)
        print(
            f"generated {n:,} answers, {args.members:,} members, {args.groups:,} groups in {time.perf_counter() - t:.1f}s"
        )
    store = Store.open(path)
    now = datetime.combine(START + timedelta(days=args.days), datetime.min.time(), UTC)
    bank = load_bank()
    service = CompetitionService(store, bank, FakeClock(now), ZoneInfo("Asia/Ho_Chi_Minh"), frozenset())
    comp = store.competitions.create("Toàn thành phố", START, START + timedelta(days=args.days - 1), 1, now)
    chats = [-1_000_000 - g for g in range(args.groups)]
    t = time.perf_counter()
    store.competitions.join_many(comp.id, chats, now)
    print(f"{args.groups:,} groups joined, totals built in {time.perf_counter() - t:.2f}s")

    per_group = args.members // args.groups
    data = unit_file(args.groups, args.units, per_group)
    units = UnitService(service)
    t = time.perf_counter()
    done = units.import_rows(comp, unit_list.read_rows("danh-sach.xlsx", data))
    print(
        f"unit list of {done.cells:,} cells in {done.units} units ({len(data) / 1e6:.2f} MB .xlsx) read, checked "
        f"and imported in {time.perf_counter() - t:.2f}s"
    )
    table = Units(store.db)
    rng = random.Random(3)
    t = time.perf_counter()
    for g, chat_id in enumerate(chats):
        table.link(comp.id, f"CB{g:05d}", chat_id, now)
    print(f"{args.groups:,} groups linked in {time.perf_counter() - t:.2f}s")
    # a quarter of the members sent a prediction; the clock is past the deadline, so the board and the standings
    # rank ties by it
    with store.db.atomic():
        store.db.conn.executemany(
            "INSERT INTO competition_predictions (competition_id, round, user_id, value, predicted_at) "
            "VALUES (?, 1, ?, ?, ?)",
            [
                (comp.id, user, rng.randrange(5000), (now - timedelta(days=rng.randrange(30))).isoformat())
                for user in range(1, args.members + 1, 4)
            ],
        )
    assert service.tiebreak(comp, comp.start, comp.end) is not None
    # 10,000 commits in a second leave a long write-ahead log that every read then searches (the running bot's
    # links come one secretary at a time and SQLite checkpoints as it goes): fold it in before timing the reads
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    board_ms, standings_ms, unit_ms = [], [], []
    for _ in range(args.samples):
        g = rng.randrange(args.groups)
        user = (g + 1) * per_group
        t = time.perf_counter()
        board = service.board(comp, chats[g], user)
        line = units.board_line(comp, chats[g])
        board_ms.append((time.perf_counter() - t) * 1000)
        assert board.group is not None and line
    for _ in range(max(5, args.samples // 20)):
        t = time.perf_counter()
        rank_groups(store.competitions.group_totals(comp))
        standings_ms.append((time.perf_counter() - t) * 1000)
    kept_ms = []  # the ranking as boards and reports get it while the standings do not change
    service.ranked_groups(comp)
    for _ in range(args.samples):
        t = time.perf_counter()
        assert len(service.ranked_groups(comp)) == args.groups
        kept_ms.append((time.perf_counter() - t) * 1000)
    # at a contest's common reveal time groups are revealed ~10 a second (3 messages each at 30 messages/s): between
    # two asks for the standings, `--changed` groups have had their day folded (their totals row written as the fold
    # writes it); the standings and a board are then asked for
    changed_ms, changed_board_ms = [], []
    for _ in range(args.samples):
        picked = rng.sample(range(args.groups), args.changed)
        with store.db.atomic():
            store.db.conn.executemany(
                "UPDATE competition_group_scores SET answers = answers + ?, member_days = member_days + ?, "
                "points = points + ?, answer_ms = answer_ms + ? WHERE competition_id = ? AND chat_id = ?",
                [(per_group // 2, per_group, 7 * per_group, 9000, comp.id, chats[g]) for g in picked],
            )
        t = time.perf_counter()
        kept = service.ranked_groups(comp)
        changed_ms.append((time.perf_counter() - t) * 1000)
        g = picked[0]
        t = time.perf_counter()
        service.board(comp, chats[g], (g + 1) * per_group)
        changed_board_ms.append((time.perf_counter() - t) * 1000)
    fresh = rank_groups(store.competitions.group_totals(comp))
    same = [(r, x.chat_id) for r, x in kept] == [(r, x.chat_id) for r, x in fresh]
    first_ms = []  # a study day more or less (the day's first reveal): every cell's possible answers change
    day_rows = [
        r[0]
        for r in store.db.execute(
            "SELECT study_date FROM competition_days WHERE competition_id = ?", [comp.id]
        )
    ]
    for n in range(max(6, args.samples // 20)):
        day_more_or_less(store, comp.id, day_rows[-1], n)
        t = time.perf_counter()
        service.ranked_groups(comp)
        first_ms.append((time.perf_counter() - t) * 1000)
    # the same as the bot does it after its due check: ranked again on a worker thread (rank_apart), the asks
    # meanwhile served from the ranking before; then the next ask, from the ranking read apart
    pending_ms, adopted_ms, apart_lags, apart_runs = [], [], [], []
    for n in range(max(6, args.samples // 20)):
        day_more_or_less(store, comp.id, day_rows[-1], n)
        # [comp] rather than stale_rankings(): the clock here is past the contest's end (its prediction deadline),
        # where the bot's due check ranks only running contests apart
        stale = [comp]
        run = service.rank_apart(stale)
        t = time.perf_counter()
        service.ranked_groups(comp)
        pending_ms.append((time.perf_counter() - t) * 1000)
        done: dict = {}
        lags_n, took = asyncio.run(loop_lag(lambda run=run, done=done: done.update(run())))
        apart_lags += lags_n
        apart_runs.append(took)
        service.adopt(done, stale)
        t = time.perf_counter()
        service.ranked_groups(comp)
        adopted_ms.append((time.perf_counter() - t) * 1000)
    apart_same = [(r, x.chat_id) for r, x in service.ranked_groups(comp)] == [
        (r, x.chat_id) for r, x in rank_groups(store.competitions.group_totals(comp))
    ]
    standings = service.standings(comp)
    for _ in range(max(5, args.samples // 20)):
        t = time.perf_counter()
        by_unit = units.ranked(standings)
        unit_ms.append((time.perf_counter() - t) * 1000)
    # the export as /xuat makes it: on a snapshot of its own (the kept ranking copied), every sheet, the .xlsx bytes
    t = time.perf_counter()
    with service.snapshot() as snap:
        book = workbook.competition_xlsx(snap, comp)
    export_s = time.perf_counter() - t
    sheets = load_workbook(io.BytesIO(book.data), read_only=True).sheetnames
    lags, apart_s = asyncio.run(loop_lag(service.apart(lambda snap: workbook.competition_xlsx(snap, comp))))

    # the unit rates against a plain sum over the cells
    official = {f"Chi bộ {g}": per_group + g % 3 for g in range(args.groups)}
    days = store.competitions.contest_days(comp)
    plain: dict[str, list[int]] = {}
    for _, g in fresh:
        unit = plain.setdefault(g.unit, [0, 0])
        unit[0] += min(g.answers, official[g.title] * days)
        unit[1] += official[g.title] * days
    ok = all(abs(u.participation - plain[u.unit][0] / plain[u.unit][1]) < 1e-12 for _, u in by_unit)
    ok &= len(by_unit) == args.units
    print(f"{'query':<44}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, samples in (
        ("board /bxh cuocthi (with the unit line)", board_ms),
        ("organizer standings: every cell read, ranked", standings_ms),
        ("the same, standings unchanged (kept)", kept_ms),
        (f"the same, {args.changed} cells changed since (kept)", changed_ms),
        (f"board after {args.changed} cells changed", changed_board_ms),
        ("the same, a study day more or less (kept)", first_ms),
        ("  ...while it is ranked again apart", pending_ms),
        ("  ...then, from the ranking read apart", adopted_ms),
        ("per-unit aggregation", unit_ms),
    ):
        print(f"{name:<44}{pct(samples, 50):>9.2f}{pct(samples, 99):>9.2f}{max(samples):>9.2f}")
    print(
        f"export (report, {len(sheets)} sheets, {book.rows:,} rows, {len(book.data) / 1e6:.1f} MB): "
        f"{export_s:.2f}s"
    )
    print(
        f"the same export apart from an event loop ({apart_s:.2f}s): the loop's timers late by "
        f"p50 {pct(lags, 50):.2f} ms, p99 {pct(lags, 99):.2f} ms, max {max(lags):.2f} ms ({len(lags)} sleeps of 10 ms)"
    )
    print(
        f"ranked again apart after a study day more or less: {pct(apart_runs, 50):.2f}s (p50 of "
        f"{len(apart_runs)}); the loop's timers late by p50 {pct(apart_lags, 50):.2f} ms, p99 "
        f"{pct(apart_lags, 99):.2f} ms, max {max(apart_lags):.2f} ms; equal to ranking again: {apart_same}"
    )
    print(
        f"contest days: {days}; unit rates agree with the plain sum: {ok}; kept ranking = ranked again: {same}"
    )
    ok &= same and apart_same
    store.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
