"""A competition's prizes and who wins them: pure rules, no I/O.

The organizer sets how many individual prizes of each class (Nhất, Nhì, Ba, Khuyến khích) and how many collective
prizes (cells ranked by participation). Members win in their ranking order (points, then total answer time, then
the earlier last answer); members on the same rank win the same prize, so a tie never leaves one of them out.
A member or a cell with no points wins nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

PRIZE_MAX = 100  # prizes of one class
CLASSES = ("first", "second", "third", "consolation")  # individual prize classes, best first
# the words an organizer types for each class (without diacritics, or with them), e.g. "nhat=1 nhi=2 ba=3 kk=5"
WORDS = {
    "nhat": "first",
    "nhi": "second",
    "ba": "third",
    "kk": "consolation",
    "khuyenkhich": "consolation",
    "tapthe": "collective",
}


class PrizeInputError(ValueError):
    def __init__(self, reason: str, word: str = "") -> None:
        super().__init__(reason)
        self.reason, self.word = reason, word


@dataclass(frozen=True)
class Prizes:
    first: int = 0
    second: int = 0
    third: int = 0
    consolation: int = 0
    collective: int = 0

    @property
    def individual(self) -> int:
        return self.first + self.second + self.third + self.consolation

    @property
    def any(self) -> bool:
        return bool(self.individual or self.collective)

    def count(self, prize_class: str) -> int:
        return int(getattr(self, prize_class))


def _plain(word: str) -> str:
    """'Nhất' -> 'nhat', 'khuyến khích' -> 'khuyenkhich': what the organizer meant, however it was typed."""
    decomposed = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not c.isspace()).casefold()


def parse_prizes(args: Sequence[str]) -> Prizes:
    """`nhat=1 nhi=2 ba=3 kk=5 tapthe=3` (any order, any subset; classes not named get none)."""
    if not args:
        raise PrizeInputError("empty")
    counts: dict[str, int] = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        if not sep:
            raise PrizeInputError("format", arg)
        prize_class = WORDS.get(_plain(key))
        if prize_class is None:
            raise PrizeInputError("class", key)
        value = value.strip()
        if not (value.isascii() and value.isdigit()) or int(value) > PRIZE_MAX:
            raise PrizeInputError("number", arg)
        counts[prize_class] = int(value)
    prizes = Prizes(**counts)
    if not prizes.any:
        raise PrizeInputError("none")
    return prizes


@dataclass(frozen=True)
class Contender:
    """One ranked entry: a member (key: user id, group: their cell) or a cell (key: chat id)."""

    rank: int
    key: int
    name: str
    group: str
    points: int
    rate: float = 0.0  # a cell's participation (0..1)


@dataclass(frozen=True)
class Award:
    prize_class: str  # one of CLASSES, or "collective"
    place: int  # 1 for the first of its class (and for every member tied with them), …
    winner: Contender


def _take(queue: Sequence[Contender], begin: int, wanted: int) -> int:
    """Where a class of `wanted` winners starting at `begin` ends: after the last one tied with its last winner."""
    end = min(begin + wanted, len(queue))
    while begin < end < len(queue) and queue[end].rank == queue[end - 1].rank:
        end += 1
    return end


def _placed(prize_class: str, winners: Sequence[Contender]) -> list[Award]:
    """Places within a class: 1, 2, … in ranking order, the same place for the same rank."""
    awards: list[Award] = []
    for index, winner in enumerate(winners):
        same = awards and awards[-1].winner.rank == winner.rank
        awards.append(Award(prize_class, awards[-1].place if same else index + 1, winner))
    return awards


def individual_awards(ranked: Sequence[Contender], prizes: Prizes) -> list[Award]:
    """Members in ranking order get the prizes in class order, best class first. A member tied with the last
    winner of a class wins that class too (the class then has more winners than set) and the next class starts
    after them: equal results, equal prize."""
    queue = [c for c in ranked if c.points > 0]
    awards: list[Award] = []
    begin = 0
    for prize_class in CLASSES:
        end = _take(queue, begin, prizes.count(prize_class))
        awards += _placed(prize_class, queue[begin:end])
        begin = end
    return awards


def collective_awards(ranked_cells: Sequence[Contender], prizes: Prizes) -> list[Award]:
    """The first cells by participation (a cell tied with the last of them included), each with some."""
    queue = [c for c in ranked_cells if c.rate > 0]
    return _placed("collective", queue[: _take(queue, 0, prizes.collective)])
