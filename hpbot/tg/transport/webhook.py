"""The webhook: an HTTP server for Telegram's deliveries, and the `setWebhook` call that registers it.

Why not PTB's webhook server (`Updater.start_webhook`, tornado): it buffers a request body of up to 100 MiB before
it looks at the secret (four 90 MiB posts took the process from 130 to 500 MB), keeps a half-sent request open for
an hour, and at its file-descriptor limit spins writing "Too many open files" tracebacks. It also listens on
0.0.0.0 by default and compares the secret with `==`.

This server is aiohttp's low-level one (`aiohttp.web.Server`, the protocol behind `AppRunner`), fed by an accept
loop of our own, and guards against each of those:

- the secret (`X-Telegram-Bot-Api-Secret-Token`) is compared in constant time (`hmac.compare_digest`) as soon as
  the headers are in, before any of the body is read; a wrong or missing one gets 403 and the connection closed;
- only `POST <path>` is served (other paths 404, other methods 405), again without reading a body;
- a body is at most `max_body` bytes: a larger `Content-Length` gets 413 unread, a chunked body that grows past it
  gets 413 and the connection closed; what is not read stays in the kernel (aiohttp stops reading a connection
  whose buffer is full), so a flood of large posts does not grow the process;
- headers must be complete within `header_timeout` of the connection opening or of the previous response (aiohttp's
  keep-alive timer: an idle keep-alive connection is closed after the same time), the body within `body_timeout`
  (408): a client sending byte by byte cannot hold a connection;
- at most `max_connections` connections are open: one more is closed as soon as it is accepted;
- when accept fails for want of file descriptors (EMFILE, ENFILE) or memory, accepting pauses for a moment and one
  WARNING is logged per minute at most (never a traceback); a malformed request is a throttled warning too, not an
  ERROR with a traceback each;
- the body must be a JSON object with an integer `update_id` (else 400); then `accept(update)` is awaited and 200
  sent only once it returned: Telegram resends anything not answered with a 2xx, so `accept` is where the caller
  stores the update durably; if it raises, the answer is 500 and Telegram delivers the update again;
- nothing logged contains the secret (headers are never logged, nor is aiohttp's access log kept).

`set_webhook` registers the URL and secret with Telegram. PTB logs every request's parameters at DEBUG ("Calling
Bot API endpoint `setWebhook` with parameters {... 'secret_token': ...}"); the call is made with a filter on PTB's
loggers that replaces the secret with `***`.

Usage (the runner's webhook branch)::

    async def accept(update: dict[str, Any]) -> None:
        await receiver.take([update])  # hpbot.tg.receiving: recorded in the inbox, then handled

    server = WebhookServer(config.webhook_listen, config.webhook_port, "/telegram", config.webhook_secret, accept)
    await server.start()
    await set_webhook(application.bot, config.webhook_url.rstrip("/") + "/telegram", config.webhook_secret,
                      allowed_updates)
    ...
    await server.stop()  # stops accepting, lets requests in progress finish (their `accept` included)
"""

from __future__ import annotations

import asyncio
import errno
import hmac
import json
import logging
import socket
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler

from hpbot.logs import RedactSecrets

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MiB = 1024 * 1024
# accept() failing for want of descriptors or memory: wait this long before trying again (the pending
# connections wait in the kernel's backlog meanwhile)
_OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
_ACCEPT_RETRY_SECONDS = 0.5
_SHUTDOWN_SECONDS = 10.0  # how long stop() lets a request in progress finish
# the loggers PTB's Bot/ExtBot write "Calling Bot API endpoint ... with parameters ..." to
PTB_REQUEST_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot")

Accept = Callable[[dict[str, Any]], Awaitable[None]]


class _Throttled:
    """A WARNING per kind at most every `every` seconds, with the count of the ones held back in between."""

    def __init__(self, every: float) -> None:
        self.every = every
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def warning(self, kind: str, message: str, *args: object) -> None:
        now = time.monotonic()
        last = self._last.get(kind)
        if last is not None and now - last < self.every:
            self._held[kind] = self._held.get(kind, 0) + 1
            return
        self._last[kind] = now
        held = self._held.pop(kind, 0)
        if held and last is not None:
            message += f" ({held} more like this in the last {now - last:.0f} s)"
        log.warning(message, *args)


