"""The prediction tie-break's rules: rounds, deadlines, what a member types, the actual number, the ranking."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from hpbot.domain.predictions import (
    ContestRound,
    Prediction,
    PredictionInputError,
    all_right,
    contest_rounds,
    deadline,
    open_round,
    parse_prediction,
    parse_round_days,
    rank_with_predictions,
    round_of_window,
)
from hpbot.domain.ranking import Standing

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
EIGHT = time(20, 0)


def test_weekly_rounds_from_the_start_the_last_one_shorter():
    rounds = contest_rounds(date(2026, 12, 1), date(2026, 12, 31), 7)
    assert [(r.number, r.start.day, r.end.day) for r in rounds] == [
        (1, 1, 7),
        (2, 8, 14),
        (3, 15, 21),
        (4, 22, 28),
        (5, 29, 31),
    ]
    assert contest_rounds(date(2026, 12, 1), date(2026, 12, 31), None) == [
        ContestRound(1, date(2026, 12, 1), date(2026, 12, 31))
    ]


def test_the_deadline_is_the_reveal_of_the_rounds_last_day_and_then_the_next_round_opens():
    rounds = contest_rounds(date(2026, 12, 1), date(2026, 12, 14), 7)
    assert deadline(rounds[0], EIGHT, TZ) == datetime(2026, 12, 7, 20, 0, tzinfo=TZ)
    assert open_round(rounds, datetime(2026, 12, 7, 19, 59, tzinfo=TZ), EIGHT, TZ) == rounds[0]
    assert open_round(rounds, datetime(2026, 12, 7, 20, 0, tzinfo=TZ), EIGHT, TZ) == rounds[1]
    assert open_round(rounds, datetime(2026, 12, 14, 20, 0, tzinfo=TZ), EIGHT, TZ) is None


def test_a_window_is_a_round_or_the_whole_competition_whose_tie_break_is_its_last_round():
    rounds = contest_rounds(date(2026, 12, 1), date(2026, 12, 14), 7)
    assert round_of_window(rounds, date(2026, 12, 1), date(2026, 12, 14)) == rounds[1]
    assert round_of_window(rounds, date(2026, 12, 1), date(2026, 12, 7)) == rounds[0]
    assert round_of_window(rounds, date(2026, 12, 7), date(2026, 12, 13)) is None  # a calendar week: no round


@pytest.mark.parametrize(("typed", "value"), [("125", 125), (" 0 ", 0), ("1.234", 1234), ("1 234", 1234)])
def test_a_prediction_is_a_whole_number(typed, value):
    assert parse_prediction(typed) == value


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("-3", "number"), ("mười", "number"), ("", "number"), ("12,5", "number"), ("99999999", "too_big")],
)
def test_what_is_not_a_prediction_is_refused(typed, reason):
    with pytest.raises(PredictionInputError) as caught:
        parse_prediction(typed)
    assert caught.value.reason == reason


def test_round_lengths_as_an_organizer_types_them():
    assert parse_round_days("tuần") == parse_round_days("tuan") == 7
    assert parse_round_days("cả cuộc thi") is None and parse_round_days("0") is None
    assert parse_round_days("10") == 10
    with pytest.raises(PredictionInputError):
        parse_round_days("400")


def test_the_actual_number_counts_members_right_on_every_study_day_once():
    lines = [(1, 3), (2, 2), (3, 3), (3, 3), (4, 0)]  # member 3 has a line in two cells
    assert all_right(lines, 3) == 2
    assert all_right(lines, 0) == 0


def line(user_id: int, points: int, answer_ms: int) -> Standing:
    return Standing(user_id, f"Đ/c {user_id}", points, answer_ms)


def test_equal_points_rank_by_closeness_then_the_earlier_prediction_then_without_one():
    members = [line(1, 45, 100), line(2, 45, 200), line(3, 45, 300), line(4, 45, 50), line(5, 60, 999)]
    predictions = {
        1: Prediction(1, 1, "2026-12-02T01:00:00.000000+00:00"),  # 2 off, changed late
        2: Prediction(2, 5, "2026-11-30T01:00:00.000000+00:00"),  # 2 off, earlier
        3: Prediction(3, 3, "2026-12-02T05:00:00.000000+00:00"),  # exact
    }
    ranked = rank_with_predictions(members, lambda s: s, predictions, actual=3)
    assert [(r, s.user_id) for r, s in ranked] == [(1, 5), (2, 3), (3, 2), (4, 1), (5, 4)]


def test_lines_equal_on_every_part_share_a_rank():
    members = [line(1, 10, 5), line(2, 10, 5), line(3, 10, 6)]
    ranked = rank_with_predictions(members, lambda s: s, {}, actual=0)
    assert [(r, s.user_id) for r, s in ranked] == [(1, 1), (1, 2), (3, 3)]


def test_a_weekly_rounds_standings_apply_its_own_prediction_once_its_deadline_has_passed():
    from datetime import UTC, timedelta

    from hpbot.app.competitions import CompetitionService
    from hpbot.app.predictions import PredictionService
    from hpbot.clock import FakeClock
    from hpbot.content import load_bank
    from hpbot.store import Store
    from hpbot.store.predictions import Predictions

    store = Store.memory()
    start = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    comp = store.competitions.create("Thi đua", date(2026, 12, 1), date(2026, 12, 14), 1, start)
    table = Predictions(store.db)
    table.set_round_days(comp.id, 7)
    comp = store.competitions.get(comp.id)
    store.touch_group(-1, "Chi bộ A", "group", start)
    for user_id, name in ((1, "Nhanh"), (2, "Chậm")):
        store.touch_user(user_id, name, None, None, start)
    store.db.execute("INSERT INTO competition_groups VALUES (?, -1, ?)", [comp.id, start.isoformat()])
    for n in range(7):
        day = (date(2026, 12, 1) + timedelta(days=n)).isoformat()
        store.db.execute("INSERT INTO competition_days VALUES (?, ?)", [comp.id, day])
        for user_id, ms in ((1, 1000), (2, 2000)):  # both right every day, 10 points a day: Nhanh is faster
            store.db.execute(
                "INSERT INTO score_days VALUES (-1, ?, ?, 10, ?, 1, ?)",
                [user_id, day, ms, f"{day}T01:00:00+00:00"],
            )
    table.put(comp.id, 1, 1, 5, start)  # 3 off
    table.put(comp.id, 1, 2, 2, start + timedelta(hours=1))  # exact
    table.put(comp.id, 2, 1, 2, start)  # round 2's question does not rank round 1
    clock = FakeClock(
        datetime(2026, 12, 7, 12, 59, tzinfo=UTC)
    )  # 19:59 in Hai Phong: before round 1's deadline
    service = CompetitionService(store, load_bank(), clock, TZ, frozenset())

    def order():
        st = service.standings(comp, date(2026, 12, 1), date(2026, 12, 7))
        return [m.standing.user_id for _, m in st.members], st.tiebreak

    assert order() == ([1, 2], None)
    clock.set(datetime(2026, 12, 7, 13, 0, tzinfo=UTC))
    members, tiebreak = order()
    assert members == [2, 1] and tiebreak.actual == 2 and tiebreak.round.number == 1
    text = PredictionService(service).round_results_html(comp, ["vong", "1"])
    assert (
        "Kết quả vòng 1/2 (01/12 – 07/12/2026)" in text
        and "<b>2</b> đảng viên trả lời đúng tất cả 7 câu" in text
    )
    assert text.index("Chậm") < text.index("Nhanh")
    assert "/ketqua 1 vong 1" in PredictionService(service).round_results_html(comp, ["vong", "3"])
    store.close()
