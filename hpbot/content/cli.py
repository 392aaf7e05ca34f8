"""`hpbot content import | check | draft-quiz | review | stats`: the commission editor's pipeline, from a new
document to items the bot serves (docs/huong-dan-bien-tap.md walks through it)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from hpbot.content.bank import DOCUMENTS_DIR, document_dir
from hpbot.content.model import ContentError
from hpbot.paths import content_dir

ServedItems = Callable[
    [Path], set[str]
]  # a database file -> the ids of the items served (hpbot.store.documents)


def add_content_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    content = sub.add_parser("content", help="import, check, draft, review and count the study documents")
    csub = content.add_subparsers(dest="content_command", required=True)
    imp = csub.add_parser(
        "import", help="import a Q&A document (.txt or .docx) into a document's questions.yaml"
    )
    imp.add_argument("path", type=Path)
    imp.add_argument("--id", dest="slug", default=None, help="the document's id: content/documents/ID/")
    imp.add_argument("--title", default=None, help="the title groups see in /tailieu (default: the file's)")
    imp.add_argument("--out", type=Path, default=None, help="a document directory instead of --id")
    chk = csub.add_parser("check", help="validate every document (or one); exit 1 with every problem listed")
    chk.add_argument("path", type=Path, nargs="?", default=None)
    draft = csub.add_parser("draft-quiz", help="propose cloze items for review (never served)")
    _document_args(draft)
    draft.add_argument("--out", type=Path, default=None, help="default: <document>/drafts/quiz-draft.yaml")
    rev = csub.add_parser("review", help="accept, edit or reject draft items in the terminal (resumable)")
    _document_args(rev)
    stats = csub.add_parser(
        "stats", help="per document: questions, items, correct letters, items never served"
    )
    stats.add_argument("path", type=Path, nargs="?", default=None)
    stats.add_argument("--db", type=Path, default=None, help="database to read served items from (HPBOT_DB)")


def _document_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--id", dest="slug", default=None, help="the document's id (its directory's name)")
    parser.add_argument("--bank", type=Path, default=None, help="a document directory instead of --id")


def run_content(args: argparse.Namespace, served_items: ServedItems | None = None) -> int:
    """`served_items` reads a database for `stats` (the content package itself has no SQL)."""
    try:
        if args.content_command == "import":
            return _import(args.path, _import_target(args), args.title)
        if args.content_command == "check":
            return _check_all(args.path or content_dir())
        if args.content_command == "review":
            return _review(_document(args))
        if args.content_command == "stats":
            return _stats(args.path or content_dir(), args.db, served_items)
        return _draft(_document(args), args.out)
    except ContentError as exc:
        print(f"hpbot content {args.content_command}: {exc}", file=sys.stderr)
        return 1


def _import_target(args: argparse.Namespace) -> Path:
    from hpbot.content.library import SLUG_RULE, valid_slug

    if args.out is not None:
        return Path(args.out)
    if not args.slug:
        raise ContentError("give the document's id: --id SLUG (it becomes content/documents/SLUG/)")
    if not valid_slug(args.slug):
        raise ContentError(f"--id {args.slug!r}: an id is {SLUG_RULE}")
    return content_dir() / DOCUMENTS_DIR / str(args.slug)


def _document(args: argparse.Namespace) -> Path:
    """The document directory named by --bank or --id (only one document: that one)."""
    if args.bank is not None:
        return document_dir(Path(args.bank))
    if args.slug:
        directory = content_dir() / DOCUMENTS_DIR / str(args.slug)
        if not directory.is_dir():
            raise ContentError(f"no document {args.slug!r} in {content_dir() / DOCUMENTS_DIR}")
        return directory
    from hpbot.content.library import document_dirs

    found = document_dirs(content_dir())
    if len(found) == 1:
        return found[0]
    raise ContentError("name the document: --id SLUG (one of: " + ", ".join(d.name for d in found) + ")")


def _import(path: Path, out: Path, title: str | None = None) -> int:
    from hpbot.content.bank import write_questions
    from hpbot.content.importer import import_document

    result = import_document(path, title)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    target = write_questions(result.bank, out)
    bank = result.bank
    print(
        f"imported {path.name}: {len(bank.parts)} parts, {len(bank.questions)} questions "
        f"(sha256 {bank.document.sha256[:12]}…) -> {target}"
    )
    return 0


def _check_all(path: Path) -> int:
    """Every document under a content root, one after the other, then the library as a whole (item ids unique
    across documents); a document's own directory alone."""
    from hpbot.content.library import document_dirs, load_library

    documents = document_dirs(path)
    if not documents:
        return _check(path)
    worst = 0
    for directory in documents:
        print(f"{directory.name}:")
        worst = max(worst, _check(directory))
    if worst == 0:
        try:
            library = load_library(path)
        except ContentError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"ok: {len(library)} document(s): {', '.join(library.ids)}")
    return worst


def _check(path: Path) -> int:
    from hpbot.content.check import check_bank

    report = check_bank(path)
    for warning in report.warnings:  # worth a look, but the bank is still served
        print(f"warning: {warning}", file=sys.stderr)
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
    print(
        f"wrote {count} draft items to {out} (status: draft; never served: "
        f"`hpbot content review --id {bank_dir.name}` accepts them into quiz/)"
    )
    return 0


def _review(bank_dir: Path) -> int:
    from hpbot.content.review import review

    summary = review(bank_dir, sys.stdin, sys.stdout)
    print(
        f"review of {bank_dir.name}: {summary.accepted} accepted, {summary.rejected} rejected, "
        f"{summary.left} left for later"
    )
    if summary.accepted:
        print("next: `hpbot content check`, then restart the bot to serve them")
    return 0


def _stats(root: Path, db: Path | None, served_items: ServedItems | None) -> int:
    import sqlite3

    from hpbot.content.library import load_library
    from hpbot.content.stats import library_stats

    library = load_library(root)
    db = db or (Path(os.environ["HPBOT_DB"]) if os.environ.get("HPBOT_DB") else None)
    served: set[str] | None = None
    why = ""
    if db is None:
        why = "no database: give --db or set HPBOT_DB"
    elif not db.is_file():
        why = f"no database at {db}"
    elif served_items is None:
        why = "this command cannot read the database"
    else:
        try:
            served = served_items(db)
        except sqlite3.Error as exc:
            why = f"{db}: {exc}"
    for line in library_stats(library, served, why):
        print(line)
    return 0
