"""The fake's world and what happens in it: the records it keeps (`Call`, `SentMessage`, `Limits`, `Stats`),
the users, groups, admins and members it holds (`WorldMixin`, with `_StatusTable` indexing statuses by chat),
and the builders of the updates the caller queues for getUpdates: commands, messages, button taps, the bot being
added to or removed from a group, a group's migration to a supergroup, or any raw update.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

ANONYMOUS_ADMIN_ID = 1087968824


@dataclass
class Call:
    method: str
    params: dict
    at: float
    status: int = 200


@dataclass
class SentMessage:
    """A message the bot has sent: `text` as sent (the markup, or a caption), `shown` and `entities` as Telegram
    parsed it (what "message is not modified" compares), `media` the photo or document of a message with no
    text (`{"photo": [...]}` or `{"document": {...}}`)."""

    chat_id: int
    message_id: int
    text: str
    reply_markup: dict | None
    parse_mode: str | None
    history: list[str] = field(default_factory=list)
    deleted: bool = False
    shown: str | None = None
    entities: list[dict] = field(default_factory=list)
    media: dict | None = None
    date: int = field(default_factory=lambda: int(time.time()))  # when it was sent (Telegram's `date`)


@dataclass
class Limits:
    """Telegram's flood limits (Bot FAQ), on by default: about 30 messages/s across chats, 20/min into one
    group, 1/s into one private chat with a short burst (`private_burst` messages at once) tolerated; edits
    count. A send beyond them gets 429 with `parameters.retry_after`. None turns one off; `Limits.off()` turns
    them all off, for tests and benchmarks that need more speed than Telegram gives."""

    global_per_second: float | None = 30.0
    per_chat_per_minute: int | None = 20
    per_private_chat_per_second: float | None = 1.0
    private_burst: int = 3

    @classmethod
    def off(cls) -> Limits:
        return cls(global_per_second=None, per_chat_per_minute=None, per_private_chat_per_second=None)


@dataclass
class Stats:
    too_many_requests: int = 0
    requests: int = 0


class _StatusTable(dict):
    """(chat, user) -> status, a plain dict to its users, with an index by chat kept alongside so that a member
    count or an admin list reads one chat's entries instead of scanning every group of a large world."""

    def __init__(self) -> None:
        super().__init__()
        self.by_chat: dict[int, dict[int, str]] = defaultdict(dict)

    def __setitem__(self, key: tuple[int, int], value: str) -> None:
        super().__setitem__(key, value)
        self.by_chat[key[0]][key[1]] = value

    def __delitem__(self, key: tuple[int, int]) -> None:
        super().__delitem__(key)
        self.by_chat[key[0]].pop(key[1], None)

    def pop(self, key: tuple[int, int], *default: Any) -> Any:
        if key in self:
            self.by_chat[key[0]].pop(key[1], None)
        return super().pop(key, *default)

    def popitem(self) -> tuple:
        key, value = super().popitem()
        self.by_chat[key[0]].pop(key[1], None)
        return key, value

    def setdefault(self, key: tuple[int, int], default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    # mypy wants an __ior__ overloaded like dict's __or__ (typeshed's dict.__ior__ carries the same ignore)
    def __ior__(self, other: Any) -> _StatusTable:  # type: ignore[misc]
        self.update(other)
        return self

    def clear(self) -> None:
        super().clear()
        self.by_chat.clear()


class WorldMixin:
    """FakeTelegram's users, chats and statuses, the messages the bot has sent, and the queue of updates."""

    # from the other mixins of FakeTelegram (server, methods), for the type checker
    bot_id: int
    bot_username: str

    if TYPE_CHECKING:

        def _find(self, chat_id: Any, message_id: int) -> SentMessage | None: ...
        def _as_telegram(self, m: SentMessage) -> dict: ...

    def _init_world(self) -> None:
        self.users: dict[int, dict] = {}
        self.chats: dict[int, dict] = {}
        self.status: dict[tuple[int, int], str] = _StatusTable()  # (chat, user) -> creator/administrator/...
        self.bot_status: dict[int, str] = {}  # chat -> member | kicked | left
        self.migrated: dict[int, int] = {}
        self._messages: dict[int, list[SentMessage]] = defaultdict(list)
        self._message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1000))
        self.callback_answers: dict[str, dict] = {}  # query id -> text, show_alert, at (time.monotonic())
        self.tap_times: dict[
            str, float
        ] = {}  # query id -> when its update became available (time.monotonic())
        self._open_queries: dict[str, float] = {}  # query id -> when the tap happened (time.monotonic())
        self._user_messages: dict[int, set[int]] = defaultdict(
            set
        )  # chat -> ids of the messages queued in it
        self._updates: deque[dict] = deque()
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._confirmed = 0
        self._last_update_id = 0
        self._new_update = asyncio.Event()
        self.user_files: dict[
            str, tuple[str, bytes]
        ] = {}  # file id -> (file path, bytes) of files users sent

    # world --------------------------------------------------------------------------------------------------
    def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        *,
        is_bot: bool = False,
    ) -> dict:
        user = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        self.users[user_id] = user
        return user

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        type: str = "group",
        admins: Sequence[int] = (),  # noqa: A002
        members: Sequence[int] = (),
        bot_in: bool = True,
    ) -> dict:
        self.chats[chat_id] = {"id": chat_id, "type": type, "title": title}
        for i, user_id in enumerate(admins):
            self.users.setdefault(user_id, {"id": user_id, "is_bot": False, "first_name": f"Admin {user_id}"})
            self.status[(chat_id, user_id)] = "creator" if i == 0 else "administrator"
        for user_id in members:
            self.users.setdefault(user_id, {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"})
            self.status[(chat_id, user_id)] = "member"
        if bot_in:
            self.bot_status[chat_id] = "member"
        return self.chats[chat_id]

    def private_chat(self, user_id: int) -> dict:
        user = self.users[user_id]
        chat = {"id": user_id, "type": "private", "first_name": user["first_name"]}
        self.chats[user_id] = chat
        self.bot_status[user_id] = "member"
        return chat

    def member_count(self, chat_id: int) -> int:
        humans = sum(
            1 for s in self._chat_status(chat_id).values() if s in ("creator", "administrator", "member")
        )
        return humans + (1 if self.bot_status.get(chat_id) == "member" else 0)

    # updates ------------------------------------------------------------------------------------------------
    def raw_update(self, update: dict) -> dict:
        """Queue `update` for getUpdates as it is, with the next `update_id` added (one given in `update` is kept):
        nothing is checked or filled in, so this is the way to serve what Telegram or another Bot API server
        might send and PTB might not expect, e.g. a callback query without `chat_instance`
        (`fake.raw_update({"callback_query": {"id": "q1", "from": user, "data": "x"}})`), a message with a field
        of an unknown type or an update of an unknown kind (`{"future_update": {...}}`). Returns the update as
        queued.

        A callback query's id becomes one the bot may answer (within `callback_ttl`), and a message's id one it
        may reply to. Known kinds the bot's `allowed_updates` leaves out are not served (see getUpdates);
        unknown kinds always are."""
        update = {"update_id": next(self._update_ids), **update}
        now = time.monotonic()
        for kind, body in update.items():
            if not isinstance(body, dict):
                continue
            if kind == "callback_query" and isinstance(body.get("id"), str):
                self._open_queries.setdefault(body["id"], now)
            chat = body.get("chat")
            if "message_id" in body and isinstance(chat, dict) and isinstance(chat.get("id"), int):
                self._user_messages[chat["id"]].add(body["message_id"])
        self._updates.append(update)
        self._new_update.set()
        return update

    def _message(
        self,
        chat_id: int,
        user_id: int | None,
        text: str,
        *,
        sender_chat: bool = False,
        entities: list | None = None,
    ) -> dict:
        chat = self.chats[chat_id]
        message: dict[str, Any] = {
            "message_id": next(self._message_ids[chat_id]),
            "date": int(time.time()),
            "chat": chat,
            "text": text,
        }
        if sender_chat:
            message["from"] = {
                "id": ANONYMOUS_ADMIN_ID,
                "is_bot": True,
                "first_name": "Group",
                "username": "GroupAnonymousBot",
            }
            message["sender_chat"] = chat
        elif user_id is not None:
            message["from"] = self.users[user_id]
        if entities:
            message["entities"] = entities
        return message

    def command(
        self,
        chat_id: int,
        user_id: int | None,
        text: str,
        *,
        mention: bool = True,
        anonymous_admin: bool = False,
        edited: bool = False,
    ) -> dict:
        head, _, rest = text.partition(" ")
        if mention and self.chats[chat_id]["type"] != "private" and "@" not in head:
            head = f"{head}@{self.bot_username}"
        full = head + (" " + rest if rest else "")
        entity = [{"type": "bot_command", "offset": 0, "length": len(head.encode("utf-16-le")) // 2}]
        message = self._message(chat_id, user_id, full, sender_chat=anonymous_admin, entities=entity)
        if edited:
            message["edit_date"] = int(time.time())
            return self.raw_update({"edited_message": message})
        return self.raw_update({"message": message})

    def document(
        self,
        chat_id: int,
        user_id: int,
        file_name: str,
        data: bytes,
        caption: str | None = None,
        *,
        reply_to: int | None = None,
    ) -> dict:
        """A user sends a file (with a caption, as a reply): the bot gets it with getFile and the file URL."""
        message = self._message(chat_id, user_id, "")
        del message["text"]
        file_id = f"user-file-{len(self.user_files) + 1}"
        self.user_files[file_id] = (f"documents/{file_id}", data)
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": file_name,
            "file_size": len(data),
        }
        if caption:
            message["caption"] = caption
            head = caption.split()[0]
            if head.startswith("/"):
                length = len(head.encode("utf-16-le")) // 2
                message["caption_entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if reply_to is not None:
            message["reply_to_message"] = {"message_id": reply_to, "date": 0, "chat": self.chats[chat_id]}
        return self.raw_update({"message": message})

    def message(self, chat_id: int, user_id: int, text: str) -> dict:
        return self.raw_update({"message": self._message(chat_id, user_id, text)})

    def tap(self, user_id: int, chat_id: int, message_id: int, data: str) -> dict:
        return self.raw_update(self._tap_update(user_id, chat_id, message_id, data))

    def _tap_update(self, user_id: int, chat_id: int, message_id: int, data: str) -> dict:
        stored = self._find(chat_id, message_id)
        message = (
            self._as_telegram(stored)
            if stored
            else {"message_id": message_id, "date": 0, "chat": self.chats[chat_id]}
        )
        query_id = f"q{next(self._query_ids)}"
        self._open_queries[query_id] = self.tap_times[query_id] = time.monotonic()
        return {
            "callback_query": {
                "id": query_id,
                "from": self.users[user_id],
                "message": message,
                "chat_instance": str(abs(chat_id)),
                "data": data,
            }
        }

    def _member_update(self, chat_id: int, by_user_id: int, old: str, new: str) -> dict:
        bot = self.users[self.bot_id]
        return self.raw_update(
            {
                "my_chat_member": {
                    "chat": self.chats[chat_id],
                    "from": self.users[by_user_id],
                    "date": int(time.time()),
                    "old_chat_member": {"status": old, "user": bot}
                    | ({"until_date": 0} if old == "kicked" else {}),
                    "new_chat_member": {"status": new, "user": bot}
                    | ({"until_date": 0} if new == "kicked" else {}),
                }
            }
        )

    def bot_added(self, chat_id: int, by_user_id: int) -> dict:
        old = self.bot_status.get(chat_id, "left")
        self.bot_status[chat_id] = "member"
        return self._member_update(chat_id, by_user_id, old if old != "member" else "left", "member")

    def bot_removed(self, chat_id: int, by_user_id: int, status: str = "kicked") -> dict:
        self.bot_status[chat_id] = status
        return self._member_update(chat_id, by_user_id, "member", status)

    def migrate(self, old_chat_id: int, new_chat_id: int, *, service_messages: bool = True) -> None:
        old = self.chats[old_chat_id]
        self.chats[new_chat_id] = {"id": new_chat_id, "type": "supergroup", "title": old["title"]}
        for user, status in list(self._chat_status(old_chat_id).items()):
            self.status[(new_chat_id, user)] = status
        self.bot_status[new_chat_id] = self.bot_status.get(old_chat_id, "member")
        self.migrated[old_chat_id] = new_chat_id
        if service_messages:
            first = next(
                iter(u for (c, u), s in self.status.items() if c == old_chat_id and s == "creator"), None
            )
            m1 = self._message(old_chat_id, first, "")
            m1.pop("text")
            m1["migrate_to_chat_id"] = new_chat_id
            m2 = self._message(new_chat_id, first, "")
            m2.pop("text")
            m2["migrate_from_chat_id"] = old_chat_id
            self.raw_update({"message": m1})
            self.raw_update({"message": m2})

    # records ------------------------------------------------------------------------------------------------
    def messages(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self._messages.get(chat_id, []) if not m.deleted]

    def updates_confirmed(self) -> bool:
        return not self._updates and self._confirmed >= self._last_update_id

    def _chat_status(self, chat_id: int) -> dict[int, str]:
        """user -> status in one chat."""
        if isinstance(self.status, _StatusTable):
            return self.status.by_chat.get(chat_id, {})
        return {u: s for (c, u), s in self.status.items() if c == chat_id}
