"""`hpbot content import | check | draft-quiz`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hpbot.content.bank import document_dir
from hpbot.content.model import ContentError
from hpbot.paths import content_dir


def add_content_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    content = sub.add_parser("content", help="import, check and draft the study bank")
    csub = content.add_subparsers(dest="content_command", required=True)
    imp = csub.add_parser("import", help="import a Q&A document (.txt or .docx) into questions.yaml")
    imp.add_argument("path", type=Path)
    imp.add_argument("--out", type=Path, default=None, help="bank directory (default: content/)")
    chk = csub.add_parser("check", help="validate a bank; exit 1 with every problem listed")
    chk.add_argument("path", type=Path, nargs="?", default=None)
    draft = csub.add_parser("draft-quiz", help="propose cloze items for review (never served)")
    draft.add_argument("--bank", type=Path, default=None)
    draft.add_argument("--out", type=Path, default=None, help="default: <bank>/drafts/quiz-draft.yaml")


def run_content(args: argparse.Namespace) -> int:
    try:
        if args.content_command == "import":
            return _import(args.path, args.out or document_dir(content_dir()))
        if args.content_command == "check":
            return _check(args.path or content_dir())
        return _draft(document_dir(args.bank or content_dir()), args.out)
    except ContentError as exc:
        print(f"hpbot content {args.content_command}: {exc}", file=sys.stderr)
        return 1


def _import(path: Path, out: Path) -> int:
    from hpbot.content.bank import write_questions
    from hpbot.content.importer import import_document

    result = import_document(path)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    target = write_questions(result.bank, out)
    bank = result.bank
    print(
        f"imported {path.name}: {len(bank.parts)} parts, {len(bank.questions)} questions "
        f"(sha256 {bank.document.sha256[:12]}…) -> {target}"
    )
    return 0


def _check(path: Path) -> int:
    from hpbot.content.check import check_bank

    report = check_bank(path)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.problems:
        print(f"{len(report.problems)} problem(s) found", file=sys.stderr)
        return 1
    levels = ", ".join(f"{k} {v}" for k, v in sorted((report.difficulties or {}).items()))
    print(
        f"ok: {report.questions} questions, {report.items} reviewed items ({levels}), {report.drafts} drafts"
    )
    return 0


def _draft(bank_dir: Path, out: Path | None) -> int:
    from hpbot.content.bank import load_bank
    from hpbot.content.draft import write_drafts

    out = out or bank_dir / "drafts" / "quiz-draft.yaml"
    count = write_drafts(load_bank(bank_dir), out)
    print(f"wrote {count} draft items to {out} (status: draft; not served until reviewed and moved to quiz/)")
    return 0
