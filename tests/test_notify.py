"""Readiness for systemd (`Type=notify`): hpbot/notify.py's datagrams reach a real AF_UNIX socket, a path or an
abstract name; nothing happens without NOTIFY_SOCKET; the runner says READY=1 once it receives updates, STOPPING=1
when it shuts down, and WATCHDOG=1 while it runs when systemd's watchdog is on — in the real bot process too."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from telegram.error import NetworkError

from hpbot import notify, runner
from hpbot.testing import FakeTelegram
from tests.e2e.harness import TOKEN
from tests.test_runner import StubApplication

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def sigint_handler_restored():
    """A loop's signal handling leaves its own Python-level handler behind: put Ctrl+C back for the test run."""
    previous = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def listener(tmp_path):
    """A datagram socket bound at a path in tmp_path, as systemd's notification socket is."""
    path = tmp_path / "notify.sock"
    assert len(str(path)) < 100, "an AF_UNIX path must fit in 108 bytes"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(5)
    yield SimpleNamespace(sock=sock, path=str(path))
    sock.close()


def pending(sock: socket.socket) -> list[str]:
    """Every message waiting on the socket, in the order sent."""
    sock.setblocking(False)
    messages = []
    try:
        while True:
            messages.append(sock.recv(4096).decode())
    except BlockingIOError:
        return messages
    finally:
        sock.settimeout(5)


# the protocol ---------------------------------------------------------------------------------------------------
def test_a_message_reaches_the_socket_named_by_a_path(listener):
    assert notify.notify("READY=1", "STATUS=receiving updates", environ={"NOTIFY_SOCKET": listener.path})
    assert listener.sock.recv(4096) == b"READY=1\nSTATUS=receiving updates"


def test_an_abstract_socket_is_named_with_an_at_sign():
    name = f"hpbot-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(5)
        assert notify.notify("STOPPING=1", environ={"NOTIFY_SOCKET": "@" + name})
        assert sock.recv(4096) == b"STOPPING=1"


