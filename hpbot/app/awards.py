"""A competition's prizes and its winners: the organizer sets the prizes, the awards list is read from the
standings (the names members set with /hoten first), and certificates are made from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from hpbot.app.competitions import CompetitionService, Standings
from hpbot.domain.awards import (
    CLASSES,
    Award,
    Contender,
    Prizes,
    collective_awards,
    individual_awards,
    parse_prizes,
)
from hpbot.domain.statuses import CompetitionStatus
from hpbot.format import day, number
from hpbot.store.awards import PrizeTable
from hpbot.store.competitions import Competition
from hpbot.texts import awards as award_texts


@dataclass(frozen=True)
class Winner:
    award: Award
    name: str  # the full name the member set, else their Telegram name
    named: bool  # whether `name` is the member's own full name (a cell is always named)


@dataclass(frozen=True)
class AwardsList:
    competition: Competition
    prizes: Prizes
    winners: list[Winner]
    at: datetime
    final: bool  # the competition has ended: the list no longer changes


class AwardService:
    def __init__(self, competitions: CompetitionService) -> None:
        self.competitions = competitions
        self.store = competitions.store
        self.prizes_table = PrizeTable(self.store.db)

    def prizes(self, comp: Competition) -> Prizes | None:
        return self.prizes_table.get(comp.id)

    def set_prizes(self, comp: Competition, args: Sequence[str], user_id: int) -> Prizes:
        """Raises PrizeInputError (hpbot.domain.awards) for what the organizer typed wrong; nothing is saved then."""
        prizes = parse_prizes(args)
        self.prizes_table.set(comp.id, prizes, user_id, self.competitions.now())
        return prizes

    def awards(self, comp: Competition, standings: Standings | None = None) -> AwardsList | None:
        """The winners by the standings now (or these, the whole competition's: an export's, read once for its
        sheets and its awards); None when no prizes are set."""
        prizes = self.prizes(comp)
        if prizes is None:
            return None
        if standings is None:
            standings = self.competitions.standings(comp)
        members = [
            Contender(rank, m.standing.user_id, m.standing.name, m.group_title, m.standing.points)
            for rank, m in standings.members
        ]
        cells = [
            Contender(rank, g.chat_id, g.title, "", g.points, g.participation) for rank, g in standings.groups
        ]
        winners = []
        for award in individual_awards(members, prizes):
            full = self.store.full_name(award.winner.key)
            winners.append(Winner(award, full or award.winner.name, full is not None))
        winners += [Winner(award, award.winner.name, True) for award in collective_awards(cells, prizes)]
        final = comp.status != CompetitionStatus.ACTIVE or comp.end < self.competitions.today()
        return AwardsList(comp, prizes, winners, self.competitions.now(), final)


def prizes_summary(prizes: Prizes) -> str:
    parts = [
        award_texts.SUMMARY_PART.format(count=prizes.count(c), name=award_texts.CLASS_NAMES[c])
        for c in (*CLASSES, "collective")
        if prizes.count(c)
    ]
    return ", ".join(parts)


def awards_html(awards: AwardsList, tz: ZoneInfo) -> str:
    """The awards list for the organizer (HTML, every name escaped): class by class, the Telegram names marked."""
    comp = awards.competition
    at = awards.at.astimezone(tz).strftime("%H:%M %d/%m/%Y")
    text = award_texts.LIST_HEADER.format(
        name=escape(comp.name), start=day(comp.start), end=day(comp.end), at=at
    )
    if not awards.final:
        text += award_texts.LIST_PROVISIONAL
    if not awards.winners:
        return text + award_texts.LIST_NONE
    unnamed = False
    for prize_class in (*CLASSES, "collective"):
        lines = []
        for winner in (w for w in awards.winners if w.award.prize_class == prize_class):
            contender = winner.award.winner
            if prize_class == "collective":
                lines.append(
                    award_texts.LIST_CELL_LINE.format(
                        place=winner.award.place,
                        name=escape(winner.name),
                        rate=number(100 * contender.rate),
                        points=contender.points,
                    )
                )
                continue
            name = escape(winner.name)
            if not winner.named:
                unnamed = True
                name = award_texts.TELEGRAM_NAME.format(name=name)
            lines.append(
                award_texts.LIST_MEMBER_LINE.format(
                    place=winner.award.place,
                    name=name,
                    group=escape(contender.group),
                    points=contender.points,
                )
            )
        if lines:
            text += award_texts.LIST_CLASS.format(
                name=award_texts.CLASS_NAMES[prize_class], lines="\n".join(lines)
            )
    if unnamed:
        text += award_texts.LIST_NAMES_HINT
    return text + award_texts.LIST_FOOTER.format(id=comp.id)
