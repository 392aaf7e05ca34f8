"""hpbot's HTTP client (aiohttp behind PTB's BaseRequest): errors map onto PTB's and never carry the token; and the
event loop the runner installs."""

import asyncio
import socket

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from hpbot.tg.transport.http import AiohttpRequest
from tests.e2e.harness import TOKEN


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_refused_connection_is_a_network_error_without_the_token():
    request = AiohttpRequest(connect_timeout=2)
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{closed_port()}/bot", request=request)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await bot.get_me()
    finally:
        await request.shutdown()
    assert not isinstance(caught.value, TimedOut)
    text = f"{caught.value} {caught.value!r} {caught.value.__cause__!r}"
    assert TOKEN.split(":")[1] not in text
    assert "ClientConnectorError" in str(caught.value)


async def test_slow_answer_is_timed_out_and_the_next_request_still_works():
    hits = []

    async def handler(request: web.Request) -> web.Response:
        hits.append(request.match_info["method"])
        if request.match_info["method"] == "getMe":
            await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    request = AiohttpRequest(read_timeout=0.3)
    await request.initialize()
    try:
        url = f"http://127.0.0.1:{port}/bot{TOKEN}"
        with pytest.raises(TimedOut) as caught:
            await request.post(f"{url}/getMe")
        assert TOKEN not in str(caught.value)
        assert await request.post(f"{url}/close") is True
    finally:
        await request.shutdown()
        await runner.cleanup()
    assert hits == ["getMe", "close"]


async def test_request_before_initialize_is_refused():
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:1/x", "POST")


def test_the_runner_event_loop_is_uvloop_where_installed():
    import asyncio

    import uvloop

    from hpbot import eventloop

    before = asyncio.get_event_loop_policy()
    try:
        assert eventloop.install() == "uvloop"
        loop = asyncio.new_event_loop()
        assert isinstance(loop, uvloop.Loop)
        loop.close()
    finally:
        asyncio.set_event_loop_policy(before)
    assert eventloop.run(asyncio.sleep(0, result="done")) == "done"
