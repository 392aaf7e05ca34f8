"""The Bot API methods the fake answers (`MethodsMixin._m_<method, lower case>`), with objects
python-telegram-bot parses, and the checks Telegram makes on them, in Telegram's words: the chat exists and the
bot is in it, a reply's message exists (`_check_reply`), an edit changes something, a callback query is answered
in time, getUpdates is not used beside a webhook and serves only the allowed kinds of update; the checks of texts,
HTML, buttons and command menus are in `hpbot/testing/checks.py`. `_as_telegram`, `_find`, `_edit` and
`_send_file` are the methods' shared steps.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from hpbot.testing.checks import ChecksMixin
from hpbot.testing.faults import ApiError
from hpbot.testing.world import SentMessage

# every kind of update the Bot API knows; those a bot gets when it never said which (or said none it knows)
UPDATE_KINDS = {
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
}
DEFAULT_UPDATE_KINDS = UPDATE_KINDS - {"chat_member", "message_reaction", "message_reaction_count"}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


def _flag(value: Any) -> bool:
    """A boolean parameter as sent: JSON true, or the text of a form field."""
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1")) or value == 1


class MethodsMixin(ChecksMixin):
    """FakeTelegram's Bot API methods, each taking the request's parameters and returning its result. A chat id
    from a request is typed Any: it is the value as sent (None if absent), checked by looking it up in the world."""

    webhook: dict[str, Any]  # set by setWebhook, emptied by deleteWebhook
    callback_ttl: float | None  # seconds a callback query may be answered after the tap (None: forever)
    get_me_fields: tuple[str, ...] | None  # the fields getMe answers (None: all Telegram sends)
    allowed_updates: set[str]  # the kinds of update getUpdates serves, as the last call that said so asked
    commands: dict[str, list[dict]]  # scope (JSON) -> the commands set for it (language codes not kept apart)

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
    _open_queries: dict[str, float]
    _user_messages: dict[int, set[int]]
    _updates: deque[dict]
    _confirmed: int
    _last_update_id: int
    _new_update: asyncio.Event
    _answer_after: float | None
    user_files: dict[str, tuple[str, bytes]]

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

    def _check_reply(self, chat_id: Any, p: dict) -> None:
        """A reply (`reply_parameters`, or the older `reply_to_message_id`) to a message that exists, unless it
        may be sent without the reply."""
        reply = p.get("reply_parameters")
        if isinstance(reply, dict):
            message_id, in_chat = reply.get("message_id"), reply.get("chat_id", chat_id)
            allow = _flag(reply.get("allow_sending_without_reply"))
        elif p.get("reply_to_message_id") not in (None, "", 0, "0"):
            message_id, in_chat = p.get("reply_to_message_id"), chat_id
            allow = _flag(p.get("allow_sending_without_reply"))
        else:
            return
        try:
            message_id = int(message_id)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: message to be replied not found") from None
        if message_id <= 0:
            return
        if isinstance(in_chat, str) and in_chat.lstrip("-").isdigit():
            in_chat = int(in_chat)
        exists = self._find(in_chat, message_id) is not None or message_id in self._user_messages.get(
            in_chat, ()
        )
        if not exists and not allow:
            raise ApiError(400, "Bad Request: message to be replied not found")

    def _as_telegram(self, m: SentMessage) -> dict:
        message = {
            "message_id": m.message_id,
            "date": m.date,  # the time it was sent, as Telegram gives it (an edit does not change it)
            "chat": self.chats[m.chat_id],
            "from": self.users[self.bot_id],
        }
        if m.media is None:
            message["text"] = m.text
        else:
            message["caption"] = m.text
            message.update(m.media)
        if m.reply_markup:
            message["reply_markup"] = m.reply_markup
        return message

    def _find(self, chat_id: Any, message_id: int) -> SentMessage | None:
        for m in reversed(self._messages.get(chat_id, [])):
            if m.message_id == message_id and not m.deleted:
                return m
        return None

    def _m_getme(self, p: dict) -> dict:
        me = {
            **self.users[self.bot_id],
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        if self.get_me_fields is not None:
            me = {key: value for key, value in me.items() if key in self.get_me_fields}
        return me

    def _remember_allowed_updates(self, value: Any) -> None:
        """`allowed_updates` as Telegram keeps it: a list naming known kinds replaces the setting, a list naming
        none (or empty) restores the default (all but chat_member and the reactions), anything else keeps it."""
        if isinstance(value, list) and all(isinstance(kind, str) for kind in value):
            self.allowed_updates = {kind.lower() for kind in value} & UPDATE_KINDS or set(
                DEFAULT_UPDATE_KINDS
            )

    def _allowed(self, update: dict) -> bool:
        """Served under the current `allowed_updates`: an update of a known kind it leaves out is not, one of a
        kind the fake does not know (queued by a test on purpose) always is."""
        return all(
            kind in self.allowed_updates or kind not in UPDATE_KINDS for kind in update if kind != "update_id"
        )

    async def _m_getupdates(self, p: dict) -> list:
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
                "the webhook first",
            )
        self._remember_allowed_updates(p.get("allowed_updates"))
        offset = int(p.get("offset") or 0)
        if offset:
            self._confirmed = max(self._confirmed, offset - 1)
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        batch = self._batch(int(p.get("limit") or 100))
        if not batch:
            self._new_update.clear()
            try:
                await asyncio.wait_for(
                    self._new_update.wait(), min(1.0, float(p.get("timeout") or 0)) or 0.01
                )
            except TimeoutError:
                pass
            batch = self._batch(int(p.get("limit") or 100))
        if batch:
            self._last_update_id = max(self._last_update_id, batch[-1]["update_id"])
        return batch

    def _batch(self, limit: int) -> list[dict]:
        """The next `limit` updates allowed; those not allowed are dropped as Telegram drops them (at the head of
        the queue now, further on by the offset that confirms the batch)."""
        while self._updates and not self._allowed(self._updates[0]):
            self._updates.popleft()
        return list(itertools.islice(filter(self._allowed, self._updates), max(1, min(limit, 100))))

    def _m_deletewebhook(self, p: dict) -> bool:
        self.webhook = {}
        return True

    def _m_setwebhook(self, p: dict) -> bool:
        self.webhook = p if p.get("url") else {}
        self._remember_allowed_updates(p.get("allowed_updates"))
        return True

    def _m_getwebhookinfo(self, p: dict) -> dict:
        return {
            "url": getattr(self, "webhook", {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _m_sendmessage(self, p: dict) -> dict:
        chat_id: Any = p.get("chat_id")
        text = str(p.get("text", ""))
        shown, entities = self._check_text(text, p.get("parse_mode"), p.get("entities"))
        self._check_markup(p.get("reply_markup"))
        self._chat_for_send(chat_id)
        self._check_reply(chat_id, p)
        m = SentMessage(
            chat_id,
            next(self._message_ids[chat_id]),
            text,
            p.get("reply_markup"),
            p.get("parse_mode"),
            shown=shown,
            entities=entities,
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
        """editMessageText (`text`) or editMessageReplyMarkup (None). "Not modified" compares the text as shown
        and its entities, not the markup that produced them (`<b>` and `<strong>` are the same), and the
        keyboard; a message without a keyboard edited without one is not modified by that."""
        chat_id = p.get("chat_id")
        markup = p.get("reply_markup")
        parsed = None if text is None else self._check_text(text, p.get("parse_mode"), p.get("entities"))
        self._check_markup(markup)
        self._chat_for_send(chat_id)
        m = self._find(chat_id, int(p.get("message_id", 0)))
        if m is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if text is not None and m.media is not None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        same_text = parsed is None or parsed == (m.text if m.shown is None else m.shown, m.entities)
        if same_text and (markup or None) == (m.reply_markup or None):
            raise ApiError(400, NOT_MODIFIED)
        m.history.append(m.text)
        if text is not None and parsed is not None:
            m.text, (m.shown, m.entities) = text, parsed
            m.parse_mode = p.get("parse_mode")
        m.reply_markup = markup
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
        """A query is answered once, within `callback_ttl` seconds of the tap (Telegram's client stops waiting);
        an unknown, answered or expired query gets the same 400."""
        query_id = str(p.get("callback_query_id"))
        tapped = self._open_queries.get(query_id)
        if tapped is None:
            raise ApiError(400, QUERY_TOO_OLD)
        if self.callback_ttl is not None and time.monotonic() - tapped > self.callback_ttl:
            del self._open_queries[query_id]
            raise ApiError(400, QUERY_TOO_OLD)
        if len(str(p.get("text", ""))) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        del self._open_queries[query_id]
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
        caption = str(p.get("caption", ""))
        shown, entities = self._check_caption(caption, p.get("parse_mode"), p.get("caption_entities"))
        self._check_markup(p.get("reply_markup"))
        self._chat_for_send(chat_id)
        self._check_reply(chat_id, p)
        message_id = next(self._message_ids[chat_id])
        file_info = {"file_id": f"f{message_id}", "file_unique_id": f"u{message_id}"}
        if field_name == "photo":
            media: dict = {"photo": [{**file_info, "width": 800, "height": 600}]}
        else:
            sent = p.get(field_name)
            name = sent.get("filename", "file") if isinstance(sent, dict) else "file"
            media = {"document": {**file_info, "file_name": str(name)}}
        m = SentMessage(
            chat_id,
            message_id,
            caption,
            p.get("reply_markup"),
            p.get("parse_mode"),
            shown=shown,
            entities=entities,
            media=media,
        )
        self._messages[chat_id].append(m)
        return self._as_telegram(m)

    def _m_getfile(self, p: dict) -> dict:
        file_id = str(p.get("file_id", ""))
        if file_id not in self.user_files:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, data = self.user_files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(data),
            "file_path": path,
        }

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
