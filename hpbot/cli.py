"""`hpbot run | health | demo | backup | restore | export | organizers | content …`: the command line. Operators read English here; chat users never see it."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hpbot", description="hpbot: a daily study bot for Telegram groups."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot (polling, or webhook when HPBOT_WEBHOOK_URL is set)")
    sub.add_parser(
        "health", help="exit 0 if the running bot's scheduler and its link to Telegram are alive, else 1"
    )
    demo = sub.add_parser("demo", help="play a compressed study day against a simulated Telegram (no token)")
    demo.add_argument("--days", type=int, default=1, help="study days to play (default 1; 7 shows a week)")
    for name, help_text in (
        ("backup", "copy the live database consistently to PATH"),
        ("restore", "replace the database with the checked backup at PATH (stop the bot first)"),
    ):
        command = sub.add_parser(name, help=help_text)
        command.add_argument("path", help="backup file")
        command.add_argument("--db", help="database file (default: HPBOT_DB or db/hpbot.sqlite3)")
    organizers = sub.add_parser(
        "organizers", help="add, remove or list competition organizers (the running bot sees it at once)"
    )
    actions = organizers.add_subparsers(dest="action", required=True)
    for action, help_text in (("add", "make a Telegram user an organizer"), ("remove", "take that back")):
        one = actions.add_parser(action, help=help_text)
        one.add_argument(
            "user_id", type=_user_id, help="the numeric Telegram user id (a refused /cuocthi shows it)"
        )
        one.add_argument("--db", help="database file (default: HPBOT_DB or db/hpbot.sqlite3)")
    listing = actions.add_parser("list", help="everyone who is an organizer, and why")
    listing.add_argument("--db", help="database file (default: HPBOT_DB or db/hpbot.sqlite3)")
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
        from hpbot.store.documents import served_item_ids

        return run_content(args, served_items=served_item_ids)
    if args.command == "demo":
        from hpbot.demo import run_demo

        return run_demo(args.days)
    if args.command in ("backup", "restore"):
        return _backup(args)
    if args.command == "health":
        from hpbot.health import main as health

        return health()
    if args.command == "organizers":
        return _organizers(args)
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


def _user_id(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) == 0 or len(text) > 20:
        raise argparse.ArgumentTypeError(f"{text!r} is not a Telegram user id (a positive number)")
    return int(text)


def _organizers(args: argparse.Namespace) -> int:
    from pathlib import Path

    from hpbot.app.organizers import NotRemovable, Organizers
    from hpbot.clock import SystemClock
    from hpbot.config import parse_organizers, read_environment
    from hpbot.errors import ConfigError, StartupError
    from hpbot.runner import one_line
    from hpbot.store import Store

    env = read_environment()
    db = Path(args.db or env.get("HPBOT_DB") or "db/hpbot.sqlite3")
    try:
        from_environment = parse_organizers(env.get("HPBOT_ORGANIZERS", ""))
        if not db.is_file():
            raise ConfigError(f"database not found: {db} (set HPBOT_DB or pass --db)")
        store = Store.open(db)
    except StartupError as exc:
        print(f"hpbot organizers: {one_line(exc)}", file=sys.stderr)
        return 1
    try:
        roster = Organizers(store, SystemClock(), from_environment)
        if args.action == "list":
            for listed in roster.all():
                print(f"{listed.user_id}  {listed.source}")
            return 0
        if args.action == "add":
            if roster.add(args.user_id):
                print(f"hpbot organizers: {args.user_id} added; the running bot takes it at the next command")
            else:
                print(f"hpbot organizers: {args.user_id} is already an organizer")
            return 0
        try:
            roster.remove(args.user_id)
        except NotRemovable as exc:
            print(f"hpbot organizers: {exc}", file=sys.stderr)
            return 1
        print(f"hpbot organizers: {args.user_id} removed; the running bot refuses them from the next command")
        return 0
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
