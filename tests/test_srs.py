"""The FSRS wrapper: right is Good, wrong is Again, time only as handed in, intervals that grow and shrink."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hpbot.domain import srs

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_rating_mapping():
    assert srs.rating(True).name == "Good"
    assert srs.rating(False).name == "Again"


def test_right_answers_grow_intervals_and_a_wrong_one_shrinks_them():
    card, at, intervals = None, NOW, []
    for correct in (True, True, True):
        after = srs.review(card, correct, at)
        intervals.append(after.due - at)
        card, at = after.card, after.due
    assert intervals[0] < intervals[1] < intervals[2]
    lapse = srs.review(card, False, at)
    assert lapse.lapse and lapse.due - at == srs.STEP
    back = srs.review(lapse.card, True, lapse.due)
    assert back.due - lapse.due < intervals[2]


def test_new_item_wrong_comes_back_in_the_sitting_and_is_no_lapse():
    after = srs.review(None, False, NOW)
    assert after.due - NOW == srs.STEP and not after.lapse


def test_same_inputs_same_schedule_and_local_time_is_accepted():
    local = NOW.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert srs.review(None, True, NOW) == srs.review(None, True, local)


def test_a_review_dated_before_the_last_one_counts_at_the_last_one():
    first = srs.review(None, True, NOW)
    earlier = srs.review(first.card, False, NOW - timedelta(hours=1))
    assert earlier.due == NOW + srs.STEP


def test_naive_time_is_refused():
    with pytest.raises(ValueError):
        srs.review(None, True, datetime(2026, 12, 1, 12, 0))  # noqa: DTZ001


def test_mastered_needs_weeks_of_stability_and_recall_today():
    card, at = None, NOW
    while not srs.mastered(card or srs.dump(srs.new_card(at)), at):
        after = srs.review(card, True, at)
        card, at = after.card, after.due
        assert at - NOW < timedelta(days=365)
    assert srs.stability(card) >= srs.MASTERED_STABILITY_DAYS
    assert not srs.mastered(card, at + timedelta(days=400))  # long forgotten: no longer counted
    assert srs.retrievability(card, at) >= srs.MASTERED_RETRIEVABILITY


def test_new_allowance_is_bounded():
    assert srs.new_allowance(0) == srs.NEW_PER_DAY
    assert srs.new_allowance(srs.NEW_PER_DAY + 3) == 0
