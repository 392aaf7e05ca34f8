"""Pure rules: scoring, streaks, due times, item order, ranking."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from hpbot.domain import rotation, schedule, scoring, streaks
from hpbot.domain.ranking import Standing, rank

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("elapsed", "points"),
    [(0, 15), (29 * 60 + 59, 15), (30 * 60, 14), (61 * 60, 13), (149 * 60, 11), (150 * 60, 10), (10 * 3600, 10)],
)
def test_correct_answer_points_fall_with_time(elapsed, points):
    assert scoring.points_for(True, elapsed) == points


def test_wrong_answer_earns_nothing():
    assert scoring.points_for(False, 0) == 0


def test_streak_grows_on_consecutive_rounds_and_restarts_after_a_gap():
    s = streaks.Streak()
    for seq in (1, 2, 3):
        s = streaks.after_answer(s, seq)
    assert (s.current, s.best) == (3, 3)
    s = streaks.after_answer(s, 5)
    assert (s.current, s.best, s.last_round) == (1, 3, 5)


def test_streak_counts_rounds_not_calendar_days():
    # rounds are only the days the group got a question: 1, 2, 3 with holidays between still make a streak
    assert streaks.replay([1, 2, 3]).current == 3


def test_answering_the_same_round_twice_does_not_count_twice():
    s = streaks.after_answer(streaks.after_answer(streaks.Streak(), 4), 4)
    assert s.current == 1


def test_shown_streak_breaks_only_after_a_missed_closed_round():
    s = streaks.replay([1, 2, 3])
    assert streaks.current_streak(s, last_closed_round=3) == 3
    assert streaks.current_streak(s, last_closed_round=4) == 0


@pytest.mark.parametrize("text", ["06:30", "6:30", "6h30", "06.30", " 6:30 "])
def test_parse_time_accepts_common_forms(text):
    assert schedule.parse_time(text) == time(6, 30)


@pytest.mark.parametrize("text", ["25:00", "7h", "07:60", "", "abc", "7", "-1:00", "07:5"])
def test_parse_time_rejects_nonsense(text):
    with pytest.raises(schedule.TimeFormatError):
        schedule.parse_time(text)


def test_reveal_must_follow_post():
    with pytest.raises(ValueError):
        schedule.parse_times(["21:00", "06:30"])
    assert schedule.parse_times(["06:30", "21:00"]) == schedule.Times(time(6, 30), time(21, 0))


def test_post_is_due_between_post_and_reveal_time_local():
    times = schedule.Times()
    before = datetime(2026, 11, 25, 6, 59, tzinfo=TZ)
    at_post = datetime(2026, 11, 25, 7, 0, tzinfo=TZ)
    late = datetime(2026, 11, 25, 19, 59, tzinfo=TZ)
    after_reveal = datetime(2026, 11, 25, 20, 0, tzinfo=TZ)
    assert schedule.post_due(before, TZ, times, False) is None
    assert schedule.post_due(at_post, TZ, times, False) == date(2026, 11, 25)
    assert schedule.post_due(late, TZ, times, False) == date(2026, 11, 25)
    assert schedule.post_due(after_reveal, TZ, times, False) is None
    assert schedule.post_due(at_post, TZ, times, True) is None


def test_local_date_uses_the_group_time_zone_not_utc():
    # 23:30 UTC on the 24th is 06:30 on the 25th in Ha Noi
    now = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    assert schedule.local_date(now, TZ) == date(2026, 11, 25)


def test_week_is_monday_to_sunday_and_month_bounds():
    assert schedule.week_bounds(date(2026, 11, 25)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert schedule.week_bounds(date(2026, 11, 29)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert schedule.month_bounds(date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert schedule.month_bounds(date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))


def test_questions_cycle_in_document_order():
    numbers = [3, 1, 2]
    assert rotation.next_question(numbers, None) == 1
    assert rotation.next_question(numbers, 1) == 2
    assert rotation.next_question(numbers, 3) == 1


def test_items_do_not_repeat_until_all_of_a_question_are_used():
    ids = ["a", "b", "c"]
    used: dict[str, int] = {}
    picked = []
    for _ in range(6):
        item = rotation.pick_item(ids, used)
        picked.append(item)
        used[item] = used.get(item, 0) + 1
    assert picked == ["a", "b", "c", "a", "b", "c"]


def test_new_items_are_served_first():
    assert rotation.pick_item(["a", "b", "new"], {"a": 1, "b": 1}) == "new"


def test_ranking_breaks_ties_by_total_answer_time():
    a = Standing(1, "A", 30, 5000)
    b = Standing(2, "B", 30, 3000)
    c = Standing(3, "C", 45, 9000)
    d = Standing(4, "D", 30, 3000)
    ranked = rank([a, b, c, d])
    assert [(r, s.user_id) for r, s in ranked] == [(1, 3), (2, 2), (2, 4), (4, 1)]


async def test_pacer_spaces_departures_from_when_they_really_left():
    from hpbot.tg.pacing import Pacer

    now = [100.0]
    departures = []

    async def sleep(seconds):
        now[0] += seconds + 0.004  # every wake-up is 4 ms late

    pacer = Pacer(10.0, clock=lambda: now[0], sleep=sleep)
    await pacer.wait()
    departures.append(now[0])  # the first leaves at once
    now[0] += 0.5  # idle for a while: no burst is saved up
    for _ in range(5):
        await pacer.wait()
        departures.append(now[0])
    gaps = [round(b - a, 6) for a, b in zip(departures, departures[1:], strict=False)]
    assert gaps[0] == 0.5  # after idling, the next leaves at once
    # 100 ms from each real departure, never less; a timer's lateness is absorbed by the last 2 ms of yielding
    assert all(g == 0.102 for g in gaps[1:])


def test_chat_window_allows_the_limit_in_any_period_and_queues_the_rest_in_order():
    from hpbot.tg.pacing import ChatWindow

    now = [0.0]
    window = ChatWindow(3, 10.0, clock=lambda: now[0])
    assert [window.reserve(-1) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert window.reserve(-1) == 10.0  # the fourth waits until the first leaves the window
    assert window.reserve(-2) == 0.0  # another group is not held up
    now[0] = 5.0
    assert window.reserve(-1) == 5.0  # leaves at 10, with the fourth: two in [10, 20), three in [0, 10)
    assert window.reserve(-1) == 5.0
    assert window.reserve(-1) == 15.0  # [10, 20) is full


def test_chat_window_forgets_quiet_chats_so_each_call_stays_cheap():
    from hpbot.tg.pacing import ChatWindow

    now = [0.0]
    window = ChatWindow(20, 60.0, clock=lambda: now[0])
    for chat in range(-5000, 0):
        window.reserve(chat)
    assert len(window) == 5000
    now[0] = 61.0
    for _ in range(5000):
        window.reserve(-1)
    assert len(window) == 1  # the sweep dropped every chat with nothing in its window


async def test_message_limiter_retries_after_the_pause_and_lets_lookups_through():
    from telegram.error import RetryAfter

    from hpbot.tg.pacing import MessageRateLimiter

    slept = []

    async def sleep(seconds):
        slept.append(seconds)

    limiter = MessageRateLimiter(per_second=0, group_per_minute=20, max_retries=2, sleep=sleep)
    failures = [RetryAfter(3)]

    async def send(**kwargs):
        if failures:
            raise failures.pop()
        return kwargs["text"]

    assert await limiter.process_request(send, (), {"text": "hi"}, "sendMessage", {"chat_id": -5}, None) == "hi"
    assert [round(s, 3) for s in slept] == [3.1]
    failures[:] = [RetryAfter(1)] * 3
    with pytest.raises(RetryAfter):
        await limiter.process_request(send, (), {"text": "hi"}, "sendMessage", {"chat_id": "-5"}, None)
    assert len(slept) == 3  # two retries, then the error
    calls = []

    async def count(**kwargs):
        calls.append(kwargs)
        raise RetryAfter(5)

    with pytest.raises(RetryAfter):  # look-ups are neither paced nor retried
        await limiter.process_request(count, (), {"chat_id": -5}, "getChatMemberCount", {"chat_id": -5}, None)
    assert len(calls) == 1 and len(slept) == 3
