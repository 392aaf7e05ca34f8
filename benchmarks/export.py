"""`hpbot export` on a large competition: wall time of the command as an operator runs it.

    python -m benchmarks.export                        # 10,000 members in 400 cells, 30 days, then 2,500 members
    python -m benchmarks.export --smoke                # tiny, correctness only (CI)

Generates a database (the leaderboards benchmark's generator, with real quiz items so the answer key is filled),
puts every group in one 30-day competition, runs `python -m hpbot export` in a subprocess for .xlsx and .csv, and
reads the workbook back to check it holds every group and member.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook

from benchmarks.leaderboards import START, generate
from hpbot.content import load_bank
from hpbot.store import Store


def build(path: Path, members: int, groups: int, days: int, share: float) -> tuple[int, int]:
    bank = load_bank()
    items = [(q.number, bank.items_for(q.number)[0].id) for q in bank.questions]
    answers = generate(path, members, groups, days, share, items=items)
    store = Store.open(path)
    comp = store.competitions.create(
        "Thi đua học tập", START, START + timedelta(days=days - 1), 1, datetime.now(UTC)
    )
    store.competitions.join_all_active(comp.id, datetime.now(UTC))
    store.close()
    return comp.id, answers


def run_export(path: Path, comp_id: int, out: Path) -> float:
    env = {**os.environ, "HPBOT_DB": str(path)}
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "hpbot",
            "export",
            "--competition",
            str(comp_id),
            "--out",
            str(out),
            "--quiet",
        ],
        check=True,
        env=env,
    )
    return time.perf_counter() - t


def one_size(members: int, groups: int, days: int, share: float, workdir: Path) -> dict:
    path = workdir / f"export-{members}.sqlite3"
    t = time.perf_counter()
    comp_id, answers = build(path, members, groups, days, share)
    generated = time.perf_counter() - t
    xlsx = workdir / f"results-{members}.xlsx"
    xlsx_s = run_export(path, comp_id, xlsx)
    csv_s = run_export(path, comp_id, workdir / f"results-{members}.csv")
    book = load_workbook(xlsx, read_only=True)
    group_rows, member_rows, day_rows = (
        sum(1 for _ in book[name].iter_rows(min_row=2, values_only=True))
        for name in ("Nhóm", "Thành viên", "Theo ngày")
    )
    with_answers = Store.open(path)
    expected_members = with_answers.db.execute("SELECT COUNT(*) FROM member_stats").fetchone()[0]
    with_answers.close()
    assert group_rows == groups, (group_rows, groups)
    assert member_rows == expected_members, (member_rows, expected_members)
    assert day_rows == groups * days, (day_rows, groups * days)
    return {
        "members": members,
        "groups": groups,
        "answers": answers,
        "generate_s": generated,
        "xlsx_s": xlsx_s,
        "csv_s": csv_s,
        "xlsx_mb": xlsx.stat().st_size / 1e6,
        "member_rows": member_rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, nargs="+", default=[10_000, 2_500])
    parser.add_argument("--per-group", type=int, default=25)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--share", type=float, default=0.7, help="share of members answering each day")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.members, args.days = [200], 7
    print(f"command: python -m benchmarks.export {' '.join(sys.argv[1:])}")
    with tempfile.TemporaryDirectory() as tmp:
        for members in args.members:
            r = one_size(members, max(1, members // args.per_group), args.days, args.share, Path(tmp))
            print(
                f"members {r['members']:>7,} | groups {r['groups']:>6,} | answers {r['answers']:>9,} | "
                f"generated {r['generate_s']:5.1f} s | export .xlsx {r['xlsx_s']:5.2f} s ({r['xlsx_mb']:.1f} MB) | "
                f".csv {r['csv_s']:5.2f} s | rows checked: {r['member_rows']:,} members"
            )
            if not args.smoke:
                print(
                    f"  target < 10 s for 10,000 members: {'holds' if r['xlsx_s'] < 10 else 'missed'}"
                    if members >= 10_000
                    else ""
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
