"""`hpbot run | demo | backup | restore | export | content …`: the command line. Operators read English here; chat users never see it."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hpbot", description="hpbot: a daily study bot for Telegram groups."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot (polling, or webhook when HPBOT_WEBHOOK_URL is set)")
    demo = sub.add_parser("demo", help="play a compressed study day against a simulated Telegram (no token)")
    demo.add_argument("--days", type=int, default=1, help="study days to play (default 1; 7 shows a week)")
    for name, help_text in (
        ("backup", "copy the live database consistently to PATH"),
        ("restore", "replace the database with the checked backup at PATH (stop the bot first)"),
    ):
        command = sub.add_parser(name, help=help_text)
        command.add_argument("path", help="backup file")
        command.add_argument("--db", help="database file (default: HPBOT_DB or db/hpbot.sqlite3)")
    from hpbot.content.cli import add_content_commands
    from hpbot.reports.export import add_export_command

    add_content_commands(sub)
    add_export_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "run":
        from hpbot.runner import run

        return run()
    if args.command == "content":
        from hpbot.content.cli import run_content

        return run_content(args)
    if args.command == "demo":
        from hpbot.demo import run_demo

        return run_demo(args.days)
    if args.command in ("backup", "restore"):
        return _backup(args)
    if args.command == "export":
        from hpbot.reports.export import run_export

        return run_export(args)
    parser.error(f"unknown command {args.command}")
    return 2


def _backup(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from hpbot.backup import backup, restore
    from hpbot.errors import BackupError, StartupError
    from hpbot.runner import one_line

    db = Path(args.db or os.environ.get("HPBOT_DB") or "db/hpbot.sqlite3")
    try:
        info = backup(db, Path(args.path)) if args.command == "backup" else restore(Path(args.path), db)
    except (BackupError, StartupError) as exc:  # StartupError: a DatabaseError, should either open the store
        print(f"hpbot {args.command}: {one_line(exc)}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{n} {name}" for name, n in info["counts"].items())
    target = args.path if args.command == "backup" else db
    print(f"hpbot {args.command}: {target} is consistent (integrity ok): {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
