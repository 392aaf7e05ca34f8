"""The HTTP client the bot talks to the Bot API with: aiohttp behind PTB's `BaseRequest`.

PTB's default client (httpx over httpcore) hands every request to a connection pool that, while requests wait for
a connection, rescans all waiting requests against all connections each time one is queued or released: with a few
hundred taps answered at once that scan becomes most of the process's time (profiled in docs/performance.md).
aiohttp (already a dependency: PTB's webhook server and the test fake use it) keeps waiting requests in a queue
and hands a released connection to the next one, so the cost of a request does not grow with the number waiting.

The proxy variables are honoured (HTTPS_PROXY for https://api.telegram.org, reached with CONNECT; HTTP_PROXY for
an http:// Bot API server; NO_PROXY naming hosts reached directly).

Errors map onto PTB's: a timeout is `TimedOut`, anything else from the client is `NetworkError`, and no message
carries the request's URL, which holds the bot's token.
"""

from __future__ import annotations

import json
import urllib.request
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput

JSON_HEADERS = {"Content-Type": "application/json"}
URLS_KEPT = 256  # parsed request URLs kept (one per Bot API method the bot calls)


class JsonParameters:
    """A request's parameters as plain JSON values, for `AiohttpRequest.post_json`: what `do_request` reads of a
    `RequestData` (which PTB does not let one subclass), without a `RequestParameter` per field."""

    __slots__ = ("parameters",)
    contains_files = False

    def __init__(self, parameters: dict[str, Any]) -> None:
        self.parameters = parameters


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded keep-alive pool; timeouts as in PTB's `HTTPXRequest`."""

    __slots__ = (
        "_connect",
        "_pool",
        "_pool_size",
        "_proxies",
        "_proxy_for",
        "_read",
        "_session",
        "_timeouts",
        "_urls",
        "_write",
    )

    def __init__(
        self,
        *,
        connection_pool_size: int = 64,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read, self._write, self._connect, self._pool = (
            read_timeout,
            write_timeout,
            connect_timeout,
            pool_timeout,
        )
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[tuple, aiohttp.ClientTimeout] = {}  # one per combination of timeouts asked for
        self._proxies: dict[str, str] = {}
        self._proxy_for: dict[tuple[str, str], str | None] = {}  # (scheme, host) -> the proxy to use, if any
        self._urls: dict[str, tuple[URL, str | None]] = {}  # a URL -> it parsed, and its proxy

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300),
                headers={"User-Agent": self.USER_AGENT},
                skip_auto_headers=("Accept-Encoding",),  # the Bot API's answers are small JSON
            )
            # HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case), read once here (aiohttp's trust_env reads them,
            # and a .netrc, on a worker thread at every request: a third of the bot's CPU per request at 1,000/s)
            self._proxies = urllib.request.getproxies_environment()
            self._proxy_for.clear()
            self._urls.clear()

    async def post_json(
        self,
        url: str,
        parameters: dict[str, Any],
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> Any:
        """`post` with parameters already plain JSON values: the same request, the same errors (PTB's status and
        `retry_after` handling), without building a `RequestParameter` for each field."""
        payload = await self._request_wrapper(
            url=url,
            method="POST",
            request_data=cast(RequestData, JsonParameters(parameters)),
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        return self.parse_json_payload(payload)["result"]

    def _target(self, url: str) -> tuple[URL, str | None]:
        """The URL parsed once, and the proxy it goes through."""
        target = self._urls.get(url)
        if target is None:
            if len(self._urls) >= URLS_KEPT:
                self._urls.clear()
            target = self._urls[url] = (URL(url), self._proxy(url))
        return target

    def _proxy(self, url: str) -> str | None:
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxy_for:
            self._proxy_for[key] = _proxy_of(self._proxies, *key)
        return self._proxy_for[key]

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = _chosen(read_timeout, self._read)
        write = _chosen(write_timeout, self._write)
        connect = _chosen(connect_timeout, self._connect)
        pool = _chosen(pool_timeout, self._pool)
        data: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None:
            if request_data.contains_files:
                files = request_data.multipart_data
                form = aiohttp.FormData(quote_fields=False)
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, part in files.items():
                    filename, content, *rest = part
                    form.add_field(
                        name,
                        content,
                        filename=filename,
                        content_type=rest[0] if rest else "application/octet-stream",
                    )
                data = form
            elif request_data.parameters:
                # one JSON body (the Bot API reads application/json): cheaper than url-encoding every field,
                # and Vietnamese text travels as UTF-8 instead of percent escapes
                data = json.dumps(request_data.parameters, ensure_ascii=False, separators=(",", ":")).encode()
                headers = JSON_HEADERS
        timeout = self._timeouts.get((pool, connect, write, read))
        if timeout is None:
            timeout = self._timeouts[(pool, connect, write, read)] = _timeout(pool, connect, write, read)
        target, proxy = self._target(url)
        try:
            async with self._session.request(
                method, target, data=data, headers=headers, timeout=timeout, proxy=proxy
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut(_scrub(f"Timed out ({type(exc).__name__})", url)) from None
        except aiohttp.ClientError as exc:
            raise NetworkError(_scrub(f"aiohttp.{type(exc).__name__}: {exc}", url)) from None


def _proxy_of(proxies: dict[str, str], scheme: str, host: str) -> str | None:
    """The proxy for `scheme://host` by the environment's rules (as curl and Python's urllib read them)."""
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    return proxy


def _chosen(value: ODVInput[float], default: float | None) -> float | None:
    """A timeout PTB passed, or ours when it passed its DEFAULT_NONE."""
    if isinstance(value, DefaultValue):
        return default
    return value


def _timeout(
    pool: float | None, connect: float | None, write: float | None, read: float | None
) -> aiohttp.ClientTimeout:
    # aiohttp has no write timeout of its own: the whole request is bounded by the sum of the phases
    phases = [t for t in (pool, connect, write, read) if t is not None]
    return aiohttp.ClientTimeout(
        total=sum(phases) if len(phases) == 4 else None,
        connect=None if pool is None or connect is None else pool + connect,
        sock_connect=connect,
        sock_read=read,
    )


def _scrub(message: str, url: str) -> str:
    """The message without the URL or its path (where the token is)."""
    path = urlsplit(url).path
    for secret in (url, path):
        if secret:
            message = message.replace(secret, "<Bot API URL>")
    return message
