"""Leaderboards after a year: the maintained aggregates against GROUP BY over the answers table.

    python -m benchmarks.leaderboards --members 200000 --groups 10000 --days 365   # ~15 million answers
    python -m benchmarks.leaderboards --smoke                                       # tiny, correctness only (CI)

Generates a synthetic database (groups of equal size, each member answering a share of days), then times, for
random groups and members: the group board (week, month, all time) and /toi as the bot computes them, the
competition board (/bxh cuocthi) of a competition of 50 groups and of one with every group (city-wide), and the
same results computed by GROUP BY over answers JOIN rounds. Both ways must give the same standings and ranks.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from hpbot.app.competitions import CompetitionService
from hpbot.app.study import StudyService
from hpbot.clock import FakeClock
from hpbot.content import load_bank
from hpbot.domain.ranking import rank
from hpbot.domain.schedule import month_bounds, week_bounds
from hpbot.store import Store

START = date(2025, 12, 1)


def generate(
    path: Path,
    members: int,
    groups: int,
    days: int,
    share: float,
    seed: int = 1,
    items: list[tuple[int, str]] | None = None,
) -> int:
    """Write the synthetic database; returns the number of answers. `items` are (question, item id) pairs asked
    in turn (default: made-up ids, enough for boards that never read the bank)."""
    rng = random.Random(seed)
    store = Store.open(path)
    db = store.db
    conn = db.conn
    conn.execute("PRAGMA synchronous = OFF")
    per_group = members // groups
    answers_total = 0
    with db.atomic():
        conn.executemany(
            "INSERT INTO groups (chat_id, title, status, member_count) VALUES (?, ?, 'active', ?)",
            [(-1_000_000 - g, f"Chi bộ {g}", per_group) for g in range(groups)],
        )
        conn.executemany(
            "INSERT INTO users (user_id, first_name) VALUES (?, ?)",
            [(u, f"Đảng viên {u}") for u in range(1, members + 1)],
        )
    round_id = 0
    for g in range(groups):
        chat_id = -1_000_000 - g
        users = range(g * per_group + 1, (g + 1) * per_group + 1)
        rounds, answers, days_rows = [], [], []
        stats = {
            u: [0, 0, 0, 0, 0, 0, 0, ""] for u in users
        }  # points answers correct ms streak best last when
        for d in range(days):
            round_id += 1
            day = (START + timedelta(days=d)).isoformat()
            question, item_id = items[d % len(items)] if items else (d % 41 + 1, f"q{d % 41 + 1:02d}-x")
            rounds.append(
                (
                    round_id,
                    chat_id,
                    day,
                    d + 1,
                    question,
                    item_id,
                    "revealed",
                    f"{day}T13:00:00.000+00:00",
                    per_group,
                )
            )
            for u in users:
                if rng.random() >= share:
                    continue
                correct = rng.random() < 0.7
                ms = rng.randint(5_000, 9_000_000)
                points = (10 + max(0, 5 - ms // 1_800_000)) if correct else 0
                when = f"{day}T01:00:00.000+00:00"
                answers.append((round_id, u, chat_id, 0, int(correct), when, ms, points))
                days_rows.append((chat_id, u, day, points, ms, int(correct), when))
                s = stats[u]
                s[0] += points
                s[1] += 1
                s[2] += int(correct)
                s[3] += ms
                s[4] = s[4] + 1 if s[6] == d else 1
                s[5] = max(s[5], s[4])
                s[6] = d + 1
                s[7] = when
        with db.atomic():
            conn.executemany(
                "INSERT INTO rounds (id, chat_id, study_date, seq, question, item_id, status, reveal_at, "
                "member_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rounds,
            )
            conn.executemany("INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?)", answers)
            conn.executemany("INSERT INTO score_days VALUES (?, ?, ?, ?, ?, ?, ?)", days_rows)
            conn.executemany(
                "INSERT INTO member_stats VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(chat_id, u, *s) for u, s in stats.items() if s[1]],
            )
        answers_total += len(answers)
    db.execute("ANALYZE")
    store.close()
    return answers_total


def baseline(store: Store, chat_ids: list[int], start: date | None, end: date | None) -> list[tuple]:
    """The board computed the plain way: GROUP BY over every answer of the groups in the period."""
    marks = ",".join("?" * len(chat_ids))
    where = f"a.chat_id IN ({marks})" + (" AND r.study_date BETWEEN ? AND ?" if start else "")
    params = [*chat_ids, *([start.isoformat(), end.isoformat()] if start else [])]
    rows = store.db.execute(
        f"SELECT a.user_id, SUM(a.points) AS p, SUM(a.elapsed_ms) AS ms FROM answers a "  # noqa: S608
        f"JOIN rounds r ON r.id = a.round_id WHERE {where} AND r.status = 'revealed' GROUP BY a.chat_id, a.user_id "
        "ORDER BY p DESC, ms ASC, a.user_id",
        params,
    ).fetchall()
    return rows


def rank_rows(rows: list[tuple]) -> list[tuple[int, tuple]]:
    """Board ranks over plain (user, points, ms) rows: equal points and time share a rank."""
    out: list[tuple[int, tuple]] = []
    for index, row in enumerate(rows):
        same = out and (out[-1][1][1], out[-1][1][2]) == (row[1], row[2])
        out.append((out[-1][0] if same else index + 1, row))
    return out


def timed(fn, repeat: int) -> tuple[list[float], object]:
    samples, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t) * 1000)
    return samples, result


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def speedup(slow: float, fast: float) -> str:
    ratio = slow / max(fast, 1e-6)
    return f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.1f}x"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--share", type=float, default=0.2, help="share of members answering each day")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument(
        "--city-samples",
        type=int,
        default=5,
        help="GROUP BY samples of the city-wide competition board (each reads a month of every "
        "group's answers)",
    )
    parser.add_argument("--db", type=Path, help="keep/reuse the generated database here")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.members, args.groups, args.days, args.samples, args.city_samples = 400, 20, 30, 20, 3
    print(f"command: python -m benchmarks.leaderboards {' '.join(sys.argv[1:])}")
    tmp = tempfile.TemporaryDirectory()
    path = args.db or Path(tmp.name) / "bench.sqlite3"
    if not path.exists():
        t = time.perf_counter()
        n = generate(path, args.members, args.groups, args.days, args.share)
        print(
            f"generated {n:,} answers, {args.members:,} members, {args.groups:,} groups, {args.days} days "
            f"in {time.perf_counter() - t:.1f}s ({path.stat().st_size / 1e9:.2f} GB)"
        )
    store = Store.open(path)
    rng = random.Random(2)
    today = START + timedelta(days=args.days - 3)
    week, month = week_bounds(today), month_bounds(today)
    per_group = args.members // args.groups
    chats = [-1_000_000 - rng.randrange(args.groups) for _ in range(args.samples)]
    comp_groups = [-1_000_000 - g for g in range(min(50, args.groups))]
    all_groups = [-1_000_000 - g for g in range(args.groups)]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    comps = {}
    for name, members_of in (
        ("competition board, 50 groups", comp_groups),
        ("competition board, city-wide", all_groups),
    ):
        comp = store.competitions.create(name, month[0], month[1], 1, now)
        t = time.perf_counter()
        store.competitions.join_many(comp.id, members_of, now)  # builds the competition's maintained totals
        print(
            f"competition of {len(members_of):,} groups over {month[0]} .. {month[1]}: totals built in "
            f"{time.perf_counter() - t:.2f}s"
        )
        comps[name] = (comp, members_of)
    bank = load_bank()
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    service = CompetitionService(store, bank, FakeClock(now), tz, frozenset())
    study = StudyService(store, bank, FakeClock(now), tz)

    def member_of(chat_id: int) -> int:  # the generated group's last member (user ids run on per group)
        return (-chat_id - 1_000_000 + 1) * per_group

    cases = {
        "board week": (lambda c: rank(store.standings(c, *week)), lambda c: baseline(store, [c], *week)),
        "board month": (lambda c: rank(store.standings(c, *month)), lambda c: baseline(store, [c], *month)),
        "board all time": (lambda c: rank(store.standings(c)), lambda c: baseline(store, [c], None, None)),
        "/toi": (lambda c: study.me(c, member_of(c)), lambda c: rank_rows(baseline(store, [c], None, None))),
    }
    for name, (comp, members_of) in comps.items():
        cases[name] = (
            partial(lambda comp, c: service.board(comp, c, member_of(c)), comp),
            partial(lambda members_of, c: rank_rows(baseline(store, members_of, *month)), members_of),
        )
    print(
        f"{'query':<30}{'p50 ms':>9}{'p99 ms':>9}{'GROUP BY p50':>14}{'GROUP BY p99':>14}{'speed-up p50':>14}"
    )
    ok = True
    for name, (fast, slow) in cases.items():
        fast_ms, slow_ms = [], []
        sample = [rng.choice(comps[name][1]) for _ in range(args.samples)] if name in comps else chats
        slow_every = max(1, len(sample) // args.city_samples) if name.endswith("city-wide") else 1
        for index, chat_id in enumerate(sample):
            f, fr = timed(partial(fast, chat_id), 1)
            fast_ms += f
            if index % slow_every:
                continue  # the city-wide GROUP BY is timed on a few of the samples (seconds each at 10,000 groups)
            s, sr = timed(partial(slow, chat_id), 1)
            slow_ms += s
            if name.startswith("board"):  # both ways must agree on the standings
                ok &= [(st.user_id, st.points) for _, st in fr] == [(r[0], r[1]) for r in sr]
            elif name == "/toi":  # the member's points and rank in the group, as GROUP BY ranks them
                ranks = {r[0]: (position, r[1]) for position, r in sr}
                ok &= fr is not None and ranks.get(member_of(chat_id)) == (fr.rank, fr.standing.points)
            else:  # the board's lines and the caller's rank, as GROUP BY ranks them
                ranks = {(r[0], r[1], r[2]): position for position, r in sr}
                ok &= all(
                    ranks.get((m.standing.user_id, m.standing.points, m.standing.answer_ms)) == position
                    for position, m in fr.top + ([fr.mine] if fr.mine else [])
                )
                ok &= (
                    fr.group is not None
                    and fr.group[1].chat_id == chat_id
                    and fr.groups == len(comps[name][1])
                )
        print(
            f"{name:<30}{pct(fast_ms, 50):>9.2f}{pct(fast_ms, 99):>9.2f}{pct(slow_ms, 50):>14.2f}"
            f"{pct(slow_ms, 99):>14.2f}{speedup(pct(slow_ms, 50), pct(fast_ms, 50)):>14}"
        )
    print(f"members per group: {per_group}; standings agree with GROUP BY: {ok}")
    store.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
