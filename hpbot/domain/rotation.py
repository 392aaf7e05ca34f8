"""Which question and which quiz item a group gets next."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def next_question(numbers: Sequence[int], last_question: int | None) -> int:
    """Walk the questions in document order, cycling; start at the first."""
    if not numbers:
        raise ValueError("the bank has no questions")
    ordered = sorted(numbers)
    if last_question is None:
        return ordered[0]
    for number in ordered:
        if number > last_question:
            return number
    return ordered[0]


def pick_item(item_ids: Sequence[str], times_used: Mapping[str, int]) -> str:
    """The item of a question used least often in this group, earliest in bank order on ties.

    So no item of a question repeats until every item of that question has been used, and items added to the bank
    later are picked first.
    """
    if not item_ids:
        raise ValueError("the question has no quiz items")
    return min(item_ids, key=lambda item_id: (times_used.get(item_id, 0), item_ids.index(item_id)))
