"""The study bank as typed, frozen objects."""

from __future__ import annotations

from dataclasses import dataclass, field

from hpbot.domain.quiz import LETTERS

DIFFICULTIES = ("de", "trung_binh", "kho")


class ContentError(Exception):
    """A bank or a source document is unusable; the message names the file and line or item."""


@dataclass(frozen=True)
class Document:
    title: str
    issuer: str
    source_file: str
    sha256: str


@dataclass(frozen=True)
class Part:
    number: int
    roman: str
    title: str


@dataclass(frozen=True)
class AnswerBlock:
    kind: str  # paragraph | bullet | numbered
    marker: str  # "-", "1.", "(1)" or ""
    text: str

    @property
    def line(self) -> str:
        """The line as it stands in the source (debris removed)."""
        return f"{self.marker} {self.text}" if self.marker else self.text


@dataclass(frozen=True)
class Question:
    number: int
    part: int
    text: str
    answer: tuple[AnswerBlock, ...]

    def paragraphs(self) -> list[str]:
        return [block.line for block in self.answer]

    def answer_text(self) -> str:
        return "\n".join(self.paragraphs())


@dataclass(frozen=True)
class QuizItem:
    id: str
    question: int
    difficulty: str
    stem: str
    options: tuple[str, ...]
    answer: int
    fact: str
    explanation: str
    quote: str
    status: str = "reviewed"

    @property
    def correct_option(self) -> str:
        return self.options[self.answer]

    @property
    def answer_letter(self) -> str:
        return LETTERS[self.answer]


@dataclass(frozen=True)
class Erratum:
    question: int | None
    source: str
    suggested: str


@dataclass(frozen=True)
class Bank:
    document: Document
    parts: tuple[Part, ...]
    questions: tuple[Question, ...]
    items: tuple[QuizItem, ...] = ()
    introduction: tuple[str, ...] = ()
    conclusion: tuple[str, ...] = ()
    errata: tuple[Erratum, ...] = ()
    _by_number: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = self._by_number
        index["questions"] = {q.number: q for q in self.questions}
        index["parts"] = {p.number: p for p in self.parts}
        index["items"] = {i.id: i for i in self.items}
        by_question: dict[int, list[QuizItem]] = {}
        for item in self.items:
            by_question.setdefault(item.question, []).append(item)
        index["by_question"] = {n: tuple(v) for n, v in by_question.items()}

    def question(self, number: int) -> Question:
        return self._by_number["questions"][number]

    def part(self, number: int) -> Part:
        return self._by_number["parts"][number]

    def item(self, item_id: str) -> QuizItem:
        return self._by_number["items"][item_id]

    def items_for(self, number: int) -> tuple[QuizItem, ...]:
        return self._by_number["by_question"].get(number, ())
