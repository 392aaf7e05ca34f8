"""A competition's own study calendar: its weekdays and pauses, set by its organizer (`/cuocthi_lich`).

While a group takes part in a running competition, the competition's calendar decides the group's study days
instead of the group's own `/lich`: every cell gets its question on the same days, so a cell studying on more days
cannot make those days contest days for the others (who would be charged for questions they never got), and only
the contest's study days are folded into its totals (hpbot.store.competitions). After the competition the group's
own calendar applies again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from zoneinfo import ZoneInfo

from hpbot import texts
from hpbot.clock import Clock
from hpbot.domain import calendar, schedule
from hpbot.domain.calendar import CalendarInputError, Pause
from hpbot.domain.statuses import CompetitionStatus
from hpbot.format import day
from hpbot.store import Store
from hpbot.store.competitions import Competition
from hpbot.texts import calendar as calendar_texts
from hpbot.texts import contest_calendar as cal_texts


@dataclass(frozen=True)
class ContestCalendar:
    """The calendar of the competition a group is in on a day."""

    competition: Competition
    days: frozenset[int]
    pauses: list[Pause]

    def studies(self, on: date) -> bool:
        return calendar.is_study_day(on, self.days, self.pauses)

    @property
    def contest_html(self) -> str:
        return texts.contest(escape(self.competition.name))


def describe(days: frozenset[int]) -> str:
    return calendar_texts.DAYS_EVERY if days == calendar.EVERY_DAY else calendar.describe(days)


class ContestCalendars:
    def __init__(self, store: Store, clock: Clock, tz: ZoneInfo) -> None:
        self.store, self.clock, self.tz = store, clock, tz

    def today(self) -> date:
        return schedule.local_date(self.clock.now(), self.tz)

    def pauses(self, comp: Competition, since: date | None = None) -> list[Pause]:
        return [Pause(first, last) for first, last in self.store.competitions.pauses(comp.id, since)]

    def of(self, comp: Competition, since: date | None = None) -> ContestCalendar:
        return ContestCalendar(comp, calendar.decode(comp.study_days), self.pauses(comp, since))

    def running(self, chat_id: int, on: date | None = None) -> ContestCalendar | None:
        """The calendar of the group's running competition on `on` (today by default); None when it is in none."""
        on = on or self.today()
        comp = self.store.running_competition(chat_id, on)
        return self.of(comp, on) if comp is not None else None

    def off_among(self, chat_ids: list[int], on: date) -> tuple[set[int], set[int]]:
        """(the groups in a running competition on `on`, those of them that competition does not study on `on`)."""
        found = self.store.competitions.running_calendars(chat_ids, on)
        off = {
            chat_id
            for chat_id, (days, pauses) in found.items()
            if not calendar.is_study_day(on, calendar.decode(days), [Pause(a, b) for a, b in pauses])
        }
        return set(found), off

    def paused_on(self, on: date) -> set[int]:
        """The groups whose running competition pauses on `on` (a group in several: the newest one decides)."""
        candidates = self.store.competitions.paused_groups_on(on)
        if not candidates:
            return set()
        found = self.store.competitions.running_calendars(candidates, on)
        return {chat_id for chat_id, (_, pauses) in found.items() if pauses}

    # the lines others read ------------------------------------------------------------------------------------
    def pause_lines(self, comp: Competition) -> list[str]:
        return [
            day(p.first) if p.first == p.last else f"{day(p.first)} – {day(p.last)}"
            for p in self.pauses(comp, self.today())
        ]

    def line(self, comp: Competition) -> str:
        """'📅 Ngày thi: T2-T6; nghỉ chung: 01/01/2027 – 03/01/2027': on the board and in the news of joining."""
        lines = self.pause_lines(comp)
        return cal_texts.LINE.format(
            days=describe(calendar.decode(comp.study_days)),
            pauses=cal_texts.LINE_PAUSES.format(lines=", ".join(lines)) if lines else "",
        )

    # the organizer's command ---------------------------------------------------------------------------------
    def pauses_html(self, comp: Competition) -> str:
        """Its pauses still to come, a line each under their header ("none" when there are none)."""
        lines = self.pause_lines(comp)
        if not lines:
            return cal_texts.PAUSES_NONE
        return "\n".join([cal_texts.PAUSES_HEADER, *(f"• {line}" for line in lines)])

    def show(self, comp: Competition) -> str:
        """`/cuocthi_lich N`: the competition's study days and its pauses still to come."""
        return cal_texts.SHOW.format(
            contest=texts.contest(escape(comp.name), first=True),
            days=describe(calendar.decode(comp.study_days)),
            pauses=self.pauses_html(comp),
            id=comp.id,
        )

    def change(self, comp: Competition, args: list[str]) -> str:
        """`/cuocthi_lich N T2-T6` (weekdays) or `/cuocthi_lich N tamdung …` (list, add or remove pauses); bad
        input changes nothing and says what was wrong, as does an ended competition (its results are final)."""
        contest = texts.contest(escape(comp.name))
        if (
            comp.status != CompetitionStatus.ACTIVE
        ):  # its results are final: a new calendar would recount them
            return cal_texts.ENDED.format(contest=texts.contest(escape(comp.name), first=True), id=comp.id)
        if args and args[0].lower() in cal_texts.PAUSE_WORDS:
            return self._pause(comp, texts.contest(escape(comp.name), first=True), args[1:])
        typed = " ".join(args)
        try:
            days = calendar.parse_days(typed)
        except CalendarInputError:
            return cal_texts.DAYS_BAD.format(typed=escape(typed), id=comp.id)
        self.store.competitions.set_study_days(comp.id, calendar.encode(days))
        return cal_texts.DAYS_SAVED.format(contest=contest, days=describe(days))

    def _pause(self, comp: Competition, contest: str, args: list[str]) -> str:
        """`contest`: the competition named at the start of a sentence."""
        if not args:
            if self.pause_lines(comp):
                return self.show(comp)
            return cal_texts.PAUSE_LIST_NONE.format(contest=contest, id=comp.id)
        if len(args) == 1 and args[0].lower() in calendar_texts.PAUSE_CLEAR_WORDS:
            removed = self.store.competitions.remove_pauses_from(comp.id, self.today())
            if not removed:
                return cal_texts.PAUSE_CLEARED_NONE.format(contest=contest)
            return cal_texts.PAUSE_CLEARED.format(
                count=removed,
                contest=texts.contest(escape(comp.name)),
                days=describe(calendar.decode(comp.study_days)),
            )
        try:
            pause = calendar.parse_pause(args, self.today())
        except CalendarInputError as exc:
            return cal_texts.PAUSE_ERRORS[exc.reason].format(id=comp.id) + cal_texts.UNCHANGED
        self.store.competitions.add_pause(comp.id, pause.first, pause.last)
        if pause.first == pause.last:
            return cal_texts.PAUSE_SAVED_ONE_DAY.format(contest=contest, first=day(pause.first), id=comp.id)
        return cal_texts.PAUSE_SAVED.format(
            contest=contest, first=day(pause.first), last=day(pause.last), id=comp.id
        )
