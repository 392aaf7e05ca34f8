"""Use cases of competitions between cells: organizing, joining, standings, reports and weekly bulletins.
No Telegram here; the handlers and the bulletin sender call these."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from hpbot.app.bulk import collections_paused
from hpbot.clock import Clock
from hpbot.content import Bank, Library
from hpbot.domain import competition as rules
from hpbot.domain import schedule
from hpbot.domain.competition import GroupRanking, GroupTotals, rank_groups
from hpbot.domain.predictions import (
    ContestRound,
    Prediction,
    all_right,
    contest_rounds,
    deadline,
    rank_with_predictions,
    round_of_window,
)
from hpbot.domain.quiz import LETTERS
from hpbot.domain.ranking import rank
from hpbot.domain.statuses import CompetitionStatus
from hpbot.store import Store
from hpbot.store.competitions import DEFAULT_REVEAL, MemberTotals
from hpbot.store.competitions import Competition as Competition
from hpbot.store.predictions import Predictions

CHART_DAYS = 30
# the longest a competition's group ranking is kept while its standings' version stays the same (a bound on what a
# change the version's sums cannot see, such as a renamed group, may take to show)
TIE_POOL = 5_000  # lines ranked in Python for the board's tie-break at most


class JoinOutcome(enum.Enum):
    JOINED = "joined"
    ALREADY = "already"
    UNKNOWN = "unknown"
    ENDED = "ended"


@dataclass(frozen=True)
class TieBreak:
    """The prediction question of the round a standings' window is, once its deadline has passed."""

    round: ContestRound
    rounds: int  # how many rounds the competition has
    study_days: int  # the competition's study days in the round
    actual: int  # members with every answer of the round right
    predictions: dict[int, Prediction]


@dataclass(frozen=True)
class Standings:
    competition: Competition
    members: list[tuple[int, MemberTotals]]
    groups: Sequence[tuple[int, GroupTotals]]
    start: date
    end: date
    tiebreak: TieBreak | None = None

    def group_line(self, chat_id: int) -> tuple[int, GroupTotals] | None:
        return next(((r, g) for r, g in self.groups if g.chat_id == chat_id), None)


@dataclass(frozen=True)
class Board:
    """What /bxh cuocthi shows: the top lines, the caller's line, the caller's group with its rank, and how many
    groups take part."""

    competition: Competition
    top: list[tuple[int, MemberTotals]]
    mine: tuple[int, MemberTotals] | None
    group: tuple[int, GroupTotals] | None
    groups: int


@dataclass(frozen=True)
class AnswerKeyRow:
    study_date: date
    question: int
    question_text: str
    stem: str
    letter: str
    option: str
    groups: int


@dataclass(frozen=True)
class DayRow:
    study_date: date
    chat_id: int
    title: str
    question: int
    members: int
    answers: int
    correct: int

    @property
    def participation(self) -> float:
        return self.answers / self.members if self.members else 0.0


def question_rates(days: list[DayRow]) -> list[tuple[int, int, int]]:
    """(question, answers, right answers) over every cell and day of a report, the hardest first (lowest share
    right); questions nobody answered are left out."""
    totals: dict[int, tuple[int, int]] = {}
    for row in days:
        a, c = totals.get(row.question, (0, 0))
        totals[row.question] = (a + row.answers, c + row.correct)
    return hardest_first(totals)


