"""A competition's own study calendar over a real in-memory database: only its study days are folded into its
totals (and a change of its calendar recounts them), the prediction tie-break counts the same days, and its
calendar decides its groups' days off while it runs (the newest of two running competitions deciding)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hpbot.app.study import StudyService
from hpbot.clock import FakeClock
from hpbot.content import load_bank
from hpbot.store import Store
from hpbot.store.predictions import Predictions

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = date(2026, 11, 30)
CHAT, OTHER = -1001, -1002
MEMBERS = (11, 12)
NOW = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def bank():
    return load_bank()


@pytest.fixture
def store():
    store = Store.memory()
    for chat_id in (CHAT, OTHER):
        store.touch_group(chat_id, f"Chi bộ {chat_id}", "supergroup", NOW)
        store.set_status(chat_id, "active", NOW)
    for user_id in MEMBERS:
        store.touch_user(user_id, f"Đảng viên {user_id}", None, None, NOW)
    yield store
    store.close()


def reveal_day(store, bank, chat_id, day, seq):
    """A revealed round of the group on `day`: both members right."""
    item = bank.items_for(bank.questions[0].number)[0]
    posted = datetime(day.year, day.month, day.day, 0, 0, tzinfo=UTC)
    with store.db.atomic():
        round_id = store.db.execute(
            "INSERT INTO rounds (chat_id, study_date, seq, question, item_id, status, reveal_at) "
            "VALUES (?, ?, ?, ?, ?, 'posting', ?)",
            [
                chat_id,
                day.isoformat(),
                seq,
                bank.questions[0].number,
                item.id,
                (posted + timedelta(hours=13)).isoformat(),
            ],
        ).lastrowid
    store.mark_posted(round_id, 100 + seq, posted)
    store.set_member_count(round_id, chat_id, 2)
    rnd = store.round(round_id)
    for user_id in MEMBERS:
        store.record_answer(rnd, user_id, item.answer, True, 15, posted + timedelta(minutes=5), 300_000)
    store.close_round(round_id, posted + timedelta(hours=13))
    store.finish_reveal(round_id)


def figures(store, comp_id):
    comps = store.competitions
    comp = comps.get(comp_id)
    groups = {g.chat_id: (g.days, g.answers, g.possible) for g in comps.group_totals(comp)}
    points = sorted((m.chat_id, m.standing.user_id, m.standing.points) for m in comps.member_totals(comp))
    return comps.contest_days(comp), groups, points


def test_only_the_contests_study_days_are_folded_and_a_new_calendar_recounts_them(store, bank):
    comps = store.competitions
    comp = comps.create("Thi đua", MONDAY, MONDAY + timedelta(days=27), 1, NOW)
    assert comp.study_days == "1234567"
    comps.join_many(comp.id, [CHAT, OTHER], NOW)
    for n in range(7):  # a week: CHAT every day, OTHER Monday to Friday
        reveal_day(store, bank, CHAT, MONDAY + timedelta(days=n), n + 1)
        if n < 5:
            reveal_day(store, bank, OTHER, MONDAY + timedelta(days=n), n + 1)
    days, groups, _ = figures(store, comp.id)
    assert days == 7 and groups[OTHER] == (5, 10, 14)  # the weekend charged to OTHER: the hole of issue 19

    comps.set_study_days(comp.id, "12345")
    days, groups, points = figures(store, comp.id)
    assert days == 5 and groups == {CHAT: (5, 10, 10), OTHER: (5, 10, 10)}
    assert {p for _, _, p in points} == {75}  # 5 days of 15 points each, for everyone
    comp = comps.get(comp.id)  # the report's per-day and per-question sheets list the contest's days only
    weekdays = {(MONDAY + timedelta(days=n)).isoformat() for n in range(5)}
    assert {row[2] for row in comps.daily_participation(comp)} == weekdays
    assert {row["study_date"] for row in comps.answer_key(comp)} == weekdays
    predictions = Predictions(store.db)
    assert (
        sorted(right for _, right in predictions.right_answers(comp.id, MONDAY, MONDAY + timedelta(days=6)))
        == [5] * 4
    )
    assert predictions.all_right_whole(comp.id, days) == 2  # the same two members, each line counted once

    reveal_day(
        store, bank, CHAT, MONDAY + timedelta(days=12), 8
    )  # the next Saturday: not folded at its reveal
    assert figures(store, comp.id) == (days, groups, points)
    # the group's own boards still count it
    assert {s.user_id: s.points for s in store.standings(CHAT)} == {11: 120, 12: 120}

    comps.add_pause(comp.id, MONDAY, MONDAY + timedelta(days=1))  # Monday and Tuesday become days off
    days, groups, _ = figures(store, comp.id)
    assert days == 3 and groups[CHAT] == (3, 6, 6)
    assert comps.pauses(comp.id) == [(MONDAY, MONDAY + timedelta(days=1))]
    assert comps.remove_pauses_from(comp.id, MONDAY) == 1
    assert figures(store, comp.id)[0] == 5
    assert comps.delete(comp.id)
    assert store.db.execute("SELECT COUNT(*) FROM competition_pauses").fetchone()[0] == 0


def test_the_running_contests_calendar_decides_its_groups_days_off(store, bank):
    study = StudyService(store, bank, FakeClock(datetime(2026, 12, 5, 7, 0, tzinfo=TZ)), TZ)  # a Saturday
    comps = store.competitions
    saturday = date(2026, 12, 5)
    older = comps.create("Thi đua cả tháng", MONDAY, MONDAY + timedelta(days=30), 1, NOW)
    comps.join(older.id, CHAT, NOW)
    comps.set_study_days(older.id, "12345")
    assert study.calendar.off_among([CHAT, OTHER], saturday) == {CHAT}  # OTHER is in no contest: its own days
    assert study.calendar.day_off(CHAT, saturday).contest.competition.id == older.id
    store.set_study_days(OTHER, "12345", NOW)  # OTHER's own calendar: no weekend
    newer = comps.create("Thi đua tuần", saturday, saturday + timedelta(days=2), 1, NOW)
    comps.join_many(newer.id, [CHAT, OTHER], NOW)  # the newest running contest decides: every day
    assert study.calendar.off_among([CHAT, OTHER], saturday) == set()
    assert study.calendar.day_off(OTHER, saturday) is None
    comps.add_pause(newer.id, saturday, saturday)
    assert study.calendar.off_among([CHAT, OTHER], saturday) == {CHAT, OTHER}
    assert study.calendar.paused_on(saturday) == {CHAT, OTHER}
    assert "nghỉ chung từ 05/12/2026" in study.calendar.day_off_html(study.calendar.day_off(CHAT, saturday))
    # a contest not yet begun or over decides nothing: the group's own calendar
    tuesday = saturday + timedelta(days=3)
    assert study.calendar.off_among([CHAT, OTHER], tuesday) == set()
    assert comps.end(older.id, saturday)
    ended = comps.get(older.id)  # its results are final: its calendar stays
    refused = study.calendar.contests.change(ended, ["moi", "ngay"])
    assert "đã kết thúc" in refused and "/ketqua" in refused and comps.get(older.id).study_days == "12345"
    assert study.calendar.off_among([CHAT, OTHER], date(2026, 12, 12)) == {OTHER}  # both contests over