class _ProtocolLog:
    """The logger handed to aiohttp's connection handler. A malformed request (a scanner, a TLS hello on the plain
    port) would be an ERROR with a traceback each, whose message can quote the request's bytes: here it is a
    throttled one-line warning naming only the kind of error."""

    def __init__(self, throttled: _Throttled) -> None:
        self._throttled = throttled

    def debug(self, message: str, *args: object, **kwargs: Any) -> None:
        log.debug(message, *args)  # exc_info dropped: a parser error's text quotes the request

    def info(self, message: str, *args: object, **kwargs: Any) -> None:
        log.info(message, *args)

    def warning(self, message: str, *args: object, **kwargs: Any) -> None:
        log.warning(message, *args)

    def error(self, message: str, *args: object, **kwargs: Any) -> None:
        self.exception(message, *args, **kwargs)

    def exception(self, message: str, *args: object, exc_info: Any = None, **kwargs: Any) -> None:
        if isinstance(exc_info, HttpProcessingError):
            self._throttled.warning(
                "malformed", "webhook: malformed HTTP request rejected (%s)", type(exc_info).__name__
            )
        else:
            log.error(message, *args, exc_info=exc_info)


class _Server(web.Server):
    """aiohttp's protocol factory, telling its owner when a connection is gone (for the connection cap)."""

    def __init__(
        self,
        handler: Callable[[web.BaseRequest], Awaitable[web.StreamResponse]],
        *,
        on_lost: Callable[[], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(handler, **kwargs)
        self._on_lost = on_lost

    def connection_lost(self, handler: RequestHandler, exc: BaseException | None = None) -> None:
        super().connection_lost(handler, exc)
        self._on_lost()


def _reply(status: int, text: str, *, close: bool = False) -> web.Response:
    response = web.Response(status=status, text=text)
    if close:  # the body was not read (or not all of it): the connection cannot carry another request
        response.force_close()
    return response


class WebhookServer:
    """Serves `POST <path>` on `listen:port` for Telegram; each update goes to `accept`, answered 200 once it
    returned. See the module docstring for what it refuses and why."""

    # seconds between two warnings of one kind (out of descriptors, connection cap, bad secret, malformed)
    warn_every = 60.0

    def __init__(
        self,
        listen: str,
        port: int,
        path: str,
        secret: str,
        accept: Accept,
        *,
        max_body: int = 1 * MiB,
        header_timeout: float = 10.0,
        body_timeout: float = 10.0,
        max_connections: int = 100,
    ) -> None:
        if not secret:
            raise ValueError("the webhook needs a secret")
        if header_timeout <= 0 or body_timeout <= 0 or max_body <= 0 or max_connections <= 0:
            raise ValueError("timeouts, the body limit and the connection cap must be positive")
        self.listen = listen
        self.path = "/" + path.lstrip("/")
        self._port = port
        self._secret = secret.encode()
        self._accept = accept
        self.max_body = max_body
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self.max_connections = max_connections
        self._open = 0
        self._throttled = _Throttled(self.warn_every)
        self._socket: socket.socket | None = None
        self._server: _Server | None = None
        self._accepting: asyncio.Task[None] | None = None

    def __repr__(self) -> str:  # the secret stays out of it
        return f"WebhookServer({self.listen}:{self.port}{self.path})"

    @property
    def port(self) -> int:
        """The port listened on: the bound one once started (when asked for port 0)."""
        return self._socket.getsockname()[1] if self._socket is not None else self._port

    @property
    def connections(self) -> int:
        """Connections open now."""
        return self._open

    async def start(self) -> None:
        """Bind and listen (OSError if the address is taken), then accept connections in the background."""
        if self._accepting is not None:
            raise RuntimeError("the webhook server is already running")
        loop = asyncio.get_running_loop()
        family, kind, proto, _, address = socket.getaddrinfo(
            self.listen, self._port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen(max(128, self.max_connections))
            sock.setblocking(False)
        except BaseException:
            sock.close()
            raise
        self._socket = sock
        self._server = _Server(
            self._handle,
            on_lost=self._connection_lost,
            loop=loop,
            keepalive_timeout=self.header_timeout,  # aiohttp closes a connection without complete headers by then
            lingering_time=0,  # a body not read is not drained either: the connection is closed
            max_field_size=4096,  # 32 headers of 4 KiB at most: a connection's headers stay under 128 KiB
            max_headers=32,
            access_log=None,
            logger=_ProtocolLog(self._throttled),
        )
        self._accepting = asyncio.create_task(self._accept_loop(sock), name="webhook accept")
        log.info("webhook server listening on %s:%d%s", self.listen, self.port, self.path)

    async def stop(self) -> None:
        """Stop accepting, close idle connections, let requests in progress finish (up to 10 s), close the rest."""
        if self._accepting is None:
            return
        self._accepting.cancel()
        try:
            await self._accepting
        except asyncio.CancelledError:
            if (task := asyncio.current_task()) is not None and task.cancelling():
                raise
        self._accepting = None
        if self._socket is not None:
            self._socket.close()
        if self._server is not None:
            await asyncio.sleep(0)  # requests already parsed start being handled before idle ones are closed
            self._server.pre_shutdown()
            await self._server.shutdown(_SHUTDOWN_SECONDS)
        self._server = None

    async def __aenter__(self) -> WebhookServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _accept_loop(self, sock: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        assert self._server is not None
        while True:
            try:
                conn, _ = await loop.sock_accept(sock)
            except (ConnectionAbortedError, BlockingIOError, InterruptedError):
                continue  # the client gave up before we took it
            except OSError as exc:
                self._out_of_resources(exc)
                await asyncio.sleep(_ACCEPT_RETRY_SECONDS)
                continue
            if self._open >= self.max_connections:
                conn.close()
                self._throttled.warning(
                    "cap", "webhook: %d connections open, the most allowed: a new one was closed", self._open
                )
                continue
            self._open += 1
            try:
                await loop.connect_accepted_socket(self._server, conn)
            except OSError as exc:
                self._open -= 1
                conn.close()
                self._out_of_resources(exc)

    def _out_of_resources(self, exc: OSError) -> None:
        if exc.errno in _OUT_OF_RESOURCES:
            self._throttled.warning(
                "resources",
                "webhook: cannot accept connections (%s); pausing %.1f s between attempts",
                exc.strerror or exc,
                _ACCEPT_RETRY_SECONDS,
            )
        else:
            self._throttled.warning("accept", "webhook: accepting a connection failed (%s)", exc)

    def _connection_lost(self) -> None:
        self._open -= 1

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        """One delivery: checked in the order that reads the least of what a stranger sends."""
        if request.path != self.path:
            return _reply(404, "not found", close=not request.content.at_eof())
        if request.method != "POST":
            response = _reply(405, "method not allowed", close=not request.content.at_eof())
            response.headers["Allow"] = "POST"
            return response
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, self._secret):
            self._throttled.warning(
                "secret", "webhook: rejected a request from %s with a wrong or missing secret", request.remote
            )
            return _reply(403, "forbidden", close=True)
        if request.content_length is not None and request.content_length > self.max_body:
            log.debug(
                "webhook: Content-Length %d over the limit of %d", request.content_length, self.max_body
            )
            return _reply(413, "too large", close=True)
        try:
            body = await self._read_body(request)
        except TimeoutError:
            log.debug("webhook: body not received within %.1f s", self.body_timeout)
            return _reply(408, "request timeout", close=True)
        except (ConnectionError, web.RequestPayloadError, HttpProcessingError) as exc:
            log.debug("webhook: body not received: %s", type(exc).__name__)
            return _reply(400, "incomplete body", close=True)
        if body is None:
            log.debug("webhook: body over the limit of %d bytes", self.max_body)
            return _reply(413, "too large", close=True)
        update = _parse_update(body)
        if update is None:
            log.debug("webhook: not an update (%d bytes)", len(body))
            return _reply(400, "not an update")
        try:
            await self._accept(update)
        except Exception:
            log.exception(
                "webhook: update %d was not taken in; Telegram will deliver it again", update["update_id"]
            )
            return _reply(500, "not stored")
        return _reply(200, "ok")

    async def _read_body(self, request: web.BaseRequest) -> bytes | None:
        """The body, or None once it passes `max_body` (the rest left unread)."""
        chunks: list[bytes] = []
        size = 0
        async with asyncio.timeout(self.body_timeout):
            while chunk := await request.content.readany():
                size += len(chunk)
                if size > self.max_body:
                    return None
                chunks.append(chunk)
        return b"".join(chunks)


def _parse_update(body: bytes) -> dict[str, Any] | None:
    try:
        update = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(update, dict) or type(update.get("update_id")) is not int:
        return None
    return update


@contextmanager
def _secret_redacted(loggers: Sequence[logging.Logger], secret: str) -> Iterator[None]:
    redact = RedactSecrets(secret)
    for logger in loggers:
        logger.addFilter(redact)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(redact)


async def set_webhook(bot: Any, url: str, secret: str, allowed_updates: Sequence[str] | None) -> bool:
    """`bot.set_webhook(url, secret_token=secret, allowed_updates=...)` with the secret replaced by `***` in what
    PTB logs about the call (its request parameters, at DEBUG). `bot` is PTB's `Bot`/`ExtBot` (or a subclass);
    returns what PTB returns (True), raises what it raises."""
    loggers = [logging.getLogger(name) for name in PTB_REQUEST_LOGGERS]
    own = getattr(bot, "_LOGGER", None)  # the logger PTB's `_post` writes to for this bot's class
    if isinstance(own, logging.Logger) and own not in loggers:
        loggers.append(own)
    with _secret_redacted(loggers, secret):
        result: bool = await bot.set_webhook(
            url=url,
            secret_token=secret,
            allowed_updates=list(allowed_updates) if allowed_updates is not None else None,
        )
    return result
