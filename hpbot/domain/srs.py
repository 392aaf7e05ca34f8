"""A member's own review schedule: FSRS (py-fsrs) over multiple-choice items, with the time always handed in.

The rating: a right answer is Good, a wrong one Again. FSRS's four ratings describe how recall felt; a tap on one of
four options says only whether it was right, and a right tap may be a lucky guess (one chance in four), so Easy
would overstate it and Hard needs a feeling the bot never sees. The binary variant of FSRS measured on the open
srs-benchmark (log loss 0.33, beside 0.32 for four ratings) uses exactly these two.

Learning steps of 10 minutes: a new item answered right goes straight to its first interval (two days), one
answered wrong comes back in the same sitting. Fuzzing is off: FSRS's fuzz draws from the process-wide random
generator, and a schedule that a restart or a test replays the same way is worth more here than spreading reviews
by a day (the bounded pace of new items already spreads them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

NEW_PER_DAY = 10  # new items a member meets a day
LEARN_AHEAD = timedelta(minutes=20)  # with nothing else to do, an item due this soon is served now
MASTERED_STABILITY_DAYS = 21.0  # Anki's "mature": an interval of three weeks
MASTERED_RETRIEVABILITY = 0.9  # FSRS's target retention: still likely to be recalled now
STEP = timedelta(minutes=10)

SCHEDULER = Scheduler(learning_steps=(STEP,), relearning_steps=(STEP,), enable_fuzzing=False)


@dataclass(frozen=True)
class Schedule:
    """A card after a review: its state as stored (JSON), when it is due, and whether the review was a lapse."""

    card: str
    due: datetime
    rating: Rating
    lapse: bool


def rating(correct: bool) -> Rating:
    return Rating.Good if correct else Rating.Again


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("srs needs aware datetimes")
    return moment.astimezone(UTC)


def new_card(now: datetime) -> Card:
    """A card never reviewed, due at `now` (an explicit id and due time: fsrs would otherwise read the clock)."""
    return Card(card_id=1, due=_utc(now))


def load(stored: str | None, now: datetime) -> Card:
    return Card.from_dict(json.loads(stored)) if stored else new_card(now)


def dump(card: Card) -> str:
    return json.dumps(card.to_dict(), separators=(",", ":"))


def review(stored: str | None, correct: bool, now: datetime) -> Schedule:
    """Rate a card (None: a new one) at `now`; a review dated before the card's last one counts at that one."""
    card = load(stored, now)
    at = _utc(now)
    if card.last_review is not None and at < card.last_review:
        at = card.last_review
    was_learnt = card.state is not State.Learning
    given = rating(correct)
    after, _ = SCHEDULER.review_card(card, given, review_datetime=at)
    return Schedule(dump(after), after.due, given, lapse=was_learnt and not correct)


def retrievability(stored: str, now: datetime) -> float:
    """The chance FSRS gives of recalling the item at `now` (0 for a card never reviewed)."""
    card = load(stored, now)
    return SCHEDULER.get_card_retrievability(card, _utc(now)) if card.last_review else 0.0


def stability(stored: str) -> float:
    data = json.loads(stored)
    return float(data.get("stability") or 0.0)


def mastered(stored: str, now: datetime) -> bool:
    """Learnt for weeks and still likely recalled today."""
    card = load(stored, now)
    return (
        card.state is State.Review
        and (card.stability or 0.0) >= MASTERED_STABILITY_DAYS
        and SCHEDULER.get_card_retrievability(card, _utc(now)) >= MASTERED_RETRIEVABILITY
    )


def new_allowance(introduced_today: int, limit: int | None = None) -> int:
    """How many new items the member may still meet today (at most `limit`, by default NEW_PER_DAY)."""
    return max(0, (NEW_PER_DAY if limit is None else limit) - introduced_today)
