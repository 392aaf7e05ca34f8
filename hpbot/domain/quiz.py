"""Multiple-choice items: four options, named by letter."""

from __future__ import annotations

LETTERS = "ABCD"
OPTION_COUNT = len(LETTERS)


def letter(index: int) -> str:
    """The letter of option `index` (0 -> 'A')."""
    return LETTERS[index]
