"""`hpbot export --competition ID --out results.xlsx`: a competition's results from the command line.

Reads the database (safe while the bot runs: SQLite in WAL mode lets a reader in beside the writer), shows a
progress bar while writing, and tells the operator in English what went wrong when it cannot.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hpbot.store.opening import PRIVATE_FILE, create_private_file, make_private_directory

FORMATS = (".xlsx", ".csv")


def add_export_command(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="write a competition's results to .xlsx (or one .csv per table)")
    export.add_argument("--competition", type=int, required=True, help="competition number (see /cuocthi)")
    export.add_argument(
        "--out",
        type=Path,
        required=True,
        help="results.xlsx, or results.csv for results-nhom.csv, results-thanh-vien.csv, …",
    )
    export.add_argument("--db", help="database file (default: HPBOT_DB or db/hpbot.sqlite3)")
    export.add_argument(
        "--csv-delimiter",
        choices=("semicolon", "comma"),
        default="semicolon",
        help="CSV dialect: semicolon with decimal commas, as Excel set to Vietnamese opens it (default), or comma",
    )
    export.add_argument("--quiet", action="store_true", help="no progress bar")


def run_export(args: argparse.Namespace) -> int:
    from tqdm import tqdm  # the heavy imports wait until an export is asked for

    from hpbot.app.competitions import CompetitionService
    from hpbot.clock import SystemClock
    from hpbot.content import load_library
    from hpbot.content.model import ContentError
    from hpbot.errors import StartupError
    from hpbot.reports import workbook
    from hpbot.store import Store

    started = time.perf_counter()
    out: Path = args.out
    if out.suffix.lower() not in FORMATS:
        return _fail(f"--out must end in .xlsx or .csv, not {out.name!r}")
    db = Path(args.db or os.environ.get("HPBOT_DB") or "db/hpbot.sqlite3")
    if not db.is_file():
        return _fail(f"database not found: {db} (set HPBOT_DB or pass --db)")
    tz_name = os.environ.get("HPBOT_TZ", "").strip() or "Asia/Ho_Chi_Minh"
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        return _fail(f"HPBOT_TZ={tz_name!r} is not a known time zone")
    try:
        bank = load_library()
    except ContentError as exc:
        return _fail(f"the study documents cannot be read: {exc}")
    try:
        store = Store.open(db)
    except StartupError as exc:
        return _fail(str(exc))
    try:
        service = CompetitionService(store, bank, SystemClock(), tz, frozenset())
        comp = service.comps.get(args.competition)
        if comp is None:
            known = ", ".join(f"{c.id} ({c.name})" for c in service.comps.all()) or "none yet"
            return _fail(f"no competition number {args.competition}; known: {known}")
        with service.snapshot() as snap:  # one snapshot: the sheets agree while the bot writes beside
            report, all_tables = workbook.competition_tables(snap, comp)
    finally:
        store.close()
    try:
        make_private_directory(out.parent)
    except OSError as exc:
        return _fail(f"cannot make the directory {out.parent}: {exc.strerror or exc}")
    written: list[Path] = []
    with tqdm(
        total=workbook.row_count(all_tables),
        unit=" rows",
        desc=out.name,
        file=sys.stderr,
        disable=args.quiet,
        leave=False,
    ) as bar:
        if out.suffix.lower() == ".xlsx":
            partial = out.with_name(out.name + ".part")
            private_file(partial)
            workbook.write_xlsx(all_tables, partial, progress=bar.update)
            partial.replace(out)  # never a half-written workbook under the requested name
            written.append(out)
        else:
            for table in all_tables:
                target = out.with_name(f"{out.stem}-{table.slug}.csv")
                private_file(target)
                delimiter = workbook.SEMICOLON if args.csv_delimiter == "semicolon" else workbook.COMMA
                target.write_bytes(workbook.csv_bytes(table, delimiter))
                bar.update(len(table.rows))
                written.append(target)
    st = report.standings
    print(
        f"hpbot export: competition {comp.id} ({comp.name}): {len(st.groups)} groups, {len(st.members)} members, "
        f"{len(report.days)} group-days, {len(report.answer_key)} answer-key rows -> "
        f"{', '.join(str(p) for p in written)} in {time.perf_counter() - started:.1f} s"
    )
    return 0


def private_file(path: Path) -> None:
    """`path` exists with mode 0600 before anything is written into it (writing keeps the mode): the results
    name members and their answers. A file left there before is made 0600 too, since it is overwritten."""
    if not create_private_file(path):
        os.chmod(path, PRIVATE_FILE)


def _fail(message: str) -> int:
    print(f"hpbot export: {message}", file=sys.stderr)
    return 1
