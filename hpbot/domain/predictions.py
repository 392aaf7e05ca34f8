"""The prediction tie-break of a competition (issue 19, item 5), as Vietnamese online contests settle ties.

A competition runs in rounds: `round_days` days each from its start (7: weekly rounds), or one round for the whole
competition. Each round ends with a prediction question answered in private chat: how many members will have every
answer of the round right. A member may change the number until the round's deadline (the reveal time of its last
day); the last number counts, and its time is when that number was entered (sending the same number again keeps the
earlier time: the earlier entry wins a tie).

The actual number: the members with a right answer on every study day of the competition inside the round (a study
day of the competition: one on which a round of one of its groups was revealed); a member with a line in two cells
counts once. Members are then ranked by points; at equal points, those who predicted before those who did not; among
them, the closer |prediction - actual| first, then the earlier prediction; then, as before, less total answer time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from hpbot.domain.ranking import Standing, sorted_in_parts
from hpbot.domain.schedule import at
from hpbot.errors import InputError

PREDICTION_MAX = 10_000_000
ROUND_DAYS_MAX = 366
WEEK = 7
_NUMBER = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})+$|^\d+$")
T = TypeVar("T")


class PredictionInputError(InputError):
    """A prediction or a round length the rules refuse; `reason` selects the reply."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ContestRound:
    number: int  # 1 for the first
    start: date
    end: date  # inclusive


@dataclass(frozen=True)
class Prediction:
    user_id: int
    value: int
    at: str  # when the value that counts was entered: UTC, ISO 8601 (sorts as time)


def contest_rounds(start: date, end: date, round_days: int | None) -> list[ContestRound]:
    """The rounds of a competition from `start` to `end`: of `round_days` days (the last one shorter), or one."""
    if not round_days:
        return [ContestRound(1, start, end)]
    rounds, first, number = [], start, 1
    while first <= end:
        last = min(end, first + timedelta(days=round_days - 1))
        rounds.append(ContestRound(number, first, last))
        first, number = last + timedelta(days=1), number + 1
    return rounds


def deadline(rnd: ContestRound, reveal: time, tz: ZoneInfo) -> datetime:
    """Predictions for a round close at the reveal of its last day (when the actual number is settled)."""
    return at(rnd.end, reveal, tz)


def open_round(
    rounds: Sequence[ContestRound], now: datetime, reveal: time, tz: ZoneInfo
) -> ContestRound | None:
    """The round a prediction sent now is for: the first whose deadline has not passed; None after the last."""
    return next((r for r in rounds if now < deadline(r, reveal, tz)), None)


def round_of_window(rounds: Sequence[ContestRound], start: date, end: date) -> ContestRound | None:
    """The round whose standings a window is: a round's own dates, or the whole competition (its last round)."""
    if not rounds:
        return None
    if start == rounds[0].start and end == rounds[-1].end:
        return rounds[-1]
    return next((r for r in rounds if (r.start, r.end) == (start, end)), None)


def parse_prediction(text: str) -> int:
    """'123', '1.234', '1 234' -> a whole number of members, 0 .. PREDICTION_MAX."""
    text = (text or "").strip()
    if not _NUMBER.match(text):
        raise PredictionInputError("number")
    value = int(re.sub(r"[.,\s]", "", text))
    if value > PREDICTION_MAX:
        raise PredictionInputError("too_big")
    return value


def parse_round_days(text: str) -> int | None:
    """'tuan'/'tuần'/'7' -> 7; 'ca'/'cả'/'0'/'khong' -> None (one round); '10' -> 10 days a round."""
    word = " ".join((text or "").casefold().split())
    if word in ("tuan", "tuần", "hang tuan", "hằng tuần", "week", "weekly"):
        return WEEK
    if word in (
        "ca",
        "cả",
        "ca cuoc thi",
        "cả cuộc thi",
        "0",
        "khong",
        "không",
        "mot",
        "một",
        "whole",
        "none",
    ):
        return None
    if word.isascii() and word.isdigit() and 1 <= int(word) <= ROUND_DAYS_MAX:
        return int(word)
    raise PredictionInputError("round_days")


def all_right(lines: Iterable[tuple[int, int]], study_days: int) -> int:
    """The actual number: members (user ids) with a line whose right answers equal the round's study days."""
    if study_days <= 0:
        return 0
    return len({user_id for user_id, correct in lines if correct >= study_days})


def tie_key(s: Standing, prediction: Prediction | None, actual: int) -> tuple[int, int, int, str, int]:
    """What ranks a member with the tie-break: points, a prediction at all, its distance, its time, answer time."""
    if prediction is None:
        return (-s.points, 1, 0, "", s.answer_ms)
    return (-s.points, 0, abs(prediction.value - actual), prediction.at, s.answer_ms)


def rank_with_predictions(
    items: Sequence[T],
    standing: Callable[[T], Standing],
    predictions: dict[int, Prediction],
    actual: int,
) -> list[tuple[int, T]]:
    """1-based ranks by `tie_key` (then the last answer and the user id for a stable order); lines equal on every
    part of the key share a rank."""

    keys = []  # each line's key once (a city's 200,000 lines: the sort and the ties read it again)
    order_keys = []  # the key, the last answer and the user id in one flat tuple: compared faster than nested
    for item in items:
        s = standing(item)
        key = tie_key(s, predictions.get(s.user_id), actual)
        keys.append(key)
        order_keys.append((*key, s.last_answer_at, s.user_id))
    ranked: list[tuple[int, T]] = []
    previous = None
    for index, i in enumerate(sorted_in_parts(range(len(items)), order_keys.__getitem__)):
        key = keys[i]
        ranked.append((ranked[-1][0] if index > 0 and key == previous else index + 1, items[i]))
        previous = key
    return ranked
