"""The study calendar and the reminder before the reveal: the pure rules (hpbot.domain.calendar, streaks.at_stake)
and the use cases over a real in-memory database (hpbot.app.calendar, StudyService's day off)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hpbot.app.ports import Sent
from hpbot.app.rounds import RoundLifecycle
from hpbot.app.study import StudyService
from hpbot.clock import FakeClock
from hpbot.content import load_bank
from hpbot.domain import calendar, streaks
from hpbot.domain.calendar import CalendarInputError, Pause
from hpbot.domain.schedule import Times, parse_time
from hpbot.errors import GroupGone, Unavailable
from hpbot.format import TELEGRAM_LINK
from hpbot.store import Store
from hpbot.texts import calendar as calendar_texts

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime(2026, 11, 30, 7, 0, tzinfo=TZ)
CHAT, OTHER, MEMBER = -1001, -1002, 7
WEEKDAYS = frozenset(range(1, 6))


# the pure rules -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "days"),
    [
        ("T2-T6", WEEKDAYS),
        ("t2 - t6", WEEKDAYS),
        ("T2,T4,T6", frozenset({1, 3, 5})),
        ("T2, T4, T6", frozenset({1, 3, 5})),
        ("CN", frozenset({7})),
        ("T7-CN", frozenset({6, 7})),
        ("thứ 2 - thứ 6", WEEKDAYS),
        ("Thứ 7, Chủ nhật", frozenset({6, 7})),
        ("moi ngay", calendar.EVERY_DAY),
        ("Mọi ngày", calendar.EVERY_DAY),
        ("hằng ngày", calendar.EVERY_DAY),
        ("T2 - CN", calendar.EVERY_DAY),
    ],
)
def test_study_days_are_read_the_way_people_write_them(typed, days):
    assert calendar.parse_days(typed) == days


@pytest.mark.parametrize("typed", ["T8", "T6-T2", "thứ hai", "monday", ",", "T2-", "2-6", "T2 T9"])
def test_study_days_that_are_not_weekdays_are_refused(typed):
    with pytest.raises(CalendarInputError) as caught:
        calendar.parse_days(typed)
    assert caught.value.reason == "days"


def test_study_days_are_stored_and_described_in_vietnamese_order():
    assert calendar.encode(WEEKDAYS) == "12345"
    assert calendar.decode("12345") == WEEKDAYS
    assert calendar.decode("") == calendar.EVERY_DAY  # a damaged value studies every day, never none
    assert calendar.describe(WEEKDAYS) == "T2-T6"
    assert calendar.describe(frozenset({1, 3, 5})) == "T2, T4, T6"
    assert calendar.describe(frozenset({7})) == "CN"
    assert (
        calendar.weekday_name(date(2026, 12, 5)) == "T7" and calendar.weekday_name(date(2026, 12, 6)) == "CN"
    )


def test_a_day_off_is_a_weekday_not_studied_or_a_day_of_a_pause():
    tet = Pause(date(2027, 2, 4), date(2027, 2, 12))
    assert calendar.is_study_day(date(2027, 2, 3), WEEKDAYS, [tet])  # Wednesday before Tết
    assert not calendar.is_study_day(date(2027, 2, 4), WEEKDAYS, [tet])  # first day of the pause
    assert not calendar.is_study_day(date(2027, 2, 12), WEEKDAYS, [tet])  # last day: inclusive
    assert calendar.is_study_day(date(2027, 2, 15), WEEKDAYS, [tet])  # Monday after
    assert calendar.is_study_day(date(2027, 2, 13), calendar.EVERY_DAY, [])  # a Saturday, every day
    assert not calendar.is_study_day(date(2027, 2, 13), WEEKDAYS, [])  # a Saturday, weekdays only
    longer = Pause(date(2027, 2, 1), date(2027, 2, 20))
    assert calendar.pause_on(date(2027, 2, 5), [tet, longer]) == longer
    assert calendar.pause_on(date(2027, 2, 25), [tet, longer]) is None


def test_a_pause_is_one_or_two_dates_from_today_on_and_at_most_a_year():
    today = date(2026, 12, 1)
    assert calendar.parse_pause(["25/01/2027", "05/02/2027"], today) == Pause(
        date(2027, 1, 25), date(2027, 2, 5)
    )
    assert calendar.parse_pause(["01/12/2026"], today) == Pause(today, today)
    tet = Pause(date(2027, 2, 4), date(2027, 2, 12))
    for written in (
        ["04/02/2027", "-", "12/02/2027"],
        ["04/02/2027-12/02/2027"],
        ["04/02/2027", "đến", "12/02/2027"],
    ):
        assert calendar.parse_pause(written, today) == tet, written
    for args, reason in [
        (["25/01/2027", "05/02/2026"], "order"),
        (["01/11/2026", "30/11/2026"], "past"),
        (["25/1/27"], "date"),
        (["31/02/2027"], "date"),
        (["a", "b", "c"], "date"),
        (["25-01-2027"], "date"),
        ([], "date"),
        (["01/01/2027", "02/01/2028"], "long"),
    ]:
        with pytest.raises(CalendarInputError) as caught:
            calendar.parse_pause(args, today)
        assert caught.value.reason == reason, args


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("60", 60),
        ("90 phút", 90),
        ("45p", 45),
        ("2h", 120),
        ("1 giờ 30", 90),
        ("tat", 0),
        ("Tắt", 0),
        ("off", 0),
        ("0", 0),
        ("bat", calendar.REMINDER_DEFAULT),
    ],
)
def test_the_reminder_lead_is_minutes_or_hours_or_off(typed, minutes):
    assert calendar.parse_reminder(typed) == minutes


@pytest.mark.parametrize("typed", ["", "-5", "721", "abc", "60 giây", "1:30", "13h"])
def test_a_reminder_lead_not_understood_is_refused(typed):
    with pytest.raises(CalendarInputError) as caught:
        calendar.parse_reminder(typed)
    assert caught.value.reason == "reminder"


def test_the_streak_at_stake_is_the_run_up_to_the_round_before_the_open_one():
    run = streaks.replay([1, 2, 3, 4])
    assert streaks.at_stake(run, open_round=5) == 4  # leaving round 5 unanswered would end it
    assert streaks.at_stake(run, open_round=6) == 0  # round 5 was already missed: nothing left to lose
    assert streaks.at_stake(streaks.Streak(), open_round=1) == 0
    assert streaks.at_stake(streaks.after_answer(run, 5), open_round=5) == 0  # answered already


def test_days_without_a_round_neither_count_nor_break_a_streak():
    # a weekday-only group: rounds 1-5 Monday to Friday, 6 on the next Monday; nothing on the weekend between
    assert streaks.replay([1, 2, 3, 4, 5, 6]).current == 6
    assert streaks.current_streak(streaks.replay([1, 2, 3, 4, 5]), last_closed_round=5) == 5


# the use cases over a real database ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bank():
    return load_bank()


@pytest.fixture
def study(bank):
    store = Store.memory()
    service = StudyService(store, bank, FakeClock(MONDAY), TZ)
    service.subscribe(CHAT, "Chi bộ Khu 3", "group")
    service.subscribe(OTHER, "Chi bộ Khu 5", "group")
    yield service
    store.close()


def at(study, when):
    study.clock.set(when)


def test_a_weekday_only_group_gets_no_round_on_saturday_while_others_do(study):
    assert "T2-T6" in study.calendar.set_days(CHAT, "T2-T6")
    at(study, datetime(2026, 12, 5, 7, 0, tzinfo=TZ))  # Saturday
    assert [g.chat_id for g in study.due_posts()] == [OTHER]
    assert study.start_round(study.store.group(CHAT), early=True) is None  # /guingay neither
    off = study.calendar.day_off(CHAT)
    assert off is not None and off.pause is None
    assert "T7, 05/12/2026" in study.calendar.day_off_html(off) and "T2-T6" in study.calendar.day_off_html(
        off
    )
    at(study, datetime(2026, 12, 7, 7, 0, tzinfo=TZ))  # Monday
    assert {g.chat_id for g in study.due_posts()} == {CHAT, OTHER}


def test_a_pause_stops_rounds_and_clearing_it_brings_them_back(study):
    at(study, datetime(2027, 1, 20, 7, 0, tzinfo=TZ))
    assert "25/01/2027" in study.calendar.pause(CHAT, ["25/01/2027", "05/02/2027"])
    assert "25/01/2027 – 05/02/2027" in study.calendar.pause(CHAT, [])
    assert "25/01/2027 – 05/02/2027" in study.calendar.show(CHAT)
    at(study, datetime(2027, 1, 25, 7, 0, tzinfo=TZ))
    assert [g.chat_id for g in study.due_posts()] == [OTHER]
    assert study.calendar.paused_on(date(2027, 1, 25)) == {CHAT}
    off = study.calendar.day_off(CHAT)
    assert off is not None and "05/02/2027" in study.calendar.day_off_html(off)
    assert "Đã bỏ 1" in study.calendar.pause(CHAT, ["xoa"])
    assert {g.chat_id for g in study.due_posts()} == {CHAT, OTHER}
    assert study.calendar.pause(CHAT, ["xoa"]) == calendar_texts.PAUSE_CLEARED_NONE


def test_bad_calendar_input_changes_nothing(study):
    study.calendar.set_days(CHAT, "T2-T6")
    assert study.calendar.set_days(CHAT, "T2-T9") == calendar_texts.DAYS_BAD
    assert study.store.study_days(CHAT) == "12345"
    reply = study.calendar.pause(CHAT, ["05/02/2027", "25/01/2027"])
    assert "phải bằng hoặc sau" in reply and "chưa thay đổi" in reply
    assert study.store.pauses(CHAT) == []
    assert "Chưa rõ số phút" in study.calendar.reminder_setting(CHAT, "nhiều", study.store.group(CHAT).times)
    assert study.store.reminder_minutes(CHAT) == 120


def test_the_reminder_setting_names_its_time_and_warns_when_it_falls_before_the_post(study):
    times = study.store.group(CHAT).times  # 07:00 and 20:00
    assert "2 giờ" in study.calendar.reminder_setting(CHAT, "", times) and "18:00" in (
        study.calendar.reminder_setting(CHAT, "", times)
    )
    assert "19:00" in study.calendar.reminder_setting(CHAT, "60", times)
    assert study.store.reminder_minutes(CHAT) == 60
    late = study.calendar.reminder_setting(CHAT, "720", times)  # 08:00: after the post, fine
    assert "08:00" in late and "⚠️" not in late
    warned = study.calendar.reminder_setting(CHAT, "", Times(parse_time("07:00"), parse_time("08:00")))
    assert "sớm hơn giờ đăng" in warned and "12 giờ" in warned
    assert study.calendar.reminder_setting(CHAT, "tat", times) == calendar_texts.REMINDER_SAVED_OFF
    assert study.calendar.reminder_setting(CHAT, "", times) == calendar_texts.REMINDER_STATE_OFF


def post_today(study, chat_id=CHAT, message_id=42):
    rnd = study.start_round(study.store.group(chat_id))
    assert rnd is not None
    study.posted(rnd, message_id)
    return study.store.round(rnd.id)


def test_the_reminder_is_due_once_between_its_time_and_the_reveal(study):
    rnd = post_today(study)
    at(study, datetime(2026, 11, 30, 17, 59, tzinfo=TZ))
    assert study.calendar.reminders_due() == []
    assert study.calendar.next_reminder() == datetime(2026, 11, 30, 18, 0, tzinfo=TZ)
    assert study.next_wake() == datetime(2026, 11, 30, 18, 0, tzinfo=TZ)  # the scheduler wakes for it
    at(study, datetime(2026, 11, 30, 18, 0, tzinfo=TZ))
    assert [r.id for r in study.calendar.reminders_due()] == [rnd.id]
    assert study.calendar.claim_reminder(rnd) and not study.calendar.claim_reminder(rnd)
    assert study.calendar.reminders_due() == []
    study.calendar.release_reminder(rnd)  # a send that failed in a way worth retrying
    assert [r.id for r in study.calendar.reminders_due()] == [rnd.id]
    at(study, datetime(2026, 11, 30, 20, 0, tzinfo=TZ))  # the reveal's time: no reminder beside it
    assert study.calendar.reminders_due() == []


def test_no_reminder_when_its_time_falls_before_the_post(study):
    study.set_times(CHAT, Times(parse_time("19:00"), parse_time("20:00")))
    at(study, datetime(2026, 11, 30, 19, 0, tzinfo=TZ))
    post_today(study)
    for minute in (1, 30, 59):
        at(study, datetime(2026, 11, 30, 19, minute, tzinfo=TZ))
        assert study.calendar.reminders_due() == []
    assert study.calendar.next_reminder() is None


def test_the_reminder_reads_the_count_and_links_the_post_of_a_supergroup(study):
    supergroup = -1001234567890
    study.subscribe(supergroup, "Chi bộ Khu 7", "supergroup")
    rnd = post_today(study, supergroup, 77)
    study.store.set_member_count(rnd.id, supergroup, 12)
    for user in range(5):
        study.answer(rnd.id, supergroup, 100 + user, 0)
    at(study, datetime(2026, 11, 30, 18, 0, 20, tzinfo=TZ))
    text, keyboard = study.calendar.reminder(rnd.id)
    assert "Còn <b>2 giờ</b> nữa" in text and "5/12 đồng chí (42%)" in text
    assert f'href="{TELEGRAM_LINK}c/1234567890/77"' in text
    assert keyboard["inline_keyboard"][0][0]["callback_data"] == f"n:{rnd.id}"
    study.calendar.pause(supergroup, ["30/11/2026"])  # the day became a day off after the post: no reminder
    assert study.calendar.reminder(rnd.id) is None


def test_the_reminder_alert_says_whether_the_member_answered_and_what_streak_is_at_stake(study, bank):
    day = MONDAY
    for _ in range(3):  # three rounds answered in a row
        at(study, day)
        rnd = post_today(study)
        study.answer(rnd.id, CHAT, MEMBER, 0)
        at(study, day.replace(hour=20))
        study.close(rnd)
        study.store.finish_reveal(rnd.id)
        day += timedelta(days=1)
    at(study, day)
    rnd = post_today(study)
    at(study, day.replace(hour=18))
    warned = study.calendar.check_alert(rnd.id, CHAT, MEMBER)
    assert (
        "Chuỗi 3 ngày của đồng chí sẽ bị ngắt nếu chưa trả lời trước 20:00" in warned and len(warned) <= 200
    )
    assert study.calendar.streak_at_stake(CHAT, MEMBER) == (3, "20:00")
    fresh = study.calendar.check_alert(rnd.id, CHAT, MEMBER + 1)
    assert "chưa trả lời" in fresh and "Chuỗi" not in fresh
    right = bank.item(rnd.item_id).answer
    study.answer(rnd.id, CHAT, MEMBER, right)
    answered = study.calendar.check_alert(rnd.id, CHAT, MEMBER)
    assert "đã trả lời" in answered and "4 ngày" in answered
    assert "đúng" not in answered.replace("đúng hạn", "")  # never the correctness before the reveal
    assert study.calendar.streak_at_stake(CHAT, MEMBER) is None
    assert study.calendar.check_alert(rnd.id, OTHER, MEMBER) == calendar_texts.CHECK_GONE
    study.close(rnd)
    assert study.calendar.check_alert(rnd.id, CHAT, MEMBER) == calendar_texts.CHECK_CLOSED


def test_a_group_becoming_a_supergroup_keeps_its_pauses(study):
    study.calendar.pause(CHAT, ["25/01/2027", "05/02/2027"])
    new_id = -1009876543210
    assert study.migrate(CHAT, new_id)
    assert study.store.pauses(new_id) == [(date(2027, 1, 25), date(2027, 2, 5))]
    assert study.store.pauses(CHAT) == []


class FailingOutbound:
    """The outbound port, faked: each send raises the next error of `errors` (None: it goes out)."""

    def __init__(self, errors):
        self.errors, self.sent = list(errors), []

    async def send(self, chat_id, html, keyboard=None):
        error = self.errors.pop(0) if self.errors else None
        if error is not None:
            raise error
        self.sent.append((chat_id, html, keyboard))
        return Sent(chat_id, 1000 + len(self.sent))

    async def edit(self, chat_id, message_id, html, keyboard=None):
        return chat_id

    async def set_keyboard(self, chat_id, message_id, keyboard):
        raise AssertionError("no probe here")

    async def member_count(self, chat_id):
        return 6


async def test_the_reminder_goes_out_once_and_a_failed_send_is_retried_only_if_worth_it(study):
    rnd, other = post_today(study), post_today(study, OTHER)
    study.calendar.reminder_setting(OTHER, "tat", study.store.group(OTHER).times)
    outbound = FailingOutbound([Unavailable("timed out"), None])
    lifecycle = RoundLifecycle(outbound, study)
    at(study, datetime(2026, 11, 30, 18, 0, tzinfo=TZ))
    await lifecycle.run_due()
    assert outbound.sent == [] and study.store.round_reminded_at(rnd.id) is None  # given back for a retry
    at(study, datetime(2026, 11, 30, 18, 0, 20, tzinfo=TZ))
    await lifecycle.run_due()
    await lifecycle.run_due()  # a later check finds it claimed: no second reminder
    assert [chat for chat, _, _ in outbound.sent] == [CHAT]
    assert study.store.round_reminded_at(rnd.id) is not None
    study.calendar.reminder_setting(OTHER, "60", study.store.group(OTHER).times)
    at(study, datetime(2026, 11, 30, 19, 0, tzinfo=TZ))
    gone = FailingOutbound([GroupGone(OTHER)])
    await RoundLifecycle(gone, study).remind(other)
    assert study.store.round_reminded_at(other.id) is not None  # the claim stays: never sent again
    assert study.calendar.reminders_due() == []