def hardest_first(totals: dict[int, tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(question, answers, right answers) from each question's (answers, right answers), the lowest share right
    first; questions nobody answered are left out."""
    rows = [(q, a, c) for q, (a, c) in totals.items() if a]
    return sorted(rows, key=lambda r: (r[2] / r[1], r[0]))


@dataclass(frozen=True)
class Report:
    standings: Standings
    days: list[DayRow]
    answer_key: list[AnswerKeyRow]
    generated_at: datetime


@dataclass(frozen=True)
class DayStat:
    """One day of a group's chart: None for a day without a revealed question."""

    study_date: date
    answers: int | None
    correct: int | None
    members: int | None


@dataclass(frozen=True)
class Bulletin:
    competition: Competition
    chat_id: int
    week_start: date
    week_end: date
    group: GroupTotals | None
    rank: int | None
    total_groups: int
    top_members: list[tuple[int, MemberTotals]]
    answer_key: list[AnswerKeyRow]


@dataclass
class _WeekCache:
    """Group rankings of one competition week, and its tie-break (its actual number, without the predictions),
    shared by all of its groups' bulletins in one pass."""

    ranked: dict[tuple[int, date], Sequence[tuple[int, GroupTotals]]] = field(default_factory=dict)
    tiebreaks: dict[tuple[int, date], TieBreak | None] = field(default_factory=dict)


def rank_members(lines: list[MemberTotals], tiebreak: TieBreak | None) -> list[tuple[int, MemberTotals]]:
    """Members by points, then by the prediction tie-break when the window has one, then by answer time: the one
    ranking of the organizer's standings (/ketqua) and the weekly bulletins."""
    if tiebreak is None:
        return rank(lines, lambda m: m.standing)
    return rank_with_predictions(lines, lambda m: m.standing, tiebreak.predictions, tiebreak.actual)


def _newest_active(newest_first: list[Competition]) -> Competition | None:
    return next(
        (c for c in newest_first if c.status == CompetitionStatus.ACTIVE),
        newest_first[0] if newest_first else None,
    )


T = TypeVar("T")


@dataclass
class KeptRanking:
    """A competition's ranking of groups as `CompetitionService.ranking` keeps it: for these dates, up to this
    change (`ranking_mark`), with this many study days."""

    dates: tuple[date, date]
    mark: int
    contest_days: int
    ranking: GroupRanking


def _rank_all(changed: int, kept: KeptRanking) -> bool:
    """Whether `changed` groups are too many to move one at a time: all are ranked again (a quarter of them)."""
    return changed * 4 > max(len(kept.ranking), 100)


class CompetitionService:
    def __init__(
        self, store: Store, bank: Bank | Library, clock: Clock, tz: ZoneInfo, organizers: frozenset[int]
    ) -> None:
        self.store, self.clock, self.tz, self.organizers = store, clock, tz, organizers
        self.library = Library.of(bank)
        self.bank = self.library.first
        self.comps = store.competitions
        # the whole competition's group ranking by competition, kept up to date from the groups that changed
        self._ranked: dict[int, KeptRanking] = {}
        # the competitions being ranked again on a worker thread (`rank_apart`)
        self._ranking_apart: set[int] = set()

    def now(self) -> datetime:
        return self.clock.now()

    @contextmanager
    def snapshot(self) -> Iterator[CompetitionService]:
        """This service over a connection of its own that reads one snapshot of the database and writes nothing
        (`Store.snapshot`), for a report whose tables must agree while the bot goes on writing. Use it in the
        thread that entered it; `apart` runs work on one in a worker thread."""
        with self._snapshot(self._kept_copy()) as twin:
            yield twin

    def apart(self, work: Callable[[CompetitionService], T]) -> Callable[[], T]:
        """`work` on a snapshot (`snapshot`), to be run in another thread, so that the event loop keeps serving while
        a city's report is read (~5 s). The kept rankings are copied now, in the thread that asks (the event loop
        changes them), and brought up to the snapshot as usual: the groups changed since are read again in it, so
        the standings come from the same snapshot as the rest. An in-memory database (tests) has no second
        connection: `detachable` is then False and the callable must run in this thread."""
        kept = self._kept_copy()

        def run() -> T:
            with self._snapshot(kept) as twin:
                return work(twin)

        return run

    @property
    def detachable(self) -> bool:
        return self.store.path is not None

    def _kept_copy(self) -> dict[int, KeptRanking]:
        return {cid: replace(k, ranking=k.ranking.copy()) for cid, k in self._ranked.items()}

    @contextmanager
    def _snapshot(self, kept: dict[int, KeptRanking]) -> Iterator[CompetitionService]:
        with self.store.snapshot() as store:
            if store is self.store:
                yield self
                return
            twin = CompetitionService(store, self.library, self.clock, self.tz, self.organizers)
            twin._ranked = kept
            yield twin

    def today(self) -> date:
        return schedule.local_date(self.now(), self.tz)

    def is_organizer(self, user_id: int | None) -> bool:
        """In HPBOT_ORGANIZERS, or added with `hpbot organizers add` (read from the database each time: a change
        made while the bot runs counts at the next command)."""
        return user_id is not None and (user_id in self.organizers or self.store.organizers.contains(user_id))

    # organizing ---------------------------------------------------------------------------------------------
    def create(self, text: str, user_id: int) -> Competition:
        """'Name | start | end', optionally '| document id' (default: the library's first document). Raises
        CompetitionInputError with a reason the reply explains ('document': no such document)."""
        fields = text.split("|")
        document = self.library.first.id
        if len(fields) == 4:
            document = fields.pop().strip()
            if self.library.get(document) is None:
                raise rules.CompetitionInputError("document")
        spec = rules.parse_spec("|".join(fields))
        return self.comps.create(spec.name, spec.start, spec.end, user_id, self.now(), document)

    def document_title(self, comp: Competition) -> str:
        """The title of the document the competition studies (its id if that document is no longer shipped)."""
        bank = self.library.get(comp.document) or (self.library.first if comp.document is None else None)
        return bank.document.title if bank is not None else str(comp.document)

    def listing(self) -> list[tuple[Competition, int]]:
        return [(c, self.comps.group_count(c.id)) for c in self.comps.all()]

    def pick(self, arg: str | None) -> Competition | None:
        """By id or join code; without one, the newest active competition (else the newest)."""
        arg = (arg or "").strip()
        if arg:
            # only plain digits are a number ('²' and '١' are digits to isdigit()); one beyond any id is unknown
            if arg.isascii() and arg.isdigit():
                number = int(arg) if len(arg) <= 19 else None
                return self.comps.get(number) if number is not None and number <= 2**62 else None
            return self.comps.by_code(arg)
        return _newest_active(self.comps.all())

    def end(self, comp: Competition) -> bool:
        return self.comps.end(comp.id, max(self.today(), comp.start))

    def delete(self, comp: Competition) -> bool:
        return self.comps.delete(comp.id)

    def by_code(self, code: str) -> tuple[JoinOutcome | None, Competition | None]:
        """The competition of a join code: (UNKNOWN, None), (ENDED, it), or (None, it) while it can be joined."""
        comp = self.comps.by_code(code)
        if comp is None:
            return JoinOutcome.UNKNOWN, None
        if comp.status != CompetitionStatus.ACTIVE or comp.end < self.today():
            return JoinOutcome.ENDED, comp
        return None, comp

    def join(self, code: str, chat_id: int) -> tuple[JoinOutcome, Competition | None]:
        refused, comp = self.by_code(code)
        if refused is not None or comp is None:
            return refused or JoinOutcome.UNKNOWN, comp
        joined = self.comps.join(comp.id, chat_id, self.now())
        return (JoinOutcome.JOINED if joined else JoinOutcome.ALREADY), comp

    def join_all(self, comp: Competition) -> int:
        return self.comps.join_all_active(comp.id, self.now())

    def group_count(self, comp: Competition) -> int:
        return self.comps.group_count(comp.id)

    def current_for(self, chat_id: int) -> Competition | None:
        """The group's competition to show: the newest active one, else the newest it took part in."""
        return _newest_active(self.comps.competitions_of(chat_id, active_only=False))

    # standings and reports ----------------------------------------------------------------------------------
    def standings(
        self,
        comp: Competition,
        start: date | None = None,
        end: date | None = None,
        chat_id: int | None = None,
        groups: Sequence[tuple[int, GroupTotals]] | None = None,
        *,
        full_names: bool = False,
    ) -> Standings:
        """The members' lines ranked (with the prediction tie-break once it is settled) and the groups ranked. With
        `full_names`, members are listed under their /hoten names where they gave one (read with their lines)."""
        start, end = start or comp.start, end or comp.end
        lines = self.comps.member_totals(comp, start, end, chat_id, full_names=full_names)
        tiebreak = self.tiebreak(comp, start, end)
        members = rank_members(lines, tiebreak)
        if groups is None:
            groups = self.ranked_groups(comp, start, end)
        return Standings(comp, members, groups, start, end, tiebreak)

    def reveal_time(self, comp: Competition) -> time:
        return schedule.parse_time(comp.reveal_time or DEFAULT_REVEAL)

    def rounds(self, comp: Competition) -> list[ContestRound]:
        return contest_rounds(comp.start, comp.end, comp.round_days)

    def tiebreak(
        self, comp: Competition, start: date, end: date, *, predictions: bool = True
    ) -> TieBreak | None:
        """The prediction tie-break of the round the window is (the whole competition: its last round), once the
        round's deadline has passed and its actual number is settled; None otherwise."""
        rounds = self.rounds(comp)
        rnd = round_of_window(rounds, start, end)
        if rnd is None or self.now() < deadline(rnd, self.reveal_time(comp), self.tz):
            return None
        table = Predictions(self.store.db)
        days = self.comps.contest_days(comp, rnd.start, rnd.end)
        if len(rounds) == 1:  # the whole competition: from its maintained totals (an index range)
            actual = table.all_right_whole(comp.id, days)
        else:  # a round of several: from the daily rows of its dates (the organizer's reports only)
            actual = all_right(table.right_answers(comp.id, rnd.start, rnd.end), days)
        found = table.of_round(comp.id, rnd.number) if predictions else {}  # the board reads the few it shows
        return TieBreak(rnd, len(rounds), days, actual, found)

    def ranked_groups(
        self, comp: Competition, start: date | None = None, end: date | None = None
    ) -> Sequence[tuple[int, GroupTotals]]:
        """The participating groups in ranking order, with their ranks (the whole competition by default). The whole
        competition's ranking is kept: `ranking` reads again only the groups that changed. Callers must not change
        the list."""
        if start not in (None, comp.start) or end not in (None, comp.end):
            return rank_groups(self.comps.group_totals(comp, start, end))
        return self.ranking(comp).ranked()

    def stale_rankings(self) -> list[Competition]:
        """The running competitions whose next board or standings would rank every group again on the event loop
        (~0.1–0.4 s at 10,000 groups): never ranked in this process, new dates, more than a quarter of the groups
        changed since (a contest's common reveal), or a study day more or less (the day's first reveal). The bot
        ranks them again apart (`rank_apart`) after each due check."""
        today = self.today()
        return [
            c
            for c in self.comps.all()
            if c.status == CompetitionStatus.ACTIVE
            and c.start <= today <= c.end
            and c.id not in self._ranking_apart
            and self._stale(c, self._ranked.get(c.id))
        ]

    def _stale(self, comp: Competition, kept: KeptRanking | None) -> bool:
        """Whether `ranking` would rank every group again rather than move the few that changed."""
        if kept is None or kept.dates != (comp.start, comp.end):
            return True
        if kept.contest_days != self.comps.contest_days(comp):
            return True
        mark = self.comps.ranking_mark(comp.id)
        if kept.mark == mark:
            return False
        return _rank_all(len(self.comps.changed_groups(comp.id, kept.mark)), kept)

    def rank_apart(self, comps: Sequence[Competition]) -> Callable[[], dict[int, KeptRanking]]:
        """The rankings of `comps` read again on a snapshot (`apart`), to be run in another thread and handed to
        `adopt` back in this one. Until then a board or the standings of those competitions are served from the
        ranking kept before (a moment old: the groups a reveal just changed are not in it yet) instead of ranking
        10,000 groups on the event loop while members and organizers wait."""
        ids = [c.id for c in comps]
        self._ranking_apart.update(ids)

        def work(twin: CompetitionService) -> dict[int, KeptRanking]:
            with collections_paused():  # 10,000 groups' objects: no collection holds the lock midway
                for comp in comps:
                    twin.ranking(comp)
            return {cid: twin._ranked[cid] for cid in ids if cid in twin._ranked}

        return self.apart(work)

    def adopt(self, rankings: dict[int, KeptRanking], comps: Sequence[Competition]) -> None:
        """Keep the rankings `rank_apart` read (each up to its snapshot's mark: what changed since is moved in at
        the next ask, as usual); `comps` are no longer being ranked apart, whether or not that worked."""
        self._ranked.update(rankings)
        self._ranking_apart.difference_update(c.id for c in comps)

    def warm(self) -> int:
        """Read the ranking of every running competition now (at start-up), so that the first board or standings
        asked for after a restart do not read 10,000 groups' totals (~0.25 s) while a member or organizer waits.
        How many were read."""
        today = self.today()
        running = [
            c for c in self.comps.all() if c.status == CompetitionStatus.ACTIVE and c.start <= today <= c.end
        ]
        for comp in running:
            self.ranking(comp)
        return len(running)

    def ranking(self, comp: Competition) -> GroupRanking:
        """The whole competition's ranking of groups, kept between calls. Boards, the live board and the organizer's
        reports ask for it far more often than reveals, posts, joins and unit lists change it, and at a contest's
        common reveal time a few groups change between two asks: those are read again and put in their new places
        (the change log of db/migrations/0019_ranking_changes.sql says which; µs when nothing changed). Everything is
        read again the first time, when the dates changed, and when more than a quarter of the groups changed; the
        day's first reveal (one more study day: every cell's possible answers grow) ranks the kept totals again.
        The bot does those on a worker thread after its due checks (`rank_apart`), and meanwhile this returns the
        ranking kept before."""
        kept = self._ranked.get(comp.id)
        if comp.id in self._ranking_apart and kept is not None and kept.dates == (comp.start, comp.end):
            return kept.ranking  # being ranked again on a worker thread: the ranking before, for a moment
        mark, days = self.comps.ranking_mark(comp.id), self.comps.contest_days(comp)
        if kept is not None and kept.dates != (comp.start, comp.end):
            kept = None
        if kept is not None and kept.mark != mark:
            changed = self.comps.changed_groups(comp.id, kept.mark)
            if _rank_all(len(changed), kept):
                kept = None
            else:
                totals = self.comps.group_totals_of(comp, changed, kept.contest_days)
                found = {g.chat_id for g in totals}
                kept.ranking.update(totals, [c for c in changed if c not in found])
                kept.mark = mark
        if kept is not None and kept.contest_days != days:
            kept.ranking = GroupRanking(g.with_contest_days(days) for g in kept.ranking.groups())
            kept.contest_days = days
        if kept is None:
            totals = self.comps.group_totals(comp)
            days = totals[0].contest_days if totals else days
            kept = KeptRanking((comp.start, comp.end), mark, days, GroupRanking(totals))
            if len(self._ranked) > 100:
                self._ranked.clear()
            self._ranked[comp.id] = kept
        return kept.ranking

    def board(self, comp: Competition, chat_id: int, user_id: int | None, top: int = 10) -> Board:
        """The competition board from the maintained totals: the first `top` lines read in order through the
        ranking index, the caller's line in this group with its rank, and this group's rank among the groups (found
        in the kept ranking: `ranking`)."""
        lines = self.comps.top_members(comp, top)
        # the tie-break on the board only for a one-round competition (its actual number read from the totals)
        single = comp.round_days is None or len(self.rounds(comp)) == 1
        tiebreak = self.tiebreak(comp, comp.start, comp.end, predictions=False) if lines and single else None
        ranked = self._tied_top(comp, lines, top, tiebreak) if tiebreak else None
        if ranked is None:
            ranked = rank(lines, lambda m: m.standing)
        mine = None
        if user_id is not None and not any(
            m.standing.user_id == user_id and m.chat_id == chat_id for _, m in ranked
        ):
            mine = self.comps.member_line(comp, chat_id, user_id)
            if mine is not None and tiebreak is not None:
                mine = self._tied_rank(comp, mine[1], tiebreak)
        ranking = self.ranking(comp)
        return Board(comp, ranked, mine, ranking.rank_of(chat_id), len(ranking))

    def _tied_top(
        self, comp: Competition, lines: list[MemberTotals], top: int, tiebreak: TieBreak
    ) -> list[tuple[int, MemberTotals]] | None:
        """The board's first lines with the prediction tie-break: every line with at least the points of the last
        one shown, ranked (None when that is more than TIE_POOL lines: the board then keeps the order of time)."""
        pool = self.comps.lines_from(comp, lines[-1].standing.points, TIE_POOL)
        if len(pool) >= TIE_POOL:
            return None
        found = Predictions(self.store.db).of_users(
            comp.id, tiebreak.round.number, [m.standing.user_id for m in pool]
        )
        ranked = rank_with_predictions(pool, lambda m: m.standing, found, tiebreak.actual)
        return ranked[:top]

    def _tied_rank(
        self, comp: Competition, line: MemberTotals, tiebreak: TieBreak
    ) -> tuple[int, MemberTotals]:
        """A line's rank with the tie-break: 1 + the lines with more points + those equal on points ahead of it
        (counted in SQL as `tie_key` orders them)."""
        s = line.standing
        table = Predictions(self.store.db)
        rnd = tiebreak.round.number
        mine = table.get(comp.id, rnd, s.user_id)
        ahead = table.ahead_at_points(comp.id, rnd, s.points, tiebreak.actual, mine, s.answer_ms)
        return 1 + self.comps.lines_above(comp, s.points) + ahead, line

    def report(self, comp: Competition) -> Report:
        """The export's tables; a member who set a full name with /hoten is listed under it (read with the lines)."""
        with collections_paused():  # a city's 200,000 lines and 300,000 group-days
            return self._report(comp)

    def _report(self, comp: Competition) -> Report:
        standings = self.standings(comp, full_names=True)
        dates: dict[str, date] = {}  # each study date parsed once, not once per group
        rows = self.comps.daily_participation(comp)
        days = [
            DayRow(
                dates.get(day) or dates.setdefault(day, date.fromisoformat(day)),
                chat_id,
                title,
                question,
                members,
                answers,
                correct,
            )
            for chat_id, title, day, question, _, members, answers, correct in rows
        ]
        # the answer key counted from the same rounds: a second pass of SQL over a city's 300,000 rounds took ~1 s
        asked = Counter((day, question, item_id) for _, _, day, question, item_id, *_ in rows)
        key = self._key_rows((*k, groups) for k, groups in sorted(asked.items()))
        return Report(standings, days, key, self.now())

    def question_rates(self, comp: Competition) -> list[tuple[int, int, int]]:
        """`question_rates` of the report's days, read without making them (/ketqua's chart)."""
        return hardest_first(self.comps.question_totals(comp))

    def answer_key(
        self,
        comp: Competition,
        start: date | None = None,
        end: date | None = None,
        chat_id: int | None = None,
    ) -> list[AnswerKeyRow]:
        rows = self.comps.answer_key(comp, start, end, chat_id)
        return self._key_rows((r["study_date"], r["question"], r["item_id"], r["groups"]) for r in rows)

    def _key_rows(self, asked: Iterable[tuple[str, int, str, int]]) -> list[AnswerKeyRow]:
        """The answer key's rows from (study date, question, item id, groups that had it), in that order."""
        rows = []
        for day, number, item_id, groups in asked:
            bank = self.library.holding(item_id)
            try:
                if bank is None:
                    raise KeyError(item_id)
                item = bank.item(item_id)
                question = bank.question(number)
            except (
                KeyError
            ):  # an item retired from the bank since: the day stays in the report without its text
                rows.append(AnswerKeyRow(date.fromisoformat(day), number, "", item_id, "?", "", groups))
                continue
            rows.append(
                AnswerKeyRow(
                    date.fromisoformat(day),
                    number,
                    question.text,
                    item.stem,
                    LETTERS[item.answer],
                    item.correct_option,
                    groups,
                )
            )
        return rows

    def group_days(self, chat_id: int, days: int = CHART_DAYS) -> list[DayStat]:
        """The last `days` study days up to today, for the group's chart (days without a question are None)."""
        end = self.today()
        start = end - timedelta(days=days - 1)
        found = {r["study_date"]: r for r in self.comps.group_days(chat_id, start, end)}
        out = []
        for offset in range(days):
            day = start + timedelta(days=offset)
            r = found.get(day.isoformat())
            out.append(
                DayStat(day, r["answers"], r["correct"], r["members"])
                if r
                else DayStat(day, None, None, None)
            )
        return out

    def last_revealed_round(self, chat_id: int) -> int:
        """The group's newest revealed round: a chart drawn since then still shows everything."""
        return self.comps.last_revealed_round(chat_id)

    # weekly bulletins ---------------------------------------------------------------------------------------
    def bulletins_due(self) -> list[tuple[Competition, int, date]]:
        """On Mondays, from each group's post time: (competition, group, last week's Monday) not yet claimed."""
        now_local = self.now().astimezone(self.tz)
        today = now_local.date()
        if today.weekday() != 0:
            return []
        week_start, week_end = rules.previous_week(today)
        hhmm = now_local.strftime("%H:%M")
        comps: dict[int, Competition | None] = {}
        due = []
        for row in self.comps.bulletin_candidates(week_start, week_end):
            if row["post_time"] > hhmm:
                continue
            comp_id = row["competition_id"]
            if comp_id not in comps:
                comps[comp_id] = self.comps.get(comp_id)
            comp = comps[comp_id]
            if comp is not None:
                due.append((comp, row["chat_id"], week_start))
        return due

    def new_week_cache(self) -> _WeekCache:
        return _WeekCache()

    def bulletin(
        self, comp: Competition, chat_id: int, week_start: date, cache: _WeekCache | None = None, top: int = 5
    ) -> Bulletin:
        start, end = rules.clamp_window(comp.start, comp.end, week_start, week_start + timedelta(days=6))
        key = (comp.id, week_start)
        if cache is not None and key in cache.ranked:
            ranked = cache.ranked[key]
        else:
            ranked = rank_groups(self.comps.group_totals(comp, start, end))
            if cache is not None:
                cache.ranked[key] = ranked
        mine = next(((r, g) for r, g in ranked if g.chat_id == chat_id), None)
        members = self._bulletin_members(comp, chat_id, start, end, cache)[:top]
        return Bulletin(
            comp,
            chat_id,
            week_start,
            week_start + timedelta(days=6),
            mine[1] if mine else None,
            mine[0] if mine else None,
            len(ranked),
            members,
            self.answer_key(comp, start, end, chat_id),
        )

    def _bulletin_members(
        self, comp: Competition, chat_id: int, start: date, end: date, cache: _WeekCache | None
    ) -> list[tuple[int, MemberTotals]]:
        """The cell's members in the week, ranked as the standings of that window rank them (the prediction
        tie-break where the week is a round whose deadline has passed). The round's actual number is read once a
        pass (the cache), the predictions of the cell's members only."""
        key = (comp.id, start)
        if cache is not None and key in cache.tiebreaks:
            tiebreak = cache.tiebreaks[key]
        else:
            tiebreak = self.tiebreak(comp, start, end, predictions=False)
            if cache is not None:
                cache.tiebreaks[key] = tiebreak
        lines = self.comps.member_totals(comp, start, end, chat_id)
        if tiebreak is not None and lines:
            found = Predictions(self.store.db).of_users(
                comp.id, tiebreak.round.number, [m.standing.user_id for m in lines]
            )
            tiebreak = replace(tiebreak, predictions=found)
        return rank_members(lines, tiebreak)

    def claim_bulletin(self, comp: Competition, chat_id: int, week_start: date) -> bool:
        return self.comps.claim_bulletin(comp.id, chat_id, week_start, self.now())

    def release_bulletin(self, comp: Competition, chat_id: int, week_start: date) -> None:
        """A send that may succeed later: the claim goes back for the next due check."""
        self.comps.release_bulletin(comp.id, chat_id, week_start)

    def bulletin_sent(self, comp: Competition, chat_id: int, week_start: date, message_id: int) -> None:
        self.comps.bulletin_sent(comp.id, chat_id, week_start, message_id)
        self.store.note_message(chat_id, message_id)

    def bulletin_on(self, chat_id: int) -> bool:
        return self.comps.bulletin_on(chat_id)

    def set_bulletin(self, chat_id: int, on: bool) -> None:
        self.comps.set_bulletin(chat_id, on)
