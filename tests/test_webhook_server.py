"""The webhook server (aiohttp's, hpbot/tg/transport/webhook.py) on loopback: what it accepts, what it refuses
without reading, the limits that keep a hostile client from holding it, and a secret that never reaches a log."""

import asyncio
import errno
import json
import logging
import os
import resource
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

import aiohttp
import pytest

from hpbot.logs import setup_logging
from hpbot.testing import FakeTelegram
from hpbot.tg.transport.bot import BotClient
from hpbot.tg.transport.http import AiohttpRequest
from hpbot.tg.transport.webhook import WebhookServer, set_webhook
from tests.e2e.harness import TOKEN

SECRET = "hpbot_webhook_test_secret-" + "Qz7" * 12
WRONG = SECRET[:-1] + "x"  # same length, one character off
UPDATE = {"update_id": 1001, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}
MiB = 1024 * 1024


@pytest.fixture(autouse=True)
def secret_never_logged(caplog):
    """Every test runs with everything logged at DEBUG; none of it may hold the secret."""
    caplog.set_level(logging.DEBUG)
    yield
    for record in caplog.records:
        assert SECRET not in record.getMessage(), record.name
        assert SECRET not in (logging.Formatter().format(record)), record.name
    assert SECRET not in caplog.text


@asynccontextmanager
async def serving(accept=None, **limits):
    """A WebhookServer on 127.0.0.1, a free port; yields (server, the updates it handed to `accept`)."""
    taken: list[dict] = []

    async def record(update: dict) -> None:
        taken.append(update)

    server = WebhookServer("127.0.0.1", 0, "/telegram", SECRET, accept or record, **limits)
    await server.start()
    try:
        yield server, taken
    finally:
        await server.stop()


