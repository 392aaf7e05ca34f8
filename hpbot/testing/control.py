"""The `/_control/` API, routes that are not Bot API methods, for the benchmarks: `ControlMixin.control` runs an
action (`_c_<action>`: build the world in bulk, set limits and strictness, queue updates, offer button taps at a fixed rate
through getUpdates or by POSTing to the webhook, have members answer each post, read back statistics, reset);
`LocalFake` offers the same `control()` interface as `FakeProcess` for a fake in the caller's own event loop.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from hpbot.testing.faults import ApiError
from hpbot.testing.world import Call, Limits, SentMessage, Stats


class ControlMixin:
    """FakeTelegram's control actions, the tap offer under way and the webhook deliveries it makes."""

    # from the other mixins of FakeTelegram (server, world, faults, methods), for the type checker
    calls: list[Call]
    _calls_by_method: dict[str, list[Call]]
    unknown_methods: list[str]
    stats: Stats
    limits: Limits
    _global_window: deque[float]
    _chat_windows: dict[int, deque[float]]
    _private_buckets: dict[int, tuple[float, float]]
    callback_ttl: float | None
    get_me_fields: tuple[str, ...] | None
    users: dict[int, dict]
    chats: dict[int, dict]
    _messages: dict[int, list[SentMessage]]
    callback_answers: dict[str, dict]
    tap_times: dict[str, float]
    _update_ids: itertools.count[int]
    webhook: dict[str, Any]

    if TYPE_CHECKING:

        def calls_to(self, method: str) -> list[Call]: ...
        def add_user(
            self,
            user_id: int,
            first_name: str,
            last_name: str | None = None,
            username: str | None = None,
            *,
            is_bot: bool = False,
        ) -> dict: ...
        def add_group(
            self,
            chat_id: int,
            title: str,
            *,
            type: str = "group",  # noqa: A002
            admins: Sequence[int] = (),
            members: Sequence[int] = (),
            bot_in: bool = True,
        ) -> dict: ...
        def messages(self, chat_id: int) -> list[SentMessage]: ...
        def raw_update(self, update: dict) -> dict: ...
        def tap(self, user_id: int, chat_id: int, message_id: int, data: str) -> dict: ...
        def _tap_update(self, user_id: int, chat_id: int, message_id: int, data: str) -> dict: ...
        def _chat_status(self, chat_id: int) -> dict[int, str]: ...

    def _init_control(self) -> None:
        self._offer: dict[str, Any] | None = None  # the tap offer under way (control "offer_taps")
        self._offer_task: asyncio.Task | None = None
        self._answer_after: float | None = (
            None  # members answer each post this long after it (control "answering")
        )
        self._client: aiohttp.ClientSession | None = None  # webhook deliveries
        self.webhook_failures = 0

    async def _stop_control(self) -> None:
        if self._offer_task is not None:
            self._offer_task.cancel()
            self._offer_task = None
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def control(self, action: str, payload: dict | None = None) -> Any:
        """Run one control action with a JSON-like payload and return a JSON-able result. Over HTTP it is
        `POST /_control/<action>` with the payload as the JSON body; the answer is `{"ok": true, "result": ...}`.

        world        {"users": [{"id", "first_name", ...}], "groups": [{"chat_id", "title", "type", "admins",
                     "members", "bot_in"}]}: add users and groups in bulk
        limits       {"global_per_second", "per_chat_per_minute", "per_private_chat_per_second",
                     "private_burst"}: replace the rate limits (null or absent: none; burst 3 if absent)
        strictness   {"callback_ttl": seconds | null, "get_me_fields": [field, ...] | null}: set what is given:
                     how long a callback query may be answered after its tap (null: forever), and the only
                     fields getMe answers (null: all)
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
            return web.json_response(
                {"ok": False, "error_code": exc.code, "description": exc.description}, status=exc.code
            )
        return web.json_response({"ok": True, "result": result})

    def _c_world(self, p: dict) -> dict:
        for user in p.get("users", []):
            self.add_user(
                user["id"],
                user.get("first_name", f"User {user['id']}"),
                user.get("last_name"),
                user.get("username"),
                is_bot=user.get("is_bot", False),
            )
        for group in p.get("groups", []):
            self.add_group(
                group["chat_id"],
                group.get("title", str(group["chat_id"])),
                type=group.get("type", "group"),
                admins=group.get("admins", []),
                members=group.get("members", []),
                bot_in=group.get("bot_in", True),
            )
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
        self.limits = Limits(
            p.get("global_per_second"),
            p.get("per_chat_per_minute"),
            p.get("per_private_chat_per_second"),
            p.get("private_burst") or 3,
        )
        self._global_window.clear()
        self._chat_windows.clear()
        self._private_buckets.clear()
        return {
            "global_per_second": self.limits.global_per_second,
            "per_chat_per_minute": self.limits.per_chat_per_minute,
            "per_private_chat_per_second": self.limits.per_private_chat_per_second,
            "private_burst": self.limits.private_burst,
        }

    def _c_strictness(self, p: dict) -> dict:
        if "callback_ttl" in p:
            self.callback_ttl = p["callback_ttl"]
        if "get_me_fields" in p:
            fields = p["get_me_fields"]
            self.get_me_fields = None if fields is None else tuple(fields)
        return {
            "callback_ttl": self.callback_ttl,
            "get_me_fields": None if self.get_me_fields is None else list(self.get_me_fields),
        }

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
        result: dict[str, Any] = {
            "requests": self.stats.requests,
            "too_many_requests": self.stats.too_many_requests,
            "methods": methods,
            "unknown_methods": sorted(set(self.unknown_methods)),
            "webhook_failures": self.webhook_failures,
        }
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
                item: dict[str, Any] = {
                    "chat_id": chat_id,
                    "message_id": m.message_id,
                    "reply_markup": m.reply_markup,
                }
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
        self._offer = {
            "total": len(taps),
            "ids": [],
            "started": time.monotonic(),
            "lag": 0.0,
            "last_offer": None,
            "via": via,
        }
        self._offer_task = asyncio.create_task(self._run_offer(taps, float(p.get("rate") or 0), via))
        return {"total": len(taps)}

    async def _run_offer(self, taps: list[tuple], rate: float, via: str) -> None:
        offer = self._offer
        assert offer is not None
        started, ids = offer["started"], offer["ids"]
        deliveries: set[asyncio.Task] = set()
        slots = (
            asyncio.Semaphore(int(self.webhook.get("max_connections") or 40)) if via == "webhook" else None
        )
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
                task = asyncio.create_task(
                    self._post_webhook({"update_id": next(self._update_ids), **update}, slots)
                )
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
                    async with self._client.post(
                        self.webhook["url"], json=update, headers=headers
                    ) as response:
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
            "total": offer["total"],
            "offered": len(offer["ids"]),
            "answered": len(answered),
            "via": offer["via"],
            "offer_lag_s": offer["lag"],
            "offer_s": (offer["last_offer"] - offer["started"]) if offer["last_offer"] else None,
            "wall_s": (last_answer - offer["started"]) if last_answer else None,
            "webhook_failures": self.webhook_failures,
        }
        if p.get("latencies"):
            result["latencies_ms"] = [(answers[q]["at"] - times[q]) * 1000 for q in answered]
        return result


class LocalFake:
    """A FakeTelegram in this process and event loop, behind the same `control()` interface as FakeProcess."""

    def __init__(
        self, *, limits: Limits | None = None, strict_html: bool = True, callback_ttl: float | None = 15.0
    ) -> None:
        from hpbot.testing.server import FakeTelegram  # here: server.py imports this module for ControlMixin

        self.fake = FakeTelegram(limits=limits, strict_html=strict_html, callback_ttl=callback_ttl)

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
