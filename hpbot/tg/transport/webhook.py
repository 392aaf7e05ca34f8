"""The webhook: an HTTP server for Telegram's deliveries, and the `setWebhook` call that registers it.

Why not PTB's webhook server (`Updater.start_webhook`, tornado): it buffers a request body of up to 100 MiB before
it looks at the secret (four 90 MiB posts took the process from 130 to 500 MB), keeps a half-sent request open for
an hour, and at its file-descriptor limit spins writing "Too many open files" tracebacks. It also listens on
0.0.0.0 by default and compares the secret with `==`.

This server is hpbot's guarded aiohttp server (hpbot/httpd.py: aiohttp's low-level one fed by an accept loop of
our own, shared with the live board) and guards against each of those:

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

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from hpbot.httpd import GuardedServer, MiB
from hpbot.httpd import reply as _reply
from hpbot.logs import RedactSecrets

log = logging.getLogger(__name__)

__all__ = ["MiB", "SECRET_HEADER", "WebhookServer", "set_webhook"]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# the loggers PTB's Bot/ExtBot write "Calling Bot API endpoint ... with parameters ..." to
PTB_REQUEST_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot")

Accept = Callable[[dict[str, Any]], Awaitable[None]]


class WebhookServer(GuardedServer):
    """Serves `POST <path>` on `listen:port` for Telegram; each update goes to `accept`, answered 200 once it
    returned. See the module docstring for what it refuses and why."""

    label = "webhook"

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
        super().__init__(
            listen,
            port,
            max_body=max_body,
            header_timeout=header_timeout,
            body_timeout=body_timeout,
            max_connections=max_connections,
            logger=log,
        )
        self.path = "/" + path.lstrip("/")
        self._secret = secret.encode()
        self._accept = accept

    def __repr__(self) -> str:  # the secret stays out of it
        return f"WebhookServer({self.listen}:{self.port}{self.path})"

    async def start(self) -> None:
        await super().start()
        log.info("webhook server listening on %s:%d%s", self.listen, self.port, self.path)

    async def __aenter__(self) -> WebhookServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        """One delivery: checked in the order that reads the least of what a stranger sends."""
        if request.path != self.path:
            return _reply(404, "not found", close=not request.content.at_eof())
        if request.method != "POST":
            response = _reply(405, "method not allowed", close=not request.content.at_eof())
            response.headers["Allow"] = "POST"
            return response
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, self._secret):
            self.throttled.warning(
                "secret", "webhook: rejected a request from %s with a wrong or missing secret", request.remote
            )
            return _reply(403, "forbidden", close=True)
        if request.content_length is not None and request.content_length > self.max_body:
            log.debug(
                "webhook: Content-Length %d over the limit of %d", request.content_length, self.max_body
            )
            return _reply(413, "too large", close=True)
        try:
            body = await self.read_body(request)
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
