"""The fake Bot API of the benchmarks that time deliveries: hpbot's fake with one control action more.

    send_times   {"method": "sendMessage"}: every successful call of that method as [chat_id, at, paid], `at`
                 the moment the fake read the request (`time.monotonic()` of its process), `paid` whether it
                 asked for `allow_paid_broadcast`

Telegram shows a message when it receives it, so these are the times a member would see the posts. On Linux
`time.monotonic()` is one clock for every process of the machine (CLOCK_MONOTONIC), so the benchmark compares them
with instants it takes itself (the due minute). `TimedFakeProcess` runs this fake in a child process (as
`FakeProcess` runs hpbot's: same options), `TimedLocalFake` in the caller's event loop.

Run as a program, this module is `python -m hpbot.testing.process` serving the fake defined here.
"""

from __future__ import annotations

import runpy
import sys
from typing import Any

from hpbot.testing import LocalFake
from hpbot.testing import server as fake_server
from hpbot.testing.process import FakeProcess
from hpbot.testing.world import Limits


class TimedFake(fake_server.FakeTelegram):
    def _c_send_times(self, p: dict) -> list[list[Any]]:
        return [
            [call.params.get("chat_id"), call.at, call.params.get("allow_paid_broadcast") in (True, "true")]
            for call in self.calls_to(p.get("method", "sendMessage"))
            if call.status == 200
        ]


class TimedFakeProcess(FakeProcess):
    """A FakeProcess whose child serves `TimedFake`."""

    @property
    def argv(self) -> list[str]:
        argv = list(super().argv)
        argv[argv.index("hpbot.testing.process")] = "benchmarks.timed_fake"
        return argv


class TimedLocalFake(LocalFake):
    def __init__(
        self, *, limits: Limits | None = None, strict_html: bool = True, callback_ttl: float | None = 15.0
    ) -> None:
        self.fake = TimedFake(limits=limits, strict_html=strict_html, callback_ttl=callback_ttl)


if __name__ == "__main__":
    # hpbot.testing.process builds its fake from hpbot.testing.server.FakeTelegram when its code runs: run that
    # file's code (by path, so that no second copy of an imported module is executed) with TimedFake in its place
    fake_server.FakeTelegram = TimedFake  # type: ignore[misc]
    sys.argv[0] = "hpbot.testing.process"
    runpy.run_path(fake_server.__file__.replace("server.py", "process.py"), run_name="__main__")
