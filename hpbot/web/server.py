"""The live board's web server: read-only pages at /bang/<token>, from the bot's own process, beside the webhook
(its own port), in polling mode too. Built on hpbot's guarded server (hpbot/httpd.py): the same header and body
timeouts and connection cap as the webhook; a request may carry no body at all.

- GET and HEAD only (405 otherwise); /bang/<token> is the page, /bang/<token>/su-kien its event stream,
  /bang/tep/<file> the style sheet, script and font; anything else, a malformed, unknown or revoked token, or a
  deleted competition, is 404 — one page for all of them, so a token cannot be probed for;
- every answer carries strict security headers: a Content-Security-Policy that allows only the bot's own files and
  no inline script or style, no framing, no referrer, no sniffing, no caching of the pages;
- each client (its address; behind the HTTPS proxy on the same host, the last address of X-Forwarded-For) has a
  token bucket of requests and a cap on its open event streams: 429 beyond them.

Live updates: server-sent events rather than short polling. A projector and a few phones keep one connection each
and get a new board as soon as it changes, with no request per viewer per interval; the board is built once per
tick (`tick` seconds) for all of a competition's viewers, and sent only when it changed. EventSource reconnects by
itself, and the page works without JavaScript (it refreshes itself every `refresh` seconds).
"""

from __future__ import annotations

import asyncio
import importlib.util
import ipaddress
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

from hpbot.app.live_board import Competition, LiveBoardService
from hpbot.httpd import GuardedServer, reply
from hpbot.texts import live_board as words
from hpbot.web import page

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
PREFIX = "/bang/"
HEARTBEAT_SECONDS = 15.0  # a comment line on an idle stream, so that proxies keep it open
WRITE_SECONDS = 10.0  # a viewer that does not take an event within this is dropped
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "X-Robots-Tag": "noindex, nofollow",
}
NO_STORE = {"Cache-Control": "no-store"}
_TYPES = {".css": "text/css", ".js": "text/javascript", ".ttf": "font/ttf", ".svg": "image/svg+xml"}


def _font_dir() -> Path:
    """matplotlib's copy of DejaVu Sans (matplotlib is a dependency for the charts), found without importing it."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


def load_assets() -> dict[str, tuple[bytes, str]]:
    """/bang/tep/<name> → (content, type): read once at start."""
    files = {p.name: p for p in STATIC.iterdir() if p.suffix in _TYPES}
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        files[name] = _font_dir() / name
    return {name: (path.read_bytes(), _TYPES[path.suffix]) for name, path in files.items()}


@dataclass
class _Bucket:
    tokens: float
    at: float
    streams: int = 0


@dataclass
class _Channel:
    """One token's viewers on the event stream: the newest board and a way to wake them."""

    html: str = ""
    version: int = 0
    gone: bool = False
    viewers: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def publish(self, html: str | None) -> None:
        """A new board (None: the token shows nothing any more); the viewers are woken only by a change."""
        if html is None:
            self.gone = True
        elif html == self.html:
            return
        else:
            self.html, self.version = html, self.version + 1
        self.wake()

    def wake(self) -> None:
        woken, self.changed = self.changed, asyncio.Event()
        woken.set()


