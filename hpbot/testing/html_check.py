"""Telegram's HTML subset, checked as the Bot API does: known tags, balanced, only the four named entities."""

from __future__ import annotations

import html
import re

ALLOWED = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "blockquote",
    "span",
    "tg-emoji",
}
TOKEN = re.compile(r"<(/?)([a-zA-Z-]+)([^>]*)>|&(#?\w+);|[<>]|&")
ENTITIES = {"lt", "gt", "amp", "quot"}


def check_html(text: str) -> tuple[str | None, str]:
    """(problem or None, the text as shown)."""
    stack: list[str] = []
    shown: list[str] = []
    pos = 0
    for match in TOKEN.finditer(text):
        shown.append(text[pos : match.start()])
        pos = match.end()
        token = match.group(0)
        if match.group(2):
            closing, tag = match.group(1) == "/", match.group(2).lower()
            if tag not in ALLOWED:
                return f'unsupported start tag "{tag}" at byte offset {match.start()}', text
            if closing:
                if not stack or stack[-1] != tag:
                    return (
                        f'can\'t find end tag corresponding to start tag "{stack[-1] if stack else tag}"',
                        text,
                    )
                stack.pop()
            else:
                stack.append(tag)
        elif match.group(4):
            name = match.group(4)
            if not name.startswith("#") and name not in ENTITIES:
                return f'unsupported entity "&{name};"', text
            shown.append(html.unescape(token))
        elif token in "<>":
            return f'unexpected "{token}" at byte offset {match.start()}', text
        else:  # a bare &
            return "character '&' must be escaped as &amp;", text
    shown.append(text[pos:])
    if stack:
        return f'can\'t find end tag corresponding to start tag "{stack[-1]}"', text
    return None, "".join(shown)
