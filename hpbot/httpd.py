"""An HTTP server that fails closed, for what hpbot serves itself: Telegram's webhook (hpbot/tg/transport/webhook.py)
and the live board (hpbot/web/). aiohttp's low-level server (`aiohttp.web.Server`, the protocol behind
`AppRunner`), fed by an accept loop of our own, so that each of these holds whatever a client sends:

- headers must be complete within `header_timeout` of the connection opening or of the previous response (aiohttp's
  keep-alive timer: an idle keep-alive connection is closed after the same time); a subclass reads a body with
  `read_body`, which gives up after `body_timeout` and past `max_body` bytes;
- what is not read stays in the kernel (aiohttp stops reading a connection whose buffer is full), so a flood of
  large requests does not grow the process;
- at most `max_connections` connections are open: one more is closed as soon as it is accepted;
- when accept fails for want of file descriptors (EMFILE, ENFILE) or memory, accepting pauses for a moment and one
  WARNING is logged per minute at most (never a traceback); a malformed request is a throttled warning too, not an
  ERROR with a traceback each;
- no request line or header is ever logged (aiohttp's access log is off).

A subclass implements `handle(request)`; `stop()` lets requests in progress finish (up to 10 s) after `closing()`,
which a subclass with long-lived responses (the board's event streams) uses to end them.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler

log = logging.getLogger(__name__)

MiB = 1024 * 1024
# accept() failing for want of descriptors or memory: wait this long before trying again (the pending
# connections wait in the kernel's backlog meanwhile)
_OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
_ACCEPT_RETRY_SECONDS = 0.5
_SHUTDOWN_SECONDS = 10.0  # how long stop() lets a request in progress finish


class Throttled:
    """A WARNING per kind at most every `every` seconds, with the count of the ones held back in between."""

    def __init__(self, every: float, logger: logging.Logger = log) -> None:
        self.every = every
        self.log = logger
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
        self.log.warning(message, *args)


class _ProtocolLog:
    """The logger handed to aiohttp's connection handler. A malformed request (a scanner, a TLS hello on the plain
    port) would be an ERROR with a traceback each, whose message can quote the request's bytes: here it is a
    throttled one-line warning naming only the kind of error."""

    def __init__(self, throttled: Throttled, label: str) -> None:
        self._throttled = throttled
        self._label = label
        self._log = throttled.log

    def debug(self, message: str, *args: object, **kwargs: Any) -> None:
        self._log.debug(message, *args)  # exc_info dropped: a parser error's text quotes the request

    def info(self, message: str, *args: object, **kwargs: Any) -> None:
        self._log.info(message, *args)

    def warning(self, message: str, *args: object, **kwargs: Any) -> None:
        self._log.warning(message, *args)

    def error(self, message: str, *args: object, **kwargs: Any) -> None:
        self.exception(message, *args, **kwargs)

    def exception(self, message: str, *args: object, exc_info: Any = None, **kwargs: Any) -> None:
        if isinstance(exc_info, HttpProcessingError):
            self._throttled.warning(
                "malformed", "%s: malformed HTTP request rejected (%s)", self._label, type(exc_info).__name__
            )
        else:
            self._log.error(message, *args, exc_info=exc_info)


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


def reply(
    status: int, text: str, *, close: bool = False, headers: dict[str, str] | None = None
) -> web.Response:
    """A plain-text answer; `close` when the body was not read (or not all of it): the connection cannot carry
    another request."""
    response = web.Response(status=status, text=text, headers=headers)
    if close:
        response.force_close()
    return response


class GuardedServer:
    """Serves `handle(request)` on `listen:port` within the limits of the module docstring."""

    # seconds between two warnings of one kind (out of descriptors, connection cap, malformed, ...)
    warn_every = 60.0
    label = "http"  # what its log lines begin with

    def __init__(
        self,
        listen: str,
        port: int,
        *,
        max_body: int = 1 * MiB,
        header_timeout: float = 10.0,
        body_timeout: float = 10.0,
        max_connections: int = 100,
        logger: logging.Logger = log,
    ) -> None:
        if header_timeout <= 0 or body_timeout <= 0 or max_body <= 0 or max_connections <= 0:
            raise ValueError("timeouts, the body limit and the connection cap must be positive")
        self.listen = listen
        self._port = port
        self.max_body = max_body
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self.max_connections = max_connections
        self.log = logger
        self._open = 0
        self.throttled = Throttled(self.warn_every, logger)
        self._socket: socket.socket | None = None
        self._server: _Server | None = None
        self._accepting: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The port listened on: the bound one once started (when asked for port 0)."""
        return self._socket.getsockname()[1] if self._socket is not None else self._port

    @property
    def connections(self) -> int:
        """Connections open now."""
        return self._open

    @property
    def running(self) -> bool:
        return self._accepting is not None

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        raise NotImplementedError

    async def closing(self) -> None:
        """Called by stop() once no new connection is taken, before the requests in progress are waited for."""

    async def start(self) -> None:
        """Bind and listen (OSError if the address is taken), then accept connections in the background."""
        if self._accepting is not None:
            raise RuntimeError(f"the {self.label} server is already running")
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
            self.handle,
            on_lost=self._connection_lost,
            loop=loop,
            keepalive_timeout=self.header_timeout,  # aiohttp closes a connection without complete headers by then
            lingering_time=0,  # a body not read is not drained either: the connection is closed
            max_field_size=4096,  # 32 headers of 4 KiB at most: a connection's headers stay under 128 KiB
            max_headers=32,
            access_log=None,
            logger=_ProtocolLog(self.throttled, self.label),
        )
        self._accepting = asyncio.create_task(self._accept_loop(sock), name=f"{self.label} accept")

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
        await self.closing()
        if self._server is not None:
            await asyncio.sleep(0)  # requests already parsed start being handled before idle ones are closed
            self._server.pre_shutdown()
            await self._server.shutdown(_SHUTDOWN_SECONDS)
        self._server = None

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
                self.throttled.warning(
                    "cap",
                    "%s: %d connections open, the most allowed: a new one was closed",
                    self.label,
                    self._open,
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
            self.throttled.warning(
                "resources",
                "%s: cannot accept connections (%s); pausing %.1f s between attempts",
                self.label,
                exc.strerror or exc,
                _ACCEPT_RETRY_SECONDS,
            )
        else:
            self.throttled.warning("accept", "%s: accepting a connection failed (%s)", self.label, exc)

    def _connection_lost(self) -> None:
        self._open -= 1

    async def read_body(self, request: web.BaseRequest) -> bytes | None:
        """The body, or None once it passes `max_body` (the rest left unread); TimeoutError after `body_timeout`."""
        chunks: list[bytes] = []
        size = 0
        async with asyncio.timeout(self.body_timeout):
            while chunk := await request.content.readany():
                size += len(chunk)
                if size > self.max_body:
                    return None
                chunks.append(chunk)
        return b"".join(chunks)
