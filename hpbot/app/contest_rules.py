"""Integrity during a competition: one reveal time for all its groups on each of its study days.

While a group takes part in a running competition that has a common reveal time, answers close and the official
answer is posted at that minute in every cell: a cell that revealed early could hand the right letter to the
others (options are also shuffled per round). So `/congbo` cannot reveal before it, `/caidat` cannot move it, and a
group joining during the day has its open round's reveal moved to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from hpbot import texts
from hpbot.app.contest_calendar import ContestCalendars
from hpbot.clock import Clock
from hpbot.domain import schedule
from hpbot.format import day
from hpbot.store import Group, Round, Store
from hpbot.store.competitions import Competition


@dataclass(frozen=True)
class CommonReveal:
    competition: Competition
    at: str  # 'HH:MM', local


class ContestRules:
    def __init__(self, store: Store, clock: Clock, tz: ZoneInfo) -> None:
        self.store, self.clock, self.tz = store, clock, tz
        self.calendars = ContestCalendars(store, clock, tz)

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    def common_reveal(self, chat_id: int, on: date | None = None) -> CommonReveal | None:
        """The reveal time the group's running competition sets on `on` (today by default), if it sets one."""
        comp = self.store.running_competition(chat_id, on or self.today())
        if comp is None or not comp.reveal_time:
            return None
        return CommonReveal(comp, comp.reveal_time)

    def reveal_at(self, group: Group, on: date) -> datetime:
        """When the group's round of `on` closes: its competition's common time, else the group's own."""
        return self.reveal_in(group, on, self.store.running_competition(group.chat_id, on))

    def reveal_in(self, group: Group, on: date, running: Competition | None) -> datetime:
        """`reveal_at` with the group's running competition on `on` already read."""
        if running is not None and running.reveal_time:
            return schedule.at(on, schedule.parse_time(running.reveal_time), self.tz)
        return schedule.reveal_at(on, self.tz, group.times)

    def early_reveal_refusal(self, rnd: Round) -> str | None:
        """Why `/congbo` may not reveal this round now (a competition's common time not reached); None if it may."""
        common = self.common_reveal(rnd.chat_id, rnd.study_date)
        if common is None or self.clock.now() >= rnd.reveal_at:
            return None
        return texts.CONTEST_REVEAL_EARLY.format(
            contest=texts.contest(escape(common.competition.name)), reveal=common.at
        )

    def times_refusal(self, chat_id: int, times: schedule.Times) -> str | None:
        """Why `/caidat` may not set these times now (they would move the common reveal); None if it may."""
        common = self.common_reveal(chat_id)
        if common is None or schedule.format_time(times.reveal) == common.at:
            return None
        return texts.CONTEST_TIMES_REFUSED.format(
            contest=texts.contest(escape(common.competition.name)),
            end=day(common.competition.end),
            reveal=common.at,
        )

    def joined(self, group: Group) -> str:
        """After a group joined a competition: today's open round closes at the common time; a warning when the
        group's post time comes after it (it would get no question on the competition's days); the study days of
        the competition, which now decide the group's."""
        running = self.store.running_competition(group.chat_id, self.today())
        days = self.calendars.line(running) if running is not None else ""
        common = self.common_reveal(group.chat_id)
        if common is None:
            return days
        today = self.today()
        self.store.set_reveal_at(group.chat_id, today, self.reveal_at(group, today))
        if schedule.format_time(group.times.post) >= common.at:
            return days + texts.JOINED_POST_LATE.format(post=group.post_time, reveal=common.at)
        return days

    def set_reveal_time(self, comp: Competition, typed: str) -> str:
        """`/cuocthi_gio N HH:MM`: the common reveal time, from today's rounds of its groups on."""
        contest = texts.contest(escape(comp.name))
        try:
            at = schedule.format_time(schedule.parse_time(typed.strip()))
        except schedule.TimeFormatError:
            return texts.COMP_REVEAL_BAD.format(id=comp.id)
        self.store.competitions.set_reveal_time(comp.id, at)
        today = self.today()
        if comp.start <= today <= comp.end:
            when = schedule.at(today, schedule.parse_time(at), self.tz)
            for chat_id in self.store.competitions.groups_of(comp.id):
                self.store.set_reveal_at(chat_id, today, when)
        return texts.COMP_REVEAL_SAVED.format(contest=contest, reveal=at)

    def reveal_time_html(self, comp: Competition) -> str:
        if not comp.reveal_time:
            return texts.COMP_REVEAL_LEGACY.format(
                contest=texts.contest(escape(comp.name), first=True), id=comp.id
            )
        return texts.COMP_REVEAL_SHOW.format(
            contest=texts.contest(escape(comp.name)), reveal=comp.reveal_time, id=comp.id
        )
