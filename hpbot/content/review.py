"""`hpbot content review`: a person goes through a document's draft items in the terminal, one at a time.

For each draft it shows the question, the verbatim quote it was made from, the stem, the options (the right one
marked), the fact and the explanation, and asks: accept, edit (field by field, Enter keeps a field), reject, skip
or quit. An accepted item is checked as `hpbot content check` would, then written at once to
quiz/reviewed-drafts.yaml with status: reviewed; every decision is written to drafts/review-progress.yaml at once,
so a review stopped at any point (quit, Ctrl-D, a closed terminal) resumes with the drafts not yet decided.
Skipped drafts come back at the next review.

A terminal rather than the bot's private chat: the commission's editor reviews hundreds of drafts at a desk with the
source document open beside them, typing corrections with a keyboard; tapping through them on a phone, a message
each, would be slower and would make editing a distractor's wording painful.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from hpbot.content.bank import QUESTIONS_FILE, QUIZ_DIR, dump_yaml, questions_from_data, read_yaml
from hpbot.content.check import check_item, check_meaning, normalise
from hpbot.content.model import ContentError, Question
from hpbot.domain.quiz import LETTERS

DRAFTS_DIR = "drafts"
PROGRESS_FILE = "review-progress.yaml"
ACCEPTED_FILE = "reviewed-drafts.yaml"
FIELD_ORDER = ("id", "question", "difficulty", "stem", "options", "answer", "fact", "explanation", "quote")
EDITABLE = ("stem", "A", "B", "C", "D", "answer", "fact", "explanation", "difficulty", "quote")
PROMPT = "[a] accept  [e] edit  [r] reject  [s] skip  [q] quit > "


@dataclass
class Summary:
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    left: int = 0


class _Session:
    def __init__(self, directory: Path, stdin: TextIO, stdout: TextIO) -> None:
        self.directory, self.stdin, self.stdout = directory, stdin, stdout
        path = directory / QUESTIONS_FILE
        _d, _p, questions, _i, _c = questions_from_data(read_yaml(path), path)
        self.questions: dict[int, Question] = {q.number: q for q in questions}
        self.answers = {n: normalise(q.answer_text()) for n, q in self.questions.items()}
        self.progress_path = directory / DRAFTS_DIR / PROGRESS_FILE
        self.accepted_path = directory / QUIZ_DIR / ACCEPTED_FILE
        progress = read_yaml(self.progress_path) if self.progress_path.is_file() else None
        self.decisions: dict[str, str] = dict((progress or {}).get("decisions") or {})
        accepted = read_yaml(self.accepted_path) if self.accepted_path.is_file() else None
        self.accepted: list[dict[str, Any]] = list((accepted or {}).get("items") or [])

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout)

    def ask(self, prompt: str) -> str | None:
        """One line typed by the person; None at the end of input (Ctrl-D, a closed pipe)."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        return None if not line else line.rstrip("\n")

    def show(self, raw: dict[str, Any], index: int, total: int) -> None:
        question = self.questions.get(raw.get("question", 0))
        self.say()
        self.say(f"--- draft {index}/{total}: {raw.get('id')} (question {raw.get('question')}) ---")
        if question is not None:
            self.say(f"Question: {question.text}")
        self.say(f"Quote:    {raw.get('quote')}")
        self.say(f"Stem:     {raw.get('stem')}")
        answer = str(raw.get("answer", "")).strip().upper()
        for letter, option in zip(LETTERS, raw.get("options") or [], strict=False):
            self.say(f"  {'*' if letter == answer else ' '} {letter}. {option}")
        self.say(f"Fact:     {raw.get('fact')}")
        self.say(f"Explain:  {raw.get('explanation')}")
        self.say(f"Level:    {raw.get('difficulty')}")

    def edit(self, raw: dict[str, Any]) -> dict[str, Any]:
        item = {**raw, "options": list(raw.get("options") or ["", "", "", ""])}
        self.say("Edit field by field: type the new text, or press Enter to keep the one shown.")
        for name in EDITABLE:
            current = item["options"][LETTERS.index(name)] if name in LETTERS else item.get(name, "")
            typed = self.ask(f"{name} [{current}]: ")
            if typed is None:
                break
            if not typed.strip():
                continue
            value = typed.strip()
            if name in LETTERS:
                item["options"][LETTERS.index(name)] = value
            else:
                item[name] = value.upper() if name == "answer" else value
        return item

    def problems(self, item: dict[str, Any]) -> tuple[list[str], list[str]]:
        """What refuses the item as `hpbot content check` would, and the doubts it would only warn about."""
        reviewed = {**item, "status": "reviewed"}
        found = check_item(reviewed, self.answers)
        doubts: list[str] = []
        if not found:
            found, doubts = check_meaning(reviewed, self.answers[int(reviewed["question"])])
        if item.get("id") in {i.get("id") for i in self.accepted}:
            found.append("an item with this id was accepted already")
        return found, doubts

    def accept(self, item: dict[str, Any]) -> None:
        reviewed = {name: item[name] for name in FIELD_ORDER if name in item}
        reviewed["answer"] = str(reviewed["answer"]).strip().upper()
        reviewed["status"] = "reviewed"
        self.accepted.append(reviewed)
        _write(
            self.accepted_path,
            "# Items accepted with `hpbot content review` from the drafts: served from the next start.\n",
            {"items": self.accepted},
        )
        self.decide(str(item["id"]), "accepted")

    def decide(self, draft_id: str, decision: str) -> None:
        self.decisions[draft_id] = decision
        _write(
            self.progress_path,
            "# Decisions of `hpbot content review`, so a review resumes where it stopped.\n",
            {"decisions": self.decisions},
        )


