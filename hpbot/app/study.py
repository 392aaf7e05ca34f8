"""Use cases of the daily loop over the store, the study bank and the pure rules: groups, rounds, answers, boards.
No Telegram here."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hpbot.app.calendar import CalendarService
from hpbot.app.contest_rules import ContestRules
from hpbot.app.documents import DocumentService
from hpbot.clock import Clock
from hpbot.content import Bank, Library, QuizItem
from hpbot.domain import due, rotation, schedule, scoring
from hpbot.domain.ranking import Standing, rank
from hpbot.domain.statuses import GroupStatus
from hpbot.store import Group as Group
from hpbot.store import Round as Round
from hpbot.store import Store


class AnswerOutcome(enum.Enum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"
    CLOSED = "closed"
    INVALID = "invalid"


@dataclass(frozen=True)
class AnswerResult:
    outcome: AnswerOutcome
    option: int = -1
    round: Round | None = None


@dataclass(frozen=True)
class MeCard:
    standing: Standing
    rank: int
    total: int
    best_streak: int


class StudyService:
    def __init__(self, store: Store, bank: Bank | Library, clock: Clock, tz: ZoneInfo) -> None:
        self.store, self.clock, self.tz = store, clock, tz
        self.library = Library.of(bank)
        self.bank = self.library.first  # where a new group starts
        self.documents = DocumentService(store, self.library, clock, tz)
        self.calendar = CalendarService(store, clock, tz)
        self.contests = ContestRules(store, clock, tz)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return schedule.local_date(self.now(), self.tz)

    # groups -------------------------------------------------------------------------------------------------
    def group_seen(self, chat_id: int, title: str, chat_type: str) -> Group:
        return self.store.touch_group(chat_id, title, chat_type, self.now())

    def subscribe(self, chat_id: int, title: str, chat_type: str) -> tuple[Group, bool]:
        """Subscribe the group; returns (group, True if it was already subscribed)."""
        group = self.group_seen(chat_id, title, chat_type)
        if group.active:
            return group, True
        self.store.set_status(chat_id, GroupStatus.ACTIVE, self.now())
        return self.store.group(chat_id), False  # type: ignore[return-value]

    def unsubscribe(self, chat_id: int) -> bool:
        group = self.store.group(chat_id)
        if group is None or not group.active:
            return False
        self.store.set_status(chat_id, GroupStatus.UNSUBSCRIBED, self.now())
        return True

    def bot_removed(self, chat_id: int) -> None:
        if self.store.group(chat_id) is not None:
            self.store.set_status(chat_id, GroupStatus.KICKED, self.now())

    def bot_returned(self, chat_id: int, title: str, chat_type: str) -> Group:
        """The bot was added again: the group keeps its history but must be subscribed again by an admin."""
        group = self.group_seen(chat_id, title, chat_type)
        if group.status == GroupStatus.KICKED:
            self.store.set_status(chat_id, GroupStatus.UNSUBSCRIBED, self.now())
        return self.store.group(chat_id)  # type: ignore[return-value]

    def set_times(self, chat_id: int, times: schedule.Times) -> Group:
        self.store.set_times(
            chat_id, schedule.format_time(times.post), schedule.format_time(times.reveal), self.now()
        )
        group: Group = self.store.group(chat_id)  # type: ignore[assignment]
        self.store.set_reveal_at(chat_id, self.today(), self.contests.reveal_at(group, self.today()))
        return group

    def migrate(self, old_id: int, new_id: int) -> bool:
        moved = self.store.migrate_chat(old_id, new_id, self.now())
        if moved:
            self.calendar.move(old_id, new_id)
        return moved

    def note_message(self, chat_id: int, message_id: int) -> None:
        """Keep the highest message id seen in a group: where the lost-post probe starts after a crash."""
        self.store.note_message(chat_id, message_id)

    # members ------------------------------------------------------------------------------------------------
    def member_seen(self, user_id: int, first_name: str, last_name: str | None, username: str | None) -> None:
        """Record a member with their current Telegram name (boards and reports show it)."""
        self.store.touch_user(user_id, first_name, last_name, username, self.now())

    def active_group_count(self) -> int:
        return self.store.active_group_count()

    # rounds -------------------------------------------------------------------------------------------------
    def due_posts(self) -> list[Group]:
        """Groups whose question of today is due now; a group with a day off (its calendar) has none."""
        now_local = self.now().astimezone(self.tz)
        groups = self.store.groups_due_for_post(now_local.date(), now_local.strftime("%H:%M"))
        if not groups:
            return groups
        off = self.calendar.off_among((g.chat_id for g in groups), now_local.date())
        return [g for g in groups if g.chat_id not in off]

    def start_round(self, group: Group, *, early: bool = False) -> Round | None:
        """Create today's round for the group (next question of its current document, least-used item). None if
        one exists or not due.

        `early` (an admin's /guingay) posts before the post time, but never after the reveal time. A day off in
        the group's calendar has no round, so it neither counts nor breaks a streak.
        """
        now, today = self.now(), self.today()
        if not early and schedule.post_due(now, self.tz, group.times, False) is None:
            return None
        if self.calendar.day_off(group.chat_id, today) is not None:
            return None
        # the running competition, read once: it may set the reveal time and the document
        running = self.store.running_competition(group.chat_id, today)
        reveal = self.contests.reveal_in(group, today, running)  # its common time, else the group's
        if now >= reveal:
            return None
        bank = self.documents.current_in(group, running)
        question = self.documents.next_question(group, bank)
        if question is None:  # a document without reviewed items yet: the first document is studied meanwhile
            bank = self.library.first
            question = self.documents.next_question(group, bank)
            if question is None:
                return None
        item_ids = [item.id for item in bank.items_for(question)]
        item_id = rotation.pick_item(item_ids, self.store.item_usage(group.chat_id, question))
        return self.store.insert_round(group.chat_id, today, question, item_id, reveal, bank.id)

    def today_round(self, chat_id: int) -> Round | None:
        return self.store.round_on(chat_id, self.today())

    def posted(self, rnd: Round, message_id: int) -> None:
        self.store.mark_posted(rnd.id, message_id, self.now())

    def bank_for(self, rnd: Round) -> Bank:
        """The bank of the document the round's question belongs to (a round of a document no longer shipped:
        the document holding its item, item ids being unique across the library)."""
        return self.library.get(rnd.document) or self.library.holding(rnd.item_id) or self.library.first

    def item(self, rnd: Round) -> QuizItem:
        return self.bank_for(rnd).item(rnd.item_id)

    def answer(
        self, round_id: int, chat_id: int, user_id: int, option: int, at: datetime | None = None
    ) -> AnswerResult:
        """A member's tap. `at` is when the tap reached the bot (it may be handled later): the speed bonus and
        whether the round was still taking answers are judged at that time; None means now."""
        rnd = self.store.round(round_id)
        if rnd is None or rnd.chat_id != chat_id or not 0 <= option < 4:
            return AnswerResult(AnswerOutcome.INVALID)
        now = at or self.now()
        if not rnd.is_open or now >= rnd.reveal_at:
            return AnswerResult(AnswerOutcome.CLOSED, round=rnd)
        started = rnd.posted_at or now
        elapsed_ms = max(0, int((now - started).total_seconds() * 1000))
        correct = option == self.bank_for(rnd).item(rnd.item_id).answer
        points = scoring.points_for(correct, elapsed_ms / 1000)
        stored, on_record = self.store.record_answer(rnd, user_id, option, correct, points, now, elapsed_ms)
        if stored:
            return AnswerResult(AnswerOutcome.RECORDED, option, rnd)
        if on_record < 0:  # the round closed between the read and the write
            return AnswerResult(AnswerOutcome.CLOSED, round=rnd)
        return AnswerResult(AnswerOutcome.DUPLICATE, on_record, rnd)

    def next_wake(self) -> datetime | None:
        """When the next post, reminder or reveal is due (the scheduler wakes then); None when nothing is
        scheduled."""
        now = self.now()
        post_times = [schedule.parse_time(t) for t in self.store.active_post_times()]
        instants = [self.store.next_reveal_after(now), self.calendar.next_reminder()]
        return due.next_wake(now, self.tz, post_times, [at for at in instants if at is not None])

    def due_reveals(self) -> list[Round]:
        return self.store.due_reveals(self.now())

    def close(self, rnd: Round) -> bool:
        return self.store.close_round(rnd.id, self.now())

    # boards -------------------------------------------------------------------------------------------------
    def standings(self, chat_id: int, period: str) -> list[Standing]:
        today = self.today()
        if period == "tuan":
            return self.store.standings(chat_id, *schedule.week_bounds(today))
        if period == "thang":
            return self.store.standings(chat_id, *schedule.month_bounds(today))
        return self.store.standings(chat_id)

    def leaderboard(self, chat_id: int, period: str) -> list[tuple[int, Standing]]:
        return rank(self.standings(chat_id, period))

    def me(self, chat_id: int, user_id: int) -> MeCard | None:
        ranked = self.leaderboard(chat_id, "tatca")
        for position, standing in ranked:
            if standing.user_id == user_id:
                stats = self.store.member_stats(chat_id, user_id) or {}
                return MeCard(standing, position, len(ranked), stats.get("best_streak", 0))
        return None
