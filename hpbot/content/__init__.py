"""The study bank: every study document (its questions with their official answers, its quiz items), one Bank
each, gathered in a Library."""

from hpbot.content.bank import load_bank
from hpbot.content.library import Library, load_library
from hpbot.content.model import AnswerBlock, Bank, ContentError, Document, Erratum, Part, Question, QuizItem

__all__ = [
    "AnswerBlock",
    "Bank",
    "ContentError",
    "Document",
    "Erratum",
    "Library",
    "Part",
    "Question",
    "QuizItem",
    "load_bank",
    "load_library",
]
