"""A competition's live board: the standings as a web page for a projector (hpbot/web/ serves it). An organizer
makes its link (an unguessable token) and revokes it; the page reads a snapshot of the standings through here.

What the page may show is what every board shows: scores count once a day is revealed (the folded totals), so no
correctness leaves a group before its reveal; today's progress is counts only (posts out, reveals done, answers so
far). No Telegram id is in a snapshot; names are those /bxh cuocthi shows.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from hpbot.app.competitions import CompetitionService
from hpbot.app.units import UnitService
from hpbot.domain.competition import GroupTotals
from hpbot.domain.ranking import rank
from hpbot.domain.statuses import CompetitionStatus
from hpbot.domain.units import UnitTotals
from hpbot.store.competitions import Competition as Competition
from hpbot.store.live_boards import LiveBoardLinks

TOKEN_BYTES = 24  # 192 bits, 32 URL-safe characters
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")
TOP_CELLS = 10
TOP_MEMBERS = 10
TOP_UNITS = 10
# the groups' ranking is read again at most this often (a cold read of 10,000 groups takes ~0.2 s of the event
# loop); at a contest's common reveal time it changes with every group revealed, and the page may lag this much
RANKING_EVERY = timedelta(seconds=10)


@dataclass(frozen=True)
class Ranking:
    groups: Sequence[tuple[int, GroupTotals]]
    units: list[tuple[int, UnitTotals]]  # empty without a unit list


@dataclass(frozen=True)
class CellLine:
    rank: int
    title: str
    participation: float  # 0..1
    mean_points: float
    points: int


@dataclass(frozen=True)
class MemberLine:
    rank: int
    name: str
    group: str
    points: int
    correct: int


@dataclass(frozen=True)
class UnitLine:
    rank: int
    name: str
    cells: int
    participation: float  # 0..1


@dataclass(frozen=True)
class Progress:
    """Today across the competition's groups: counts only."""

    day: date
    groups: int
    posted: int
    revealed: int
    answers: int


@dataclass(frozen=True)
class LiveBoard:
    name: str
    start: date
    end: date
    ended: bool
    cells: list[CellLine]
    cell_count: int
    members: list[MemberLine]
    units: list[UnitLine]
    today: Progress | None  # None outside the competition's dates
    at: datetime


class LiveBoardService:
    def __init__(self, competitions: CompetitionService, base_url: str | None) -> None:
        """`base_url`: where the board's pages are reached from outside (HPBOT_BOARD_URL); None: not served."""
        self.competitions = competitions
        self.base_url = base_url.rstrip("/") if base_url else None
        self.links = LiveBoardLinks(competitions.store.db)
        self.units = UnitService(competitions)
        # per competition: when the rankings were read, and the rankings of groups and units
        self._ranked: dict[int, tuple[datetime, Ranking]] = {}

    @property
    def enabled(self) -> bool:
        return self.base_url is not None

    def url(self, token: str) -> str:
        assert self.base_url is not None
        return f"{self.base_url}/bang/{token}"

    def link(self, comp: Competition, user_id: int, *, renew: bool = False) -> str:
        """The competition's link token: the one it has, or a new one (`renew`: the old one stops working)."""
        if renew:
            self.links.revoke(comp.id)
        return self.links.put(comp.id, secrets.token_urlsafe(TOKEN_BYTES), user_id, self.competitions.now())

    def revoke(self, comp: Competition) -> bool:
        return self.links.revoke(comp.id)

    def competition(self, token: str) -> Competition | None:
        """The competition a token shows, None for a malformed, unknown or revoked one (or a deleted competition)."""
        if not TOKEN_PATTERN.fullmatch(token):
            return None
        competition_id = self.links.competition_of(token)
        return self.competitions.comps.get(competition_id) if competition_id is not None else None

    def ranking(self, comp: Competition) -> Ranking:
        """The groups' ranking (kept by the use case while the standings do not change) and the units', read at
        most every RANKING_EVERY: a board is built every couple of seconds while a page is open, and at a contest's
        common reveal time the standings change with every group revealed."""
        now = self.competitions.now()
        cached = self._ranked.get(comp.id)
        if cached is not None and now - cached[0] < RANKING_EVERY:
            return cached[1]
        groups = self.competitions.ranked_groups(comp)
        ranked = Ranking(groups, self.units.ranked_of(comp, [g for _, g in groups]))
        if len(self._ranked) > 100:
            self._ranked.clear()
        self._ranked[comp.id] = (now, ranked)
        return ranked

    def board(self, comp: Competition) -> LiveBoard:
        service = self.competitions
        ranking = self.ranking(comp)
        groups = ranking.groups
        cells = [
            CellLine(r, g.title, g.participation, g.mean_points, g.points) for r, g in groups[:TOP_CELLS]
        ]
        units = [
            UnitLine(r, u.unit, u.cells, u.participation)
            for r, u in ranking.units
            if r > 0 and r <= TOP_UNITS
        ]
        members = [
            MemberLine(r, m.standing.name, m.group_title, m.standing.points, m.standing.correct)
            for r, m in rank(service.comps.top_members(comp, TOP_MEMBERS), lambda m: m.standing)
        ]
        today = service.today()
        progress = None
        if comp.start <= today <= comp.end and comp.status == CompetitionStatus.ACTIVE:
            progress = Progress(today, *self.links.day_progress(comp.id, today.isoformat()))
        ended = comp.status != CompetitionStatus.ACTIVE or comp.end < today
        return LiveBoard(
            comp.name,
            comp.start,
            comp.end,
            ended,
            cells,
            len(groups),
            members,
            units,
            progress,
            service.now(),
        )
