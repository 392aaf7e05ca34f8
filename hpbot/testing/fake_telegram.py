"""A fake Telegram Bot API server on 127.0.0.1 for tests, the demo and the trials.

It holds a small world (users, groups, admins), serves getUpdates from a queue the caller fills, answers the
methods hpbot uses with objects python-telegram-bot parses, records every call, checks HTML and length the way
Telegram does, and can inject faults (429, 5xx, 403, timeouts, resets, malformed bodies) and enforce rate limits.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from hpbot.testing.html_check import check_html

ANONYMOUS_ADMIN_ID = 1087968824


@dataclass
class Call:
    method: str
    params: dict
    at: float
    status: int = 200


@dataclass
class SentMessage:
    chat_id: int
    message_id: int
    text: str
    reply_markup: dict | None
    parse_mode: str | None
    history: list[str] = field(default_factory=list)
    deleted: bool = False


@dataclass
class Fault:
    method: str
    times: int
    chat_id: int | None
    kind: str
    error_code: int
    description: str
    parameters: dict | None


@dataclass
class Limits:
    global_per_second: float | None = None
    per_chat_per_minute: int | None = None


@dataclass
class Stats:
    too_many_requests: int = 0
    requests: int = 0


class FakeTelegram:
    def __init__(self, *, bot_id: int = 7000001, bot_username: str = "hpbot_test_bot",
                 limits: Limits | None = None, timeout_delay: float = 3.0, strict_html: bool = True) -> None:
        self.bot_id, self.bot_username = bot_id, bot_username
        self.limits = limits or Limits()
        self.timeout_delay, self.strict_html = timeout_delay, strict_html
        self.users: dict[int, dict] = {}
        self.chats: dict[int, dict] = {}
        self.status: dict[tuple[int, int], str] = {}  # (chat, user) -> creator/administrator/member/left/kicked
        self.bot_status: dict[int, str] = {}  # chat -> member | kicked | left
        self.migrated: dict[int, int] = {}
        self.calls: list[Call] = []
        self._calls_by_method: dict[str, list[Call]] = defaultdict(list)
        self._messages: dict[int, list[SentMessage]] = defaultdict(list)
        self._message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1000))
        self.callback_answers: dict[str, dict] = {}
        self._open_queries: set[str] = set()
        self._updates: deque[dict] = deque()
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._confirmed = 0
        self._last_update_id = 0
        self._new_update = asyncio.Event()
        self.faults: list[Fault] = []
        self.unknown_methods: list[str] = []
        self.tokens: set[str] = set()
        self.files: list[dict] = []
        self.stats = Stats()
        self._global_window: deque[float] = deque()
        self._chat_windows: dict[int, deque[float]] = defaultdict(deque)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.add_user(bot_id, "hpbot", username=bot_username, is_bot=True)

    # lifecycle ----------------------------------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeTelegram:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.host = host
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # world --------------------------------------------------------------------------------------------------
    def add_user(self, user_id: int, first_name: str, last_name: str | None = None, username: str | None = None,
                 *, is_bot: bool = False) -> dict:
        user = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        self.users[user_id] = user
        return user

    def add_group(self, chat_id: int, title: str, *, type: str = "group", admins: list[int] = (),  # noqa: A002
                  members: list[int] = (), bot_in: bool = True) -> dict:
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
        humans = sum(1 for (c, _u), s in self.status.items() if c == chat_id and s in
                     ("creator", "administrator", "member"))
        return humans + (1 if self.bot_status.get(chat_id) == "member" else 0)

    # updates ------------------------------------------------------------------------------------------------
    def raw_update(self, update: dict) -> dict:
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._new_update.set()
        return update

    def _message(self, chat_id: int, user_id: int | None, text: str, *, sender_chat: bool = False,
                 entities: list | None = None) -> dict:
        chat = self.chats[chat_id]
        message: dict[str, Any] = {"message_id": next(self._message_ids[chat_id]), "date": int(time.time()),
                                   "chat": chat, "text": text}
        if sender_chat:
            message["from"] = {"id": ANONYMOUS_ADMIN_ID, "is_bot": True, "first_name": "Group",
                               "username": "GroupAnonymousBot"}
            message["sender_chat"] = chat
        elif user_id is not None:
            message["from"] = self.users[user_id]
        if entities:
            message["entities"] = entities
        return message

    def command(self, chat_id: int, user_id: int | None, text: str, *, mention: bool = True,
                anonymous_admin: bool = False, edited: bool = False) -> dict:
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

    def message(self, chat_id: int, user_id: int, text: str) -> dict:
        return self.raw_update({"message": self._message(chat_id, user_id, text)})

    def tap(self, user_id: int, chat_id: int, message_id: int, data: str) -> dict:
        stored = self._find(chat_id, message_id)
        message = self._as_telegram(stored) if stored else {"message_id": message_id, "date": 0,
                                                            "chat": self.chats[chat_id]}
        query_id = f"q{next(self._query_ids)}"
        self._open_queries.add(query_id)
        return self.raw_update({"callback_query": {"id": query_id, "from": self.users[user_id], "message": message,
                                                   "chat_instance": str(abs(chat_id)), "data": data}})

    def _member_update(self, chat_id: int, by_user_id: int, old: str, new: str) -> dict:
        bot = self.users[self.bot_id]
        return self.raw_update({"my_chat_member": {
            "chat": self.chats[chat_id], "from": self.users[by_user_id], "date": int(time.time()),
            "old_chat_member": {"status": old, "user": bot} | ({"until_date": 0} if old == "kicked" else {}),
            "new_chat_member": {"status": new, "user": bot} | ({"until_date": 0} if new == "kicked" else {}),
        }})

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
        for (chat, user), status in list(self.status.items()):
            if chat == old_chat_id:
                self.status[(new_chat_id, user)] = status
        self.bot_status[new_chat_id] = self.bot_status.get(old_chat_id, "member")
        self.migrated[old_chat_id] = new_chat_id
        if service_messages:
            first = next(iter(u for (c, u), s in self.status.items() if c == old_chat_id and s == "creator"), None)
            m1 = self._message(old_chat_id, first, "")
            m1.pop("text")
            m1["migrate_to_chat_id"] = new_chat_id
            m2 = self._message(new_chat_id, first, "")
            m2.pop("text")
            m2["migrate_from_chat_id"] = old_chat_id
            self.raw_update({"message": m1})
            self.raw_update({"message": m2})

    # faults -------------------------------------------------------------------------------------------------
    def fail(self, method: str, *, times: int = 1, chat_id: int | None = None, error_code: int = 400,
             description: str = "Bad Request", retry_after: int | None = None,
             migrate_to_chat_id: int | None = None, kind: str = "error") -> None:
        parameters = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        self.faults.append(Fault(method, times, chat_id, kind, error_code, description, parameters or None))

    def fail_429(self, method: str, retry_after: int = 1, **kwargs: Any) -> None:
        self.fail(method, error_code=429, description=f"Too Many Requests: retry after {retry_after}",
                  retry_after=retry_after, **kwargs)

    def fail_5xx(self, method: str, status: int = 502, **kwargs: Any) -> None:
        self.fail(method, error_code=status, description="Bad Gateway" if status == 502 else "Internal Server Error",
                  **kwargs)

    # records ------------------------------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        return self._calls_by_method.get(method, [])

    def messages(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self._messages.get(chat_id, []) if not m.deleted]

    def updates_confirmed(self) -> bool:
        return not self._updates and self._confirmed >= self._last_update_id

    async def wait_for(self, predicate, timeout: float = 5.0, interval: float = 0.01) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                recent = ", ".join(f"{c.method}({c.status})" for c in self.calls[-12:])
                raise AssertionError(f"condition not met within {timeout}s; last calls: {recent}")
            await asyncio.sleep(interval)

    # the server ---------------------------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict:
        raw: dict[str, Any] = {}
        if request.content_type == "application/json":
            raw = await request.json()
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if hasattr(value, "file"):
                    self.files.append({"field": key, "filename": value.filename, "data": value.file.read()})
                    raw[key] = {"filename": value.filename}
                else:
                    raw[key] = value
        raw.update(request.query)
        params = {}
        for key, value in raw.items():
            if isinstance(value, str) and value[:1] in "[{" or key in ("chat_id", "message_id", "offset", "limit",
                                                                       "timeout", "user_id"):
                try:
                    value = json.loads(value)
                except (TypeError, ValueError):
                    pass
            params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token, method = request.match_info["token"], request.match_info["method"]
        self.tokens.add(token)
        params = await self._params(request)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        self._calls_by_method[method].append(call)
        self.stats.requests += 1
        fault = self._take_fault(method, params)
        if fault is not None:
            if fault.kind == "timeout":
                await asyncio.sleep(self.timeout_delay)
            if fault.kind == "reset":
                request.transport.close()  # type: ignore[union-attr]
                call.status = 0
                return web.Response(status=500)
            if fault.kind == "malformed":
                return web.Response(status=200, text="<html>not json", content_type="text/html")
            return self._error(call, fault.error_code, fault.description, fault.parameters)
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            self.unknown_methods.append(method)
            return self._error(call, 404, f"Not Found: method {method} is unknown to the fake")
        try:
            if method in SENDS and (limited := self._limited(params.get("chat_id"))):
                return self._error(call, 429, f"Too Many Requests: retry after {limited}", {"retry_after": limited})
            result = await handler(params) if asyncio.iscoroutinefunction(handler) else handler(params)
        except ApiError as exc:
            return self._error(call, exc.code, exc.description, exc.parameters)
        return web.json_response({"ok": True, "result": result})

    def _error(self, call: Call, code: int, description: str, parameters: dict | None = None) -> web.Response:
        call.status = code
        if code == 429:
            self.stats.too_many_requests += 1
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=code)

    def _take_fault(self, method: str, params: dict) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and fault.times > 0 and (
                    fault.chat_id is None or fault.chat_id == params.get("chat_id")):
                fault.times -= 1
                return fault
        return None

    def _limited(self, chat_id: Any) -> int | None:
        now = time.monotonic()
        if self.limits.global_per_second:
            window = self._global_window
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= self.limits.global_per_second:
                return 1
        if self.limits.per_chat_per_minute and isinstance(chat_id, int) and chat_id < 0:
            chat_window = self._chat_windows[chat_id]
            while chat_window and now - chat_window[0] >= 60:
                chat_window.popleft()
            if len(chat_window) >= self.limits.per_chat_per_minute:
                return max(1, int(60 - (now - chat_window[0])) + 1)
            chat_window.append(now)
        if self.limits.global_per_second:
            self._global_window.append(now)
        return None

    # methods ------------------------------------------------------------------------------------------------
    def _chat_for_send(self, chat_id: Any) -> dict:
        if chat_id in self.migrated:
            raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           {"migrate_to_chat_id": self.migrated[chat_id]})
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
        message = {"message_id": m.message_id, "date": int(time.time()), "chat": self.chats[m.chat_id],
                   "from": self.users[self.bot_id], "text": m.text}
        if m.reply_markup:
            message["reply_markup"] = m.reply_markup
        return message

    def _find(self, chat_id: int, message_id: int) -> SentMessage | None:
        for m in reversed(self._messages.get(chat_id, [])):
            if m.message_id == message_id and not m.deleted:
                return m
        return None

    def _m_getme(self, p: dict) -> dict:
        return {**self.users[self.bot_id], "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    async def _m_getupdates(self, p: dict) -> list:
        offset = int(p.get("offset") or 0)
        if offset:
            self._confirmed = max(self._confirmed, offset - 1)
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        if not self._updates:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), min(1.0, float(p.get("timeout") or 0)) or 0.01)
            except TimeoutError:
                pass
        batch = list(itertools.islice(self._updates, int(p.get("limit") or 100)))
        if batch:
            self._last_update_id = max(self._last_update_id, batch[-1]["update_id"])
        return batch

    def _m_deletewebhook(self, p: dict) -> bool:
        return True

    def _m_setwebhook(self, p: dict) -> bool:
        self.webhook = p
        return True

    def _m_getwebhookinfo(self, p: dict) -> dict:
        return {"url": getattr(self, "webhook", {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    def _m_setmycommands(self, p: dict) -> bool:
        return True

    def _m_deletemycommands(self, p: dict) -> bool:
        return True

    def _m_getmycommands(self, p: dict) -> list:
        return []

    def _m_sendmessage(self, p: dict) -> dict:
        chat_id = p.get("chat_id")
        self._chat_for_send(chat_id)
        text = str(p.get("text", ""))
        self._check_text(text, p.get("parse_mode"))
        self._check_markup(p.get("reply_markup"))
        m = SentMessage(chat_id, next(self._message_ids[chat_id]), text, p.get("reply_markup"), p.get("parse_mode"))
        self._messages[chat_id].append(m)
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
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply "
                                "markup are exactly the same as a current content and reply markup of the message")
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
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        if len(str(p.get("text", ""))) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        self.callback_answers[query_id] = {"text": p.get("text", ""), "show_alert": p.get("show_alert", False)}
        return True

    def _m_getchat(self, p: dict) -> dict:
        chat = self.chats.get(p.get("chat_id"))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _m_getchatmember(self, p: dict) -> dict:
        chat_id, user_id = p.get("chat_id"), int(p.get("user_id", 0))
        if chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        status = self.status.get((chat_id, user_id), "left")
        member: dict[str, Any] = {"status": status, "user": self.users.get(user_id, {"id": user_id, "is_bot": False,
                                                                                     "first_name": "?"})}
        if status == "administrator":
            member.update({"can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
                           "can_delete_messages": True, "can_manage_video_chats": True, "can_restrict_members": True,
                           "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
                           "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False})
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _m_getchatadministrators(self, p: dict) -> list:
        chat_id = p.get("chat_id")
        return [self._m_getchatmember({"chat_id": chat_id, "user_id": u})
                for (c, u), s in self.status.items() if c == chat_id and s in ("creator", "administrator")]

    def _m_getchatmembercount(self, p: dict) -> int:
        chat_id = p.get("chat_id")
        if chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self.member_count(chat_id)

    def _send_file(self, p: dict, field_name: str) -> dict:
        chat_id = p.get("chat_id")
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
            message["document"] = {**file_info, "file_name": str(p.get(field_name, {}).get("filename", "file"))}
        return message

    def _m_senddocument(self, p: dict) -> dict:
        return self._send_file(p, "document")

    def _m_sendphoto(self, p: dict) -> dict:
        return self._send_file(p, "photo")

    def _m_pinchatmessage(self, p: dict) -> bool:
        return True

    def _m_leavechat(self, p: dict) -> bool:
        self.bot_status[p.get("chat_id")] = "left"
        return True

    def _m_close(self, p: dict) -> bool:
        return True

    def _m_logout(self, p: dict) -> bool:
        return True


SENDS = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto"}


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


async def _serve(port: int) -> None:
    fake = FakeTelegram()
    fake.add_user(100, "Admin")
    fake.add_group(-100100, "Demo group", admins=[100])
    await fake.start(port=port)
    print(f"fake Bot API at {fake.base_url} (group -100100, admin user 100); Ctrl+C stops it", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Run the fake Telegram Bot API on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    try:
        asyncio.run(_serve(parser.parse_args().port))
    except KeyboardInterrupt:
        pass