class BoardServer(GuardedServer):
    label = "board"

    def __init__(
        self,
        service: LiveBoardService,
        tz: ZoneInfo,
        listen: str,
        port: int,
        *,
        refresh: int = 30,
        tick: float = 2.0,
        max_connections: int = 1000,
        header_timeout: float = 10.0,
        rate: float = 5.0,
        burst: float = 60.0,
        streams_per_client: int = 20,
    ) -> None:
        super().__init__(
            listen,
            port,
            max_body=1,
            header_timeout=header_timeout,
            body_timeout=header_timeout,
            max_connections=max_connections,
            logger=log,
        )
        self.service, self.tz, self.refresh, self.tick = service, tz, refresh, tick
        self.rate, self.burst, self.streams_per_client = rate, burst, streams_per_client
        self.assets = load_assets()
        self._buckets: dict[str, _Bucket] = {}
        self._channels: dict[str, _Channel] = {}
        self._built: dict[str, tuple[float, str]] = {}
        self._ticker: asyncio.Task[None] | None = None
        self._closing = False
        self.builds = 0  # boards built (the benchmark reads it)

    def __repr__(self) -> str:
        return f"BoardServer({self.listen}:{self.port})"

    async def start(self) -> None:
        self._closing = False
        await super().start()
        self._ticker = asyncio.create_task(self._tick_loop(), name="board ticker")
        log.info("live board listening on %s:%d%s", self.listen, self.port, PREFIX)

    async def closing(self) -> None:
        self._closing = True
        if self._ticker is not None:
            self._ticker.cancel()
            try:
                await self._ticker
            except asyncio.CancelledError:
                if (task := asyncio.current_task()) is not None and task.cancelling():
                    raise
            self._ticker = None
        for (
            channel
        ) in self._channels.values():  # the streams end; EventSource reconnects once the bot is back
            channel.wake()

    # the board -----------------------------------------------------------------------------------------------
    def fragment(self, token: str, *, max_age: float | None = None) -> str | None:
        """The board's `<main>`, None when the token shows nothing. One built less than `max_age` seconds ago
        (default: a tick) is used again: many viewers opening the page at once cost one build."""
        comp = self.service.competition(token)
        if comp is None:
            self._built.pop(token, None)
            return None
        return self._fragment(token, comp, self.tick if max_age is None else max_age)

    def _fragment(self, token: str, comp: Competition, max_age: float) -> str:
        now = time.monotonic()
        built = self._built.get(token)
        if built is not None and now - built[0] < max_age:
            return built[1]
        html = page.fragment(self.service.board(comp), self.tz, self.refresh)
        self.builds += 1
        if len(self._built) > 1000:
            self._built.clear()
        self._built[token] = (now, html)
        return html

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(self.tick)
            for token, channel in list(self._channels.items()):
                if channel.viewers and not channel.gone:
                    try:
                        html = self.fragment(token, max_age=self.tick / 2)
                    except Exception:  # a database hiccup: the viewers keep the last board
                        log.exception("live board: the board could not be built")
                        continue
                    channel.publish(html)

    # requests ------------------------------------------------------------------------------------------------
    def client(self, request: web.BaseRequest) -> str:
        remote = request.remote or "?"
        forwarded = request.headers.get("X-Forwarded-For")
        if forwarded:
            try:
                proxied = ipaddress.ip_address(remote).is_loopback
            except ValueError:
                proxied = False
            if proxied:  # the HTTPS proxy on this host: the address it saw is the last one it added
                return forwarded.rsplit(",", 1)[-1].strip()[:64] or remote
        return remote

    def _allowed(self, key: str) -> bool:
        now = time.monotonic()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) > 50_000:  # forget the clients whose buckets have refilled
                self._buckets = {
                    k: b
                    for k, b in self._buckets.items()
                    if b.streams or b.tokens + (now - b.at) * self.rate < self.burst
                }
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    @staticmethod
    def _answer(
        status: int, body: str | bytes, content_type: str, *, close: bool = False, cache: bool = False
    ) -> web.Response:
        headers = dict(SECURITY_HEADERS)
        headers.update({"Cache-Control": "public, max-age=86400"} if cache else NO_STORE)
        data = body.encode() if isinstance(body, str) else body
        response = web.Response(status=status, body=data, headers=headers)
        response.content_type = content_type
        if content_type.startswith("text/"):
            response.charset = "utf-8"
        if close:
            response.force_close()
        return response

    def _not_found(self, request: web.BaseRequest) -> web.Response:
        return self._answer(404, page.not_found(), "text/html", close=not request.content.at_eof())

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        if request.method not in ("GET", "HEAD"):
            response = reply(405, "method not allowed", close=True, headers=dict(SECURITY_HEADERS))
            response.headers["Allow"] = "GET, HEAD"
            return response
        if request.body_exists:  # a GET carries no body: refused unread
            return reply(413, "no body allowed", close=True, headers=dict(SECURITY_HEADERS))
        key = self.client(request)
        if not self._allowed(key):
            response = self._answer(429, words.TOO_MANY, "text/plain")
            response.headers["Retry-After"] = "5"
            return response
        path = request.path
        if not path.startswith(PREFIX):
            return self._not_found(request)
        rest = path[len(PREFIX) :]
        head, _, tail = rest.partition("/")
        if head == page.ASSETS:
            asset = self.assets.get(tail)
            if asset is None:
                return self._not_found(request)
            return self._answer(200, asset[0], asset[1], cache=True)
        if tail == "":
            comp = self.service.competition(head)
            if comp is None:
                return self._not_found(request)
            main = self._fragment(head, comp, self.tick)
            return self._answer(200, page.page(main, head, comp.name, self.refresh), "text/html")
        if tail == page.EVENTS:
            if self.service.competition(head) is None:
                return self._not_found(request)
            return await self._events(request, head, key)
        return self._not_found(request)

    async def _events(self, request: web.BaseRequest, token: str, key: str) -> web.StreamResponse:
        bucket = self._buckets[key]
        if bucket.streams >= self.streams_per_client:
            refused = self._answer(429, words.TOO_MANY, "text/plain")
            refused.headers["Retry-After"] = "30"
            return refused
        channel = self._channels.setdefault(token, _Channel())
        if not channel.html:
            channel.publish(self.fragment(token))
        headers = dict(SECURITY_HEADERS)
        headers.update(NO_STORE)
        headers.update({"Content-Type": "text/event-stream; charset=utf-8", "X-Accel-Buffering": "no"})
        response = web.StreamResponse(headers=headers)
        bucket.streams += 1
        channel.viewers += 1
        try:
            await response.prepare(request)
            if request.method == "HEAD":
                return response
            await self._send(response, b"retry: 5000\n\n")
            seen = -1
            while not self._closing:
                if channel.gone:
                    await self._send(response, b"event: gone\ndata: \n\n")
                    break
                if channel.version != seen:
                    seen = channel.version
                    data = "".join(f"data: {line}\n" for line in channel.html.split("\n"))
                    await self._send(response, f"event: board\n{data}\n".encode())
                    continue
                try:
                    await asyncio.wait_for(channel.changed.wait(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    await self._send(response, b": ping\n\n")
        except (ConnectionError, TimeoutError):
            pass  # the viewer went away, or did not take an event in time
        finally:
            bucket.streams -= 1
            channel.viewers -= 1
            if channel.viewers == 0 and self._channels.get(token) is channel:
                del self._channels[token]
        return response

    @staticmethod
    async def _send(response: web.StreamResponse, data: bytes) -> None:
        await asyncio.wait_for(response.write(data), WRITE_SECONDS)

    @property
    def viewers(self) -> int:
        return sum(c.viewers for c in self._channels.values())
