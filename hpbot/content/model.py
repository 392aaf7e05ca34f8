"""The study bank as typed, frozen objects."""

from __future__ import annotations

from dataclasses import dataclass, field

from hpbot.domain.quiz import LETTERS
from hpbot.errors import ContentError as ContentError  # re-exported: its old home, and hpbot.content's source

DIFFICULTIES = ("de", "trung_binh", "kho")


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
    id: str = ""  # the document's slug: the name of its directory under content/documents/
    # look-ups, built once in __post_init__ (filled in place: the bank is frozen)
    _questions: dict[int, Question] = field(default_factory=dict, init=False, repr=False, compare=False)
    _parts: dict[int, Part] = field(default_factory=dict, init=False, repr=False, compare=False)
    _items: dict[str, QuizItem] = field(default_factory=dict, init=False, repr=False, compare=False)
    _by_question: dict[int, tuple[QuizItem, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._questions.update((q.number, q) for q in self.questions)
        self._parts.update((p.number, p) for p in self.parts)
        self._items.update((i.id, i) for i in self.items)
        by_question: dict[int, list[QuizItem]] = {}
        for item in self.items:
            by_question.setdefault(item.question, []).append(item)
        self._by_question.update((n, tuple(v)) for n, v in by_question.items())

    def question(self, number: int) -> Question:
        return self._questions[number]

    def part(self, number: int) -> Part:
        return self._parts[number]

    def item(self, item_id: str) -> QuizItem:
        return self._items[item_id]

    def items_for(self, number: int) -> tuple[QuizItem, ...]:
        return self._by_question.get(number, ())
