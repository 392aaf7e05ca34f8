"""`hpbot run | content … | demo`: the command line. Operators read English here; chat users never see it."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hpbot", description="hpbot: a daily study bot for Telegram groups.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot (polling, or webhook when HPBOT_WEBHOOK_URL is set)")
    from hpbot.content.cli import add_content_commands

    add_content_commands(sub)
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
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