def drafts_of(directory: Path) -> list[dict[str, Any]]:
    """Every draft item under the document's drafts/ directory, in file order."""
    found: list[dict[str, Any]] = []
    base = directory / DRAFTS_DIR
    for path in sorted(base.glob("*.yaml")) if base.is_dir() else []:
        if path.name == PROGRESS_FILE:
            continue
        data = read_yaml(path)
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise ContentError(f"{path}: expected a mapping with a list under 'items'")
        found.extend(raw for raw in data["items"] if isinstance(raw, dict) and raw.get("id"))
    return found


def review(directory: Path, stdin: TextIO, stdout: TextIO) -> Summary:
    """Take a person through the drafts not decided yet; returns what was decided in this session."""
    session = _Session(directory, stdin, stdout)
    pending = [raw for raw in drafts_of(directory) if str(raw["id"]) not in session.decisions]
    summary = Summary(left=len(pending))
    if not pending:
        session.say("no drafts left to review (run `hpbot content draft-quiz` to make some)")
        return summary
    for index, raw in enumerate(pending, start=1):
        item = dict(raw)
        while True:
            session.show(item, index, len(pending))
            for doubt in session.problems(item)[1]:
                session.say(f"  ! {doubt}")
            choice = session.ask(PROMPT)
            key = (choice or "q").strip().lower()[:1]
            if key == "a":
                problems = session.problems(item)[0]
                if problems:
                    session.say("Not accepted, fix these first (e to edit, r to reject):")
                    for problem in problems:
                        session.say(f"  - {problem}")
                    continue
                session.accept(item)
                summary.accepted += 1
            elif key == "e":
                item = session.edit(item)
                continue
            elif key == "r":
                session.decide(str(item["id"]), "rejected")
                summary.rejected += 1
            elif key == "s":
                summary.skipped += 1
            elif key == "q":
                summary.left = len(pending) - summary.accepted - summary.rejected
                return summary
            else:
                session.say("Type a, e, r, s or q.")
                continue
            break
    summary.left = summary.skipped
    return summary


def _write(path: Path, header: str, data: Any) -> None:
    """Atomically: a review stopped mid-write leaves the previous file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".yaml")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(header + dump_yaml(data))
    os.replace(tmp, path)
