"""The order in which a round shows its item's options.

Each round shows the four options in an order of its own, drawn from the round's id and item: the same round always
gets the same order (a restart, a count edit and the reveal agree), the right letter does not follow the bank (where
runs of one letter are common), and two groups on the same item the same day mostly see different orders, so a cell
that reveals early does not hand the letter to the others. The order depends on nothing that can change during a
round (a group's chat id changes when it becomes a supergroup; the round id does not).
"""

from __future__ import annotations

import functools
import hashlib
import random

from hpbot.domain.quiz import OPTION_COUNT

Order = tuple[int, ...]  # order[position shown] = index of the option in the bank
BANK_ORDER: Order = tuple(range(OPTION_COUNT))


@functools.lru_cache(
    maxsize=16_384
)  # every tap asks its round's (seeding a Random is most of a tap's own work)
def order(round_id: int, item_id: str, count: int = OPTION_COUNT) -> Order:
    """The permutation of a round's options, the same for the same round and item on every call."""
    digest = hashlib.sha256(f"{round_id}:{item_id}".encode()).digest()
    shown = list(range(count))
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(shown)  # noqa: S311 (an order, not a secret)
    return tuple(shown)


def position(shown: Order, option: int) -> int:
    """Where the bank's option `option` is shown (0 is A)."""
    return shown.index(option)
