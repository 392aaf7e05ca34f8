"""A group's study calendar and the reminder before the reveal, as use cases over the store.

A day off (a weekday the group does not study, or a day of one of its pauses) gets no round: no post, no reminder,
and, being no round, it neither counts nor breaks a streak (hpbot.domain.streaks). While the group is in a running
competition, the competition's calendar decides its days off instead of its own, which waits for the competition's
end (hpbot.app.contest_calendar): every cell then studies on the same days, the competition's. The replies to the
admins' commands are built here, so the Telegram handlers only pass the words typed on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from hpbot import texts
from hpbot.app import messages
from hpbot.app.contest_calendar import ContestCalendar, ContestCalendars, describe
from hpbot.app.ports import Keyboard
from hpbot.clock import Clock
from hpbot.domain import calendar, schedule, streaks
from hpbot.domain.calendar import CalendarInputError, Pause
from hpbot.format import day, duration, hhmm, message_link
from hpbot.store import Round, Store
from hpbot.texts import calendar as calendar_texts
from hpbot.texts import contest_calendar as contest_texts

REMINDER_PREFIX = "n:"  # the reminder's button: n:ROUND


@dataclass(frozen=True)
class DayOff:
    """Why a group has no question on a day: the weekday (`pause` None) or a pause, of the group's own calendar
    or (`contest` set) of the running competition's."""

    day: date
    days: frozenset[int]
    pause: Pause | None = None
    contest: ContestCalendar | None = None


def reminder_keyboard(round_id: int) -> Keyboard:
    return {
        "inline_keyboard": [
            [{"text": calendar_texts.REMINDER_BUTTON, "callback_data": f"{REMINDER_PREFIX}{round_id}"}]
        ]
    }


