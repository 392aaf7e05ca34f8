"""The bank on disk: questions.yaml (imported), errata.yaml (hand-kept), quiz/*.yaml (hand-written items).

YAML is written one paragraph per line, never folded, so a review diff shows exactly what changed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from hpbot.content.model import (
    AnswerBlock,
    Bank,
    ContentError,
    Document,
    Erratum,
    Part,
    Question,
    QuizItem,
)
from hpbot.domain.quiz import LETTERS
from hpbot.paths import content_dir

QUESTIONS_FILE = "questions.yaml"
DOCUMENTS_DIR = "documents"
ERRATA_FILE = "errata.yaml"
QUIZ_DIR = "quiz"


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if value else None)


def _mapping(dumper: yaml.SafeDumper, value: dict[Any, Any]) -> yaml.MappingNode:
    pairs = [
        (yaml.ScalarNode("tag:yaml.org,2002:str", str(k)), dumper.represent_data(v)) for k, v in value.items()
    ]
    return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=False)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(dict, _mapping)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000, indent=2)


def questions_to_data(bank: Bank) -> dict[str, Any]:
    return {
        "document": {
            "title": bank.document.title,
            "issuer": bank.document.issuer,
            "source_file": bank.document.source_file,
            "sha256": bank.document.sha256,
        },
        "introduction": list(bank.introduction),
        "parts": [{"number": p.number, "roman": p.roman, "title": p.title} for p in bank.parts],
        "questions": [
            {
                "number": q.number,
                "part": q.part,
                "text": q.text,
                "answer": [{"kind": b.kind, "marker": b.marker, "text": b.text} for b in q.answer],
            }
            for q in bank.questions
        ],
        "conclusion": list(bank.conclusion),
    }


def write_questions(bank: Bank, directory: Path) -> Path:
    """Write questions.yaml atomically (a temp file renamed into place)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / QUESTIONS_FILE
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".questions-", suffix=".yaml")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(
            "# Imported by `hpbot content import`: do not edit by hand; re-import the source instead.\n"
        )
        handle.write(dump_yaml(questions_to_data(bank)))
    os.replace(tmp, target)
    return target


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML: {exc}") from exc
    except OSError as exc:
        raise ContentError(f"{path}: cannot be read: {exc.strerror}") from exc


def questions_from_data(
    data: Any, path: Path
) -> tuple[Document, tuple[Part, ...], tuple[Question, ...], tuple[str, ...], tuple[str, ...]]:
    try:
        doc = data["document"]
        document = Document(
            str(doc["title"]), str(doc["issuer"]), str(doc["source_file"]), str(doc["sha256"])
        )
        parts = tuple(Part(int(p["number"]), str(p["roman"]), str(p["title"])) for p in data["parts"])
        questions = tuple(
            Question(
                int(q["number"]),
                int(q["part"]),
                str(q["text"]),
                tuple(AnswerBlock(str(b["kind"]), str(b["marker"]), str(b["text"])) for b in q["answer"]),
            )
            for q in data["questions"]
        )
        return (
            document,
            parts,
            questions,
            tuple(data.get("introduction") or ()),
            tuple(data.get("conclusion") or ()),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ContentError(f"{path}: not a question bank ({exc.__class__.__name__}: {exc})") from exc


def item_from_data(raw: dict[str, Any]) -> QuizItem:
    """One quiz item; raises KeyError/ValueError/TypeError on a malformed entry (the checker reports details)."""
    answer = str(raw["answer"]).strip().upper()
    if answer not in tuple(LETTERS):  # a single letter, not a substring such as "AB"
        raise ValueError(f"answer {raw['answer']!r} is not one of A, B, C, D")
    return QuizItem(
        id=str(raw["id"]),
        question=int(raw["question"]),
        difficulty=str(raw["difficulty"]),
        stem=str(raw["stem"]),
        options=tuple(str(o) for o in raw["options"]),
        answer=LETTERS.index(answer),
        fact=str(raw["fact"]),
        explanation=str(raw["explanation"]),
        quote=str(raw["quote"]),
        status=str(raw.get("status", "reviewed")),
    )


def quiz_files(directory: Path) -> list[Path]:
    quiz = directory / QUIZ_DIR
    return sorted(quiz.glob("*.yaml")) if quiz.is_dir() else []


def document_dir(directory: Path) -> Path:
    """The one document a command given a single path means: `directory` itself when it holds questions.yaml,
    else the first document under `directory/documents/` (the content root), else `directory` (whose missing file
    is then reported). The bot itself serves every document: hpbot.content.library."""
    if (directory / QUESTIONS_FILE).is_file() or not (directory / DOCUMENTS_DIR).is_dir():
        return directory
    documents = sorted(d for d in (directory / DOCUMENTS_DIR).iterdir() if (d / QUESTIONS_FILE).is_file())
    return documents[0] if documents else directory


def load_bank(directory: Path | None = None) -> Bank:
    """Load the bank once: questions, errata and the reviewed quiz items (drafts are never served)."""
    directory = document_dir(Path(directory) if directory else content_dir())
    path = directory / QUESTIONS_FILE
    if not path.is_file():
        raise ContentError(f"{path}: missing (run `hpbot content import`)")
    document, parts, questions, intro, conclusion = questions_from_data(read_yaml(path), path)
    items: list[QuizItem] = []
    for quiz_path in quiz_files(directory):
        data = read_yaml(quiz_path) or {}
        if not isinstance(data, dict):
            raise ContentError(
                f"{quiz_path}: expected a mapping with a list under 'items' (run `hpbot content check`)"
            )
        for raw in data.get("items") or []:
            try:
                item = item_from_data(raw)
            except (KeyError, TypeError, ValueError) as exc:
                ident = raw.get("id", "?") if isinstance(raw, dict) else "?"
                raise ContentError(f"{quiz_path}: {ident}: {exc} (run `hpbot content check`)") from exc
            if item.status == "reviewed":
                items.append(item)
    order = {q.number: i for i, q in enumerate(questions)}
    items.sort(key=lambda item: order.get(item.question, len(order)))
    errata: tuple[Erratum, ...] = ()
    errata_path = directory / ERRATA_FILE
    if errata_path.is_file():
        raw_errata = read_yaml(errata_path) or {}
        try:
            errata = tuple(
                Erratum(e.get("question"), str(e["source"]), str(e["suggested"]))
                for e in raw_errata.get("errata") or []
            )
        except (
            AttributeError,
            KeyError,
            TypeError,
        ) as exc:  # not a mapping, an entry without source/suggested
            raise ContentError(
                f"{errata_path}: not an errata list ({exc.__class__.__name__}: {exc})"
            ) from exc
    return Bank(document, parts, questions, tuple(items), intro, conclusion, errata, id=directory.name)
