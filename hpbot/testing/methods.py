"""The Bot API methods the fake answers (`MethodsMixin._m_<method, lower case>`), with objects
python-telegram-bot parses, and the checks Telegram makes on them: the chat exists and the bot is in it, HTML
parses and the text fits (`_check_text`), button data fits (`_check_markup`); `_as_telegram`, `_find`, `_edit` and
`_send_file` are their shared steps.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from hpbot.testing.faults import ApiError
from hpbot.testing.html_check import check_html
from hpbot.testing.world import SentMessage


class MethodsMixin:
    """FakeTelegram's Bot API methods, each taking the request's parameters and returning its result. A chat id
    from a request is typed Any: it is the value as sent (None if absent), checked by looking it up in the world."""

    webhook: dict[str, Any]  # set by setWebhook, emptied by deleteWebhook; absent until either

    # from the other mixins of FakeTelegram (server, world, control), for the type checker
    strict_html: bool
    bot_id: int
    users: dict[int, dict]
    chats: dict[int, dict]
    status: dict[tuple[int, int], str]
    bot_status: dict[int, str]
    migrated: dict[int, int]
    _messages: dict[int, list[SentMessage]]
    _message_ids: dict[int, itertools.count[int]]
    callback_answers: dict[str, dict]
    _open_queries: set[str]
    _updates: deque[dict]
    _confirmed: int
    _last_update_id: int
    _new_update: asyncio.Event
    _answer_after: float | None

    if TYPE_CHECKING:

        def member_count(self, chat_id: int) -> int: ...
        def _chat_status(self, chat_id: int) -> dict[int, str]: ...
        def _members_answer(self, message: SentMessage) -> None: ...

    def _chat_for_send(self, chat_id: Any) -> dict:
        if chat_id in self.migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated[chat_id]},
            )
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        status = self.bot_status.get(chat_id, "left")
        if status == "kicked":
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")
        if status != "member":
            raise ApiError(403, "Forbidden: bot is not a member of the group chat")
        return chat

    def _check_text(self, text: str, parse_mode: str | None) -> None:
        plain = text
        if parse_mode and parse_mode.upper() == "HTML" and self.strict_html:
            problem, plain = check_html(text)
            if problem:
                raise ApiError(400, f"Bad Request: can't parse entities: {problem}")
        if not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(plain.encode("utf-16-le")) // 2 > 4096:
            raise ApiError(400, "Bad Request: message is too long")

    @staticmethod
    def _check_markup(markup: Any) -> None:
        if not markup:
            return
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if len(str(button.get("callback_data", "")).encode()) > 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    def _as_telegram(self, m: SentMessage) -> dict:
        message = {
            "message_id": m.message_id,
            "date": int(time.time()),
            "chat": self.chats[m.chat_id],
            "from": self.users[self.bot_id],
            "text": m.text,
        }
        if m.reply_markup:
            message["reply_markup"] = m.reply_markup
        return message

    def _find(self, chat_id: Any, message_id: int) -> SentMessage | None:
        for m in reversed(self._messages.get(chat_id, [])):
            if m.message_id == message_id and not m.deleted:
                return m
        return None

    def _m_getme(self, p: dict) -> dict:
        return {
            **self.users[self.bot_id],
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_getupdates(self, p: dict) -> list:
        offset = int(p.get("offset") or 0)
        if offset:
            self._confirmed = max(self._confirmed, offset - 1)
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        if not self._updates:
            self._new_update.clear()
            try:
                await asyncio.wait_for(
                    self._new_update.wait(), min(1.0, float(p.get("timeout") or 0)) or 0.01
                )
            except TimeoutError:
                pass
        batch = list(itertools.islice(self._updates, int(p.get("limit") or 100)))
        if batch:
            self._last_update_id = max(self._last_update_id, batch[-1]["update_id"])
        return batch

    def _m_deletewebhook(self, p: dict) -> bool:
        self.webhook = {}
        return True

    def _m_setwebhook(self, p: dict) -> bool:
        self.webhook = p
        return True

    def _m_getwebhookinfo(self, p: dict) -> dict:
        return {
            "url": getattr(self, "webhook", {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _m_setmycommands(self, p: dict) -> bool:
        return True

    def _m_deletemycommands(self, p: dict) -> bool:
        return True

    def _m_getmycommands(self, p: dict) -> list:
        return []

    def _m_sendmessage(self, p: dict) -> dict:
        chat_id: Any = p.get("chat_id")
        self._chat_for_send(chat_id)
        text = str(p.get("text", ""))
        self._check_text(text, p.get("parse_mode"))
        self._check_markup(p.get("reply_markup"))
        m = SentMessage(
            chat_id, next(self._message_ids[chat_id]), text, p.get("reply_markup"), p.get("parse_mode")
        )
        self._messages[chat_id].append(m)
        if (
            self._answer_after is not None
            and isinstance(m.reply_markup, dict)
            and m.reply_markup.get("inline_keyboard")
        ):
            asyncio.get_running_loop().call_later(self._answer_after, self._members_answer, m)
        return self._as_telegram(m)

    def _edit(self, p: dict, text: str | None) -> dict:
        chat_id = p.get("chat_id")
        self._chat_for_send(chat_id)
        m = self._find(chat_id, int(p.get("message_id", 0)))
        if m is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        new_text = m.text if text is None else text
        markup = p.get("reply_markup")
        if text is not None:
            self._check_text(new_text, p.get("parse_mode"))
        self._check_markup(markup)
        if new_text == m.text and markup == m.reply_markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        m.history.append(m.text)
        m.text, m.reply_markup = new_text, markup
        return self._as_telegram(m)

    def _m_editmessagetext(self, p: dict) -> dict:
        return self._edit(p, str(p.get("text", "")))

    def _m_editmessagereplymarkup(self, p: dict) -> dict:
        return self._edit(p, None)

    def _m_deletemessage(self, p: dict) -> bool:
        m = self._find(p.get("chat_id"), int(p.get("message_id", 0)))
        if m is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        m.deleted = True
        return True

    def _m_answercallbackquery(self, p: dict) -> bool:
        query_id = str(p.get("callback_query_id"))
        if query_id not in self._open_queries:
            raise ApiError(
                400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(p.get("text", ""))) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        self.callback_answers[query_id] = {
            "text": p.get("text", ""),
            "show_alert": p.get("show_alert", False),
            "at": time.monotonic(),
        }
        return True

    def _m_getchat(self, p: dict) -> dict:
        chat_id: Any = p.get("chat_id")
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _m_getchatmember(self, p: dict) -> dict:
        chat_id, user_id = p.get("chat_id"), int(p.get("user_id", 0))
        if chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        status = self.status.get((chat_id, user_id), "left")
        member: dict[str, Any] = {
            "status": status,
            "user": self.users.get(user_id, {"id": user_id, "is_bot": False, "first_name": "?"}),
        }
        if status == "administrator":
            member.update(
                {
                    "can_be_edited": False,
                    "is_anonymous": False,
                    "can_manage_chat": True,
                    "can_delete_messages": True,
                    "can_manage_video_chats": True,
                    "can_restrict_members": True,
                    "can_promote_members": False,
                    "can_change_info": True,
                    "can_invite_users": True,
                    "can_post_stories": False,
                    "can_edit_stories": False,
                    "can_delete_stories": False,
                }
            )
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _m_getchatadministrators(self, p: dict) -> list:
        chat_id: Any = p.get("chat_id")
        return [
            self._m_getchatmember({"chat_id": chat_id, "user_id": u})
            for u, s in list(self._chat_status(chat_id).items())
            if s in ("creator", "administrator")
        ]

    def _m_getchatmembercount(self, p: dict) -> int:
        chat_id = p.get("chat_id")
        if chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self.member_count(chat_id)

    def _send_file(self, p: dict, field_name: str) -> dict:
        chat_id: Any = p.get("chat_id")
        self._chat_for_send(chat_id)
        m = SentMessage(chat_id, next(self._message_ids[chat_id]), str(p.get("caption", "")), None, None)
        self._messages[chat_id].append(m)
        message = self._as_telegram(m)
        message.pop("text")
        message["caption"] = m.text
        file_info = {"file_id": f"f{m.message_id}", "file_unique_id": f"u{m.message_id}"}
        if field_name == "photo":
            message["photo"] = [{**file_info, "width": 800, "height": 600}]
        else:
            message["document"] = {
                **file_info,
                "file_name": str(p.get(field_name, {}).get("filename", "file")),
            }
        return message

    def _m_senddocument(self, p: dict) -> dict:
        return self._send_file(p, "document")

    def _m_sendphoto(self, p: dict) -> dict:
        return self._send_file(p, "photo")

    def _m_pinchatmessage(self, p: dict) -> bool:
        return True

    def _m_leavechat(self, p: dict) -> bool:
        chat_id: Any = p.get("chat_id")
        self.bot_status[chat_id] = "left"
        return True

    def _m_close(self, p: dict) -> bool:
        return True

    def _m_logout(self, p: dict) -> bool:
        return True
