"""Reading a Q&A document (.txt or .docx) of the Congress outline's shape into a Bank (questions only).

Shape: title lines, an optional "(ban hành kèm theo … của <issuer>)" line, MỞ ĐẦU, then "PHẦN <roman>" headings each
followed by a title line, questions "Câu hỏi N: …" / "Câu N. …" each followed by "Trả lời:" and the official answer,
and KẾT LUẬN. Word-processor debris ("[bookmark: …]", zero-width characters) is removed and the text normalised to
NFC (a letter stored as letter + combining mark becomes the one letter it shows); nothing else in the wording is
changed. A Word file is read in document order (hpbot/content/docx_reader.py): the markers of its numbered and
bulleted lists become text as Word shows them, and each table row becomes one line.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hpbot.content.model import AnswerBlock, Bank, ContentError, Document, Part, Question

DEBRIS = re.compile(r"\[bookmark:[^\]]*\]|[\u200b-\u200d\u2060\u00ad]")
PART = re.compile(r"^PHẦN\s+([IVXLC]+)\s*[:.\-–]?\s*(.*)$", re.IGNORECASE)
QUESTION = re.compile(r"^(?:câu\s*hỏi|câu)\s*(\d{1,3})\s*(?:[:.\-–)]\s*)?(.*)$", re.IGNORECASE)
ANSWER = re.compile(r"^trả\s*lời\s*:\s*(.*)$", re.IGNORECASE)
INTRO = re.compile(r"^(MỞ ĐẦU|LỜI MỞ ĐẦU)$", re.IGNORECASE)
CONCLUSION = re.compile(r"^KẾT LUẬN$", re.IGNORECASE)
BULLET = re.compile(r"^([-–•+])\s+(.*)$")
NUMBERED = re.compile(r"^(\d{1,2}\.|\(\d{1,2}\)|[a-zđ]\))\s+(.*)$")
ISSUER = re.compile(r"của\s+(.+?)\)?\s*$")
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


@dataclass
class ImportResult:
    bank: Bank
    warnings: list[str] = field(default_factory=list)


def read_lines(path: Path) -> tuple[list[str], bytes]:
    """The document's paragraphs as lines, whatever the format; raises ContentError for what is not text."""
    raw = path.read_bytes()
    if path.suffix.lower() == ".docx":
        from hpbot.content.docx_reader import docx_lines

        return [_clean(p) for p in docx_lines(path)], raw
    if not raw.strip():
        raise ContentError(f"{path.name}: line 1: the file is empty")
    if b"\x00" in raw[:4096]:
        raise ContentError(f"{path.name}: line 1: binary data, not a text document")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(
            f"{path.name}: line {line}: not UTF-8 text (binary data or another encoding)"
        ) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [_clean(line) for line in text.split("\n")], raw


def _clean(line: str) -> str:
    line = DEBRIS.sub("", line.replace("\u00a0", " ").replace("\ufeff", "").replace("\t", " "))
    return unicodedata.normalize("NFC", line).strip()


