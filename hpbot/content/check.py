"""`hpbot content check`: every problem in a bank, as `file: item-id: what is wrong`."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hpbot.content.bank import (
    ERRATA_FILE,
    QUESTIONS_FILE,
    document_dir,
    questions_from_data,
    quiz_files,
    read_yaml,
)
from hpbot.content.display import display_differences, nfc
from hpbot.content.meaning import contains_words, giveaway_words, stated_distractors, too_long
from hpbot.content.model import DIFFICULTIES, ContentError, Erratum, Question
from hpbot.domain.quiz import LETTERS

STEM_MAX, OPTION_MAX, EXPLANATION_MAX, EXPLANATION_BREAKS = 300, 100, 200, 2
MIN_ITEMS_PER_QUESTION = 5
FIELDS = {"id", "question", "difficulty", "stem", "options", "answer", "fact", "explanation", "quote"}
OPTIONAL = {"status"}
ID_PATTERN = re.compile(r"^q\d{2}-[a-z0-9-]+$")


@dataclass(frozen=True)
class Problem:
    file: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.what}"


@dataclass
class Report:
    problems: list[Problem]
    questions: int = 0
    items: int = 0
    drafts: int = 0
    difficulties: Counter[str] | None = None
    warnings: list[Problem] = field(default_factory=list)  # printed, but the bank still passes


def normalise(text: str) -> str:
    return " ".join(nfc(text).split())


def check_bank(directory: Path) -> Report:
    problems: list[Problem] = []
    directory = document_dir(directory)
    qpath = directory / QUESTIONS_FILE
    try:
        _doc, _parts, questions, intro, conclusion = questions_from_data(read_yaml(qpath), qpath)
    except ContentError as exc:
        return Report([Problem(str(qpath), "bank", str(exc))])
    numbers = [q.number for q in questions]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(
            Problem(str(qpath), "bank", f"questions must be numbered 1..N without gaps, found {numbers}")
        )
    answers = {q.number: normalise(q.answer_text()) for q in questions}
    warnings: list[Problem] = []
    errata_problems, errata_warnings = check_errata(directory / ERRATA_FILE, questions, intro + conclusion)
    problems.extend(errata_problems)
    warnings.extend(errata_warnings)
    seen: dict[str, str] = {}
    reviewed: Counter[int] = Counter()
    difficulties: Counter[str] = Counter()
    items = drafts = 0
    for path in quiz_files(directory):
        try:
            data = read_yaml(path)
        except ContentError as exc:
            problems.append(Problem(str(path), "file", str(exc)))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            problems.append(Problem(str(path), "file", "expected a mapping with a list under 'items'"))
            continue
        for index, raw in enumerate(data["items"]):
            ident = raw.get("id") if isinstance(raw, dict) and raw.get("id") else f"item #{index + 1}"
            found = list(check_item(raw, answers))
            if isinstance(raw, dict) and raw.get("id"):
                if raw["id"] in seen:
                    found.append(f"duplicate id (also in {seen[raw['id']]})")
                seen[raw["id"]] = path.name
            if not found and raw.get("status", "reviewed") == "reviewed":
                errors, doubts = check_meaning(raw, answers[raw["question"]])
                found.extend(errors)
                warnings.extend(Problem(str(path), str(ident), what) for what in doubts)
            problems.extend(Problem(str(path), str(ident), what) for what in found)
            if not found:
                if raw.get("status", "reviewed") == "reviewed":
                    items += 1
                    reviewed[int(raw["question"])] += 1
                    difficulties[raw["difficulty"]] += 1
                else:
                    drafts += 1
    for number in numbers:
        if reviewed[number] < MIN_ITEMS_PER_QUESTION:
            problems.append(
                Problem(
                    str(directory / "quiz"),
                    f"question {number}",
                    f"has {reviewed[number]} valid reviewed items, needs at least {MIN_ITEMS_PER_QUESTION}",
                )
            )
    return Report(problems, len(questions), items, drafts, difficulties, warnings)


def check_errata(
    path: Path, questions: tuple[Question, ...], elsewhere: tuple[str, ...]
) -> tuple[list[Problem], list[Problem]]:
    """Every erratum names a question of the bank and text that is in it; and the text members read differs
    from the verbatim bank only by those errata, NFC and the restored spaces after punctuation."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    errata: list[Erratum] = []
    if path.is_file():
        try:
            raw = read_yaml(path) or {}
            errata = [
                Erratum(e.get("question"), str(e["source"]), str(e["suggested"]))
                for e in raw.get("errata") or []
            ]
        except (ContentError, AttributeError, KeyError, TypeError) as exc:
            return [Problem(str(path), "errata", f"not an errata list ({exc})")], []
    texts = {q.number: [q.text, *q.paragraphs()] for q in questions}
    everywhere = [t for lines in texts.values() for t in lines] + list(elsewhere)
    for erratum in errata:
        where = f"erratum {erratum.source!r}"
        if erratum.question is not None and erratum.question not in texts:
            problems.append(Problem(str(path), where, f"question {erratum.question!r} is not in the bank"))
            continue
        lines = everywhere if erratum.question is None else texts[erratum.question]
        text = nfc("\n".join(lines))
        if nfc(erratum.source) == nfc(erratum.suggested):
            problems.append(Problem(str(path), where, "suggests the same text"))
        elif nfc(erratum.source) not in text:
            if nfc(erratum.suggested) in text:  # a decomposed letter that NFC already mends
                warnings.append(Problem(str(path), where, "the text already reads as suggested: remove it"))
            else:
                scope = "the document" if erratum.question is None else f"question {erratum.question}"
                problems.append(Problem(str(path), where, f"not found in {scope}"))
    for number, lines in texts.items():
        for line in lines:
            for what in display_differences(line, errata, number):
                problems.append(Problem(str(path), f"question {number}", f"display {what}"))
    for line in elsewhere:
        for what in display_differences(line, errata, None):
            problems.append(Problem(str(path), "introduction or conclusion", f"display {what}"))
    return problems, warnings


