"""Pure rules: scoring, streaks, due times, item order, ranking."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from hpbot.domain import rotation, schedule, scoring, streaks
from hpbot.domain.ranking import Standing, rank

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("elapsed", "points"),
    [
        (0, 15),
        (29 * 60 + 59, 15),
        (30 * 60, 14),
        (61 * 60, 13),
        (149 * 60, 11),
        (150 * 60, 10),
        (10 * 3600, 10),
    ],
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
    with pytest.raises(schedule.TimeOrderError):  # a ValueError, as callers have caught it
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


async def pace(pacer, now, n, stall=lambda i: 0.0):
    departures = []
    for i in range(n):
        now[0] += stall(i)  # the loop was busy before this request reached the pacer
        await pacer.wait()
        departures.append(now[0])
    return departures


async def test_pacer_keeps_the_grid_and_makes_up_a_late_departure():
    from hpbot.tg.transport.pacing import Pacer

    now = [100.0]
    late = {3: 0.06}  # the fourth departure's timer fires 60 ms late

    async def sleep(seconds):  # a zero sleep is one turn of the event loop
        now[0] += max(seconds, 1e-6) + (late.pop(len(departures), 0.0) if seconds else 0.0)

    pacer = Pacer(10.0, share=0.9, clock=lambda: now[0], sleep=sleep)
    departures: list[float] = []
    for _ in range(10):
        await pacer.wait()
        departures.append(now[0])
    gaps = [round(b - a, 4) for a, b in zip(departures, departures[1:], strict=False)]
    interval = round(1 / 9, 4)
    assert gaps[:2] == [interval, interval]
    assert gaps[2] == round(1 / 9 + 0.06, 4)  # late
    assert gaps[3] == round(1 / 9 - 0.06, 4)  # the next one leaves on its slot: the late one cost nothing
    assert round(departures[4] - departures[0], 4) == round(4 / 9, 4)  # back on the grid: nothing lost
    assert gaps[4:] == [interval] * 5


async def test_pacer_never_exceeds_its_budget_in_any_second_however_late_the_loop_is():
    import random

    from hpbot.tg.transport.pacing import Pacer

    rng = random.Random(7)
    now = [0.0]

    async def sleep(seconds):  # timers fire up to 2 ms late
        now[0] += max(seconds, 1e-5) + (rng.choice([0.0, 0.0, 0.0, 0.0005, 0.001, 0.002]) if seconds else 0.0)

    # no answer ever comes back: each is taken as counted `jitter` after it left, so each 300th waits that longer
    ideal = 2999 / 300 + 2999 // 300 * Pacer(300.0).jitter
    departures = await pace(Pacer(300.0, clock=lambda: now[0], sleep=sleep), now, 3000)
    # a late timer costs what it was late, once in each window of 300 at most
    assert ideal - 1e-6 < departures[-1] - departures[0] < ideal + 2999 // 300 * 0.004

    pacer = Pacer(300.0, clock=lambda: now[0], sleep=sleep)
    stalls = {i: 0.02 * (i % 7) for i in range(100, 3000, 150)}  # the loop busy now and then, up to 120 ms
    departures = await pace(pacer, now, 3000, lambda i: stalls.get(i, 0.0))
    assert pacer.budget == 300
    start = 0
    for end, t in enumerate(departures):  # the largest number leaving within one second and the jitter
        while t - departures[start] >= 1.0 + pacer.jitter - 1e-9:
            start += 1
        assert end - start + 1 <= 300
    # a stall is made up as far as the budget allows: the whole run is late by less than the stalls added up
    assert ideal < departures[-1] - departures[0] < ideal + sum(stalls.values())


async def test_pacer_runs_at_the_limit_when_answers_come_back_and_telegram_never_counts_more():
    """Telegram counts a message when it arrives: after it left, before its answer came back. The pacer takes a
    message as counted its round trip's delay (the trip less the shortest one) after it left, and lets a departure
    go a second after that of the one `limit` before it. However each message is delayed on the way out or back,
    no second counts more than the limit; on a steady link the push runs at the limit, not under it."""
    import random

    from hpbot.tg.transport.pacing import Pacer

    def loopback(rng):  # the fake on this machine: now and then the loop or the fake stalls for 40 ms
        return 0.0002 + rng.choice([0.0] * 50 + [0.001, 0.003, 0.04]), 0.0002 + rng.choice(
            [0.0] * 30 + [0.002]
        )

    def far(rng):  # 250 ms to Telegram and back, each way up to 20 ms later than its shortest
        return 0.125 + rng.uniform(0.0, 0.02), 0.125 + rng.uniform(0.0, 0.02)

    async def push(link, limit, n):
        rng = random.Random(int(limit))
        now = [0.0]

        async def sleep(seconds):
            now[0] += max(seconds, 1e-5) + (rng.choice([0.0, 0.0, 0.001, 0.002]) if seconds else 0.0)

        pacer = Pacer(limit, clock=lambda: now[0], sleep=sleep)
        left, arrivals = [], []
        for _ in range(n):
            now[0] += 0.03 if rng.random() < 1 / 150 else 0.0  # the loop busy now and then
            departure = await pacer.wait()
            out, back = link(rng)
            pacer.answered(departure, now[0] + out + back)
            left.append(departure.left)
            arrivals.append(now[0] + out)
        return left, sorted(arrivals)

    # on the far link the first second's answers are back 250 ms after it: until then a trip is all delay
    for link, slower, first in ((loopback, 1.015, 0.0), (far, 1.04, 0.25)):
        for limit, n in ((30.0, 300), (300.0, 3000)):
            left, arrivals = await push(link, limit, n)
            # the grid of the pacer before, at 96.5 % of the limit, took (n - 1) / (0.965 * limit): 10.33 s
            assert left[-1] - left[0] < (n - 1) / limit * slower + first, link.__name__
            start = 0
            for end, at in enumerate(arrivals):  # as Telegram counts: in any one second
                while at - arrivals[start] >= 1.0:
                    start += 1
                assert end - start + 1 <= limit, link.__name__


async def test_a_departure_without_its_answer_counts_as_late_as_it_may_have_arrived():
    from pytest import approx

    from hpbot.tg.transport.pacing import SETTLE, Pacer

    now = [0.0]

    async def sleep(seconds):
        now[0] += max(seconds, 1e-5)

    pacer = Pacer(2.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(2):  # the first second's answers: until they are back, a trip is all delay
        warm = await pacer.wait()
        pacer.answered(warm, warm.left + 0.020)
        assert warm.counted_by == approx(warm.left + 0.020)
    now[0] = 10.0
    first, second = await pacer.wait(), await pacer.wait()
    pacer.answered(second, second.left + 0.020)  # the shortest round trip: 20 ms, the distance 20 - SETTLE
    assert second.counted_by == approx(second.left + SETTLE)
    assert first.counted_by == first.left + pacer.jitter  # still on its way: counted `jitter` after it left
    third = await pacer.wait()
    assert third.left == approx(first.left + 1.0 + pacer.jitter)  # the third waits on the first
    fourth = await pacer.wait()  # a second after the second was counted at the latest
    assert fourth.left == approx(second.left + SETTLE + 1.0)
    now[0] = 14.0
    pacer.answered(fourth, reached=False)  # a timeout: it may have arrived at any moment until now
    assert fourth.counted_by == 14.0
    slow = await pacer.wait()
    pacer.answered(slow, slow.left + 0.3)  # 300 ms, all but the distance of them delay
    assert slow.counted_by == approx(slow.left + 0.3 - (0.020 - SETTLE))
    sixth = await pacer.wait()
    assert sixth.left == approx(15.0)  # a second after the fourth could have been counted


async def test_pacer_waits_on_timers_without_spinning_and_keeps_its_rate_and_cap():
    """A timer of uvloop fires up to a millisecond either side of its time; a zero sleep is one turn of the loop
    (5 µs here). The pacer wakes a departure a few times at most, not once per turn of the loop."""
    import random

    from hpbot.tg.transport.pacing import Pacer

    rng = random.Random(3)
    now = [0.0]
    sleeps = [0]

    async def sleep(seconds):
        sleeps[0] += 1
        now[0] += 5e-6 if seconds <= 0 else max(0.0, round(seconds, 3) + rng.uniform(-0.001, 0.001))

    for rate in (30.0, 300.0):
        now[0], sleeps[0] = 0.0, 0
        pacer = Pacer(rate, clock=lambda: now[0], sleep=sleep)
        n = int(rate * 10)
        departures = await pace(pacer, now, n)
        assert sleeps[0] <= 3 * n  # before: the last 2 ms of each wait yielded to the loop, ~400 turns each
        ideal = (n - 1) / rate + (n - 1) // pacer.budget * pacer.jitter  # no answers: counted `jitter` after
        # the cap's rate, a late timer costing at most what it was late, once in each window
        assert ideal - 1e-6 < departures[-1] - departures[0] < ideal + (n - 1) // pacer.budget * 0.003
        start = 0
        for end, t in enumerate(departures):  # the cap holds in every second and the jitter
            while t - departures[start] >= 1.0 + pacer.jitter - 1e-9:
                start += 1
            assert end - start + 1 <= pacer.budget


def test_chat_window_allows_the_limit_in_any_period_and_queues_the_rest_in_order():
    from hpbot.tg.transport.pacing import ChatWindow

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
    from hpbot.tg.transport.pacing import ChatWindow

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

    from hpbot.tg.transport.pacing import MessageRateLimiter

    slept = []

    async def sleep(seconds):
        slept.append(seconds)

    limiter = MessageRateLimiter(per_second=0, group_per_minute=20, max_retries=2, sleep=sleep)
    failures = [RetryAfter(timedelta(seconds=3))]

    async def send(**kwargs):
        if failures:
            raise failures.pop()
        return kwargs["text"]

    assert (
        await limiter.process_request(send, (), {"text": "hi"}, "sendMessage", {"chat_id": -5}, None) == "hi"
    )
    assert [round(s, 3) for s in slept] == [3.1]
    failures[:] = [RetryAfter(timedelta(seconds=1))] * 3
    with pytest.raises(RetryAfter):
        await limiter.process_request(send, (), {"text": "hi"}, "sendMessage", {"chat_id": "-5"}, None)
    assert len(slept) == 3  # two retries, then the error
    calls = []

    async def count(**kwargs):
        calls.append(kwargs)
        raise RetryAfter(timedelta(seconds=5))

    with pytest.raises(RetryAfter):  # look-ups are neither paced nor retried
        await limiter.process_request(count, (), {"chat_id": -5}, "getChatMemberCount", {"chat_id": -5}, None)
    assert len(calls) == 1 and len(slept) == 3


async def test_with_paid_broadcasts_only_the_paid_sends_take_the_paid_rate():
    """An edit cannot carry allow_paid_broadcast, so a scheduled edit (the reveal's, the live count's) stays on the
    free 30/s even when paid broadcasts are on: on the paid rate, a 10,000-group reveal's edits would draw 429s."""
    from hpbot.tg.transport.pacing import DELIVER, MessageRateLimiter

    now = [0.0]

    async def sleep(seconds):
        now[0] += max(seconds, 0.0001)

    def clock():
        return now[0]

    async def sent(**kwargs):
        return None

    def limiter():
        return MessageRateLimiter(30.0, 0, paid_per_second=1000.0, clock=clock, sleep=sleep)

    async def elapsed(endpoint, data, count=300):
        now[0] = 0.0
        paced = limiter()
        for _ in range(count):
            await paced.process_request(sent, (), {}, endpoint, {"chat_id": -5, **data}, DELIVER)
        return now[0]

    paid = await elapsed("sendMessage", {"allow_paid_broadcast": True})
    edits = await elapsed("editMessageText", {})
    free_sends = await elapsed("sendMessage", {})  # a delivery without the paid flag
    assert paid < 0.5  # ~300 / 970 a second
    assert edits > 9.5 and free_sends > 9.5  # ~300 / 30 a second


def test_count_edits_of_groups_answering_at_once_are_spread_around_the_base_delay():
    delays = [schedule.count_edit_delay(round_id, 15.0) for round_id in range(1000, 1200)]
    assert all(7.5 <= d < 22.5 for d in delays)
    assert 14.0 < sum(delays) / len(delays) < 16.0  # the live count lags as much as before on average
    per_second: dict[int, int] = {}
    for d in delays:
        per_second[int(d)] = per_second.get(int(d), 0) + 1
    assert max(per_second.values()) <= 20  # 200 groups: about 13 edits a second, not 200 at once
    assert schedule.count_edit_delay(7, 15.0) == schedule.count_edit_delay(7, 15.0)
