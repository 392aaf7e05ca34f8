"""The real bot process through a rejected token (at start and while running) and an unreachable Bot API: clear
words, the right exit codes, an unhealthy health check, and the token in no output at all."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from hpbot import health
from hpbot.testing import FakeTelegram
from tests.e2e.harness import TOKEN

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def start(db: Path, base_url: str, pythonpath: str = str(ROOT)) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HPBOT_")}
    env.update(
        {
            "HPBOT_TOKEN": TOKEN,
            "HPBOT_API_BASE_URL": base_url,
            "HPBOT_DB": str(db),
            "HPBOT_LOG_LEVEL": "DEBUG",
            "PYTHONPATH": pythonpath,
        }
    )
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hpbot",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def outcome(process: asyncio.subprocess.Process, timeout: float = 20) -> tuple[int, str]:
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return process.returncode, (out + err).decode()


def no_secrets(output: str) -> None:
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output
    assert "Unclosed client session" not in output


async def test_a_token_rejected_at_start_exits_2_with_one_clear_line(tmp_path):
    async with FakeTelegram() as fake:
        fake.fail("getMe", times=100, error_code=401, description="Unauthorized")
        code, output = await outcome(await start(tmp_path / "db.sqlite3", fake.base_url))
    assert code == 2
    assert "Traceback" not in output
    assert "rejected HPBOT_TOKEN (401 Unauthorized)" in output
    no_secrets(output)


async def test_a_token_revoked_while_running_ends_the_process_and_fails_the_health_check(tmp_path):
    db = tmp_path / "db.sqlite3"
    async with FakeTelegram() as fake:
        process = await start(db, fake.base_url)
        await fake.wait_for(lambda: len(fake.calls_to("getUpdates")) >= 1, timeout=20)
        await fake.wait_for(lambda: health.heartbeat_path(db, health.TELEGRAM).exists(), timeout=20)
        fake.fail("getUpdates", times=1000, error_code=401, description="Unauthorized")
        code, output = await outcome(process, timeout=60)
    assert code == 3  # the supervisor sees a failure and restarts it (or an operator looks)
    assert "rejected HPBOT_TOKEN while running" in output
    assert health.check(db) is not None
    no_secrets(output)


async def test_an_unreachable_bot_api_at_start_is_retried_and_said_plainly(tmp_path):
    process = await start(tmp_path / "db.sqlite3", f"http://127.0.0.1:{closed_port()}/bot")
    assert process.stderr is not None
    seen = b""

    async def two_attempts() -> None:  # the first attempts and their backoff (1 s), however slow the start-up
        nonlocal seen
        while seen.count(b"cannot reach the Bot API") < 2:
            line = await process.stderr.readline()
            assert line, "the process ended"
            seen += line

    await asyncio.wait_for(two_attempts(), 60)
    assert process.returncode is None  # still trying, not crashed
    process.send_signal(signal.SIGTERM)
    code, rest = await outcome(process)
    output = seen.decode() + rest
    assert code == 0
    assert "cannot reach the Bot API at 127.0.0.1" in output
    assert output.count("cannot reach the Bot API") >= 2  # retried
    assert "Traceback" not in output
    no_secrets(output)


# A bug that crashes the process, planted with a sitecustomize module: the exception and its cause both carry the
# token (as PTB's InvalidToken does), at start-up (while building) and once running (in the serving loop).
CRASHES = {
    "while building": """
import os, hpbot.wiring
def build(*args, **kwargs):
    try:
        raise KeyError(os.environ["HPBOT_TOKEN"])
    except KeyError as cause:
        raise RuntimeError("cannot use " + os.environ["HPBOT_TOKEN"]) from cause
hpbot.wiring.build = build
""",
    "while running": """
import os, hpbot.runner
async def serve(*args, **kwargs):
    raise RuntimeError("lost " + os.environ["HPBOT_TOKEN"])
hpbot.runner.serve = serve
""",
}


@pytest.mark.parametrize("when", list(CRASHES))
async def test_a_crash_is_logged_without_the_token_and_exits_non_zero(tmp_path, when):
    planted = tmp_path / "planted"
    planted.mkdir()
    (planted / "sitecustomize.py").write_text(CRASHES[when])
    async with FakeTelegram() as fake:
        process = await start(tmp_path / "db.sqlite3", fake.base_url, f"{planted}{os.pathsep}{ROOT}")
        code, output = await outcome(process)
    assert code == 1
    assert (
        "unexpected error" in output and "RuntimeError" in output
    )  # the traceback is there, for the bug report
    assert "***" in output  # where the token stood
    no_secrets(output)
