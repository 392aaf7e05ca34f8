"""The official text as a member should read it.

The bank keeps the document's wording verbatim (so a reviewer can always find it in the source); what a member
reads is that text NFC-normalised, with the errata of its question applied and the space after sentence
punctuation restored where the word processor dropped it ("là:Tiếp tục", "cấp ủy.Phân công"). `hpbot content
check` proves, question by question, that the two differ by nothing else (`display_differences`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from hpbot.content.model import Erratum

# A colon, semicolon, comma, question or exclamation mark glued to the next word lost its space whatever follows;
# a full stop only when a capital or a digit follows, since "v.v", "gov.vn" and "TP.Hải Phòng" glue on purpose.
_GLUED = re.compile(r"(?<=\S)(?:[:;,!?](?=\w)|\.(?=[^\W\d_]|\d))")
# Both sides digits: a number, a time or a decimal ("3.200", "4,6", "10:30"), never a lost space.
_NUMBER = re.compile(r"\d[.,:]\d")
# Web and mail addresses keep their dots and colons.
_ADDRESS = re.compile(
    r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+|\S+@\S+\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:vn|com|org|net)\b"
)
_LETTERS_BEFORE = re.compile(r"[^\W\d_]+$")

SPACED_AFTER = ".:;,!?"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def applicable(errata: Iterable[Erratum], question: int | None) -> list[Erratum]:
    """The errata of one question, and those that apply everywhere (question None)."""
    return [e for e in errata if e.question is None or e.question == question]


def apply_errata(text: str, errata: Iterable[Erratum], question: int | None) -> str:
    """`text` (already NFC) with every applicable erratum replaced by its suggestion (compared in NFC, so an
    entry typed with a decomposed letter still matches)."""
    for erratum in applicable(errata, question):
        text = text.replace(nfc(erratum.source), nfc(erratum.suggested))
    return text


def glued_positions(text: str) -> list[int]:
    """Indexes just after each punctuation mark that lost its following space."""
    protected = [m.span() for m in _ADDRESS.finditer(text)]
    out = []
    for match in _GLUED.finditer(text):
        at = match.start()
        if any(start <= at < end for start, end in protected):
            continue
        if _NUMBER.match(text, at - 1):
            continue
        if text[at] == "." and _abbreviation(text, at):
            continue
        out.append(at + 1)
    return out


def _abbreviation(text: str, dot: int) -> bool:
    """A single letter or a run of two or three capitals before the dot ("v.", "T.Ư", "TP."): the dot belongs
    to the abbreviation, so no space is missing after it."""
    word = _LETTERS_BEFORE.search(text, 0, dot)
    letters = word.group() if word else ""
    return len(letters) == 1 or (2 <= len(letters) <= 3 and letters.isupper())


def restore_spaces(text: str) -> str:
    positions = glued_positions(text)
    if not positions:
        return text
    pieces, last = [], 0
    for at in positions:
        pieces.append(text[last:at])
        last = at
    pieces.append(text[last:])
    return " ".join(pieces)


def for_display(text: str, errata: Iterable[Erratum], question: int | None) -> str:
    """The text as a member reads it: NFC, the errata of `question` applied, dropped spaces restored."""
    return restore_spaces(apply_errata(nfc(text), errata, question))


def display_differences(
    text: str, errata: Iterable[Erratum], question: int | None, shown: str | None = None
) -> list[str]:
    """Why `shown` (by default `for_display(text, …)`) is not `text` corrected by the errata plus single spaces
    after punctuation: one line per unexplained difference, empty when there is none."""
    errata = list(errata)
    corrected = apply_errata(nfc(text), errata, question)
    shown = for_display(text, errata, question) if shown is None else shown
    out: list[str] = []
    i = j = 0
    while i < len(corrected) and j < len(shown):
        if corrected[i] == shown[j]:
            i += 1
            j += 1
        elif shown[j] == " " and i > 0 and corrected[i - 1] in SPACED_AFTER and corrected[i] != " ":
            j += 1
        else:
            out.append(
                f"differs at {corrected[max(0, i - 20) : i + 20]!r} (shown {shown[max(0, j - 20) : j + 20]!r})"
            )
            return out
    if i < len(corrected) or j < len(shown):
        out.append(f"differs at the end: {corrected[i:][:40]!r} against {shown[j:][:40]!r}")
    return out
