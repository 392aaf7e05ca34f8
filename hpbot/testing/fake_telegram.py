"""A fake Telegram Bot API server on 127.0.0.1 for tests, the demo and the trials.

It holds a small world (users, groups, admins), serves getUpdates from a queue the caller fills, answers the
methods hpbot uses with objects python-telegram-bot parses, records every call, checks HTML and length the way
Telegram does, and can inject faults (429, 5xx, 403, timeouts, resets, malformed bodies) and enforce rate limits.

Benchmarks run it in a child process of its own (`python -m hpbot.testing.fake_telegram --empty --port 0`, see
`FakeProcess`) so that the fake does not share a core with the bot it measures. They then drive it through routes
under `/_control/` that are not Bot API methods (`FakeTelegram.control` lists them): build the world in bulk,
offer button taps at a fixed rate (through getUpdates or by POSTing to the webhook), and read back statistics.
`LocalFake` offers the same `control()` interface for a fake running in the caller's own event loop.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import signal
import sys
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any, Self

import aiohttp
from aiohttp import web

from hpbot import eventloop
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

    def __ior__(self, other: Any) -> _StatusTable:
        self.update(other)
        return self

    def clear(self) -> None:
        super().clear()
        self.by_chat.clear()


class _OnLoopback:
    """A fake Bot API served on 127.0.0.1:`port`, usable as `async with`."""

    port: int

    async def start(self) -> Self:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"


class FakeTelegram(_OnLoopback):
    def __init__(self, *, bot_id: int = 7000001, bot_username: str = "hpbot_test_bot",
                 limits: Limits | None = None, timeout_delay: float = 3.0, strict_html: bool = True) -> None:
        self.bot_id, self.bot_username = bot_id, bot_username
        self.limits = limits or Limits()
        self.timeout_delay, self.strict_html = timeout_delay, strict_html
        self.users: dict[int, dict] = {}
        self.chats: dict[int, dict] = {}
        self.status: dict[tuple[int, int], str] = _StatusTable()  # (chat, user) -> creator/administrator/...
        self.bot_status: dict[int, str] = {}  # chat -> member | kicked | left
        self.migrated: dict[int, int] = {}
        self.calls: list[Call] = []
        self._calls_by_method: dict[str, list[Call]] = defaultdict(list)
        self._messages: dict[int, list[SentMessage]] = defaultdict(list)
        self._message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1000))
        self.callback_answers: dict[str, dict] = {}  # query id -> text, show_alert, at (time.monotonic())
        self.tap_times: dict[str, float] = {}  # query id -> when its update became available (time.monotonic())
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
        self._offer: dict[str, Any] | None = None  # the tap offer under way (control "offer_taps")
        self._offer_task: asyncio.Task | None = None
        self._answer_after: float | None = None  # members answer each post this long after it (control "answering")
        self._client: aiohttp.ClientSession | None = None  # webhook deliveries
        self.webhook_failures = 0
        self.port = 0
        self.add_user(bot_id, "hpbot", username=bot_username, is_bot=True)

    # lifecycle ----------------------------------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeTelegram:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/_control/{action}", self._control_http)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.host = host
        return self

    async def stop(self) -> None:
        if self._offer_task is not None:
            self._offer_task.cancel()
            self._offer_task = None
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

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
        humans = sum(1 for s in self._chat_status(chat_id).values() if s in ("creator", "administrator", "member"))
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
        return self.raw_update(self._tap_update(user_id, chat_id, message_id, data))

    def _tap_update(self, user_id: int, chat_id: int, message_id: int, data: str) -> dict:
        stored = self._find(chat_id, message_id)
        message = self._as_telegram(stored) if stored else {"message_id": message_id, "date": 0,
                                                            "chat": self.chats[chat_id]}
        query_id = f"q{next(self._query_ids)}"
        self._open_queries.add(query_id)
        self.tap_times[query_id] = time.monotonic()
        return {"callback_query": {"id": query_id, "from": self.users[user_id], "message": message,
                                   "chat_instance": str(abs(chat_id)), "data": data}}

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
        for user, status in list(self._chat_status(old_chat_id).items()):
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

    def _chat_status(self, chat_id: int) -> dict[int, str]:
        """user -> status in one chat."""
        if isinstance(self.status, _StatusTable):
            return self.status.by_chat.get(chat_id, {})
        return {u: s for (c, u), s in self.status.items() if c == chat_id}

    # control (for benchmarks; not Bot API methods) ----------------------------------------------------------
    async def control(self, action: str, payload: dict | None = None) -> Any:
        """Run one control action with a JSON-like payload and return a JSON-able result. Over HTTP it is
        `POST /_control/<action>` with the payload as the JSON body; the answer is `{"ok": true, "result": ...}`.

        world        {"users": [{"id", "first_name", ...}], "groups": [{"chat_id", "title", "type", "admins",
                     "members", "bot_in"}]}: add users and groups in bulk
        limits       {"global_per_second", "per_chat_per_minute"}: replace the rate limits (null: none)
        updates      {"updates": [update without update_id, ...]}: queue raw updates; returns their update ids
        offer_taps   {"taps": [[user_id, chat_id, message_id, data], ...], "rate": taps/s (0: all at once),
                     "via": "poll" | "webhook"}: offer button taps in the background, through getUpdates or by
                     POSTing each to the webhook set with setWebhook
        tap_stats    {"latencies": bool}: progress of the current offer: total, offered, answered, offer lag,
                     wall from the first offer to the last answer and, if asked, every tap's latency in ms from
                     its update being available to its answerCallbackQuery
        stats        {"sent_by_chat": bool}: requests, 429 responses, calls per method and status, and if asked
                     the number of successful sendMessage calls per chat as [[chat_id, n], ...]
        messages     {"with_markup": bool, "text": bool}: the messages the bot has in each chat (not deleted)
        answering    {"after": seconds | null}: from now on, `after` seconds after each post with buttons into a
                     group, every member of that group taps its first button (the taps that follow a morning's
                     push); null stops it
        reset        {}: forget recorded calls, callback answers, tap times and the counters (a process serving
                     with the collector off, --no-gc, collects its garbage here)
        """
        handler = getattr(self, f"_c_{action}", None)
        if handler is None:
            raise ApiError(404, f"Not Found: control action {action} is unknown")
        result = handler(payload or {})
        return await result if asyncio.iscoroutine(result) else result

    async def _control_http(self, request: web.Request) -> web.Response:
        payload = await request.json() if request.can_read_body else {}
        try:
            result = await self.control(request.match_info["action"], payload)
        except ApiError as exc:
            return web.json_response({"ok": False, "error_code": exc.code, "description": exc.description},
                                     status=exc.code)
        return web.json_response({"ok": True, "result": result})

    def _c_world(self, p: dict) -> dict:
        for user in p.get("users", []):
            self.add_user(user["id"], user.get("first_name", f"User {user['id']}"), user.get("last_name"),
                          user.get("username"), is_bot=user.get("is_bot", False))
        for group in p.get("groups", []):
            self.add_group(group["chat_id"], group.get("title", str(group["chat_id"])),
                           type=group.get("type", "group"), admins=group.get("admins", []),
                           members=group.get("members", []), bot_in=group.get("bot_in", True))
        return {"users": len(self.users), "chats": len(self.chats)}

    def _c_answering(self, p: dict) -> dict:
        self._answer_after = p.get("after")
        return {"after": self._answer_after}

    def _members_answer(self, message: SentMessage) -> None:
        data = message.reply_markup["inline_keyboard"][0][0]["callback_data"]  # type: ignore[index]
        for user_id, status in self._chat_status(message.chat_id).items():
            if status == "member" and user_id in self.users:
                self.tap(user_id, message.chat_id, message.message_id, data)

    def _c_limits(self, p: dict) -> dict:
        self.limits = Limits(p.get("global_per_second"), p.get("per_chat_per_minute"))
        self._global_window.clear()
        self._chat_windows.clear()
        return {"global_per_second": self.limits.global_per_second,
                "per_chat_per_minute": self.limits.per_chat_per_minute}

    def _c_updates(self, p: dict) -> list[int]:
        return [self.raw_update(update)["update_id"] for update in p.get("updates", [])]

    def _c_reset(self, p: dict) -> dict:
        if self._offer_task is not None:
            self._offer_task.cancel()
            self._offer_task = None
        self._offer = None
        self.calls.clear()
        self._calls_by_method.clear()
        self.callback_answers.clear()
        self.tap_times.clear()
        self.stats = Stats()
        self.webhook_failures = 0
        if not gc.isenabled():  # a process serving with the collector off (--no-gc) collects between runs
            gc.collect()
        return {}

    def _c_stats(self, p: dict) -> dict:
        methods: dict[str, dict[str, int]] = {}
        for method, calls in self._calls_by_method.items():
            by_status: dict[str, int] = defaultdict(int)
            for call in calls:
                by_status[str(call.status)] += 1
            methods[method] = dict(by_status)
        result: dict[str, Any] = {"requests": self.stats.requests, "too_many_requests": self.stats.too_many_requests,
                                  "methods": methods, "unknown_methods": sorted(set(self.unknown_methods)),
                                  "webhook_failures": self.webhook_failures}
        if p.get("sent_by_chat"):
            sent: dict[Any, int] = defaultdict(int)
            for call in self.calls_to("sendMessage"):
                if call.status == 200:
                    sent[call.params.get("chat_id")] += 1
            result["sent_by_chat"] = [[chat_id, n] for chat_id, n in sent.items()]
        return result

    def _c_messages(self, p: dict) -> list[dict]:
        found = []
        for chat_id in list(self._messages):
            for m in self.messages(chat_id):
                if p.get("with_markup") and not m.reply_markup:
                    continue
                item: dict[str, Any] = {"chat_id": chat_id, "message_id": m.message_id, "reply_markup": m.reply_markup}
                if p.get("text"):
                    item["text"] = m.text
                found.append(item)
        return found

    def _c_offer_taps(self, p: dict) -> dict:
        if self._offer_task is not None:
            self._offer_task.cancel()
        via = p.get("via", "poll")
        if via not in ("poll", "webhook"):
            raise ApiError(400, f"Bad Request: via must be poll or webhook, not {via!r}")
        if via == "webhook" and not getattr(self, "webhook", {}).get("url"):
            raise ApiError(400, "Bad Request: no webhook is set")
        taps = [tuple(t) for t in p.get("taps", [])]
        self._offer = {"total": len(taps), "ids": [], "started": time.monotonic(), "lag": 0.0, "last_offer": None,
                       "via": via}
        self._offer_task = asyncio.create_task(self._run_offer(taps, float(p.get("rate") or 0), via))
        return {"total": len(taps)}

    async def _run_offer(self, taps: list[tuple], rate: float, via: str) -> None:
        offer = self._offer
        assert offer is not None
        started, ids = offer["started"], offer["ids"]
        deliveries: set[asyncio.Task] = set()
        slots = asyncio.Semaphore(int(self.webhook.get("max_connections") or 40)) if via == "webhook" else None
        for index, (user_id, chat_id, message_id, data) in enumerate(taps):
            if rate:
                delay = started + index / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                else:
                    offer["lag"] = max(offer["lag"], -delay)
                    if index % 50 == 0:
                        await asyncio.sleep(0)  # behind schedule: still let the server answer
            update = self._tap_update(user_id, chat_id, message_id, data)
            ids.append(update["callback_query"]["id"])
            if slots is None:
                self.raw_update(update)
            else:
                task = asyncio.create_task(self._post_webhook({"update_id": next(self._update_ids), **update}, slots))
                deliveries.add(task)
                task.add_done_callback(deliveries.discard)
            offer["last_offer"] = time.monotonic()
        if deliveries:
            await asyncio.gather(*deliveries, return_exceptions=True)

    async def _post_webhook(self, update: dict, slots: asyncio.Semaphore) -> None:
        """Deliver one update the way Telegram does: POST to the webhook, at most max_connections at a time,
        retried (a few times here) until the bot answers 2xx."""
        if self._client is None:
            self._client = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        headers = {}
        if secret := self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        async with slots:
            for attempt in range(5):
                try:
                    async with self._client.post(self.webhook["url"], json=update, headers=headers) as response:
                        await response.read()
                        if response.status < 300:
                            return
                except (aiohttp.ClientError, OSError):
                    pass
                self.webhook_failures += 1
                await asyncio.sleep(0.1 * (attempt + 1))

    def _c_tap_stats(self, p: dict) -> dict:
        offer = self._offer
        if offer is None:
            return {"total": 0, "offered": 0, "answered": 0}
        answers, times = self.callback_answers, self.tap_times
        answered = [q for q in offer["ids"] if q in answers]
        last_answer = max((answers[q]["at"] for q in answered), default=None)
        result: dict[str, Any] = {
            "total": offer["total"], "offered": len(offer["ids"]), "answered": len(answered), "via": offer["via"],
            "offer_lag_s": offer["lag"],
            "offer_s": (offer["last_offer"] - offer["started"]) if offer["last_offer"] else None,
            "wall_s": (last_answer - offer["started"]) if last_answer else None,
            "webhook_failures": self.webhook_failures,
        }
        if p.get("latencies"):
            result["latencies_ms"] = [(answers[q]["at"] - times[q]) * 1000 for q in answered]
        return result

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
        self.webhook = {}
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
        if self._answer_after is not None and isinstance(m.reply_markup, dict) and m.reply_markup.get("inline_keyboard"):
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
        self.callback_answers[query_id] = {"text": p.get("text", ""), "show_alert": p.get("show_alert", False),
                                           "at": time.monotonic()}
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
                for u, s in list(self._chat_status(chat_id).items()) if s in ("creator", "administrator")]

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


class LocalFake:
    """A FakeTelegram in this process and event loop, behind the same `control()` interface as FakeProcess."""

    def __init__(self, *, limits: Limits | None = None, strict_html: bool = True) -> None:
        self.fake = FakeTelegram(limits=limits, strict_html=strict_html)

    async def start(self) -> LocalFake:
        await self.fake.start()
        return self

    async def stop(self) -> None:
        await self.fake.stop()

    @property
    def base_url(self) -> str:
        return self.fake.base_url

    async def control(self, action: str, payload: dict | None = None) -> Any:
        # a JSON round trip, so that callers see the same types as from FakeProcess (lists, string keys)
        return json.loads(json.dumps(await self.fake.control(action, json.loads(json.dumps(payload or {})))))


class FakeProcess(_OnLoopback):
    """A FakeTelegram in a child process (`python -m hpbot.testing.fake_telegram --empty --port 0`), so that it
    runs on a core of its own; driven through its `/_control/` routes (see FakeTelegram.control). It serves with
    Python's cyclic garbage collector off unless `collect_garbage` (see `_serve`)."""

    def __init__(self, *, limits: Limits | None = None, strict_html: bool = True, python: str = sys.executable,
                 startup_timeout: float = 30.0, collect_garbage: bool = False) -> None:
        self.limits, self.strict_html, self.python = limits or Limits(), strict_html, python
        self.collect_garbage = collect_garbage
        self.startup_timeout = startup_timeout
        self.process: asyncio.subprocess.Process | None = None
        self.port = 0
        self._session: aiohttp.ClientSession | None = None

    @property
    def argv(self) -> list[str]:
        argv = [self.python, "-m", "hpbot.testing.fake_telegram", "--empty", "--port", "0"]
        if self.limits.global_per_second:
            argv += ["--global-per-second", str(self.limits.global_per_second)]
        if self.limits.per_chat_per_minute:
            argv += ["--per-chat-per-minute", str(self.limits.per_chat_per_minute)]
        if not self.strict_html:
            argv.append("--lenient-html")
        if not self.collect_garbage:
            argv.append("--no-gc")
        return argv

    async def start(self) -> FakeProcess:
        self.process = await asyncio.create_subprocess_exec(*self.argv, stdout=asyncio.subprocess.PIPE)
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), self.startup_timeout)
        except TimeoutError:
            line = b""
        marker = b"fake Bot API at http://127.0.0.1:"
        if not line.startswith(marker):
            await self.stop()
            raise RuntimeError(f"the fake Bot API process did not start: {line!r}")
        self.port = int(line[len(marker):].split(b"/", 1)[0])
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600))
        return self

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        self.process = None

    async def control(self, action: str, payload: dict | None = None) -> Any:
        assert self._session is not None, "start() the fake process first"
        async with self._session.post(f"http://127.0.0.1:{self.port}/_control/{action}", json=payload or {}) as r:
            body = await r.json()
        if not body.get("ok"):
            raise RuntimeError(f"control {action} failed: {body.get('description')}")
        return body["result"]


