"""The study bank: the Congress Q&A document's questions with their official answers, and the quiz items."""

from hpbot.content.bank import load_bank
from hpbot.content.model import AnswerBlock, Bank, ContentError, Document, Erratum, Part, Question, QuizItem

__all__ = [
    "AnswerBlock",
    "Bank",
    "ContentError",
    "Document",
    "Erratum",
    "Part",
    "Question",
    "QuizItem",
    "load_bank",
]
