"""hpbot's HTTP client (aiohttp behind PTB's BaseRequest): errors map onto PTB's and never carry the token; and the
event loop the runner installs."""

import asyncio
import socket
import time

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


async def bot_api(handler) -> tuple[web.AppRunner, int]:
    """A Bot API of one handler on the loopback: (its runner, to clean up; its port)."""
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]


async def test_slow_answer_is_timed_out_and_the_next_request_still_works():
    hits = []

    async def handler(request: web.Request) -> web.Response:
        hits.append(request.match_info["method"])
        if request.match_info["method"] == "getMe":
            await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    runner, port = await bot_api(handler)
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


async def test_a_tap_is_parsed_without_the_text_and_keyboard_of_its_message_and_stored_as_it_came():
    """The handlers of taps read where the tapped message is, not its text or buttons: those are not built as PTB
    objects (a fifth of the bot's CPU at 1,000 taps/s), and the inbox keeps the update whole."""
    from types import SimpleNamespace

    from telegram import Bot, Update

    from hpbot.tg.receiving import Receiver

    post = {
        "message_id": 41,
        "date": 1_764_460_800,
        "chat": {"id": -100, "type": "group", "title": "Chi bộ"},
        "from": {"id": 7, "is_bot": True, "first_name": "hpbot"},
        "text": "Câu hỏi hôm nay …",
        "entities": [{"type": "bold", "offset": 0, "length": 7}],
        "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a:5:0"}]]},
    }
    tap = {
        "update_id": 9,
        "callback_query": {
            "id": "q1",
            "from": {"id": 3, "is_bot": False, "first_name": "Lan"},
            "chat_instance": "ci",
            "data": "a:5:0",
            "message": post,
        },
    }
    stored: list[dict] = []

    class Inbox:
        def receive(self, updates):
            stored.extend(updates)
            return list(updates)

    queue: asyncio.Queue = asyncio.Queue()
    application = SimpleNamespace(bot=Bot(TOKEN), update_queue=queue, update_processor=None)
    await Receiver(application, Inbox()).take([tap])  # type: ignore[arg-type]
    update = queue.get_nowait()
    assert isinstance(update, Update) and update.callback_query is not None
    query = update.callback_query
    assert (query.data, query.from_user.id, query.message.message_id, query.message.chat.id) == (
        "a:5:0",
        3,
        41,
        -100,
    )
    assert update.effective_chat is not None and update.effective_chat.type == "group"
    assert query.message.text is None and query.message.reply_markup is None  # not parsed
    assert stored == [tap] and stored[0]["callback_query"]["message"]["reply_markup"]  # the inbox has it all

    # the next member's tap under the same post gets the message already parsed; another post its own
    second = {
        "update_id": 10,
        "callback_query": {
            **tap["callback_query"],
            "id": "q2",
            "from": {"id": 4, "is_bot": False, "first_name": "Hà"},
        },
    }
    elsewhere = {
        "update_id": 11,
        "callback_query": {**tap["callback_query"], "id": "q3", "message": {**post, "message_id": 42}},
    }
    receiver = Receiver(application, Inbox())  # type: ignore[arg-type]
    await receiver.take([tap, second, elsewhere])
    first, again, other = (queue.get_nowait().callback_query for _ in range(3))
    assert again.message is first.message and (again.id, again.from_user.id) == ("q2", 4)
    assert other.message is not first.message and other.message.message_id == 42


async def test_a_callback_answer_goes_straight_to_the_http_client_with_the_same_request_and_errors(
    monkeypatch,
):
    """answerCallbackQuery (every tap's) skips PTB's general request path; the Bot API sees the same JSON body and
    the bot the same errors (a 400 is BadRequest, a 429 RetryAfter)."""
    from telegram.error import BadRequest, RetryAfter
    from telegram.request._requestparameter import RequestParameter

    from hpbot.tg.transport.bot import BotClient
    from hpbot.tg.transport.pacing import MessageRateLimiter

    bodies: list[dict] = []
    answers = [
        web.json_response({"ok": True, "result": True}),
        web.json_response(
            {"ok": False, "error_code": 400, "description": "Bad Request: query is too old"}, status=400
        ),
        web.json_response(
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests",
                "parameters": {"retry_after": 3},
            },
            status=429,
        ),
    ]

    async def handler(request: web.Request) -> web.Response:
        assert request.match_info["method"] == "answerCallbackQuery"
        assert request.content_type == "application/json"
        bodies.append(await request.json())
        return answers.pop(0)

    runner, port = await bot_api(handler)
    bot = BotClient(
        TOKEN,
        base_url=f"http://127.0.0.1:{port}/bot",
        request=AiohttpRequest(),
        rate_limiter=MessageRateLimiter(),
    )

    def unused(*args, **kwargs):
        raise AssertionError("PTB's general request path")

    try:
        await bot.request.initialize()
        monkeypatch.setattr(RequestParameter, "from_input", unused)
        assert await bot.answer_callback_query("q1", "Đã ghi nhận: A", show_alert=False) is True
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await bot.answer_callback_query("q2", "x")
        with pytest.raises(RetryAfter):
            await bot.answer_callback_query("q3", "y", show_alert=True)
    finally:
        await bot.request.shutdown()
        await runner.cleanup()
    assert bodies == [
        {"callback_query_id": "q1", "text": "Đã ghi nhận: A", "show_alert": False},
        {"callback_query_id": "q2", "text": "x"},
        {"callback_query_id": "q3", "text": "y", "show_alert": True},
    ]


async def test_paced_sends_never_exceed_the_limit_as_telegram_counts_them_however_late_each_arrives():
    """The pacer sends at the limit itself, not under it, because it reads the answers: a message is counted at
    arrival, before its answer comes back. Here each request is counted 0–20 ms after it reached the server (a
    network that delays some more than others) and answered up to 5 ms later; no second counts more than the
    limit, and nothing is refused."""
    import random
    from collections import deque

    from hpbot.tg.transport.bot import BotClient
    from hpbot.tg.transport.pacing import MessageRateLimiter

    limit, rng = 40, random.Random(5)
    counted: deque[float] = deque()
    arrivals: list[float] = []
    refused = [0]

    async def handler(request: web.Request) -> web.Response:
        await request.read()
        await asyncio.sleep(rng.uniform(0.0, 0.02))  # on its way
        now = time.monotonic()
        while counted and now - counted[0] >= 1.0:
            counted.popleft()
        if len(counted) >= limit:
            refused[0] += 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        counted.append(now)
        arrivals.append(now)
        await asyncio.sleep(rng.uniform(0.0, 0.005))  # the answer's way back
        chat = {"id": -1, "type": "group", "title": "Chi bộ"}
        return web.json_response(
            {"ok": True, "result": {"message_id": 1, "date": 0, "chat": chat, "text": "x"}}
        )

    runner, port = await bot_api(handler)
    bot = BotClient(
        TOKEN,
        base_url=f"http://127.0.0.1:{port}/bot",
        request=AiohttpRequest(),
        rate_limiter=MessageRateLimiter(per_second=limit, group_per_minute=0),
    )
    try:
        await bot.request.initialize()
        await asyncio.gather(*(bot.send_message(-(10**12) - i, "x") for i in range(3 * limit)))
    finally:
        await bot.request.shutdown()
        await runner.cleanup()
    assert refused[0] == 0
    assert len(arrivals) == 3 * limit
    start = 0
    for end, at in enumerate(arrivals):  # counted in any one second, as the server counted them
        while at - arrivals[start] >= 1.0:
            start += 1
        assert end - start + 1 <= limit
