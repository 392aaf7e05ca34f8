"""The outline to read in private (/decuong, /cau N): parts → questions → the official answer, paged, every screen
one message edited in place through its buttons. Button data: p:o:<doc>, p:p:<doc>:<part>, p:q:<doc>:<n>:<page>,
p:t:<doc>:<n> (practise the question); a document slug is at most 40 characters, so each fits 64 bytes."""

from __future__ import annotations

from html import escape

from hpbot.app import messages
from hpbot.app.practice import PAYLOAD, Screen
from hpbot.content import Bank
from hpbot.format import TELEGRAM_LINK, short
from hpbot.texts import practice as texts

PER_ROW = 5
PAGE_ROOM = 60  # the page mark's room under Telegram's 4,096


def question_payload(bank: Bank, number: int) -> str:
    """The `/start` payload that opens question `number` of `bank` in the outline (cau_12_dh-hp-2025)."""
    return f"cau_{number}_{bank.id}"


def reveal_links(bot_username: str, bank: Bank, number: int, item_id: str) -> list[dict[str, str]]:
    """URL buttons for under a group's reveal: the whole official answer in the outline, and "Ôn lại câu này"
    (practise the day's item now). A member's own result is an alert, which cannot carry a button: these open the
    private chat with the bot at the right place (`/start <payload>`, served by the practice feature)."""
    base = f"{TELEGRAM_LINK}{bot_username}?start="
    links = []
    for text, payload in (
        (texts.BUTTON_READ_ANSWER, question_payload(bank, number)),
        (texts.BUTTON_PRACTISE_AGAIN, f"ontap_{item_id}"),
    ):
        if PAYLOAD.match(payload):  # a payload Telegram would refuse is left out, not sent broken
            links.append({"text": text, "url": base + payload})
    return links


def from_payload(payload: str) -> tuple[int, str | None] | None:
    """(question number, document id or None) of a `cau_12` or `cau_12_<doc>` payload; None for anything else."""
    if not payload.startswith("cau_"):
        return None
    number, _, document = payload[4:].partition("_")
    if not (number.isascii() and number.isdigit()) or len(number) > 6:
        return None
    return int(number), document or None


def root(bank: Bank) -> Screen:
    rows = [
        [
            {
                "text": short(texts.PART_BUTTON.format(roman=p.roman) + ": " + p.title, 48),
                "callback_data": f"p:p:{bank.id}:{p.number}",
            }
        ]
        for p in bank.parts
    ]
    return Screen(texts.OUTLINE_HEADER.format(title=escape(bank.document.title)), {"inline_keyboard": rows})


def part(bank: Bank, number: int) -> Screen | None:
    found = next((p for p in bank.parts if p.number == number), None)
    if found is None:
        return None
    numbers = [q.number for q in bank.questions if q.part == number]
    buttons = [
        {"text": texts.QUESTION_BUTTON.format(number=n), "callback_data": f"p:q:{bank.id}:{n}:1"}
        for n in numbers
    ]
    rows = [buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]
    rows.append([{"text": texts.BUTTON_BACK_OUTLINE, "callback_data": f"p:o:{bank.id}"}])
    html = texts.OUTLINE_PART.format(roman=escape(found.roman), title=escape(found.title))
    return Screen(html, {"inline_keyboard": rows})


def last_question(bank: Bank) -> int:
    return max((q.number for q in bank.questions), default=0)


def question(bank: Bank, number: int, page: int = 1) -> Screen | None:
    """A page of the question's official answer; None for a number the document does not have."""
    if not any(q.number == number for q in bank.questions):
        return None
    q = bank.question(number)
    pages = messages.official_answer(bank, q, messages.MESSAGE_LIMIT - PAGE_ROOM)
    page = min(max(1, page), len(pages))
    html = pages[page - 1] + (texts.PAGE_MARK.format(page=page, pages=len(pages)) if len(pages) > 1 else "")
    turn = []
    if page > 1:
        turn.append({"text": texts.BUTTON_PREVIOUS, "callback_data": f"p:q:{bank.id}:{number}:{page - 1}"})
    if page < len(pages):
        turn.append({"text": texts.BUTTON_NEXT_PAGE, "callback_data": f"p:q:{bank.id}:{number}:{page + 1}"})
    rows = [turn] if turn else []
    if bank.items_for(number):
        rows.append([{"text": texts.BUTTON_PRACTISE_QUESTION, "callback_data": f"p:t:{bank.id}:{number}"}])
    roman = bank.part(q.part).roman
    rows.append(
        [
            {"text": texts.BUTTON_BACK_PART.format(roman=roman), "callback_data": f"p:p:{bank.id}:{q.part}"},
            {"text": texts.BUTTON_BACK_OUTLINE, "callback_data": f"p:o:{bank.id}"},
        ]
    )
    return Screen(html, {"inline_keyboard": rows})
