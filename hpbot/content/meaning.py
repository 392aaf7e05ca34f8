"""What `hpbot content check` can tell about an item's meaning without understanding it.

- a fact is matched on word boundaries, case-insensitively, so a fact string cannot start in the middle of a
  word ("guyên nhân chủ quan") to pass a case-sensitive search;
- a distractor that the question's own official answer states where it states the right one is not wrong to
  someone who studied it (error);
- a correct option much longer than the distractors is guessed without reading (warning);
- a stem that shares a content word with the correct option only gives it away (warning).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

LONGEST_RATIO = 1.8
# Vietnamese function words and the stems' own frame: sharing one of them says nothing about the answer.
STOP_WORDS = frozenset(
    """
    à ai bao bị bởi các cái cả cho chỉ chưa có còn của cùng cũng đã đang đâu để đến đều đó được gì hay hoặc
    hơn khi không là lại lên mà mấy một mỗi nào này nên nhiều như những nhất ở phải qua ra rằng rất sau sẽ so
    tại theo thì thế trên trong từ và vào về với vẫn việc vì
    bằng đối thứ số gồm bước nội dung điều đồng thời nhằm hướng
    tài liệu câu hỏi trả lời nêu xác định đề ra đặt nhấn mạnh
    """.split()
)
_WORD = re.compile(r"[^\W_]+(?:[.,][0-9]+)*")


def fold(text: str) -> str:
    """NFC, case-folded, whitespace squashed: the form every comparison here uses."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _class(char: str) -> str:
    return "letter" if char.isalpha() else "digit" if char.isdigit() else ""


def find_words(needle: str, haystack: str) -> int:
    """Where `needle` stands in `haystack` as whole words (neither end splits a run of letters or of digits),
    ignoring case; -1 when it does not."""
    needle, haystack = fold(needle), fold(haystack)
    if not needle:
        return -1
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        before = haystack[start - 1] if start else ""
        after = haystack[end] if end < len(haystack) else ""
        if not (before and _class(before) and _class(before) == _class(needle[0])) and not (
            after and _class(after) and _class(after) == _class(needle[-1])
        ):
            return start
        start = haystack.find(needle, start + 1)
    return -1


def contains_words(needle: str, haystack: str) -> bool:
    return find_words(needle, haystack) >= 0


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in STOP_WORDS}


def distinctive(option: str, options: Sequence[str]) -> str:
    """The option without the words every option begins or ends with ("Gần 2.500 km²" among "Gần … km²"
    options is "2.500")."""
    split = [fold(o).split() for o in options]
    mine = fold(option).split()
    head = 0
    while head < len(mine) and all(len(s) > head and s[head] == mine[head] for s in split):
        head += 1
    tail = 0
    while tail < len(mine) - head and all(
        len(s) > tail + head and s[-1 - tail] == mine[-1 - tail] for s in split
    ):
        tail += 1
    return " ".join(mine[head : len(mine) - tail])


CONTEXT_WORDS = 3


def stated_distractors(
    options: Sequence[str], answer: int, fact: str, quote: str, official: str
) -> list[int]:
    """Indexes of the distractors the official answer states in the words that state the right one: the quote's
    few words before (or after) the fact, followed (or preceded) by the distractor's distinctive part, stand in
    the answer ("hoàn thiện sau 6 lần" when 12 is right and the answer says so of the same report). A figure the
    answer gives for something else (the other locality, the other report) is a fair distractor and passes."""
    at = find_words(fact, quote)
    if at < 0:
        return []
    folded = fold(quote)
    before = folded[:at].split()[-CONTEXT_WORDS:]
    after = folded[at + len(fold(fact)) :].split()[:CONTEXT_WORDS]
    right = distinctive(options[answer], options)
    out = []
    for i, option in enumerate(options):
        if i == answer:
            continue
        core = distinctive(option, options)
        # the fact may carry words of the option's frame ("12 lần dự thảo" for the core "12"): keep them
        stated = fold(fact).replace(right, core, 1) if right and right in fold(fact) else core
        probes = []
        if len(before) == CONTEXT_WORDS:
            probes.append(" ".join([*before, stated]))
        if len(after) == CONTEXT_WORDS:
            probes.append(" ".join([stated, *after]))
        if any(contains_words(probe, official) for probe in probes):
            out.append(i)
    return out


def too_long(options: Sequence[str], answer: int) -> float | None:
    """The ratio of the correct option's length to the mean distractor's, when it is above LONGEST_RATIO."""
    others = [len(o) for i, o in enumerate(options) if i != answer]
    mean = sum(others) / len(others) if others else 0
    ratio = len(options[answer]) / mean if mean else 0
    return ratio if ratio > LONGEST_RATIO else None


def giveaway_words(stem: str, options: Sequence[str], answer: int) -> set[str]:
    """Content words the stem shares with the correct option and with no distractor."""
    shared = content_words(stem) & content_words(options[answer])
    for i, option in enumerate(options):
        if i != answer:
            shared -= content_words(option)
    return shared
