"""Telegram's HTML subset, parsed as the Bot API does (TDLib's `parse_html`): the text as shown and its entities.

Tags: b/strong, i/em, u/ins, s/strike/del, tg-spoiler, span class="tg-spoiler", a href, code, pre (with
`<code class="language-…">` inside), blockquote (bare `expandable`) and tg-emoji emoji-id; balanced. Entities:
&lt; &gt; &amp; &quot; and numeric ones.

Stricter than Telegram on purpose in three places, each a bug in the text the bot builds even where Telegram
lets it pass: an attribute a tag does not take (`<b title="x">`, `<pre class="…">`, `<code class="x">`,
`<blockquote expandable="x">`) is refused where TDLib ignores it, and a bare `&` or `>` or an unknown named
entity is refused where TDLib keeps it as text.
"""

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
ENTITIES = {"lt", "gt", "amp", "quot"}
TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
_SPACE = " \t\r\n\f\v"


class HtmlError(ValueError):
    """Text Telegram refuses to parse; the message is what follows "can't parse entities: "."""


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> tuple[str, list[dict]]:
    """(the text as shown, its entities as the Bot API lists them: type, offset and length in UTF-16 code units,
    url / language / custom_emoji_id), or HtmlError with Telegram's words."""

    def at(index: int) -> int:  # Telegram reports positions in bytes of UTF-8
        return len(text[:index].encode())

    shown: list[str] = []
    shown_len = 0  # characters shown so far
    offset = 0  # their length in UTF-16 code units
    stack: list[dict] = []  # open tags: tag, argument, offset, shown index
    entities: list[dict] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "&":
            match = _ENTITY.match(text, i)
            if match is None:
                raise HtmlError(f"Character '&' at byte offset {at(i)} must be escaped as &amp;")
            name = match.group(1)
            if not name.startswith("#") and name not in ENTITIES:
                raise HtmlError(f'Unsupported HTML entity "&{name};" at byte offset {at(i)}')
            char = html.unescape(match.group(0))
            shown.append(char)
            shown_len += len(char)
            offset += _utf16(char)
            i = match.end()
            continue
        if c == ">":
            raise HtmlError(f"Character '>' at byte offset {at(i)} must be escaped as &gt;")
        if c != "<":
            shown.append(c)
            shown_len += 1
            offset += 2 if ord(c) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":  # an end tag
            if not stack:
                raise HtmlError(f"Unexpected end tag at byte offset {at(begin)}")
            i += 1
            start = i
            while i < n and text[i] not in _SPACE and text[i] != ">":
                i += 1
            end_name = text[start:i].lower()
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n or text[i] != ">":
                raise HtmlError(f"Unclosed end tag at byte offset {at(begin)}")
            i += 1
            top = stack.pop()
            if end_name and end_name != top["tag"]:
                raise HtmlError(
                    f'Unmatched end tag at byte offset {at(begin)}, expected "</{top["tag"]}>", '
                    f'found "</{end_name}>"'
                )
            _close(top, offset, shown, entities)
            continue
        start = i
        while i < n and text[i] not in _SPACE and text[i] != ">":
            i += 1
        if i >= n:
            raise HtmlError(f"Unclosed start tag at byte offset {at(begin)}")
        tag = text[start:i].lower()
        if tag not in ALLOWED:
            raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {at(begin)}')
        argument, i = _attributes(text, i, tag, at(begin))
        if tag == "span" and argument != "spoiler":
            raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {at(begin)}')
        stack.append({"tag": tag, "argument": argument, "offset": offset, "shown": shown_len})
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1]["tag"]}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(shown), entities


def _attributes(text: str, i: int, tag: str, begin: int) -> tuple[str, int]:
    """Read the attributes of a start tag from `i` to its `>`: (the tag's argument, the index after `>`)."""
    n = len(text)
    argument = ""
    while True:
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        if text[i] == ">":
            return argument, i + 1
        start = i
        while i < n and text[i] not in _SPACE and text[i] not in "=>/\"'":
            i += 1
        name = text[start:i]
        if not name:
            raise HtmlError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        if text[i] != "=":  # a bare attribute
            if tag == "blockquote" and name == "expandable":
                argument = "1"
                continue
            raise HtmlError(f'Unsupported attribute "{name}" in the tag "{tag}" at byte offset {begin}')
        i += 1
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        if text[i] in "\"'":
            quote = text[i]
            close = text.find(quote, i + 1)
            if close < 0:
                raise HtmlError(f"Unclosed start tag at byte offset {begin}")
            value = html.unescape(text[i + 1 : close])
            i = close + 1
        else:  # a name token: letters, digits, periods, hyphens; not case sensitive
            start = i
            while i < n and (text[i].isascii() and text[i].isalnum() or text[i] in ".-"):
                i += 1
            value = text[start:i].lower()
            if i < n and text[i] not in _SPACE and text[i] != ">":
                raise HtmlError(f"Unexpected end of name token at byte offset {len(text[:start].encode())}")
        if tag == "a" and name == "href":
            argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif tag == "span" and name == "class":  # any other class than tg-spoiler: refused as Telegram does
            argument = value[len("tg-") :] if value.startswith("tg-") else ""
        elif tag == "tg-emoji" and name == "emoji-id":
            argument = value
        else:
            raise HtmlError(f'Unsupported attribute "{name}" in the tag "{tag}" at byte offset {begin}')


def _close(open_tag: dict, offset: int, shown: list[str], entities: list[dict]) -> None:
    """The entity of a tag just closed, appended to `entities` (none for an empty one), as TDLib builds it."""
    tag, argument, start = open_tag["tag"], open_tag["argument"], open_tag["offset"]
    if tag == "tg-emoji" and not (argument.isdigit() and int(argument) > 0):
        raise HtmlError("Invalid custom emoji identifier specified")
    length = offset - start
    if length <= 0:
        return
    last = entities[-1] if entities else None
    same_span = last is not None and last["offset"] == start and last["length"] == length
    if tag == "a":
        url = argument or "".join(shown)[open_tag["shown"] :]
        user = re.fullmatch(r"tg://user\?id=([0-9]+)", url)
        if user:
            entities.append(
                {"type": "text_mention", "offset": start, "length": length, "user_id": int(user[1])}
            )
        else:
            entities.append({"type": "text_link", "offset": start, "length": length, "url": url})
    elif tag == "tg-emoji":
        entities.append(
            {"type": "custom_emoji", "offset": start, "length": length, "custom_emoji_id": argument}
        )
    elif tag == "pre" and same_span and last is not None and last["type"] == "code" and last.get("language"):
        last["type"] = "pre"
    elif tag == "code" and same_span and last is not None and last["type"] == "pre" and argument:
        last["language"] = argument
    elif tag == "code":
        entities.append({"type": "code", "offset": start, "length": length, "language": argument})
    elif tag == "blockquote" and argument:
        entities.append({"type": "expandable_blockquote", "offset": start, "length": length})
    else:
        entities.append({"type": TYPES[tag], "offset": start, "length": length})


def check_html(text: str) -> tuple[str | None, str]:
    """(problem or None, the text as shown)."""
    try:
        shown, _ = parse_html(text)
    except HtmlError as exc:
        return str(exc), text
    return None, shown