def test_nothing_happens_without_notify_socket(listener, monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert notify.notify("READY=1") is False
    assert notify.notify("READY=1", environ={}) is False
    assert notify.notify("READY=1", environ={"NOTIFY_SOCKET": ""}) is False
    assert pending(listener.sock) == []


def test_a_socket_nobody_listens_on_is_not_an_error(tmp_path):
    assert notify.notify("READY=1", environ={"NOTIFY_SOCKET": str(tmp_path / "gone.sock")}) is False
    assert notify.notify("READY=1", environ={"NOTIFY_SOCKET": "vsock:2:1234"}) is False


def test_the_watchdog_interval_is_half_of_watchdog_usec_for_this_process_only():
    assert notify.watchdog_interval({}) is None
    assert notify.watchdog_interval({"WATCHDOG_USEC": "300000000"}) == 150.0
    assert notify.watchdog_interval({"WATCHDOG_USEC": "300000000", "WATCHDOG_PID": str(os.getpid())}) == 150.0
    assert notify.watchdog_interval({"WATCHDOG_USEC": "300000000", "WATCHDOG_PID": "1"}) is None
    assert notify.watchdog_interval({"WATCHDOG_USEC": "0"}) is None


# the runner -----------------------------------------------------------------------------------------------------
def run_serve(app, config, monkeypatch, *, stop_after: float | None = None) -> int:
    """hpbot.runner.serve with the stub application; every notification is also written into app.calls."""
    sent = notify.notify

    def recorded(*lines: str, environ=None) -> bool:
        app.calls.append("notify " + " ".join(lines))
        return sent(*lines, environ=environ)

    monkeypatch.setattr(runner.notify, "notify", recorded)

    async def main() -> int:
        task = asyncio.ensure_future(serve_task())
        if stop_after is not None:
            await asyncio.sleep(stop_after)
            os.kill(os.getpid(), signal.SIGINT)
        return await asyncio.wait_for(task, 5)

    async def serve_task() -> int:
        return await runner.serve(app, config, [], receiving=app.receiving)

    return asyncio.run(main())


def test_the_runner_is_ready_once_it_receives_updates_and_stopping_when_it_shuts_down(listener, monkeypatch):
    monkeypatch.setenv("NOTIFY_SOCKET", listener.path)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    app = StubApplication(signal_in="start")
    assert run_serve(app, SimpleNamespace(webhook_url=None), monkeypatch) == 0
    assert app.calls == [
        "initialize",
        "post_init",
        "start_polling",
        "start",
        "notify READY=1 STATUS=receiving updates (polling)",
        "notify STOPPING=1 STATUS=shutting down",
        "receiving.stop",
        "stop",
        "shutdown",
        "post_shutdown",
    ]
    assert pending(listener.sock) == [
        "READY=1\nSTATUS=receiving updates (polling)",
        "STOPPING=1\nSTATUS=shutting down",
    ]


def test_a_bot_stopped_while_starting_never_says_ready(listener, monkeypatch):
    monkeypatch.setenv("NOTIFY_SOCKET", listener.path)
    app = StubApplication(signal_in="post_init")
    assert run_serve(app, SimpleNamespace(webhook_url=None), monkeypatch) == 0
    assert pending(listener.sock) == ["STOPPING=1\nSTATUS=shutting down"]


class UnreachableFirst(StubApplication):
    """Its first initialize fails as an unreachable Bot API does; the second succeeds."""

    def __init__(self, signal_in: str | None) -> None:
        super().__init__(signal_in)
        self.failures = 1

        async def shutdown() -> None:
            self.calls.append("bot.shutdown")

        self.bot = SimpleNamespace(base_url="http://127.0.0.1:9/bot123:token", shutdown=shutdown)

    async def initialize(self) -> None:
        if self.failures:
            self.failures -= 1
            self.calls.append("initialize failed")
            raise NetworkError("connection refused")
        await super().initialize()


def test_while_the_bot_api_is_unreachable_the_status_says_so(listener, monkeypatch):
    monkeypatch.setenv("NOTIFY_SOCKET", listener.path)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    app = UnreachableFirst(signal_in="start")
    assert run_serve(app, SimpleNamespace(webhook_url=None), monkeypatch) == 0
    assert pending(listener.sock) == [
        "STATUS=cannot reach the Bot API at 127.0.0.1:9; retrying",
        "READY=1\nSTATUS=receiving updates (polling)",
        "STOPPING=1\nSTATUS=shutting down",
    ]


@pytest.mark.parametrize("ours", [True, False], ids=["this-process", "another-process"])
def test_the_watchdog_is_fed_while_the_bot_runs_and_not_after(listener, monkeypatch, ours):
    monkeypatch.setenv("NOTIFY_SOCKET", listener.path)
    monkeypatch.setenv("WATCHDOG_USEC", "100000")  # a ping every 0.05 s
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()) if ours else "1")
    app = StubApplication(signal_in=None)
    assert run_serve(app, SimpleNamespace(webhook_url=None), monkeypatch, stop_after=0.5) == 0
    messages = pending(listener.sock)
    assert messages[0].startswith("READY=1") and messages[-1].startswith("STOPPING=1")
    pings = messages.count("WATCHDOG=1")
    assert pings >= 3 if ours else pings == 0
    assert app.calls.index("notify STOPPING=1 STATUS=shutting down") > max(
        i
        for i, call in enumerate(app.calls)
        if call.startswith("notify READY") or call == "notify WATCHDOG=1"
    )


# the real bot process -------------------------------------------------------------------------------------------
async def test_the_real_bot_process_notifies_systemd(listener, tmp_path):
    db = tmp_path / "db.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HPBOT_", "WATCHDOG_"))}
    env.update(
        {
            "HPBOT_TOKEN": TOKEN,
            "HPBOT_DB": str(db),
            "PYTHONPATH": str(ROOT),
            "NOTIFY_SOCKET": listener.path,
            "WATCHDOG_USEC": "2000000",
        }
    )
    listener.sock.setblocking(False)
    loop = asyncio.get_running_loop()

    async def until(prefix: str) -> list[str]:
        seen = []
        while not seen or not seen[-1].startswith(prefix):
            seen.append((await asyncio.wait_for(loop.sock_recv(listener.sock, 4096), 30)).decode())
        return seen

    async with FakeTelegram() as fake:
        env["HPBOT_API_BASE_URL"] = fake.base_url
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "hpbot",
            "run",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            before_ready = await until("READY=1")
            assert fake.calls_to("getMe")  # Telegram answered before the bot said it was ready
            assert before_ready[-1] == "READY=1\nSTATUS=receiving updates (polling)"
            await until("WATCHDOG=1")
            process.send_signal(signal.SIGTERM)
            after = await until("STOPPING=1")
            out, err = await asyncio.wait_for(process.communicate(), 20)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert process.returncode == 0
    assert after[-1] == "STOPPING=1\nSTATUS=shutting down"
    assert TOKEN.split(":")[1] not in (out + err).decode()
