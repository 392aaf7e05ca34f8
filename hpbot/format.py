"""How numbers, dates, times, durations and names read in Vietnamese: decimal comma, dd/mm/yyyy, 07:09.

Plain text only: escaping for Telegram HTML is the caller's (hpbot.app.messages), so reports and charts use the
same functions.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from hpbot.domain.quiz import LETTERS

__all__ = [
    "LETTERS",
    "after",
    "day",
    "display_name",
    "duration",
    "elapsed",
    "hhmm",
    "number",
    "short",
    "utf16_len",
]


def utf16_len(text: str) -> int:
    """Telegram measures text in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def display_name(first_name: str | None, last_name: str | None = None, username: str | None = None) -> str:
    """A Telegram account's name as people read it: first and last name, else @username, else '?'."""
    name = " ".join(part for part in (first_name or "", last_name or "") if part).strip()
    return name or (f"@{username}" if username else "?")


def day(value: date) -> str:
    """dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y")


def hhmm(moment: datetime, tz: ZoneInfo) -> str:
    """A clock time in the bot's time zone: 07:09."""
    return moment.astimezone(tz).strftime("%H:%M")


def number(value: float, digits: int = 1) -> str:
    """Vietnamese decimal comma: 87.5 -> '87,5'; whole numbers without decimals."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return text.replace(".", ",")


def count(value: int) -> str:
    """A whole number with Vietnamese thousands dots: 10000 -> '10.000'."""
    return f"{value:,}".replace(",", ".")


def short(text: str, limit: int = 60) -> str:
    """One line of at most `limit` characters; a longer one is cut after a whole word, with an ellipsis ("phường
    Hồng…", never "phường Hồng Bà…"), unless that would drop more than half of the room."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2 and not text[limit - 1].isspace():
        cut = cut[:space]
    return cut.rstrip(" —–-,;:·") + "…"


def duration(ms: int) -> str:
    """A span as people say it: '45 giây', '9 phút', '1 giờ 05 phút', '2 giờ' (never '9:00', which reads as a
    clock time). Seconds only under a minute; minutes are cut down, never rounded up past what happened."""
    seconds = max(0, ms) // 1000
    if seconds < 60:
        return f"{seconds} giây"
    hours, minutes = divmod(seconds // 60, 60)
    if not hours:
        return f"{minutes} phút"
    return f"{hours} giờ {minutes:02d} phút" if minutes else f"{hours} giờ"


def after(ms: int) -> str:
    """How long after the post an answer came: 'sau 9 phút', 'sau 1 giờ 01 phút'."""
    return f"sau {duration(ms)}"


def elapsed(ms: int) -> str:
    """A stopwatch reading for tables (reports): 4:05, or 1:02:03 past an hour; chat texts use `after`."""
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


TELEGRAM_LINK = "https://t.me/"  # where Telegram's links to bots, chats and messages start


def message_link(chat_id: int, message_id: int) -> str | None:
    """The t.me link to a message of a supergroup (opened by its members only); None for a basic group, whose
    messages have no link."""
    text = str(chat_id)
    if not text.startswith("-100"):
        return None
    return f"{TELEGRAM_LINK}c/{text[4:]}/{message_id}"
