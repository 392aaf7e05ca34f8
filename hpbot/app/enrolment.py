"""Who is in a competition: a group's admin asks to join with the code, the organizer accepts or refuses; the
organizer can take a group out again (its lines leave the standings, its history stays).

A competition made before approvals existed keeps open joining (the code alone is enough)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from html import escape

from hpbot import texts
from hpbot.app.competitions import CompetitionService, JoinOutcome
from hpbot.format import day
from hpbot.store import Group
from hpbot.store.competitions import Competition
from hpbot.store.enrolment import FOUND_MAX, Enrolments, JoinRequest
from hpbot.texts import enrolment as enrol_texts


class RequestOutcome(enum.Enum):
    UNKNOWN = "unknown"
    ENDED = "ended"
    MEMBER = "member"  # in already
    PENDING = "pending"  # asked already, not decided yet
    REQUESTED = "requested"  # a new request: the organizers are told
    JOINED = "joined"  # a competition without approval: in at once


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
        if accept:
            self.competitions.comps.join(comp.id, chat_id, self.competitions.now())
        return Decided(Decision.APPROVED if accept else Decision.REFUSED, comp, request)

    def pending(self, comp: Competition) -> list[JoinRequest]:
        return self.table.requests(comp.id)

    def find(self, comp: Competition, words: str) -> list[tuple[int, str]]:
        return self.table.find_groups(comp.id, words)

    def group(self, chat_id: int) -> Group | None:
        return self.store.group(chat_id)

    def remove(self, comp: Competition, chat_id: int) -> bool:
        return self.table.leave(comp.id, chat_id)

    # texts --------------------------------------------------------------------------------------------------
    def request_html(self, comp: Competition, request: JoinRequest) -> str:
        at = request.requested_at.astimezone(self.competitions.tz).strftime("%H:%M %d/%m/%Y")
        members = enrol_texts.MEMBERS_UNKNOWN if request.members is None else str(request.members)
        return enrol_texts.REQUEST.format(
            contest=texts.contest(escape(comp.name)),
            id=comp.id,
            title=escape(request.title),
            members=members,
            admin=escape(request.admin_name),
            at=at,
        )

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


__all__ = ["FOUND_MAX", "Decided", "Decision", "Enrolment", "RequestOutcome"]
