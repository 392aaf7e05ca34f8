"""`hpbot content stats`: per document, its questions, items per question, the spread of correct letters and the
items no group has been served yet (when a database is at hand)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from hpbot.content.library import Library
from hpbot.content.model import Bank
from hpbot.domain.quiz import LETTERS

FEW_ITEMS = 5  # a question with fewer items repeats them soon for a group walking the bank


@dataclass(frozen=True)
class DocumentStats:
    id: str
    title: str
    questions: int
    items: int
    per_question: tuple[tuple[int, int], ...]  # (question number, reviewed items)
    letters: dict[str, int]
    never_served: int | None  # None: not known (no database)

    @property
    def below(self) -> list[int]:
        return [number for number, count in self.per_question if count < FEW_ITEMS]


def document_stats(bank: Bank, served: set[str] | None) -> DocumentStats:
    per_question = tuple((q.number, len(bank.items_for(q.number))) for q in bank.questions)
    letters = Counter(item.answer_letter for item in bank.items)
    never = None if served is None else sum(1 for item in bank.items if item.id not in served)
    return DocumentStats(
        bank.id,
        bank.document.title,
        len(bank.questions),
        len(bank.items),
        per_question,
        {letter: letters.get(letter, 0) for letter in LETTERS},
        never,
    )


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def render(stats: DocumentStats, unknown_why: str = "") -> list[str]:
    counts = [count for _number, count in stats.per_question] or [0]
    mean = sum(counts) / len(counts)
    below = stats.below
    lines = [
        f"{stats.id}: {stats.title}",
        f"  questions: {stats.questions}",
        f"  reviewed items: {stats.items}; per question min {min(counts)}, mean {mean:.1f}, max {max(counts)}",
        f"  questions with fewer than {FEW_ITEMS} items: "
        + (", ".join(str(n) for n in below) + f" ({len(below)})" if below else "none"),
        "  correct letter: "
        + ", ".join(f"{k} {v} ({_share(v, stats.items)})" for k, v in stats.letters.items()),
    ]
    if stats.never_served is None:
        lines.append(f"  items never served: not known{f' ({unknown_why})' if unknown_why else ''}")
    else:
        lines.append(f"  items never served: {stats.never_served} of {stats.items}")
    return lines


def library_stats(library: Library, served: set[str] | None, unknown_why: str = "") -> list[str]:
    out: list[str] = []
    for bank in library:
        out.extend(render(document_stats(bank, served), unknown_why))
    return out
