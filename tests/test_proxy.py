"""hpbot's HTTP client honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY, as the IT officer's other tools do.

A small proxy written here, on the loopback, records the request line of everything it is asked for: requests
in absolute form (the whole URL in the request line) are forwarded to their target, the fake Bot API; CONNECT (how
a client reaches an HTTPS address through an HTTP proxy) is refused with 403: no TLS server is there to reach, and
nothing beyond the loopback is reached in tests. NO_PROXY is set to "" in each test: Python's proxy rules (which aiohttp uses) then exclude
nothing, not even 127.0.0.1, so the loopback fake can stand in for Telegram behind the proxy.
"""

import asyncio
import os
import signal
import socket
import sys
from urllib.parse import urlsplit

import pytest
from telegram import Bot
from telegram.error import NetworkError

from hpbot.testing import FakeTelegram
from hpbot.tg.transport.http import AiohttpRequest
from tests.e2e.harness import TOKEN

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


class RecordingProxy:
    """An HTTP/1.1 proxy on 127.0.0.1, one request per connection."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.port = 0
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> "RecordingProxy":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            request_line, *header_lines = [line for line in head.split("\r\n") if line]
            method, target, _version = request_line.split(" ")
            self.requests.append(f"{method} {target}")
            if method == "CONNECT":
                writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                await writer.drain()
                return
            length = next(
                (int(h.split(":", 1)[1]) for h in header_lines if h.lower().startswith("content-length:")), 0
            )
            body = await reader.readexactly(length)
            url = urlsplit(target)
            headers = [h for h in header_lines if not h.lower().startswith(("connection:", "proxy-"))]
            up_reader, up_writer = await asyncio.open_connection(url.hostname, url.port or 80)
            path = url.path + (f"?{url.query}" if url.query else "")
            lines = [f"{method} {path} HTTP/1.1", *headers, "Connection: close", "", ""]
            up_writer.write("\r\n".join(lines).encode("latin-1") + body)
            await up_writer.drain()
            answer = await up_reader.read()  # the target closes after its answer (Connection: close)
            up_writer.close()
            writer.write(answer)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def proxy():
    proxy = await RecordingProxy().start()
    yield proxy
    await proxy.stop()


@pytest.fixture
async def fake():
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def proxy_env(monkeypatch):
    """Start from no proxy settings at all (either spelling), then let the test set its own."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("NO_PROXY", "")
    return monkeypatch


async def get_me(base_url: str):
    request = AiohttpRequest(connect_timeout=5, read_timeout=5)
    bot = Bot(TOKEN, base_url=base_url, request=request)
    await request.initialize()
    try:
        return await bot.get_me()
    finally:
        await request.shutdown()


async def test_requests_go_through_HTTP_PROXY(proxy_env, proxy, fake):
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    me = await get_me(fake.base_url)
    assert me.username == fake.bot_username
    assert proxy.requests == [f"POST {fake.base_url}{TOKEN}/getMe"]
    assert len(fake.calls_to("getMe")) == 1


async def test_https_goes_through_the_proxy_with_CONNECT(proxy_env, proxy):
    """An HTTPS Bot API address (as Telegram's own is): the client asks the proxy for a tunnel to the host by name,
    as a machine that reaches the world only through the proxy needs. The host is the loopback's name, on a port
    where nothing listens: had the client gone around the proxy, the error would not come from the proxy."""
    proxy_env.setenv("HTTPS_PROXY", proxy.url)
    port = closed_port()
    with pytest.raises(NetworkError) as caught:
        await get_me(f"https://localhost:{port}/bot")
    assert proxy.requests == [f"CONNECT localhost:{port}"]
    assert TOKEN.split(":")[1] not in f"{caught.value} {caught.value!r}"


async def test_NO_PROXY_names_the_hosts_reached_directly(proxy_env, proxy, fake):
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    proxy_env.setenv("NO_PROXY", "127.0.0.1")
    await get_me(fake.base_url)
    assert proxy.requests == []
    assert len(fake.calls_to("getMe")) == 1


async def test_the_running_bot_polls_through_the_proxy(proxy_env, proxy, fake, tmp_path):
    """The real `python -m hpbot run`: both of its HTTP clients (requests, and the long poll) use the proxy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HPBOT_")}
    env.update(
        HPBOT_TOKEN=TOKEN,
        HPBOT_API_BASE_URL=fake.base_url,
        HPBOT_DB=str(tmp_path / "hpbot.sqlite3"),
        HPBOT_LOG_LEVEL="WARNING",
        HTTP_PROXY=proxy.url,
        NO_PROXY="",
    )
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hpbot", "run", cwd=tmp_path, env=env, stdout=asyncio.subprocess.DEVNULL
    )
    try:
        await fake.wait_for(lambda: fake.calls_to("getUpdates"), timeout=60)
    finally:
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.wait(), 30)
    methods = {line.rsplit("/", 1)[1] for line in proxy.requests}
    assert {"getMe", "getUpdates"} <= methods, proxy.requests
    assert all(line.startswith(f"POST {fake.base_url}{TOKEN}/") for line in proxy.requests), proxy.requests
    assert len(proxy.requests) >= len(fake.calls)  # nothing reached the fake around the proxy
