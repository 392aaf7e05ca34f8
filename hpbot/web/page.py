"""The live board's HTML: the whole page, and the part of it (`<main>`) the event stream replaces as cells answer.

Every name and every piece of content is escaped here; the page loads nothing but the bot's own style sheet,
script and font (relative links, so the HTTPS proxy may serve the board under any path ending in /bang/). Without
JavaScript a `<noscript>` refresh reloads it every `refresh` seconds; with it, board.js listens to the event stream
and swaps `<main>`'s content.
"""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from hpbot.app.live_board import LiveBoard
from hpbot.format import count, day, number
from hpbot.texts import live_board as words

ASSETS = "tep"  # /bang/tep/...: the style sheet, the script and the fonts
EVENTS = "su-kien"  # /bang/<token>/su-kien: the event stream


def _percent(share: float) -> str:
    return number(100 * share) + " %"


def _table(head: list[str], rows: list[list[str]], classes: list[str]) -> str:
    cols = "".join(f'<th class="{c}">{escape(h)}</th>' for h, c in zip(head, classes, strict=True))
    body = "".join(
        "<tr>" + "".join(f'<td class="{c}">{v}</td>' for v, c in zip(row, classes, strict=True)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{cols}</tr></thead><tbody>{body}</tbody></table>"


def _named(name: str, under: str) -> str:
    """A ranking's name with a smaller line under it (a member's cell, a unit's number of cells)."""
    return f'{escape(name)}<span class="group">{escape(under)}</span>'


def fragment(board: LiveBoard, tz: ZoneInfo, refresh: int) -> str:
    """The content of `<main>`: header, today's progress, the cells, the members, the units."""
    at = board.at.astimezone(tz).strftime("%H:%M %d/%m/%Y")
    state = (
        f'<p class="state ended">{escape(words.ENDED)}</p>'
        if board.ended
        else (
            f'<p class="state"><span class="mode-live"><span class="dot"></span>{escape(words.LIVE)}</span>'
            f'<span class="mode-refresh">{escape(words.REFRESHING.format(seconds=refresh))}</span></p>'
        )
    )
    parts = [
        '<header class="top"><div class="titles">'
        f"<h1>{escape(words.HEADING)}</h1>"
        f'<p class="contest">{escape(board.name)}</p></div>'
        '<div class="meta">'
        f"<p>{escape(words.PERIOD.format(start=day(board.start), end=day(board.end)))}</p>"
        f'<p class="asof">{escape(words.AS_OF.format(at=at))}</p>{state}</div></header>'
    ]
    if board.today is not None:
        t = board.today
        parts.append(
            '<section class="today">'
            f"<h2>{escape(words.TODAY.format(date=day(t.day)))}</h2><ul>"
            f"<li>{escape(words.TODAY_POSTED.format(posted=count(t.posted), groups=count(t.groups)))}</li>"
            f"<li>{escape(words.TODAY_REVEALED.format(revealed=count(t.revealed), groups=count(t.groups)))}</li>"
            f'<li class="answers">{escape(words.TODAY_ANSWERS.format(answers=count(t.answers)))}</li>'
            "</ul></section>"
        )
    elif not board.ended:
        parts.append(f'<section class="today"><p>{escape(words.NOT_A_STUDY_DAY)}</p></section>')

    if board.cells:
        cells = _table(
            [words.RANK, words.CELL, words.PARTICIPATION, words.MEAN_POINTS],
            [
                [str(c.rank), escape(c.title), _percent(c.participation), number(c.mean_points)]
                for c in board.cells
            ],
            ["rank", "name", "num rate", "num mean"],
        )
        if board.cell_count > len(board.cells):
            more = words.MORE_CELLS.format(count=count(board.cell_count - len(board.cells)))
            cells += f'<p class="more">{escape(more)}</p>'
    else:
        cells = f'<p class="empty">{escape(words.NO_CELLS)}</p>'
    if board.members:
        members = _table(
            [words.RANK, words.MEMBER, words.POINTS],
            [
                [
                    str(m.rank),
                    _named(m.name, m.group),
                    count(m.points),
                ]
                for m in board.members
            ],
            ["rank", "name", "num points"],
        )
    else:
        members = f'<p class="empty">{escape(words.NO_MEMBERS)}</p>'
    units = ""
    if board.units:
        table = _table(
            [words.RANK, words.UNIT, words.PARTICIPATION],
            [
                [
                    str(u.rank),
                    _named(u.name, words.UNIT_CELLS.format(cells=count(u.cells))),
                    _percent(u.participation),
                ]
                for u in board.units
            ],
            ["rank", "name", "num rate"],
        )
        units = f'<section class="units"><h2>{escape(words.UNITS)}</h2>{table}</section>'
    parts.append(
        f'<div class="columns{" three" if units else ""}">'
        f'<section class="cells"><h2>{escape(words.CELLS)}</h2>{cells}</section>'
        f'<section class="members"><h2>{escape(words.MEMBERS)}</h2>{members}</section>'
        f"{units}</div>"
    )
    return "".join(parts)


def _document(title: str, main: str, *, head: str = "", attributes: str = "") -> str:
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow">'
        f"<title>{escape(title)}</title>"
        f'<link rel="icon" href="{ASSETS}/icon.svg" type="image/svg+xml">'
        f'<link rel="stylesheet" href="{ASSETS}/board.css">{head}</head>'
        f'<body><main id="board"{attributes}>{main}</main></body></html>'
    )


def page(main: str, token: str, name: str, refresh: int) -> str:
    """The whole page at /bang/<token>, around its `<main>` (`fragment`)."""
    head = (
        f'<noscript><meta http-equiv="refresh" content="{refresh}"></noscript>'
        f'<script src="{ASSETS}/board.js" defer></script>'
    )
    return _document(
        words.PAGE_TITLE.format(name=name),
        main,
        head=head,
        attributes=f' data-events="{escape(token)}/{EVENTS}"',
    )


def not_found() -> str:
    return _document(
        words.NOT_FOUND_TITLE,
        f'<div class="notice"><h1>{escape(words.NOT_FOUND_TITLE)}</h1><p>{escape(words.NOT_FOUND)}</p></div>',
    )
