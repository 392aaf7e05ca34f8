"""The checks the fake makes, in Telegram's words, on what a message carries and on the bot's command menus: the
parse mode is one Telegram knows and the HTML parses (`_formatted`), a text or caption fits (`_check_text`,
`_check_caption`), inline buttons are valid (`_check_markup`); command names, their number and their scope
(`setMyCommands`, `deleteMyCommands`, `getMyCommands`)."""

from __future__ import annotations

import json
import re
from typing import Any

from hpbot.testing.faults import ApiError
from hpbot.testing.html_check import HtmlError, parse_html

PARSE_MODES = {"html", "markdown", "markdownv2"}
COMMAND = re.compile(r"[a-z0-9_]{1,32}")
# the fields that give an inline button its action (a button with none of them is a "text button")
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "callback_game",
    "pay",
    "switch_inline_query",
    "switch_inline_query_chosen_chat",
    "switch_inline_query_current_chat",
    "login_url",
    "web_app",
    "copy_text",
)


class ChecksMixin:
    """Part of FakeTelegram's Bot API methods (see `MethodsMixin`)."""

    strict_html: bool
    chats: dict[int, dict]
    commands: dict[str, list[dict]]  # scope (JSON) -> the commands set for it (language codes not kept apart)

    def _formatted(self, text: str, parse_mode: Any, entities: Any) -> tuple[str, list[dict]]:
        """(the text as shown, its entities) as Telegram parses a text or caption in `parse_mode`, or its refusal.
        Telegram ignores the parse mode of an empty text; Markdown is not parsed here (shown as sent)."""
        mode = str(parse_mode or "").lower()
        if text and mode not in ("", "none"):
            if mode not in PARSE_MODES:
                raise ApiError(400, "Bad Request: unsupported parse_mode")
            if mode == "html" and self.strict_html:
                try:
                    return parse_html(text)
                except HtmlError as exc:
                    raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
            return text, []
        return text, [dict(e) for e in entities if isinstance(e, dict)] if isinstance(entities, list) else []

    def _check_text(self, text: str, parse_mode: Any, entities: Any = None) -> tuple[str, list[dict]]:
        shown, found = self._formatted(text, parse_mode, entities)
        if not shown.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(shown.encode("utf-16-le")) // 2 > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return shown, found

    def _check_caption(self, caption: str, parse_mode: Any, entities: Any = None) -> tuple[str, list[dict]]:
        shown, found = self._formatted(caption, parse_mode, entities)
        if len(shown.encode("utf-16-le")) // 2 > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        return shown, found

    @staticmethod
    def _check_markup(markup: Any) -> None:
        """An inline keyboard as the Bot API reads it (every button has text and an action), then as Telegram
        takes it (the text is not empty, callback data fits in 64 bytes)."""
        if not markup:
            return
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: object expected as reply markup")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(
                400,
                'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
            )
        buttons = [button for row in rows for button in row]
        cant_parse = "Bad Request: can't parse inline keyboard button: "
        for button in buttons:
            if not isinstance(button, dict):
                raise ApiError(400, cant_parse + "InlineKeyboardButton must be an Object")
            if "text" not in button:
                raise ApiError(400, cant_parse + 'Can\'t find field "text"')
            for name in ("text", "url", "callback_data"):
                if name in button and not isinstance(button[name], str):
                    raise ApiError(400, cant_parse + f'Field "{name}" must be of type String')
            # an empty url or callback_data counts as absent
            if not any(
                button.get(action) or (action in button and action not in ("url", "callback_data"))
                for action in BUTTON_ACTIONS
            ):
                raise ApiError(400, cant_parse + "Text buttons are unallowed in the inline keyboard")
        for button in buttons:
            if not button["text"]:
                raise ApiError(400, "Bad Request: inline keyboard button text must be non-empty")
            if not button.get("url") and len(button.get("callback_data", "").encode()) > 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    def _commands_scope(self, p: dict) -> str:
        """The scope of a command menu (as JSON, the key of `commands`); one naming a chat needs the chat to
        exist for the bot (a private chat the member has started, a group it is in or was in)."""
        scope = p.get("scope")
        if not scope:
            return '{"type": "default"}'
        if not isinstance(scope, dict):
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        kind = scope.get("type")
        if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
            return json.dumps({"type": kind})
        if kind not in ("chat", "chat_administrators", "chat_member"):
            raise ApiError(400, "Bad Request: can't parse BotCommandScope: Unsupported type specified")
        chat_id = scope.get("chat_id")
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        if chat_id in (None, ""):
            raise ApiError(400, "Bad Request: can't parse BotCommandScope: Empty chat_id specified")
        if chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        return json.dumps({"type": kind, "chat_id": chat_id, "user_id": scope.get("user_id")})

    def _m_setmycommands(self, p: dict) -> bool:
        commands = p.get("commands") or []
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: expected an Array of BotCommand")
        menu = []
        for command in commands:
            if not isinstance(command, dict):
                raise ApiError(400, "Bad Request: can't parse BotCommand: expected an Object")
            for name in ("command", "description"):
                if not isinstance(command.get(name), str):
                    raise ApiError(400, f"Bad Request: can't parse BotCommand: Can't find field \"{name}\"")
            menu.append(command)
        scope = self._commands_scope(p)
        for command in menu:
            name, description = command["command"].strip(), command["description"].strip()
            name = name[1:] if name.startswith("/") else name
            if not name:
                raise ApiError(400, "Bad Request: command must be non-empty")
            if len(name) > 32:
                raise ApiError(400, "Bad Request: command length must not exceed 32")
            if not description:
                raise ApiError(400, "Bad Request: command description must be non-empty")
            if len(description) > 256:
                raise ApiError(400, "Bad Request: command description length must not exceed 256")
            if not COMMAND.fullmatch(name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        if len(menu) > 100:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        self.commands[scope] = [
            {"command": c["command"].strip().lstrip("/"), "description": c["description"].strip()}
            for c in menu
        ]
        return True

    def _m_deletemycommands(self, p: dict) -> bool:
        self.commands.pop(self._commands_scope(p), None)
        return True

    def _m_getmycommands(self, p: dict) -> list:
        return self.commands.get(self._commands_scope(p), [])
