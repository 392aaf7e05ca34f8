"""StudyService.answer with the tap's arrival time: scored and judged open or closed at arrival, not at handling."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hpbot.app.study import AnswerOutcome, StudyService
from hpbot.clock import FakeClock
from hpbot.content import load_bank
from hpbot.domain.scoring import BASE_POINTS, SPEED_BONUS_MAX
from hpbot.store import Store

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
POST = datetime(2026, 11, 30, 7, 0, tzinfo=TZ)
REVEAL = datetime(2026, 11, 30, 20, 0, tzinfo=TZ)
CHAT, MEMBER = -1001, 7


@pytest.fixture(scope="module")
def bank():
    return load_bank()


@pytest.fixture
def world(bank):
    """A subscribed group whose question of the day was posted at 07:00 (reveal at 20:00)."""
    store = Store.memory()
    clock = FakeClock(POST)
    service = StudyService(store, bank, clock, TZ)
    service.subscribe(CHAT, "Chi bộ Khu 3", "group")
    rnd = service.start_round(store.group(CHAT))
    assert rnd is not None
    service.posted(rnd, 42)
    yield service, clock, store.round(rnd.id)
    store.close()


def answer_row(service, round_id):
    return service.store.db.execute(
        "SELECT points, elapsed_ms FROM answers WHERE round_id = ? AND user_id = ?", [round_id, MEMBER]
    ).fetchone()


def right_option(service, rnd):
    return service.bank.item(rnd.item_id).answer


def test_a_tap_that_arrived_a_second_after_the_post_scores_the_full_bonus_when_handled_later(world):
    service, clock, rnd = world
    clock.set(POST + timedelta(hours=2))  # handled two hours after it arrived
    result = service.answer(rnd.id, CHAT, MEMBER, right_option(service, rnd), at=POST + timedelta(seconds=1))
    assert result.outcome is AnswerOutcome.RECORDED
    assert answer_row(service, rnd.id) == (BASE_POINTS + SPEED_BONUS_MAX, 1000)


def test_without_an_arrival_time_the_tap_is_timed_now(world):
    service, clock, rnd = world
    clock.set(POST + timedelta(hours=2))
    assert service.answer(rnd.id, CHAT, MEMBER, right_option(service, rnd)).outcome is AnswerOutcome.RECORDED
    points, elapsed = answer_row(service, rnd.id)
    assert elapsed == 2 * 3600 * 1000 and points < BASE_POINTS + SPEED_BONUS_MAX


def test_a_tap_that_arrived_before_the_reveal_counts_while_the_round_is_still_open(world):
    service, clock, rnd = world
    clock.set(REVEAL + timedelta(seconds=3))  # the reveal is due but has not run yet
    at = REVEAL - timedelta(seconds=1)
    result = service.answer(rnd.id, CHAT, MEMBER, right_option(service, rnd), at=at)
    assert result.outcome is AnswerOutcome.RECORDED
    assert answer_row(service, rnd.id) == (BASE_POINTS, int((at - POST).total_seconds() * 1000))


def test_a_tap_that_arrived_at_or_after_the_reveal_time_is_closed(world):
    service, clock, rnd = world
    clock.set(REVEAL + timedelta(seconds=3))
    assert service.answer(rnd.id, CHAT, MEMBER, 0, at=REVEAL).outcome is AnswerOutcome.CLOSED
    assert service.answer(rnd.id, CHAT, MEMBER, 0).outcome is AnswerOutcome.CLOSED
    assert answer_row(service, rnd.id) is None


def test_a_tap_that_arrived_before_the_reveal_of_a_round_already_revealed_is_closed(world):
    service, clock, rnd = world
    clock.set(REVEAL)
    assert service.close(rnd)
    at = REVEAL - timedelta(minutes=1)
    assert service.answer(rnd.id, CHAT, MEMBER, 0, at=at).outcome is AnswerOutcome.CLOSED
