"""The HTTP server on 127.0.0.1: `FakeTelegram`, composed of the world, faults, methods and control mixins, with
its state, start and stop, the records of every request (`calls`, `calls_to`, `wait_for`), and the request
handling: parameters from JSON, form or query (`_params`), dispatch to a method after the token (401 to one not
the bot's), faults and limits (`_handle`), and error answers (`_error`). `_OnLoopback` is what it shares with
`FakeProcess`. `files` holds the files of the uploads that succeeded.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from typing import Any, Self

from aiohttp import web

from hpbot.testing.control import ControlMixin
from hpbot.testing.faults import SENDS, ApiError, FaultsMixin
from hpbot.testing.methods import DEFAULT_UPDATE_KINDS, MethodsMixin
from hpbot.testing.world import Call, Limits, Stats, WorldMixin


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


class FakeTelegram(WorldMixin, FaultsMixin, MethodsMixin, ControlMixin, _OnLoopback):
    """A fake Telegram Bot API on 127.0.0.1, in this event loop (see the `hpbot.testing` package).

    As strict as Telegram by default: `limits` are Telegram's flood limits (`Limits()`; `Limits.off()` for none),
    a request under another token than `token` gets 401 (`token` None: the token of the first request is the
    bot's from then on), a callback query answered more than `callback_ttl` seconds after the tap gets 400
    (None: never too old). `get_me_fields`, None for all, names the only fields getMe answers, as some Bot API
    servers do (`FakeTelegram.MINIMAL_GET_ME`: id, first_name and username, no is_bot).
    """

    MINIMAL_GET_ME = ("id", "first_name", "username")

    def __init__(
        self,
        *,
        bot_id: int = 7000001,
        bot_username: str = "hpbot_test_bot",
        limits: Limits | None = None,
        timeout_delay: float = 3.0,
        strict_html: bool = True,
        token: str | None = None,
        callback_ttl: float | None = 15.0,
    ) -> None:
        self.bot_id, self.bot_username = bot_id, bot_username
        self.limits = Limits() if limits is None else limits
        self.timeout_delay, self.strict_html = timeout_delay, strict_html
        self.token, self.callback_ttl = token, callback_ttl
        self.get_me_fields: tuple[str, ...] | None = None
        self.webhook: dict[str, Any] = {}
        self.allowed_updates: set[str] = set(DEFAULT_UPDATE_KINDS)
        self.commands: dict[str, list[dict]] = {}
        self._init_world()
        self._init_faults()
        self._init_control()
        # records of the requests served
        self.calls: list[Call] = []
        self._calls_by_method: dict[str, list[Call]] = defaultdict(list)
        self.unknown_methods: list[str] = []
        self.tokens: set[str] = set()
        self.files: list[dict] = []
        self.stats = Stats()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.add_user(bot_id, "hpbot", username=bot_username, is_bot=True)

    # lifecycle ----------------------------------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeTelegram:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/_control/{action}", self._control_http)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.host = host
        return self

    async def stop(self) -> None:
        await self._stop_control()
        # a long poll still waiting for updates answers now (empty) instead of holding the server's cleanup until
        # its timeout: a second per end-to-end test otherwise
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # records ------------------------------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        return self._calls_by_method.get(method, [])

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
    async def _params(self, request: web.Request, uploads: list[dict] | None = None) -> dict:
        """The request's parameters; the files uploaded with it go to `uploads` (`files` once it succeeds)."""
        raw: dict[str, Any] = {}
        if request.content_type == "application/json":
            raw = await request.json()
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    upload = {"field": key, "filename": value.filename, "data": value.file.read()}
                    (self.files if uploads is None else uploads).append(upload)
                    raw[key] = {"filename": value.filename}
                else:
                    raw[key] = value
        raw.update(request.query)
        params = {}
        for key, value in raw.items():
            if (
                isinstance(value, str)
                and value[:1] in "[{"
                or key in ("chat_id", "message_id", "offset", "limit", "timeout", "user_id")
            ):
                try:
                    value = json.loads(value)
                except (TypeError, ValueError):
                    pass
            params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token, method = request.match_info["token"], request.match_info["method"]
        self.tokens.add(token)
        uploads: list[dict] = []  # recorded in `files` only if the method succeeds (not on a 429, a 400...)
        params = await self._params(request, uploads)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        self._calls_by_method[method].append(call)
        self.stats.requests += 1
        if self.token is None:
            self.token = token
        if token != self.token:
            return self._error(call, 401, "Unauthorized")
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
                return self._error(
                    call, 429, f"Too Many Requests: retry after {limited}", {"retry_after": limited}
                )
            result = await handler(params) if asyncio.iscoroutinefunction(handler) else handler(params)
        except ApiError as exc:
            return self._error(call, exc.code, exc.description, exc.parameters)
        self.files.extend(uploads)
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.StreamResponse:
        """A file a user sent (`document`), as Telegram's file URL serves it to the bot."""
        if self.token is not None and request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        found = next((data for p, data in self.user_files.values() if p == path), None)
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found, content_type="application/octet-stream")

    def _error(self, call: Call, code: int, description: str, parameters: dict | None = None) -> web.Response:
        call.status = code
        if code == 429:
            self.stats.too_many_requests += 1
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=code)