async def _serve(port: int, *, empty: bool = False, limits: Limits | None = None, strict_html: bool = True,
                 collect_garbage: bool = True) -> None:
    if not collect_garbage:
        # Telegram counts a send against the limits when it arrives; the fake counts it when its event loop reads
        # it. A pause of Python's cyclic collector walking the fake's record of every call (tens of ms after a few
        # thousand posts) queued the sends behind it, then counted them as arriving together, and answered 429 to
        # a pace Telegram would take (docs/performance.md). Benchmarks run the fake with the collector off; `reset`
        # collects between runs.
        gc.disable()
    fake = FakeTelegram(limits=limits, strict_html=strict_html)
    if not empty:
        fake.add_user(100, "Admin")
        fake.add_group(-100100, "Demo group", admins=[100])
    await fake.start(port=port)
    world = "empty world, /_control/ routes to fill it" if empty else "group -100100, admin user 100"
    print(f"fake Bot API at {fake.base_url} ({world}); Ctrl+C stops it", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not on this platform: Ctrl+C still ends it
            pass
    await stop.wait()
    await fake.stop()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Run the fake Telegram Bot API on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0: any free port (printed on the first line)")
    parser.add_argument("--empty", action="store_true", help="no demo group: the caller builds the world")
    parser.add_argument("--global-per-second", type=float, default=None, help="overall sends/s before 429")
    parser.add_argument("--per-chat-per-minute", type=int, default=None, help="sends into one group/min before 429")
    parser.add_argument("--lenient-html", action="store_true", help="do not check HTML the way Telegram does")
    parser.add_argument("--no-gc", action="store_true",
                        help="serve with Python's cyclic garbage collector off (its pauses skew the rate limits); "
                             "the control route `reset` collects")
    args = parser.parse_args()
    try:
        eventloop.run(_serve(args.port, empty=args.empty, strict_html=not args.lenient_html,
                             limits=Limits(args.global_per_second, args.per_chat_per_minute),
                             collect_garbage=not args.no_gc))
    except KeyboardInterrupt:
        pass
