"""Who is in a competition: a group's admin asks to join with the code, the organizer accepts or refuses; the
organizer can take a group out again (its lines leave the standings, its history stays).

A competition made before approvals existed keeps open joining (the code alone is enough). A group taken out does
not come back by itself: its code (the competition's or its cell's) no longer lets it in; where joining needs
approval it may ask again, and the organizer sees it was taken out before. Only the organizer brings it back
(accepting its request, or enrolling every group), which forgets the removal."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from hpbot import texts
from hpbot.app.competitions import CompetitionService, JoinOutcome
from hpbot.format import day
from hpbot.store import Group
from hpbot.store.competitions import Competition
from hpbot.store.enrolment import FOUND_MAX, Enrolments, JoinRequest, Removal
from hpbot.texts import enrolment as enrol_texts


class RequestOutcome(enum.Enum):
    UNKNOWN = "unknown"
    ENDED = "ended"
    MEMBER = "member"  # in already
    PENDING = "pending"  # asked already, not decided yet
    REQUESTED = "requested"  # a new request: the organizers are told
    JOINED = "joined"  # a competition without approval: in at once
    REMOVED = "removed"  # a competition without approval the organizer took the group out of: refused


class Decision(enum.Enum):
    APPROVED = "approved"
    REFUSED = "refused"
    GONE = "gone"  # decided already, or the competition is gone


@dataclass(frozen=True)
class Decided:
    decision: Decision
    competition: Competition | None = None
    request: JoinRequest | None = None


class Enrolment:
    def __init__(self, competitions: CompetitionService) -> None:
        self.competitions = competitions
        self.store = competitions.store
        self.table = Enrolments(self.store.db)

    def organizers(self) -> list[int]:
        """Everyone told of a new request: HPBOT_ORGANIZERS and those added with `hpbot organizers add`."""
        added = [o.user_id for o in self.store.organizers.all()]
        return sorted(set(self.competitions.organizers) | set(added))

    def request(
        self, code: str, group: Group, members: int | None, admin_name: str, user_id: int
    ) -> tuple[RequestOutcome, Competition | None]:
        refused, comp = self.competitions.by_code(code)
        if comp is None:
            return RequestOutcome.UNKNOWN, None
        if refused is JoinOutcome.ENDED:
            return RequestOutcome.ENDED, comp
        if self.table.is_member(comp.id, group.chat_id):
            return RequestOutcome.MEMBER, comp
        if not comp.approval and self.table.removal(comp.id, group.chat_id) is not None:
            return RequestOutcome.REMOVED, comp
        if not comp.approval:
            outcome, _ = self.competitions.join(code, group.chat_id)
            return (RequestOutcome.JOINED if outcome is JoinOutcome.JOINED else RequestOutcome.MEMBER), comp
        new = self.table.add_request(
            comp.id, group.chat_id, group.title, members, admin_name, user_id, self.competitions.now()
        )
        return (RequestOutcome.REQUESTED if new else RequestOutcome.PENDING), comp

    def decide(self, competition_id: int, chat_id: int, accept: bool) -> Decided:
        comp = self.competitions.comps.get(competition_id)
        request = self.table.request(competition_id, chat_id) if comp is not None else None
        if comp is None or request is None or not self.table.drop_request(competition_id, chat_id):
            return Decided(Decision.GONE)
        if accept:  # the organizer brings back a group taken out before: its removal is forgotten
            self.competitions.comps.join(comp.id, chat_id, self.competitions.now())
            self.table.clear_removal(comp.id, chat_id)
        return Decided(Decision.APPROVED if accept else Decision.REFUSED, comp, request)

    def pending(self, comp: Competition) -> list[JoinRequest]:
        return self.table.requests(comp.id)

    def find(self, comp: Competition, words: str) -> list[tuple[int, str]]:
        return self.table.find_groups(comp.id, words)

    def group(self, chat_id: int) -> Group | None:
        return self.store.group(chat_id)

    def remove(self, comp: Competition, chat_id: int, by: int) -> bool:
        """The organizer `by` takes the group out (remembered: it cannot come back by itself)."""
        return self.table.leave(comp.id, chat_id, by, self.competitions.now())

    def removal(self, comp: Competition, chat_id: int) -> Removal | None:
        return self.table.removal(comp.id, chat_id)

    def join_all(self, comp: Competition) -> tuple[int, int]:
        """Every subscribed group enters (the organizer's own enrolment, so groups taken out before come back and
        their removals are forgotten): (groups added, of them taken out before)."""
        added = self.competitions.join_all(comp)
        return added, self.table.clear_removals_of_members(comp.id)

    # texts --------------------------------------------------------------------------------------------------
    def _at(self, moment: datetime) -> str:
        return moment.astimezone(self.competitions.tz).strftime("%H:%M %d/%m/%Y")

    def request_html(self, comp: Competition, request: JoinRequest) -> str:
        """The request as the organizers read it; one from a group taken out before says so, and when."""
        members = enrol_texts.MEMBERS_UNKNOWN if request.members is None else str(request.members)
        text = enrol_texts.REQUEST.format(
            contest=texts.contest(escape(comp.name)),
            id=comp.id,
            title=escape(request.title),
            members=members,
            admin=escape(request.admin_name),
            at=self._at(request.requested_at),
        )
        removal = self.table.removal(comp.id, request.chat_id)
        if removal is not None:
            text += enrol_texts.REQUEST_REMOVED_BEFORE.format(at=self._at(removal.removed_at))
        return text

    def requested_html(self, comp: Competition, chat_id: int) -> str:
        """The group's reply to its new request (a group taken out before is told the organizers will know)."""
        contest = texts.contest(escape(comp.name))
        removal = self.table.removal(comp.id, chat_id)
        if removal is not None:
            return enrol_texts.REQUESTED_AGAIN.format(
                contest=contest, day=day(removal.removed_at.astimezone(self.competitions.tz).date())
            )
        return enrol_texts.REQUESTED.format(contest=contest, start=day(comp.start), end=day(comp.end))

    def removed_html(self, comp: Competition, chat_id: int) -> str:
        """The refusal of a group taken out of a competition without approval that typed its code."""
        removal = self.table.removal(comp.id, chat_id)
        assert removal is not None  # RequestOutcome.REMOVED
        return removed_refusal(comp, removal, self.competitions.tz)

    @staticmethod
    def group_news(decided: Decided) -> str:
        comp = decided.competition
        assert comp is not None
        contest = texts.contest(escape(comp.name))
        if decided.decision is Decision.APPROVED:
            return enrol_texts.APPROVED_GROUP.format(
                contest=contest, start=day(comp.start), end=day(comp.end)
            )
        return enrol_texts.REFUSED_GROUP.format(contest=contest)

    @staticmethod
    def organizer_news(decided: Decided) -> str:
        if decided.competition is None or decided.request is None:
            return enrol_texts.DECIDED_ALREADY
        template = enrol_texts.APPROVED if decided.decision is Decision.APPROVED else enrol_texts.REFUSED
        return template.format(
            title=escape(decided.request.title), contest=texts.contest(escape(decided.competition.name))
        )


def removed_refusal(comp: Competition, removal: Removal, tz: ZoneInfo) -> str:
    """Why a group taken out cannot come back with a code: the organizer took it out (on which day), what to do."""
    template = enrol_texts.REJOIN_ASK if comp.approval else enrol_texts.REJOIN_REFUSED
    return template.format(
        contest=texts.contest(escape(comp.name)), day=day(removal.removed_at.astimezone(tz).date())
    )


__all__ = ["FOUND_MAX", "Decided", "Decision", "Enrolment", "RequestOutcome", "removed_refusal"]