class CalendarService:
    def __init__(self, store: Store, clock: Clock, tz: ZoneInfo) -> None:
        self.store, self.clock, self.tz = store, clock, tz
        self.contests = ContestCalendars(store, clock, tz)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return schedule.local_date(self.now(), self.tz)

    # the calendar -------------------------------------------------------------------------------------------
    def days(self, chat_id: int) -> frozenset[int]:
        return calendar.decode(self.store.study_days(chat_id))

    def pauses(self, chat_id: int, since: date | None = None) -> list[Pause]:
        return [Pause(first, last) for first, last in self.store.pauses(chat_id, since)]

    def day_off(self, chat_id: int, on: date | None = None) -> DayOff | None:
        """Why the group has no question on `on` (default today); None on a study day. In a running competition
        its calendar decides, not the group's own."""
        on = on or self.today()
        contest = self.contests.running(chat_id, on)
        if contest is not None:
            if contest.studies(on):
                return None
            return DayOff(on, contest.days, calendar.pause_on(on, contest.pauses), contest)
        days, pauses = self.days(chat_id), self.pauses(chat_id, on)
        if calendar.is_study_day(on, days, pauses):
            return None
        return DayOff(on, days, calendar.pause_on(on, pauses))

    def off_among(self, chat_ids: Iterable[int], on: date) -> set[int]:
        """Which of the groups have a day off on `on` (the morning's push): a few reads for any number of groups.
        A group in a running competition has the competition's days off, not its own."""
        chat_ids = list(chat_ids)
        in_contest, contest_off = self.contests.off_among(chat_ids, on)
        limited = self.store.limited_study_days()
        paused = self.store.pauses_on(on)
        if not limited and not paused:
            return contest_off
        return contest_off | {
            chat_id
            for chat_id in chat_ids
            if chat_id not in in_contest
            and not calendar.is_study_day(
                on,
                calendar.decode(limited.get(chat_id, calendar.encode(calendar.EVERY_DAY))),
                [Pause(first, last) for first, last in paused.get(chat_id, [])],
            )
        }

    def paused_on(self, on: date) -> set[int]:
        """The groups one of whose pauses, or of whose running competition's, covers `on` (the weekly bulletin
        keeps to them), in a few reads."""
        return set(self.store.pauses_on(on)) | self.contests.paused_on(on)

    def move(self, old_id: int, new_id: int) -> None:
        """The group became a supergroup: its pauses go with it (its weekdays and reminder are in its row)."""
        self.store.move_pauses(old_id, new_id)

    # the admins' commands -----------------------------------------------------------------------------------
    def show(self, chat_id: int) -> str:
        """/lich: the study weekdays and the pauses still to come (in a running competition, its calendar)."""
        contest = self.contests.running(chat_id)
        if contest is not None:
            return contest_texts.GROUP_CALENDAR.format(
                contest=contest.contest_html,
                end=day(contest.competition.end),
                days=self._describe(contest.days),
                pauses=self.contests.pauses_html(contest.competition),
                own=self._describe(self.days(chat_id)),
            )
        return calendar_texts.CALENDAR.format(
            days=self._describe(self.days(chat_id)), pauses=self._pause_lines(chat_id, empty=True)
        )

    def set_days(self, chat_id: int, typed: str, now: datetime | None = None) -> str:
        """/lich T2-T6: new study weekdays (changes nothing if the words are not understood, nor while the group
        is in a running competition: its calendar applies)."""
        if (refusal := self.contest_refusal(chat_id)) is not None:
            return refusal
        try:
            days = calendar.parse_days(typed)
        except CalendarInputError:
            return calendar_texts.DAYS_BAD
        self.store.set_study_days(chat_id, calendar.encode(days), now or self.now())
        return calendar_texts.DAYS_SAVED.format(days=self._describe(days))

    def pause(self, chat_id: int, args: list[str]) -> str:
        """/tamdung: list (no words), remove (xoa) or add a pause (one or two dates); no change while the group is
        in a running competition."""
        if args and (refusal := self.contest_refusal(chat_id)) is not None:
            return refusal
        if not args:
            lines = self._pause_lines(chat_id, empty=False)
            return calendar_texts.PAUSE_LIST.format(lines=lines) if lines else calendar_texts.PAUSE_LIST_NONE
        if len(args) == 1 and args[0].lower() in calendar_texts.PAUSE_CLEAR_WORDS:
            removed = self.store.remove_pauses_from(chat_id, self.today())
            if not removed:
                return calendar_texts.PAUSE_CLEARED_NONE
            return calendar_texts.PAUSE_CLEARED.format(count=removed, days=self._describe(self.days(chat_id)))
        try:
            pause = calendar.parse_pause(args, self.today())
        except CalendarInputError as exc:
            return calendar_texts.PAUSE_ERRORS[exc.reason] + calendar_texts.PAUSE_UNCHANGED
        self.store.add_pause(chat_id, pause.first, pause.last)
        if pause.first == pause.last:
            return calendar_texts.PAUSE_SAVED_ONE_DAY.format(first=day(pause.first))
        return calendar_texts.PAUSE_SAVED.format(first=day(pause.first), last=day(pause.last))

    def contest_refusal(self, chat_id: int) -> str | None:
        """Why the group's calendar cannot be changed now (a running competition's applies); None if it can."""
        contest = self.contests.running(chat_id)
        if contest is None:
            return None
        return contest_texts.REFUSED.format(
            contest=contest.contest_html, end=day(contest.competition.end), days=self._describe(contest.days)
        )

    def day_off_html(self, off: DayOff) -> str:
        """Why /guingay posts nothing today."""
        if off.contest is not None:
            if off.pause is not None:
                return contest_texts.DAY_OFF_PAUSE.format(
                    contest=texts.contest(escape(off.contest.competition.name), first=True),
                    first=day(off.pause.first),
                    last=day(off.pause.last),
                )
            return contest_texts.DAY_OFF_WEEKDAY.format(
                weekday=calendar.weekday_name(off.day),
                date=day(off.day),
                contest=off.contest.contest_html,
                days=self._describe(off.days),
            )
        if off.pause is not None:
            return calendar_texts.DAY_OFF_PAUSE.format(first=day(off.pause.first), last=day(off.pause.last))
        return calendar_texts.DAY_OFF_WEEKDAY.format(
            weekday=calendar.weekday_name(off.day), date=day(off.day), days=self._describe(off.days)
        )

    def reminder_setting(self, chat_id: int, typed: str, times: schedule.Times) -> str:
        """/nhacnho: show (no words), change (minutes) or turn off (tat) the reminder before the reveal."""
        if typed.strip():
            try:
                minutes = calendar.parse_reminder(typed)
            except CalendarInputError:
                return calendar_texts.REMINDER_BAD.format(max=calendar.REMINDER_MAX)
            self.store.set_reminder_minutes(chat_id, minutes, self.now())
            if not minutes:
                return calendar_texts.REMINDER_SAVED_OFF
            at = self._reminder_time(times, minutes)
            if at is None:
                return calendar_texts.REMINDER_SAVED_NO_TIME.format(
                    lead=self._lead(minutes)
                ) + calendar_texts.REMINDER_BEFORE_POST.format(post=schedule.format_time(times.post))
            return calendar_texts.REMINDER_SAVED.format(lead=self._lead(minutes), at=at)
        minutes = self.store.reminder_minutes(chat_id)
        if not minutes:
            return calendar_texts.REMINDER_STATE_OFF
        at = self._reminder_time(times, minutes)
        if at is None:
            return calendar_texts.REMINDER_STATE_NO_TIME.format(
                lead=self._lead(minutes)
            ) + calendar_texts.REMINDER_BEFORE_POST.format(post=schedule.format_time(times.post))
        return calendar_texts.REMINDER_STATE.format(
            lead=self._lead(minutes), at=at, reveal=schedule.format_time(times.reveal)
        )

    @staticmethod
    def _reminder_time(times: schedule.Times, minutes: int) -> str | None:
        """The local clock time of the reminder ('18:00'); None when it falls at or before the post time (then
        there is none: the question is not out yet)."""
        reveal = times.reveal.hour * 60 + times.reveal.minute
        at = reveal - minutes
        if at <= times.post.hour * 60 + times.post.minute:
            return None
        return f"{at // 60:02d}:{at % 60:02d}"

    def settings_html(self, chat_id: int, times: schedule.Times) -> str:
        """The calendar's lines of /caidat: study days, pauses to come, the reminder."""
        minutes = self.store.reminder_minutes(chat_id)
        at = self._reminder_time(times, minutes) if minutes else None
        reminder = (
            calendar_texts.SETTINGS_REMINDER.format(lead=self._lead(minutes), at=at)
            if at is not None
            else calendar_texts.SETTINGS_REMINDER_OFF
        )
        pauses = self._pause_lines(chat_id, empty=False)
        contest = self.contests.running(chat_id)
        if contest is not None:  # the contest's days, and not the group's pauses (they wait for its end)
            lines = "\n".join(f"• {line}" for line in self.contests.pause_lines(contest.competition))
            return contest_texts.SETTINGS_CALENDAR.format(
                days=self._describe(contest.days),
                contest=contest.contest_html,
                pauses=calendar_texts.SETTINGS_PAUSES.format(lines=lines) if lines else "",
                reminder=reminder,
            )
        return calendar_texts.SETTINGS_CALENDAR.format(
            days=self._describe(self.days(chat_id)),
            pauses=calendar_texts.SETTINGS_PAUSES.format(lines=pauses) if pauses else "",
            reminder=reminder,
        )

    @staticmethod
    def _lead(minutes: int) -> str:
        return duration(minutes * 60_000)

    _describe = staticmethod(describe)  # "mọi ngày" or the weekdays, as the contest's calendar says them

    def _pause_lines(self, chat_id: int, *, empty: bool) -> str:
        pauses = self.pauses(chat_id, self.today())
        if not pauses:
            return calendar_texts.PAUSES_NONE if empty else ""
        lines = [
            calendar_texts.PAUSE_LINE_ONE_DAY.format(first=day(p.first))
            if p.first == p.last
            else calendar_texts.PAUSE_LINE.format(first=day(p.first), last=day(p.last))
            for p in pauses
        ]
        return "\n".join(([calendar_texts.PAUSES_HEADER] if empty else []) + lines)

    # the reminder -------------------------------------------------------------------------------------------
    def reminders_due(self) -> list[Round]:
        return self.store.round_reminders_due(self.now())

    def next_reminder(self) -> datetime | None:
        return self.store.next_round_reminder_after(self.now())

    def claim_reminder(self, rnd: Round) -> bool:
        """Take the round's reminder before it is sent: at most one per round, even across a crash."""
        return self.store.claim_round_reminder(rnd.id, self.now())

    def release_reminder(self, rnd: Round) -> None:
        self.store.release_round_reminder(rnd.id)

    def reminder(self, round_id: int) -> tuple[str, Keyboard] | None:
        """The reminder of an open round as it reads now (its count read afresh); None when it is not to be sent:
        the round is closed, or its day became a day off after the post."""
        rnd = self.store.round(round_id)
        now = self.now()
        if rnd is None or not rnd.is_open or now >= rnd.reveal_at:
            return None
        if self.day_off(rnd.chat_id, rnd.study_date) is not None:
            return None
        left_minutes = round((rnd.reveal_at - now).total_seconds() / 60)
        if left_minutes < 1:
            return None
        text = calendar_texts.REMINDER.format(
            left=duration(left_minutes * 60_000),
            reveal=hhmm(rnd.reveal_at, self.tz),
            share=escape(messages.share(rnd.answer_count, rnd.member_count)),
        )
        link = message_link(rnd.chat_id, rnd.message_id) if rnd.message_id is not None else None
        if link:
            text += calendar_texts.REMINDER_LINK.format(url=escape(link))
        return text, reminder_keyboard(rnd.id)

    def check_alert(self, round_id: int, chat_id: int, user_id: int) -> str:
        """The reminder button's private alert: whether the member answered today's question (never whether
        rightly: that waits for the reveal) and, if not, the streak they would lose."""
        rnd = self.store.round(round_id)
        if rnd is None or rnd.chat_id != chat_id:
            return calendar_texts.CHECK_GONE
        if not rnd.is_open:
            return calendar_texts.CHECK_CLOSED
        reveal = hhmm(rnd.reveal_at, self.tz)
        streak = self._streak(chat_id, user_id)
        answer = self.store.answer_of(rnd.id, user_id)
        if answer is not None:
            text = calendar_texts.CHECK_ANSWERED.format(
                letter=messages.shown_letter(rnd, answer["option"]), reveal=reveal
            )
            after = streaks.after_answer(streak, rnd.seq).current
            return text + (calendar_texts.CHECK_ANSWERED_STREAK.format(streak=after) if after > 1 else "")
        stake = streaks.at_stake(streak, rnd.seq)
        if stake:
            return calendar_texts.CHECK_STREAK_AT_STAKE.format(streak=stake, reveal=reveal)
        return calendar_texts.CHECK_NOT_ANSWERED.format(reveal=reveal)

    def streak_at_stake(self, chat_id: int, user_id: int) -> tuple[int, str] | None:
        """(streak, reveal time) when the group's question of today is open, the member has not answered it and
        leaving it would end a streak of theirs; None otherwise."""
        rnd = self.store.round_on(chat_id, self.today())
        if rnd is None or not rnd.is_open or self.now() >= rnd.reveal_at:
            return None
        if self.store.answer_of(rnd.id, user_id) is not None:
            return None
        stake = streaks.at_stake(self._streak(chat_id, user_id), rnd.seq)
        return (stake, hhmm(rnd.reveal_at, self.tz)) if stake else None

    def _streak(self, chat_id: int, user_id: int) -> streaks.Streak:
        stats = self.store.member_stats(chat_id, user_id)
        if not stats:
            return streaks.Streak()
        return streaks.Streak(stats["streak"], stats["best_streak"], stats["last_round"])
