"""Use cases of the study documents: which document a group studies, how far it is in each, switching.

A group studies one document at a time: the one its admins chose (`/tailieu`), or, while a competition it takes
part in runs, the competition's. Its walk through each document continues where it stopped.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from html import escape
from zoneinfo import ZoneInfo

from hpbot.clock import Clock
from hpbot.content import Bank, Library
from hpbot.domain import rotation, schedule
from hpbot.format import day
from hpbot.store import Group, Store
from hpbot.store.competitions import Competition
from hpbot.texts import documents as texts


class SwitchOutcome(enum.Enum):
    SWITCHED = "switched"
    ALREADY = "already"
    UNKNOWN = "unknown"
    EMPTY = "empty"  # the document has no reviewed items yet: nothing to post
    LOCKED = "locked"  # a running competition holds the group to its own document


@dataclass(frozen=True)
class DocumentLine:
    id: str
    title: str
    studied: int
    total: int
    current: bool
    servable: bool


@dataclass(frozen=True)
class Switch:
    outcome: SwitchOutcome
    document: Bank | None = None
    competition: Competition | None = None


def servable(bank: Bank) -> bool:
    return any(bank.items_for(q.number) for q in bank.questions)


class DocumentService:
    def __init__(self, store: Store, library: Library, clock: Clock, tz: ZoneInfo) -> None:
        self.store, self.library, self.clock, self.tz = store, library, clock, tz

    def today(self) -> date:
        return schedule.local_date(self.clock.now(), self.tz)

    def chosen(self, group: Group) -> Bank:
        """The group's own choice. A group that has none yet is given the library's first document, recorded so
        that a document added later that sorts first does not move it."""
        bank = self.library.get(group.document)
        if bank is not None:
            return bank
        if group.document is None:
            self.store.set_group_document(group.chat_id, self.library.first.id, self.clock.now())
        return self.library.first  # a document no longer shipped: the first one takes over

    def competition(self, chat_id: int) -> Competition | None:
        """The running competition that decides the group's document (one naming a document that is served)."""
        return self._serving(self.store.running_competition(chat_id, self.today()))

    def _serving(self, comp: Competition | None) -> Competition | None:
        return comp if comp is not None and self.library.get(comp.document) is not None else None

    def current(self, group: Group) -> Bank:
        """The document the group's next question comes from."""
        return self.current_in(group, self.store.running_competition(group.chat_id, self.today()))

    def current_in(self, group: Group, running: Competition | None) -> Bank:
        """`current` with the group's running competition already read (the morning's round start reads it once)."""
        comp = self._serving(running)
        bank = self.library.get(comp.document) if comp is not None else None
        return bank if bank is not None else self.chosen(group)

    def listing(self, group: Group) -> list[DocumentLine]:
        studied = self.store.studied_questions(group.chat_id)
        current = self.current(group).id
        return [
            DocumentLine(
                bank.id,
                bank.document.title,
                min(studied.get(bank.id, 0), len(bank.questions)),
                len(bank.questions),
                bank.id == current,
                servable(bank),
            )
            for bank in self.library
        ]

    def switch(self, group: Group, document_id: str) -> Switch:
        bank = self.library.get(document_id)
        if bank is None:
            return Switch(SwitchOutcome.UNKNOWN)
        comp = self.competition(group.chat_id)
        if comp is not None and comp.document != bank.id:
            return Switch(SwitchOutcome.LOCKED, self.library.get(comp.document), comp)
        if self.current(group).id == bank.id and group.document == bank.id:
            return Switch(SwitchOutcome.ALREADY, bank, comp)
        if not servable(bank):
            return Switch(SwitchOutcome.EMPTY, bank)
        self.store.set_group_document(group.chat_id, bank.id, self.clock.now())
        return Switch(SwitchOutcome.SWITCHED, bank, comp)

    def next_question(self, group: Group, bank: Bank) -> int | None:
        """The number of the question the group gets next from `bank` (where its walk through it resumes)."""
        numbers = [q.number for q in bank.questions if bank.items_for(q.number)]
        if not numbers:
            return None
        last = self.store.last_round_in(group.chat_id, bank.id)
        return rotation.next_question(numbers, last.question if last else None)

    # what the admins read ---------------------------------------------------------------------------------
    def listing_html(self, group: Group) -> str:
        lines = self.listing(group)
        comp = self.competition(group.chat_id)
        out = [texts.LIST_HEADER]
        for number, line in enumerate(lines, start=1):
            template = texts.LIST_LINE_CURRENT if line.current else texts.LIST_LINE
            out.append(
                template.format(
                    number=number, title=escape(line.title), studied=line.studied, total=line.total
                )
                + ("" if line.servable else texts.LIST_NOT_READY)
            )
        if comp is not None:
            out.append(texts.LIST_LOCKED.format(name=escape(comp.name), end=day(comp.end)))
        elif len(lines) > 1:
            out.append(texts.LIST_FOOTER)
        return "\n".join(out)

    def buttons(self, group: Group) -> list[tuple[str, str]]:
        """(label, document id) for each document the group could switch to now."""
        if self.competition(group.chat_id) is not None:
            return []
        return [
            (texts.BUTTON.format(number=number, title=short(line.title)), line.id)
            for number, line in enumerate(self.listing(group), start=1)
            if not line.current and line.servable
        ]

    def switch_html(self, result: Switch, group: Group) -> str:
        bank = result.document
        if result.outcome is SwitchOutcome.UNKNOWN or bank is None:
            return texts.SWITCH_UNKNOWN
        title = escape(bank.document.title)
        if result.outcome is SwitchOutcome.LOCKED and result.competition is not None:
            return texts.SWITCH_LOCKED.format(
                name=escape(result.competition.name), end=day(result.competition.end), title=title
            )
        if result.outcome is SwitchOutcome.EMPTY:
            return texts.SWITCH_EMPTY.format(title=title)
        if result.outcome is SwitchOutcome.ALREADY:
            return texts.SWITCH_ALREADY.format(title=title)
        upcoming = self.next_question(group, bank)
        return texts.SWITCHED.format(title=title, question=upcoming or 1, total=len(bank.questions))


def unknown_document(spec: str, library: Library) -> str:
    """The reply to /cuocthi_tao naming a document the library does not have."""
    named = spec.split("|")[-1].strip()
    ids = ", ".join(f"<code>{escape(i)}</code>" for i in library.ids)
    return texts.COMP_UNKNOWN_DOCUMENT.format(
        document=escape(named[:40]), ids=ids, first=escape(library.first.id)
    )


def short(title: str, limit: int = 48) -> str:
    """A title that fits a button on a phone."""
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
