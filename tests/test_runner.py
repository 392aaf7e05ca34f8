"""The runner's stop signals: handled from before start-up to the end, whenever they arrive."""

import asyncio
import os
import signal
from types import SimpleNamespace

import pytest

from hpbot import eventloop
from hpbot.runner import serve


class StubReceiving:
    """hpbot.tg.app.Receiving's surface: polling or the webhook, and the flag of a rejected token."""

    def __init__(self, calls: list[str]) -> None:
        self.calls, self.running = calls, False
        self.failed = asyncio.Event()
        self.fatal: list[str] = []

    async def start_polling(self) -> None:
        self.calls.append("start_polling")
        self.running = True

    async def start_webhook(self, config) -> None:
        self.calls.append(f"start_webhook {config.webhook_url}")
        self.running = True

    async def stop(self) -> None:
        if self.running:
            self.calls.append("receiving.stop")
        self.running = False


class StubApplication:
    """The parts of PTB's Application the runner drives, recording the order they are called in."""

    def __init__(self, signal_in: str | None) -> None:
        self.calls: list[str] = []
        self.receiving = StubReceiving(self.calls)
        self.running = False
        self.signal_in = signal_in

    def _step(self, name: str) -> None:
        self.calls.append(name)
        if name == self.signal_in:
            os.kill(os.getpid(), signal.SIGINT)

    async def initialize(self) -> None:
        self._step("initialize")

    async def post_init(self, app) -> None:
        self._step("post_init")
        await asyncio.sleep(0.05)  # the signal arrives while recovery is still running

    async def start(self) -> None:
        self.running = True
        self._step("start")

    async def stop(self) -> None:
        self.running = False
        self.calls.append("stop")

    post_stop = None

    async def shutdown(self) -> None:
        self.calls.append("shutdown")

    async def post_shutdown(self, app) -> None:
        self.calls.append("post_shutdown")


POLLING = SimpleNamespace(webhook_url=None)


@pytest.fixture(autouse=True)
def sigint_handler_restored():
    """A loop's signal handling leaves its own Python-level handler behind: put Ctrl+C back for the test run."""
    previous = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_a_stop_signal_during_start_up_stops_the_bot_before_it_receives_updates(loop):
    app = StubApplication(signal_in="post_init")
    run = asyncio.run if loop == "asyncio" else eventloop.run
    run(asyncio.wait_for(serve(app, POLLING, [], receiving=app.receiving), 5))
    assert app.calls == ["initialize", "post_init", "shutdown", "post_shutdown"]


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_a_stop_signal_once_running_stops_updates_then_the_application(loop):
    app = StubApplication(signal_in="start")
    run = asyncio.run if loop == "asyncio" else eventloop.run
    run(
        asyncio.wait_for(
            serve(
                app,
                SimpleNamespace(
                    webhook_url="http://127.0.0.1:8443/",
                    webhook_listen="127.0.0.1",
                    webhook_port=8443,
                    webhook_secret="s",
                ),
                [],
                receiving=app.receiving,
            ),
            5,
        )
    )
    assert app.calls == [
        "initialize",
        "post_init",
        "start_webhook http://127.0.0.1:8443/",
        "start",
        "receiving.stop",
        "stop",
        "shutdown",
        "post_shutdown",
    ]


def test_uvloop_drops_a_signal_that_arrives_between_two_runs_of_its_loop():
    """Why the runner keeps one run of the loop: PTB's run_polling runs it once per start-up step, and a signal
    between two of those runs never reaches its handler (the reason the runner no longer uses run_polling)."""
    uvloop = pytest.importorskip("uvloop")
    loop = uvloop.new_event_loop()
    seen = []
    try:
        loop.add_signal_handler(signal.SIGINT, seen.append, "SIGINT")
        loop.run_until_complete(asyncio.sleep(0))
        os.kill(os.getpid(), signal.SIGINT)  # between two runs, as between PTB's initialize and start
        loop.run_until_complete(asyncio.sleep(0.2))
        assert seen == []
    finally:
        loop.close()
