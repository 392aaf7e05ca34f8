"""Private study with the bot: practice on the member's own FSRS schedule, the outline to read, group results that
come back as reviews, progress, the daily reminder and the member's full name. No Telegram here.

Practice never touches points, streaks, boards or competitions: it reads the group tables (which document a
member's group studies, which answers were wrong) and writes only the practice_* tables. Due reviews come from every
document; new items from the document the member practises (their choice, else their most recent group's).
"""

from __future__ import annotations

import enum
import hashlib
import math
import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from hpbot.app.documents import servable
from hpbot.app.ports import Keyboard
from hpbot.app.study import StudyService
from hpbot.content import Bank, QuizItem
from hpbot.content.display import for_display
from hpbot.domain import schedule, srs
from hpbot.format import LETTERS, day, duration, hhmm, short
from hpbot.store.practice import PracticeCard, Serve
from hpbot.texts import practice as texts

NAME_MAX = 80
ALERT_MAX = 200  # characters answerCallbackQuery shows
_NAME = re.compile(r"^[^\W\d_]+(?:[ \-'.][^\W\d_]+)*$")
PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # what a t.me start link may carry


class Outcome(enum.Enum):
    RIGHT = "right"
    WRONG = "wrong"
    ANSWERED = "answered"  # answered before (a second tap, a replayed update): nothing rated again
    STALE = "stale"  # not this member's serve, or no such serve
    GONE = "gone"  # the item left the bank


class DocumentReason(enum.Enum):
    CHOSEN = "chosen"
    GROUP = "group"
    SEVERAL = "several"
    NO_GROUP = "no_group"


@dataclass(frozen=True)
class Screen:
    """A message to show: its HTML and its buttons."""

    html: str
    keyboard: Keyboard | None = None


@dataclass(frozen=True)
class Answered:
    """What a tap on an option gives: the outcome, the feedback screen to edit in place, and the toast (plain text,
    at most ALERT_MAX characters) that tells the member the verdict and the right answer at once."""

    outcome: Outcome
    screen: Screen | None = None
    toast: str = ""