def check_meaning(raw: dict[str, Any], official: str) -> tuple[list[str], list[str]]:
    """Errors and warnings about what a valid reviewed item means (hpbot.content.meaning)."""
    options = [str(o) for o in raw["options"]]
    answer = LETTERS.index(str(raw["answer"]).strip().upper())
    errors = [
        f"distractor {LETTERS[i]} ({options[i]!r}) is stated in the official answer"
        for i in stated_distractors(options, answer, str(raw["fact"]), str(raw["quote"]), official)
    ]
    doubts = []
    ratio = too_long(options, answer)
    if ratio is not None:
        doubts.append(f"the correct option is {ratio:.1f}x as long as the mean distractor")
    shared = giveaway_words(str(raw["stem"]), options, answer)
    if shared:
        doubts.append(f"the stem shares {', '.join(sorted(shared))!r} with the correct option only")
    return errors, doubts


def check_item(raw: object, answers: dict[int, str]) -> list[str]:
    if not isinstance(raw, dict):
        return ["not a mapping"]
    out = []
    missing = FIELDS - raw.keys()
    extra = raw.keys() - FIELDS - OPTIONAL
    if missing:
        out.append(f"missing fields: {', '.join(sorted(missing))}")
    if extra:
        out.append(f"unknown fields: {', '.join(sorted(extra))}")
    if missing:
        return out
    for name in ("id", "stem", "fact", "explanation", "quote", "difficulty"):
        if not isinstance(raw[name], str) or not raw[name].strip():
            out.append(f"{name} must be a non-empty string")
    if out:
        return out
    if not ID_PATTERN.match(raw["id"]):
        out.append("id must look like q05-short-slug (lowercase ascii)")
    if not isinstance(raw["question"], int) or raw["question"] not in answers:
        out.append(f"question {raw['question']!r} is not a question of the bank")
    elif not raw["id"].startswith(f"q{raw['question']:02d}-"):
        out.append(f"id does not match question {raw['question']}")
    if raw.get("status", "reviewed") not in ("reviewed", "draft"):
        out.append("status must be reviewed or draft")
    if raw["difficulty"] not in DIFFICULTIES:
        out.append(f"difficulty must be one of {', '.join(DIFFICULTIES)}")
    options = raw["options"]
    if (
        not isinstance(options, list)
        or len(options) != 4
        or not all(isinstance(o, str) and o.strip() for o in options)
    ):
        out.append("options must be a list of exactly 4 non-empty strings")
        options = None
    else:
        if len({normalise(o).casefold() for o in options}) != 4:
            out.append("options must be distinct")
        for i, option in enumerate(options):
            if len(option) > OPTION_MAX:
                out.append(f"option {LETTERS[i]} has {len(option)} characters (max {OPTION_MAX})")
    answer = str(raw["answer"]).strip().upper()
    if answer not in tuple(LETTERS):  # a single letter, not a substring such as "AB"
        out.append(f"answer {raw['answer']!r} must be exactly one letter of A, B, C, D")
    if len(raw["stem"]) > STEM_MAX:
        out.append(f"stem has {len(raw['stem'])} characters (max {STEM_MAX})")
    if len(raw["explanation"]) > EXPLANATION_MAX:
        out.append(f"explanation has {len(raw['explanation'])} characters (max {EXPLANATION_MAX})")
    if raw["explanation"].count("\n") > EXPLANATION_BREAKS:
        out.append(f"explanation has more than {EXPLANATION_BREAKS} line breaks")
    official = answers.get(raw["question"]) if isinstance(raw["question"], int) else None
    if official is not None and normalise(raw["quote"]) not in official:
        out.append(f"quote is not found verbatim in the official answer of question {raw['question']}")
    if not contains_words(raw["fact"], raw["quote"]):
        out.append("fact is not in the quote (as whole words)")
    if (
        options
        and answer in tuple(LETTERS)
        and not contains_words(raw["fact"], options[LETTERS.index(answer)])
    ):
        out.append("fact is not in the correct option (as whole words)")
    return out