def head(
    secret: str | None = SECRET,
    *,
    length: int | None = None,
    chunked: bool = False,
    method: str = "POST",
    path: str = "/telegram",
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    if secret is not None:
        lines.append(f"X-Telegram-Bot-Api-Secret-Token: {secret}")
    if length is not None:
        lines.append(f"Content-Length: {length}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def read_to_end(reader: asyncio.StreamReader) -> bytes:
    """All the server sends until it closes (a reset after the answer counts as closing)."""
    data = b""
    try:
        while chunk := await reader.read(65536):
            data += chunk
    except ConnectionResetError:
        pass
    return data


async def post(server: WebhookServer, body: bytes | str, secret: str | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with aiohttp.ClientSession() as session:
        url = f"http://127.0.0.1:{server.port}/telegram"
        async with session.post(url, data=body, headers=headers) as response:
            return response.status


async def eventually(predicate, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


def status_of(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/1.1 "), answer[:80]
    return int(answer[9:12])


# what is accepted ----------------------------------------------------------------------------------------------


async def test_an_update_is_answered_200_only_once_accept_has_returned():
    entered, release = asyncio.Event(), asyncio.Event()
    stored: list[dict] = []

    async def accept(update: dict) -> None:
        entered.set()
        await release.wait()  # the caller storing it durably
        stored.append(update)

    async with serving(accept) as (server, _):
        answer = asyncio.create_task(post(server, json.dumps(UPDATE)))
        await asyncio.wait_for(entered.wait(), 3)
        await asyncio.sleep(0.1)
        assert not answer.done()  # Telegram has no 200 while the update is not stored
        release.set()
        assert await answer == 200
        assert stored == [UPDATE]


async def test_a_keep_alive_connection_carries_several_updates():
    async with serving() as (server, taken):
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{server.port}/telegram"
            for update_id in (1, 2, 3):
                body = json.dumps({"update_id": update_id})
                headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                async with session.post(url, data=body, headers=headers) as response:
                    assert response.status == 200
        assert [u["update_id"] for u in taken] == [1, 2, 3]
        assert server.connections <= 1


async def test_accept_raising_is_a_500_and_the_next_delivery_is_served():
    calls = []

    async def accept(update: dict) -> None:
        calls.append(update["update_id"])
        if len(calls) == 1:
            raise RuntimeError("database is locked")

    async with serving(accept) as (server, _):
        assert await post(server, json.dumps(UPDATE)) == 500  # Telegram delivers it again
        assert await post(server, json.dumps(UPDATE)) == 200
    assert calls == [1001, 1001]


# what is refused -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "", WRONG, SECRET[:-1], SECRET + "x", "é" * 10])
async def test_a_wrong_or_missing_secret_is_403_and_nothing_is_taken(secret):
    async with serving() as (server, taken):
        assert await post(server, json.dumps(UPDATE), secret=secret) == 403
        assert taken == []


async def test_a_wrong_secret_is_answered_before_the_body_is_sent_and_the_connection_closed():
    async with serving() as (server, taken):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(head(WRONG, length=5 * MiB))  # the 5 MiB never follow
        answer = await asyncio.wait_for(read_to_end(reader), 2)
        writer.close()
        assert status_of(answer) == 403 and b"Connection: close" in answer
        assert taken == []


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def push_large_post(port: int, body: memoryview, secret: str) -> str:
    """A client that sends headers and a 5 MiB body at once, as a flood would; what it got back."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        try:
            sock.sendall(head(secret, length=len(body)))
            sock.sendall(body)
        except OSError:
            pass  # closed under it: the server did not want the body
        try:
            answer = sock.recv(65536)
        except OSError:
            return "reset"
        return answer[:12].decode()


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="RSS read from /proc")
async def test_twenty_5_mib_posts_with_a_wrong_secret_do_not_grow_the_process():
    body = memoryview(b"x" * (5 * MiB))
    peak = 0

    async def sample() -> None:
        nonlocal peak
        while True:
            peak = max(peak, rss())
            await asyncio.sleep(0.005)

    loop = asyncio.get_running_loop()
    async with serving() as (server, taken):
        with ThreadPoolExecutor(max_workers=20) as clients:  # all twenty at once
            posts = [
                loop.run_in_executor(clients, push_large_post, server.port, body, WRONG) for _ in range(20)
            ]
            await asyncio.gather(*posts)  # warm up the threads and the buffers
            before = rss()
            sampler = asyncio.create_task(sample())
            posts = [
                loop.run_in_executor(clients, push_large_post, server.port, body, WRONG) for _ in range(20)
            ]
            outcomes = await asyncio.gather(*posts)
            sampler.cancel()
    assert set(outcomes) <= {"HTTP/1.1 403", "reset", ""}, outcomes
    assert taken == []
    grown = peak - before  # at the worst moment, not after: a body read and dropped is gone again by the end
    assert grown < 10 * MiB, f"grew by {grown / MiB:.0f} MiB for 100 MiB posted"


async def test_a_content_length_over_the_limit_is_413_before_the_body_is_sent():
    async with serving() as (server, taken):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(head(SECRET, length=2 * MiB))
        answer = await asyncio.wait_for(read_to_end(reader), 2)
        writer.close()
        assert status_of(answer) == 413
        assert taken == []


async def test_a_chunked_body_growing_past_the_limit_is_413_and_the_connection_closed():
    async with serving() as (server, taken):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        answer = asyncio.create_task(read_to_end(reader))
        writer.write(head(SECRET, chunked=True))
        chunk = b"x" * 65536
        for _ in range(17):  # 1 MiB + 64 KiB, and no last chunk: the server must not wait for the end
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await writer.drain()
        assert status_of(await asyncio.wait_for(answer, 2)) == 413  # read to the end: the server closed it
        writer.close()
        assert taken == []


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        b"\xff\xfe",
        "[1, 2]",
        '"update"',
        "{}",
        '{"update_id": "7"}',
        '{"update_id": true}',
        '{"update_id": 1.5}',
        "[" * 100_000 + "]" * 100_000,
    ],
)
async def test_a_body_that_is_not_an_update_is_400(body):
    async with serving() as (server, taken):
        assert await post(server, body) == 400
        assert taken == []


async def test_other_methods_are_405_and_other_paths_404():
    async with serving() as (server, taken):
        async with aiohttp.ClientSession() as session:
            base = f"http://127.0.0.1:{server.port}"
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with session.get(base + "/telegram", headers=headers) as response:
                assert response.status == 405 and response.headers["Allow"] == "POST"
            async with session.post(base + "/other", data=json.dumps(UPDATE), headers=headers) as response:
                assert response.status == 404
        assert taken == []


# the limits that keep a client from holding the server -------------------------------------------------------


async def test_headers_sent_byte_by_byte_are_cut_off_at_the_header_timeout():
    async with serving(header_timeout=1.0) as (server, _):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        opened = time.monotonic()
        closed = asyncio.create_task(read_to_end(reader))
        request = head(SECRET, length=2)
        sent = 0
        while not closed.done() and sent < len(request) and time.monotonic() - opened < 5:
            writer.write(request[sent : sent + 1])
            sent += 1
            await asyncio.wait([closed], timeout=0.5)
        assert closed.done(), "still open after 5 s"
        took = time.monotonic() - opened
        writer.close()
        assert took < 2.0 and sent < len(request)
        await eventually(lambda: server.connections == 0)


async def test_a_body_sent_slowly_is_cut_off_at_the_body_timeout():
    async with serving(body_timeout=1.0) as (server, taken):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        opened = time.monotonic()
        answer = asyncio.create_task(read_to_end(reader))
        writer.write(head(SECRET, length=100))
        while not answer.done() and time.monotonic() - opened < 5:
            writer.write(b" ")
            await asyncio.wait([answer], timeout=0.5)
        assert status_of(answer.result()) == 408
        assert time.monotonic() - opened < 2.0
        writer.close()
        assert taken == []


async def test_connections_beyond_the_cap_are_closed_at_once():
    async with serving(max_connections=3) as (server, taken):
        idle = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(3)]
        await eventually(lambda: server.connections == 3)
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        assert await asyncio.wait_for(read_to_end(reader), 1) == b""  # closed without a word
        writer.close()
        assert server.connections == 3
        idle[0][1].close()
        await eventually(lambda: server.connections == 2)
        assert await post(server, json.dumps(UPDATE)) == 200
        for _, w in idle[1:]:
            w.close()
        assert taken == [UPDATE]


def open_descriptors() -> list[int]:
    return [int(fd) for fd in os.listdir("/proc/self/fd")]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="descriptors listed from /proc")
async def test_out_of_file_descriptors_is_one_warning_no_spin_and_the_server_recovers(caplog):
    loop = asyncio.get_running_loop()
    async with serving() as (server, taken):
        client = socket.socket()  # its descriptor taken before there are none left
        client.setblocking(False)
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        filler: list[int] = []
        devnull = os.open(os.devnull, os.O_RDONLY)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(open_descriptors()) + 16, hard))
        try:
            while len(filler) < 10_000:
                try:
                    filler.append(os.dup(devnull))
                except OSError as exc:
                    assert exc.errno == errno.EMFILE
                    break
            await loop.sock_connect(client, ("127.0.0.1", server.port))  # waits in the backlog
            cpu = time.process_time()
            await asyncio.sleep(1.6)  # three attempts to accept at least
            cpu = time.process_time() - cpu
        finally:
            for fd in [*filler, devnull]:
                os.close(fd)
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        update = json.dumps(UPDATE).encode()
        await loop.sock_sendall(client, head(SECRET, length=len(update)) + update)
        answer = await asyncio.wait_for(loop.sock_recv(client, 65536), 3)
        client.close()
        assert status_of(answer) == 200 and taken == [UPDATE]  # accepted once descriptors were free
    warnings = [r for r in caplog.records if r.name.startswith("hpbot") and "cannot accept" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert cpu < 0.3, f"{cpu:.2f} s of CPU in 1.6 s without descriptors"


async def test_stop_lets_a_request_in_progress_finish_then_refuses_connections():
    entered, release = asyncio.Event(), asyncio.Event()
    stored = []

    async def accept(update: dict) -> None:
        entered.set()
        await release.wait()
        stored.append(update)

    server = WebhookServer("127.0.0.1", 0, "telegram", SECRET, accept)
    await server.start()
    port = server.port
    answer = asyncio.create_task(post(server, json.dumps(UPDATE)))
    await asyncio.wait_for(entered.wait(), 3)
    stopping = asyncio.create_task(server.stop())
    await asyncio.sleep(0.05)
    release.set()
    await asyncio.wait_for(stopping, 5)
    assert await answer == 200 and stored == [UPDATE]
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", port)


def test_the_server_works_on_uvloop_too():
    uvloop = pytest.importorskip("uvloop")

    async def scenario() -> None:
        async with serving(max_connections=2, header_timeout=1.0) as (server, taken):
            assert await post(server, json.dumps(UPDATE)) == 200
            assert await post(server, json.dumps(UPDATE), secret=WRONG) == 403
            idle = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(2)]
            await eventually(lambda: server.connections == 2)
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            assert await asyncio.wait_for(read_to_end(reader), 1) == b""
            writer.close()
            opened = time.monotonic()  # the idle two never send a request: closed at the header timeout
            assert [await asyncio.wait_for(read_to_end(r), 3) for r, _ in idle] == [b"", b""]
            assert time.monotonic() - opened < 2.0
            for _, w in idle:
                w.close()
            assert taken == [UPDATE]

    uvloop.run(scenario())  # the first run also opens uvloop's own pipe, kept for the process
    before = len(open_descriptors())
    uvloop.run(scenario())
    assert len(open_descriptors()) <= before  # no descriptor kept from the connections


# the secret in logs --------------------------------------------------------------------------------------------


async def test_set_webhook_sends_the_secret_but_ptb_logs_it_redacted(caplog):
    async with FakeTelegram() as fake:
        request = AiohttpRequest()
        bot = BotClient(TOKEN, base_url=fake.base_url, request=request, get_updates_request=AiohttpRequest())
        await bot.initialize()
        try:
            url = "https://bot.example.org/telegram"
            assert await set_webhook(bot, url, SECRET, ["message", "callback_query"]) is True
            control = "Control_secret_for_this_test_only_0123456789"  # PTB's own call, for comparison
            await bot.set_webhook(url, secret_token=control)
        finally:
            await bot.shutdown()
    sent = fake.calls_to("setWebhook")[0].params
    assert sent["secret_token"] == SECRET and sent["url"] == url  # really sent
    calling = [
        r.getMessage() for r in caplog.records if "Calling Bot API endpoint `setWebhook`" in r.getMessage()
    ]
    assert len(calling) == 2 and "***" in calling[0]
    assert control in calling[1]  # without set_webhook, PTB does log the secret at DEBUG
    assert logging.getLogger("telegram.ext.ExtBot").filters == logging.getLogger("telegram.Bot").filters == []


def test_setup_logging_redacts_the_token_and_the_webhook_secret(capsys):
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level  # pytest's own capture among them
    setup_logging("DEBUG", TOKEN, SECRET)
    try:
        log = logging.getLogger("hpbot.test")
        log.debug("url %s, secret %s", f"/bot{TOKEN}/getMe", SECRET)
        try:
            raise ValueError(f"bad {SECRET}") from KeyError(TOKEN)
        except ValueError:
            log.exception("failed")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    err = capsys.readouterr().err
    assert "secret ***" in err and "/bot***/getMe" in err and "ValueError: bad ***" in err
    assert SECRET not in err and TOKEN not in err