def fit(text: str, limit: int = ALERT_MAX) -> str:
    """`text` cut to `limit` characters, an ellipsis marking the cut (an alert longer than 200 is refused)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def feedback_alert(toast: str, wait_seconds: float | None) -> str:
    """The verdict as a pop-up when the feedback message cannot follow at once: with how long the edit in place
    will take, or (None) that it was not queued and a second tap shows it. The verdict is cut, the note never."""
    if wait_seconds is None:
        note = texts.TOAST_BUSY
    else:
        note = texts.TOAST_LATER.format(after=duration(max(1, math.ceil(wait_seconds)) * 1000))
    return fit(toast, ALERT_MAX - len(note)) + note


def order(serve_id: int, item_id: str, count: int) -> tuple[int, ...]:
    """The options' order of one serve (order[position] = the bank's index), the same on every call."""
    digest = hashlib.sha256(f"p{serve_id}:{item_id}".encode()).digest()
    shown = list(range(count))
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(shown)  # noqa: S311 (an order, not a secret)
    return tuple(shown)


def small_number(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


def valid_name(name: str) -> bool:
    return 2 <= len(name) <= NAME_MAX and bool(_NAME.match(name))


class PracticeService:
    def __init__(self, study: StudyService) -> None:
        self.study = study
        self.store, self.library, self.tz = study.store, study.library, study.tz

    def now(self) -> datetime:
        return self.study.now()

    def today(self) -> date:
        return self.study.today()

    # members ------------------------------------------------------------------------------------------------
    def started(self, user_id: int) -> None:
        self.store.practice_started(user_id, self.now())

    def document_for(self, user_id: int) -> tuple[Bank, DocumentReason]:
        member = self.store.practice_member(user_id)
        chosen = self.library.get(member.document) if member else None
        if chosen is not None:
            return chosen, DocumentReason.CHOSEN
        banks = []
        for chat_id in self.store.member_groups(user_id):
            group = self.store.group(chat_id)
            if group is not None:
                banks.append(self.study.documents.current(group))
        if not banks:
            return self.library.first, DocumentReason.NO_GROUP
        several = len({b.id for b in banks}) > 1
        return banks[0], DocumentReason.SEVERAL if several else DocumentReason.GROUP

    def set_full_name(self, user_id: int, name: str) -> str | None:
        """The name cleaned and stored; None if it is not a name."""
        name = " ".join(name.split())
        if not valid_name(name):
            return None
        self.started(user_id)
        self.store.set_practice_field(user_id, "full_name", name)
        return name

    def full_name(self, user_id: int) -> str | None:
        return self.store.full_name(user_id)

    def set_reminder(self, user_id: int, hhmm_text: str | None) -> None:
        self.started(user_id)
        self.store.set_practice_field(user_id, "reminder_time", hhmm_text)

    def reminder(self, user_id: int) -> str | None:
        member = self.store.practice_member(user_id)
        return member.reminder_time if member else None

    # practice -----------------------------------------------------------------------------------------------
    def _item(self, item_id: str) -> tuple[Bank, QuizItem] | None:
        bank = self.library.holding(item_id)
        return (bank, bank.item(item_id)) if bank is not None else None

    def next_item(self, user_id: int) -> Screen:
        """The member's next item: a due review, else a new item (at most NEW_PER_DAY a day), else one due within
        LEARN_AHEAD; else when the next review is due."""
        now, blocked = self.now(), self.store.open_items()
        bank, reason = self.document_for(user_id)
        for card in self.store.due_cards(user_id, now):
            if card.item_id not in blocked and self._item(card.item_id) is not None:
                return self.serve(user_id, card.item_id, review=True, reason=reason, bank=bank)
        if srs.new_allowance(self.store.introduced_on(user_id, self.today())) > 0:
            known = self.store.card_items(user_id)
            for item in bank.items:
                if item.id not in known and item.id not in blocked and item.status == "reviewed":
                    return self.serve(user_id, item.id, review=False, reason=reason, bank=bank)
        for card in self.store.due_cards(user_id, now + srs.LEARN_AHEAD):
            if card.item_id not in blocked and self._item(card.item_id) is not None:
                return self.serve(user_id, card.item_id, review=True, reason=reason, bank=bank)
        upcoming = self.store.next_due_at(user_id)
        rows = self.document_rows(user_id, bank, reason)
        keyboard: Keyboard | None = {"inline_keyboard": rows} if rows else None
        if upcoming is None and len(self.store.card_items(user_id)) >= len(bank.items):
            return Screen(texts.NOTHING_AT_ALL, keyboard)
        return Screen(
            texts.NOTHING_DUE.format(limit=srs.NEW_PER_DAY, when=self.when(upcoming, tomorrow=True)), keyboard
        )

    def when(self, moment: datetime | None, *, tomorrow: bool = False) -> str:
        if moment is None:
            moment = datetime.combine(
                self.today() + timedelta(days=1), datetime.min.time(), self.tz
            )  # new items again tomorrow
        local = moment.astimezone(self.tz)
        if local.date() == self.today():
            return texts.WHEN_TODAY.format(time=hhmm(moment, self.tz))
        return texts.WHEN_DAY.format(time=hhmm(moment, self.tz), day=day(local.date()))

    def serve_link(self, user_id: int, item_id: str) -> Screen:
        """A deep link's item ("Ôn lại câu này"): served now, whatever its schedule, unless it is still open."""
        if self._item(item_id) is None:
            return Screen(texts.ITEM_GONE)
        if item_id in self.store.open_items():
            return Screen(texts.ITEM_OPEN)
        card = self.store.practice_card(user_id, item_id)
        bank, reason = self.document_for(user_id)
        return self.serve(user_id, item_id, review=card is not None, reason=reason, bank=bank)

    def practise_question(self, user_id: int, bank: Bank, number: int) -> Screen:
        """An item of one question (the outline's "practise" button): the member's most due one, else one not met."""
        items = [i for i in bank.items_for(number) if i.status == "reviewed"]
        if not items:
            return Screen(texts.LINK_UNKNOWN)
        cards = {c.item_id: c for c in self.store.practice_cards(user_id)}
        unseen = [i for i in items if i.id not in cards]
        chosen = unseen[0] if unseen else min(items, key=lambda i: cards[i.id].due_at)
        return self.serve_link(user_id, chosen.id)

    def serve(
        self, user_id: int, item_id: str, *, review: bool, reason: DocumentReason, bank: Bank
    ) -> Screen:
        found = self._item(item_id)
        assert found is not None
        item_bank, item = found
        serve_id = self.store.new_serve(user_id, item_id, self.now())
        shown = order(serve_id, item_id, len(item.options))
        options = "\n".join(
            texts.OPTION_LINE.format(letter=LETTERS[p], text=escape(item.options[o]))
            for p, o in enumerate(shown)
        )
        document = texts.DOCUMENT_LINE.format(title=escape(item_bank.document.title))
        if item_bank.id == bank.id:
            document += {
                DocumentReason.NO_GROUP: texts.DOCUMENT_NO_GROUP,
                DocumentReason.SEVERAL: texts.DOCUMENT_SEVERAL,
                DocumentReason.CHOSEN: texts.DOCUMENT_CHOSEN,
                DocumentReason.GROUP: self._other_commands(bank),
            }[reason]
        html = texts.ITEM.format(
            kind=texts.KIND_REVIEW if review else texts.KIND_NEW,
            document=document,
            number=item.question,
            stem=escape(item.stem),
            options=options,
        )
        row = [{"text": LETTERS[p], "callback_data": f"p:a:{serve_id}:{p}"} for p in range(len(shown))]
        rows = self.document_rows(user_id, bank, reason) if reason is not DocumentReason.GROUP else []
        return Screen(html, {"inline_keyboard": [row, *rows]})

    # the document practised ---------------------------------------------------------------------------------
    def others(self, bank: Bank) -> list[Bank]:
        """The documents besides `bank` that have items to practise."""
        return [b for b in self.library if b.id != bank.id and servable(b)]

    def _other_commands(self, bank: Bank) -> str:
        others = self.others(bank)
        if not others:
            return ""
        commands = ", ".join(texts.DOCUMENT_COMMAND.format(code=escape(b.id)) for b in others)
        return texts.DOCUMENT_OTHERS.format(commands=commands)

    def document_rows(self, user_id: int, bank: Bank, reason: DocumentReason) -> list[list[dict[str, str]]]:
        """Buttons to practise another document, and to follow the group's again after a choice."""
        rows = [
            [
                {
                    "text": texts.BUTTON_DOCUMENT.format(title=short(b.document.title, 48)),
                    "callback_data": f"p:d:{b.id}",
                }
            ]
            for b in self.others(bank)
        ]
        if reason is DocumentReason.CHOSEN and self.store.member_groups(user_id):
            rows.append([{"text": texts.BUTTON_FOLLOW_GROUP, "callback_data": "p:g"}])
        return rows

    def choose_document(self, user_id: int, spec: str) -> Screen:
        """`/ontap <mã>` or a document's button: practise that document from now on (`/ontap nhom`: the group's
        again), then its next item; or why not."""
        self.started(user_id)
        code = " ".join(spec.split()).lower()
        if code in texts.FOLLOW_GROUP_WORDS:
            self.store.set_practice_field(user_id, "document", None)
            return self.next_item(user_id)
        bank = self.library.get(code)
        if bank is None:
            listing = "\n".join(
                texts.DOCUMENT_LIST_LINE.format(code=escape(b.id), title=escape(b.document.title))
                for b in self.library
                if servable(b)
            )
            return Screen(texts.DOCUMENT_UNKNOWN.format(code=escape(spec.strip()[:40]), documents=listing))
        if not servable(bank):
            return Screen(texts.DOCUMENT_EMPTY.format(title=escape(bank.document.title)))
        self.store.set_practice_field(user_id, "document", bank.id)
        return self.next_item(user_id)

    def answer(self, user_id: int, serve_id: int, position: int) -> Answered:
        """A tap on a served item's option: rated once (the serve records the answer in the same transaction)."""
        serve = self.store.serve(serve_id)
        if serve is None or serve.user_id != user_id:
            return Answered(Outcome.STALE, toast=texts.TOAST_STALE)
        found = self._item(serve.item_id)
        if found is None:
            return Answered(Outcome.GONE, Screen(texts.ITEM_GONE), texts.TOAST_STALE)
        bank, item = found
        shown = order(serve.id, item.id, len(item.options))
        if serve.option is not None:
            return Answered(
                Outcome.ANSWERED, self._feedback(bank, item, shown, serve, None), texts.TOAST_ANSWERED
            )
        if not 0 <= position < len(shown):
            return Answered(Outcome.STALE, toast=texts.TOAST_STALE)
        option = shown[position]
        correct = option == item.answer
        now = self.now()
        card = self.store.practice_card(user_id, item.id)
        after = srs.review(card.card if card else None, correct, now)
        taken = self.store.answer_serve(
            serve, option, correct, (after.card, after.due, int(after.rating), after.lapse), now, self.today()
        )
        if not taken:
            return Answered(
                Outcome.ANSWERED,
                self._feedback(bank, item, shown, self.store.serve(serve_id), None),
                texts.TOAST_ANSWERED,
            )
        answered = Serve(serve.id, serve.user_id, serve.item_id, option, correct)
        letter = LETTERS[shown.index(item.answer)]
        toast = (texts.TOAST_RIGHT if correct else texts.TOAST_WRONG).format(
            letter=letter, option=item.options[item.answer]
        )  # plain text: an alert shows no HTML
        return Answered(
            Outcome.RIGHT if correct else Outcome.WRONG,
            self._feedback(bank, item, shown, answered, after.due),
            fit(toast),
        )

    def _feedback(
        self, bank: Bank, item: QuizItem, shown: tuple[int, ...], serve: Serve | None, due: datetime | None
    ) -> Screen:
        assert serve is not None and serve.option is not None
        letter = LETTERS[shown.index(item.answer)]
        option = escape(item.options[item.answer])
        if serve.correct:
            verdict = texts.RIGHT.format(letter=letter, option=option)
        else:
            verdict = texts.WRONG.format(
                chosen=LETTERS[shown.index(serve.option)], letter=letter, option=option
            )
        if due is None:
            card = self.store.practice_card(serve.user_id, item.id)
            due = card.due_at if card else None
        upcoming = ""
        if due is not None:
            wait = due - self.now()
            upcoming = (
                texts.NEXT_SOON.format(after=duration(int(wait.total_seconds() * 1000)))
                if wait < timedelta(days=1)
                else texts.NEXT_ON.format(day=day(due.astimezone(self.tz).date()))
            )
        html = texts.FEEDBACK.format(
            verdict=verdict,
            explanation=escape(item.explanation),
            quote=escape(
                for_display(item.quote, bank.errata, item.question)
            ),  # as the reveal shows the answer
            number=item.question,
            next=upcoming,
        )
        buttons = [
            [{"text": texts.BUTTON_NEXT_ITEM, "callback_data": "p:n"}],
            [
                {
                    "text": texts.BUTTON_READ.format(number=item.question),
                    "callback_data": f"p:q:{bank.id}:{item.question}:1",
                }
            ],
        ]
        return Screen(html, {"inline_keyboard": buttons})

    # group results ------------------------------------------------------------------------------------------
    def fold_revealed(self) -> int:
        """Bring revealed rounds' results into practice: a wrong answer is rated Again at its time, a round not
        answered makes its item due now. Each round once; returns how many rounds were folded."""
        folded = 0
        now, today = self.now(), self.today()
        for round_id in self.store.unfolded_rounds():
            wrong, missed = [], []
            for miss in self.store.round_misses(round_id):
                if miss.answered_at is not None:
                    card = self.store.practice_card(miss.user_id, miss.item_id)
                    after = srs.review(card.card if card else None, False, miss.answered_at)
                    wrong.append(
                        (
                            miss.user_id,
                            miss.item_id,
                            after.card,
                            after.due,
                            int(after.rating),
                            miss.answered_at,
                        )
                    )
                else:
                    missed.append((miss.user_id, miss.item_id, srs.dump(srs.new_card(now))))
            folded += self.store.fold_round(round_id, wrong, missed, now, today)
        return folded

    # progress -----------------------------------------------------------------------------------------------
    def progress(self, user_id: int) -> tuple[str, list[tuple[str, int, int, int]]] | None:
        """The /tiendo text and, per part, (label, items, seen, mastered); None before any practice."""
        cards = {c.item_id: c for c in self.store.practice_cards(user_id)}
        if not cards:
            return None
        now = self.now()
        bank, _ = self.document_for(user_id)
        rows = []
        for part in bank.parts:
            items = [i for i in bank.items if bank.question(i.question).part == part.number]
            if not items:
                continue
            seen = [cards[i.id] for i in items if i.id in cards]
            rows.append((part.roman, len(items), len(seen), sum(srs.mastered(c.card, now) for c in seen)))
        in_bank = [cards[i.id] for i in bank.items if i.id in cards]
        due = sum(1 for c in cards.values() if c.due_at <= now)
        upcoming = min((c.due_at for c in cards.values() if c.due_at > now), default=None)
        html = texts.PROGRESS.format(
            document=texts.DOCUMENT_LINE.format(title=escape(bank.document.title)),
            seen=len(in_bank),
            total=len(bank.items),
            mastered=sum(srs.mastered(c.card, now) for c in in_bank),
            due=due,
            next=self.when(upcoming) if upcoming else texts.NEXT_NONE,
            parts="\n".join(
                texts.PROGRESS_PART.format(roman=escape(r), total=t, seen=s, mastered=m)
                for r, t, s, m in rows
            ),
        )
        return html, rows

    def due_count(self, user_id: int) -> int:
        now, blocked = self.now(), self.store.open_items()
        cards: list[PracticeCard] = self.store.due_cards(user_id, now, limit=1000)
        due = sum(1 for c in cards if c.item_id not in blocked and self._item(c.item_id) is not None)
        bank, _ = self.document_for(user_id)
        fresh = len({i.id for i in bank.items} - self.store.card_items(user_id))
        return due + min(fresh, srs.new_allowance(self.store.introduced_on(user_id, self.today())))

    # reminders ----------------------------------------------------------------------------------------------
    def reminders_due(self, late: timedelta = timedelta(hours=2)) -> list[int]:
        """Members whose reminder time came within the last `late` (a bot down for longer skips that day)."""
        local = self.now().astimezone(self.tz)
        earliest = max(local - late, datetime.combine(local.date(), datetime.min.time(), self.tz))
        return self.store.reminders_due(
            schedule.format_time(local.time()), schedule.format_time(earliest.time()), local.date()
        )