def parse(lines: list[str], source_name: str, sha256: str) -> ImportResult:
    warnings: list[str] = []
    title_lines: list[str] = []
    issuer = ""
    intro: list[str] = []
    conclusion: list[str] = []
    parts: list[Part] = []
    questions: list[dict[str, Any]] = []
    section = "title"  # title | intro | part-title | question | answer | conclusion
    expected = 1

    def fail(lineno: int, why: str) -> ContentError:
        return ContentError(f"{source_name}: line {lineno}: {why}")

    for lineno, line in enumerate(lines, start=1):
        if not line:
            continue
        if INTRO.match(line):
            section = "intro"
            continue
        if CONCLUSION.match(line):
            if questions and questions[-1]["answer"] is None:
                raise fail(questions[-1]["line"], f"question {questions[-1]['number']} has no 'Trả lời:'")
            section = "conclusion"
            continue
        part = PART.match(line)
        if part and part.group(1).upper() in ROMAN:
            if questions and questions[-1]["answer"] is None:
                raise fail(questions[-1]["line"], f"question {questions[-1]['number']} has no 'Trả lời:'")
            roman = part.group(1).upper()
            parts.append(Part(ROMAN[roman], roman, part.group(2).strip()))
            section = "part-title" if not part.group(2).strip() else "between"
            continue
        if section == "part-title":
            parts[-1] = Part(parts[-1].number, parts[-1].roman, line)
            section = "between"
            continue
        question = QUESTION.match(line)
        if question and section not in ("intro", "conclusion"):
            number = int(question.group(1))
            if questions and questions[-1]["answer"] is None:
                raise fail(questions[-1]["line"], f"question {questions[-1]['number']} has no 'Trả lời:'")
            if not parts:
                raise fail(lineno, "a question comes before any 'PHẦN' heading")
            if number != expected:
                kind = "repeated" if any(q["number"] == number for q in questions) else "out of sequence"
                warnings.append(
                    f"{source_name}: line {lineno}: question {number} is {kind} (expected {expected})"
                )
            expected = number + 1
            questions.append(
                {
                    "number": number,
                    "part": parts[-1].number,
                    "text": question.group(2).strip(),
                    "answer": None,
                    "line": lineno,
                }
            )
            section = "question"
            continue
        answer = ANSWER.match(line)
        if answer and section == "question":
            questions[-1]["answer"] = []
            section = "answer"
            if answer.group(1).strip():
                questions[-1]["answer"].append(_block(answer.group(1).strip()))
            continue
        if section == "title":
            if line.startswith("(") and "ban hành" in line.lower():
                match = ISSUER.search(line)
                issuer = match.group(1).strip() if match else ""
            else:
                title_lines.append(line)
        elif section == "intro":
            intro.append(line)
        elif section == "question":
            questions[-1]["text"] = (questions[-1]["text"] + " " + line).strip()
        elif section == "answer":
            questions[-1]["answer"].append(_block(line))
        elif section == "conclusion":
            conclusion.append(line)
        elif section == "between":
            raise fail(lineno, f"text outside any question: {line[:60]!r}")

    if not questions:
        raise ContentError(
            f"{source_name}: line {len(lines)}: no questions found "
            "(expected headings such as 'Câu hỏi 1: …' followed by 'Trả lời:')"
        )
    if questions[-1]["answer"] is None:
        raise fail(questions[-1]["line"], f"question {questions[-1]['number']} has no 'Trả lời:'")
    seen: dict[str, int] = {}
    for q in questions:
        if not q["answer"]:
            warnings.append(f"{source_name}: line {q['line']}: question {q['number']} has an empty answer")
        key = " ".join(q["text"].split()).casefold()
        if key in seen:
            warnings.append(
                f"{source_name}: line {q['line']}: question {q['number']} repeats the text of question {seen[key]}"
            )
        seen.setdefault(key, q["number"])
    document = Document(" ".join(title_lines), issuer, source_name, sha256)
    bank = Bank(
        document=document,
        parts=tuple(parts),
        questions=tuple(Question(q["number"], q["part"], q["text"], tuple(q["answer"])) for q in questions),
        introduction=tuple(intro),
        conclusion=tuple(conclusion),
    )
    return ImportResult(bank, warnings)


def _block(line: str) -> AnswerBlock:
    if match := BULLET.match(line):
        return AnswerBlock("bullet", match.group(1), match.group(2))
    if match := NUMBERED.match(line):
        return AnswerBlock("numbered", match.group(1), match.group(2))
    return AnswerBlock("paragraph", "", line)


def import_document(path: Path, title: str | None = None) -> ImportResult:
    """Import a document; `title` (what /tailieu shows) replaces the title read from its first lines."""
    if not path.is_file():
        raise ContentError(f"{path}: no such file")
    lines, raw = read_lines(path)
    result = parse(lines, path.name, hashlib.sha256(raw).hexdigest())
    if title and title.strip():
        named = replace(result.bank.document, title=unicodedata.normalize("NFC", " ".join(title.split())))
        result.bank = replace(result.bank, document=named)
    return result
