"""The fake in a child process of its own: `FakeProcess` starts one and drives it through its `/_control/` routes.
Run as a program (`python -m hpbot.testing.process --empty --port 0`, `--help` lists the options), this module
serves a FakeTelegram on 127.0.0.1 and prints its address on the first line, until SIGTERM or Ctrl+C.
"""

from __future__ import annotations

import asyncio
import gc
import signal
import sys
from typing import Any

import aiohttp

from hpbot import eventloop
from hpbot.testing.server import FakeTelegram, _OnLoopback
from hpbot.testing.world import Limits


class FakeProcess(_OnLoopback):
    """A FakeTelegram in a child process (`python -m hpbot.testing.process --empty --port 0`), so that it
    runs on a core of its own; driven through its `/_control/` routes (see FakeTelegram.control). It serves with
    Python's cyclic garbage collector off unless `collect_garbage` (see `_serve`)."""

    def __init__(
        self,
        *,
        limits: Limits | None = None,
        strict_html: bool = True,
        python: str = sys.executable,
        startup_timeout: float = 30.0,
        collect_garbage: bool = False,
        callback_ttl: float | None = 15.0,
    ) -> None:
        self.limits = Limits() if limits is None else limits
        self.strict_html, self.python, self.callback_ttl = strict_html, python, callback_ttl
        self.collect_garbage = collect_garbage
        self.startup_timeout = startup_timeout
        self.process: asyncio.subprocess.Process | None = None
        self.port = 0
        self._session: aiohttp.ClientSession | None = None

    @property
    def argv(self) -> list[str]:
        limits = self.limits
        argv = [self.python, "-m", "hpbot.testing.process", "--empty", "--port", "0"]
        argv += ["--global-per-second", str(limits.global_per_second or 0)]
        argv += ["--per-chat-per-minute", str(limits.per_chat_per_minute or 0)]
        argv += ["--per-private-chat-per-second", str(limits.per_private_chat_per_second or 0)]
        argv += ["--private-burst", str(limits.private_burst)]
        argv += ["--callback-ttl", str(self.callback_ttl or 0)]
        if not self.strict_html:
            argv.append("--lenient-html")
        if not self.collect_garbage:
            argv.append("--no-gc")
        return argv

    async def start(self) -> FakeProcess:
        self.process = await asyncio.create_subprocess_exec(*self.argv, stdout=asyncio.subprocess.PIPE)
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), self.startup_timeout)
        except TimeoutError:
            line = b""
        marker = b"fake Bot API at http://127.0.0.1:"
        if not line.startswith(marker):
            await self.stop()
            raise RuntimeError(f"the fake Bot API process did not start: {line!r}")
        self.port = int(line[len(marker) :].split(b"/", 1)[0])
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600))
        return self

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        self.process = None

    async def control(self, action: str, payload: dict | None = None) -> Any:
        assert self._session is not None, "start() the fake process first"
        async with self._session.post(
            f"http://127.0.0.1:{self.port}/_control/{action}", json=payload or {}
        ) as r:
            body = await r.json()
        if not body.get("ok"):
            raise RuntimeError(f"control {action} failed: {body.get('description')}")
        return body["result"]


async def _serve(
    port: int,
    *,
    empty: bool = False,
    limits: Limits | None = None,
    strict_html: bool = True,
    collect_garbage: bool = True,
    callback_ttl: float | None = 15.0,
) -> None:
    if not collect_garbage:
        # Telegram counts a send against the limits when it arrives; the fake counts it when its event loop reads
        # it. A pause of Python's cyclic collector walking the fake's record of every call (tens of ms after a few
        # thousand posts) queued the sends behind it, then counted them as arriving together, and answered 429 to
        # a pace Telegram would take (docs/performance.md). Benchmarks run the fake with the collector off; `reset`
        # collects between runs.
        gc.disable()
    fake = FakeTelegram(limits=limits, strict_html=strict_html, callback_ttl=callback_ttl)
    if not empty:
        fake.add_user(100, "Admin")
        fake.add_group(-100100, "Demo group", admins=[100])
    await fake.start(port=port)
    world = "empty world, /_control/ routes to fill it" if empty else "group -100100, admin user 100"
    print(f"fake Bot API at {fake.base_url} ({world}); Ctrl+C stops it", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not on this platform: Ctrl+C still ends it
            pass
    await stop.wait()
    await fake.stop()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Run the fake Telegram Bot API on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0: any free port (printed on the first line)")
    parser.add_argument("--empty", action="store_true", help="no demo group: the caller builds the world")
    defaults = Limits()
    parser.add_argument(
        "--global-per-second",
        type=float,
        default=defaults.global_per_second,
        help="overall sends/s before 429 (default: Telegram's %(default)s; 0: no limit)",
    )
    parser.add_argument(
        "--per-chat-per-minute",
        type=int,
        default=defaults.per_chat_per_minute,
        help="sends into one group/min before 429 (default: Telegram's %(default)s; 0: no limit)",
    )
    parser.add_argument(
        "--per-private-chat-per-second",
        type=float,
        default=defaults.per_private_chat_per_second,
        help="sends into one private chat/s before 429 (default: Telegram's %(default)s; 0: no limit)",
    )
    parser.add_argument(
        "--private-burst",
        type=int,
        default=defaults.private_burst,
        help="sends into one private chat at once before that rate applies (default: %(default)s)",
    )
    parser.add_argument(
        "--callback-ttl",
        type=float,
        default=15.0,
        help="seconds a callback query may be answered after its tap (default: %(default)s; 0: forever)",
    )
    parser.add_argument("--lenient-html", action="store_true", help="do not check HTML the way Telegram does")
    parser.add_argument(
        "--no-gc",
        action="store_true",
        help="serve with Python's cyclic garbage collector off (its pauses skew the rate limits); "
        "the control route `reset` collects",
    )
    args = parser.parse_args()
    try:
        eventloop.run(
            _serve(
                args.port,
                empty=args.empty,
                strict_html=not args.lenient_html,
                limits=Limits(
                    args.global_per_second or None,
                    args.per_chat_per_minute or None,
                    args.per_private_chat_per_second or None,
                    args.private_burst,
                ),
                collect_garbage=not args.no_gc,
                callback_ttl=args.callback_ttl or None,
            )
        )
    except KeyboardInterrupt:
        pass
