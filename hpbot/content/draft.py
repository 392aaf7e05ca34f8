"""`hpbot content draft-quiz`: cloze items proposed from facts with numbers, for a person to review.

Drafts go to the document's drafts/ directory with status: draft, each with the sentence it was made from as its
verbatim quote; the bot never serves them. `hpbot content review` (hpbot/content/review.py) takes a person through
them and writes the ones accepted into quiz/ as reviewed items. Draft ids carry the document's id, so they stay
unique across the library.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

from hpbot.content.bank import dump_yaml
from hpbot.content.check import EXPLANATION_MAX, OPTION_MAX, STEM_MAX
from hpbot.content.model import Bank
from hpbot.domain.quiz import LETTERS

RESOLUTION = re.compile(r"\b\d{1,3}-(?:NQ|KL|CT|QĐ)/[A-ZĐ]+\b|\b\d{1,3}/\d{4}/[A-Z]{2}\d{0,2}\b")
NUMBER = re.compile(r"(?<![\d/.,])(\d{1,3}(?:[.,]\d{1,3})?)(\s?%)")
SENTENCE = re.compile(r"(?<=[.;])\s+")


def _near_numbers(value: str, suffix: str, rng: random.Random) -> list[str]:
    number = float(value.replace(",", "."))
    decimals = len(value.split(",")[1]) if "," in value else 0
    candidates = set()
    for factor in (0.5, 0.7, 0.8, 1.2, 1.25, 1.5, 2):
        other = round(number * factor, decimals)
        text = (f"{other:.{decimals}f}".replace(".", ",") if decimals else str(int(other))) + suffix
        if other > 0 and text != value + suffix:
            candidates.add(text)
    picks = sorted(candidates)
    rng.shuffle(picks)
    return picks[:3]


def id_prefix(bank: Bank) -> str:
    """The document's part of a draft's id (an item id allows lowercase ascii, digits and hyphens)."""
    return re.sub(r"[^a-z0-9]+", "-", bank.id.lower()).strip("-") or "doc"


def draft_items(bank: Bank, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    prefix = id_prefix(bank)
    resolutions = sorted({m.group(0) for q in bank.questions for m in RESOLUTION.finditer(q.answer_text())})
    items = []
    for question in bank.questions:
        made = 0
        for block in question.answer:  # the text without its list marker: a stem reads better without "- "
            for sentence in SENTENCE.split(block.text):
                if made >= 5 or len(sentence) > STEM_MAX - 20 or len(sentence) < 40:
                    continue
                fact, wrong = None, []
                if match := RESOLUTION.search(sentence):
                    fact = match.group(0)
                    wrong = [r for r in resolutions if r != fact][:3]
                elif match := NUMBER.search(sentence):
                    fact = match.group(1) + match.group(2)
                    wrong = _near_numbers(match.group(1), match.group(2), rng)
                if not fact or len(wrong) < 3 or any(len(o) > OPTION_MAX for o in [fact, *wrong]):
                    continue
                options = [fact, *wrong]
                rng.shuffle(options)
                made += 1
                items.append(
                    {
                        "id": f"q{question.number:02d}-{prefix}-draft-{made}",
                        "question": question.number,
                        "difficulty": "trung_binh",
                        "stem": "Điền vào chỗ trống: " + sentence.replace(fact, "…", 1),
                        "options": options,
                        "answer": LETTERS[options.index(fact)],
                        "fact": fact,
                        "explanation": f"Theo Câu {question.number}: {fact}."[:EXPLANATION_MAX],
                        "quote": sentence,
                        "status": "draft",
                    }
                )
    return items


def write_drafts(bank: Bank, out: Path) -> int:
    items = draft_items(bank)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        "# Draft items from `hpbot content draft-quiz`: never served; `hpbot content review` accepts them into quiz/.\n"
        + dump_yaml({"items": items}),
        encoding="utf-8",
    )
    return len(items)
