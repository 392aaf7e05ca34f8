"""The weekly bulletin ranks a cell's members as the organizer's standings of the round do (issue 19): points, then
the prediction tie-break once the round's deadline has passed, then answer time. A competition of weekly rounds from
a Monday: last week is round 1, so the bulletin's week is that round's window."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hpbot.app import messages
from hpbot.app.competitions import CompetitionService
from hpbot.app.predictions import PredictionService
from hpbot.clock import FakeClock
from hpbot.content import load_bank
from hpbot.store import Store
from hpbot.store.predictions import Predictions

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = date(2026, 11, 30)
CELL, OTHER = -1, -2
FAST, SLOW, NEAR, ELSEWHERE = 1, 2, 3, 4  # FAST answers quickest; SLOW predicts the actual number exactly
NAMES = {FAST: "Nguyễn Văn Nhanh", SLOW: "Trần Thị Chậm", NEAR: "Lê Văn Gần", ELSEWHERE: "Phạm Thị Khác"}


@pytest.fixture
def contest():
    store = Store.memory()
    created = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)
    comp = store.competitions.create("Thi đua", MONDAY, MONDAY + timedelta(days=13), 1, created)
    table = Predictions(store.db)
    table.set_round_days(comp.id, 7)  # round 1: 30/11 – 06/12, round 2: 07/12 – 13/12
    comp = store.competitions.get(comp.id)
    for chat_id, title in ((CELL, "Chi bộ A"), (OTHER, "Chi bộ B")):
        store.touch_group(chat_id, title, "group", created)
        store.set_status(chat_id, "active", created)
        store.db.execute(
            "INSERT INTO competition_groups VALUES (?, ?, ?)", [comp.id, chat_id, created.isoformat()]
        )
    for user_id, name in NAMES.items():
        store.touch_user(user_id, name, None, None, created)
    lines = (  # (cell, member, points a day, answer ms a day): all right every day; three tie at 10 points
        (CELL, FAST, 10, 1000),
        (CELL, SLOW, 10, 3000),
        (CELL, NEAR, 10, 2000),
        (OTHER, ELSEWHERE, 12, 5000),
    )
    for n in range(7):
        day = (MONDAY + timedelta(days=n)).isoformat()
        store.db.execute("INSERT INTO competition_days VALUES (?, ?)", [comp.id, day])
        for chat_id, user_id, points, ms in lines:
            store.db.execute(
                "INSERT INTO score_days VALUES (?, ?, ?, ?, ?, 1, ?)",
                [chat_id, user_id, day, points, ms, f"{day}T01:00:00+00:00"],
            )
    # the actual number is 4 (every member right on every day of the round)
    table.put(comp.id, 1, FAST, 9, created)  # 5 off
    table.put(comp.id, 1, SLOW, 4, created + timedelta(hours=2))  # exact
    table.put(comp.id, 1, NEAR, 5, created + timedelta(hours=1))  # 1 off
    table.put(comp.id, 2, FAST, 4, created)  # round 2's question does not rank round 1
    clock = FakeClock(
        datetime(2026, 12, 7, 0, 30, tzinfo=UTC)
    )  # Monday 07:30 in Hai Phong, after the deadline
    service = CompetitionService(store, load_bank(), clock, TZ, frozenset())
    yield store, service, comp
    store.close()


def test_the_bulletin_ranks_members_tied_on_points_by_their_prediction_as_the_standings_do(contest):
    store, service, comp = contest
    week_end = MONDAY + timedelta(days=6)
    standings = service.standings(comp, MONDAY, week_end)
    assert standings.tiebreak is not None and standings.tiebreak.actual == 4
    ranked = [m.standing.user_id for _, m in standings.members]
    assert ranked == [
        ELSEWHERE,
        SLOW,
        NEAR,
        FAST,
    ]  # without the tie-break FAST (quickest) would lead the three

    bulletin = service.bulletin(comp, CELL, MONDAY)
    shown = [m.standing.user_id for _, m in bulletin.top_members]
    assert shown == [u for u in ranked if u != ELSEWHERE] == [SLOW, NEAR, FAST]
    assert [r for r, _ in bulletin.top_members] == [1, 2, 3]  # ranks within the cell
    text = messages.bulletin(bulletin)
    assert text.index(NAMES[SLOW]) < text.index(NAMES[NEAR]) < text.index(NAMES[FAST])
    results = PredictionService(service).round_results_html(comp, ["vong", "1"])  # /ketqua 1 vong 1
    assert results.index(NAMES[SLOW]) < results.index(NAMES[NEAR]) < results.index(NAMES[FAST])

    # the bulletins of one pass share the round's actual number: the same order from the week's cache
    cache = service.new_week_cache()
    for _ in range(2):
        cached = service.bulletin(comp, CELL, MONDAY, cache)
        assert [m.standing.user_id for _, m in cached.top_members] == [SLOW, NEAR, FAST]
    assert [m.standing.user_id for _, m in service.bulletin(comp, OTHER, MONDAY, cache).top_members] == [
        ELSEWHERE
    ]


def test_a_week_that_is_no_round_or_before_the_deadline_ranks_by_answer_time_as_the_standings_do(contest):
    store, service, comp = contest
    service.clock.set(datetime(2026, 12, 6, 12, 59, tzinfo=UTC))  # 19:59 on Sunday: round 1 still open
    assert service.standings(comp, MONDAY, MONDAY + timedelta(days=6)).tiebreak is None
    assert [m.standing.user_id for _, m in service.bulletin(comp, CELL, MONDAY).top_members] == [
        FAST,
        NEAR,
        SLOW,
    ]
    Predictions(store.db).set_round_days(comp.id, 10)  # rounds of 10 days: last week is no round's window
    comp = store.competitions.get(comp.id)
    service.clock.set(datetime(2026, 12, 14, 0, 30, tzinfo=UTC))
    assert service.standings(comp, MONDAY, MONDAY + timedelta(days=6)).tiebreak is None
    assert [m.standing.user_id for _, m in service.bulletin(comp, CELL, MONDAY).top_members] == [
        FAST,
        NEAR,
        SLOW,
    ]
