"""Finding 2 of issue 14, end to end: every update handled once. An update is in the database before Telegram is
told it arrived (the getUpdates offset comes from the database), a second delivery of an update id does nothing,
and a `kill -9` of the real bot process while commands wait behind others in their chat loses none of them and
handles none twice.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import sys
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import pytest

from hpbot.tg.app import Receiving
from tests.e2e.conftest import ADMIN, GROUP
from tests.e2e.harness import TOKEN, BotUnderTest
from tests.test_instance import stop_bot

ROOT = Path(__file__).resolve().parents[2]
ORGANIZER = 900
MEMBER = 501
TRIALS = 3  # kill -9 and restart, each with commands waiting
SECRET = "Webhook-Secret-For-The-Exactly-Once-Test_0123456789"


def competitions(db_path) -> list[str]:
    with sqlite3.connect(db_path) as conn:
        return [name for (name,) in conn.execute("SELECT name FROM competitions ORDER BY id")]


def inbox(db_path) -> dict[int, tuple[str | None, str | None]]:
    """update id -> (raw JSON while pending, done_at), as another process would read the database."""
    with sqlite3.connect(db_path) as conn:
        return {u: (raw, done) for u, raw, done in conn.execute("SELECT update_id, raw, done_at FROM inbox")}


def replies(fake, chat_id, text) -> int:
    return sum(text in m.text for m in fake.messages(chat_id))


@pytest.fixture
async def organizer_bot(fake, clock, bank, tmp_path):
    fake.add_user(ORGANIZER, "Ban", "Tổ chức")
    fake.private_chat(ORGANIZER)
    bot = BotUnderTest(fake, tmp_path / "hpbot.sqlite3", clock, bank, HPBOT_ORGANIZERS=str(ORGANIZER))
    await bot.start()
    yield bot
    await bot.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_an_update_delivered_again_does_nothing_the_second_time(organizer_bot, fake):
    bot = organizer_bot
    name = "Thi đua Quý IV"
    update = fake.command(ORGANIZER, ORGANIZER, f"/cuocthi_tao {name} | 01/12/2026 | 31/12/2026")
    added = fake.bot_added(GROUP, ADMIN)  # the bot added to a group: it greets the group
    for again in (update, added):  # the same update ids again, in the same batch
        fake.raw_update(json.loads(json.dumps(again)))
    await fake.wait_for(lambda: replies(fake, ORGANIZER, "Đã tạo cuộc thi") and fake.messages(GROUP))
    await fake.wait_for(fake.updates_confirmed)
    await asyncio.sleep(0.3)
    assert competitions(bot.db_path) == [name]
    assert replies(fake, ORGANIZER, "Đã tạo cuộc thi") == 1
    assert len(fake.messages(GROUP)) == 1  # one greeting

    # after a restart, the same update once more, as Telegram resends a webhook delivery it saw no 200 for
    await bot.restart()
    await bot.receiving.stop()
    receiving = Receiving(bot.hp.application)
    port = free_port()
    await receiving.start_webhook(
        SimpleNamespace(
            webhook_url="https://bot.example.org",
            webhook_listen="127.0.0.1",
            webhook_port=port,
            webhook_secret=SECRET,
        )
    )
    try:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with aiohttp.ClientSession() as client:
            for _ in range(2):
                url = f"http://127.0.0.1:{port}/telegram"
                async with client.post(url, json=update, headers=headers) as response:
                    assert response.status == 200  # taken (Telegram stops resending), and ignored
        await asyncio.sleep(0.3)
        assert competitions(bot.db_path) == [name]
        assert replies(fake, ORGANIZER, "Đã tạo cuộc thi") == 1
        assert inbox(bot.db_path)[update["update_id"]][1] is not None  # remembered as handled
    finally:
        await receiving.stop()


async def test_a_batch_is_confirmed_only_once_it_is_in_the_database(organizer_bot, fake):
    """Every getUpdates offset confirms only updates already committed to the inbox; one still being handled
    when Telegram is told is kept there (its JSON) until it is done; after a restart the offset comes from the
    database, so nothing confirmed is asked for again and nothing unconfirmed is skipped."""
    bot = organizer_bot
    served: set[int] = set()
    violations: list[str] = []
    get_updates = fake._m_getupdates

    async def checking_get_updates(params):
        offset = int(params.get("offset") or 0)
        recorded = inbox(bot.db_path)
        for update_id in served:
            if update_id < offset and update_id not in recorded:
                violations.append(f"update {update_id} confirmed (offset {offset}) before it was recorded")
        batch = await get_updates(params)
        served.update(u["update_id"] for u in batch)
        return batch

    fake._m_getupdates = checking_get_updates
    fake.fail("getChatAdministrators", kind="timeout")  # the admin check of the next command takes a while
    slow = fake.command(GROUP, ADMIN, "/dangky")["update_id"]
    quick = [
        fake.command(ORGANIZER, ORGANIZER, f"/cuocthi_tao Cụm {i} | 01/12/2026 | 31/12/2026") for i in (1, 2)
    ]
    await fake.wait_for(lambda: replies(fake, ORGANIZER, "Đã tạo cuộc thi") == 2)
    await fake.wait_for(fake.updates_confirmed)
    raw, done = inbox(bot.db_path)[slow]
    assert done is None  # confirmed to Telegram while still being handled…
    assert json.loads(raw)["message"]["text"].startswith("/dangky")  # …and kept whole until it is
    await fake.wait_for(lambda: fake.messages(GROUP), timeout=fake.timeout_delay + 3)
    await fake.wait_for(lambda: all(done for _, done in inbox(bot.db_path).values()))
    assert inbox(bot.db_path)[slow][0] is None  # handled: the JSON is no longer kept, the id is

    first_poll = len(fake.calls_to("getUpdates"))
    await bot.restart()
    await fake.wait_for(lambda: len(fake.calls_to("getUpdates")) > first_poll)
    newest = max(u["update_id"] for u in quick)
    assert int(fake.calls_to("getUpdates")[first_poll].params["offset"]) == newest + 1
    later = fake.command(ORGANIZER, ORGANIZER, "/cuocthi")["update_id"]
    await fake.wait_for(lambda: replies(fake, ORGANIZER, "Cụm 2") >= 2)  # the listing: nothing skipped
    await fake.wait_for(lambda: later in inbox(bot.db_path))
    assert violations == []
    assert competitions(bot.db_path) == ["Cụm 1", "Cụm 2"]


# the real process, killed -------------------------------------------------------------------------------------
def listings(fake) -> int:
    """Replies to /cuocthi (the list of competitions, or that there is none yet)."""
    return replies(fake, ORGANIZER, "Các cuộc thi") + replies(fake, ORGANIZER, "Chưa có cuộc thi")


async def start_process(fake, db: Path, log: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HPBOT_")}
    env.update(
        {
            "HPBOT_TOKEN": TOKEN,
            "HPBOT_API_BASE_URL": fake.base_url,
            "HPBOT_DB": str(db),
            "HPBOT_ORGANIZERS": str(ORGANIZER),
            "HPBOT_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    with log.open("ab") as stderr:  # the child keeps its own descriptor
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "hpbot",
            "run",
            cwd=db.parent,  # no .env file there: only these settings count
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )


async def test_kill_9_while_commands_wait_behind_others_handles_each_exactly_once(tmp_path):
    """The real `python -m hpbot run`, killed with SIGKILL while an organizer's commands wait in their chat
    behind one whose reply Telegram has not answered yet, all of them already confirmed to Telegram (so Telegram
    will never send them again); restarted, it handles each of them exactly once: one reply each, one competition
    each. Updates handled before the kill are not handled again."""
    from hpbot.testing import FakeTelegram, Limits

    db, log = tmp_path / "hpbot.sqlite3", tmp_path / "bot.log"
    async with FakeTelegram(limits=Limits(), timeout_delay=3.0) as fake:  # Telegram's flood limits
        fake.add_user(ORGANIZER, "Ban", "Tổ chức")
        fake.private_chat(ORGANIZER)
        fake.add_group(GROUP, "Chi bộ Khu 3", admins=[ADMIN], members=[MEMBER])
        process = await start_process(fake, db, log)
        created: list[str] = []
        try:
            await fake.wait_for(lambda: fake.calls_to("getUpdates"), timeout=30)
            for trial in range(1, TRIALS + 1):
                # handled before the kill: a member's question in a group
                fake.command(GROUP, MEMBER, f"/trogiup {trial}")
                await fake.wait_for(lambda: len(fake.messages(GROUP)) == trial, timeout=10)  # noqa: B023
                # the organizer's commands: the first one's reply hangs at Telegram, the others wait behind it
                sends = len(fake.calls_to("sendMessage"))
                fake.fail("sendMessage", kind="timeout", chat_id=ORGANIZER)
                fake.command(ORGANIZER, ORGANIZER, "/cuocthi")
                names = [f"Thi đua {trial}.{i}" for i in (1, 2, 3)]
                for name in names:
                    fake.command(ORGANIZER, ORGANIZER, f"/cuocthi_tao {name} | 01/12/2026 | 31/12/2026")
                await fake.wait_for(lambda: len(fake.calls_to("sendMessage")) > sends, timeout=10)  # noqa: B023
                await fake.wait_for(fake.updates_confirmed)  # Telegram will not deliver them again
                assert sum(done is None for _, done in inbox(db).values()) == 1 + len(names)  # all waiting

                process.send_signal(signal.SIGKILL)
                assert await asyncio.wait_for(process.wait(), 10) == -signal.SIGKILL
                polls = len(fake.calls_to("getUpdates"))
                process = await start_process(fake, db, log)
                created += names
                said = [f"Đã tạo cuộc thi <b>{name}</b>" for name in created]
                await fake.wait_for(lambda: all(replies(fake, ORGANIZER, t) for t in said), timeout=30)  # noqa: B023
                await fake.wait_for(lambda: not any(d is None for _, d in inbox(db).values()), timeout=5)
                # the restarted bot asked Telegram for what follows the newest update in its database
                assert int(fake.calls_to("getUpdates")[polls].params["offset"]) == max(inbox(db)) + 1

                assert competitions(db) == created  # each created once, in the order sent
                assert [replies(fake, ORGANIZER, t) for t in said] == [1] * len(created)
                # the /cuocthi whose reply hung at the kill: answered once, after the restart
                assert listings(fake) == trial
                assert len(fake.messages(GROUP)) == trial  # the group's question was not handled again
        finally:
            await stop_bot(process)
    assert process.returncode == 0, log.read_text()
    assert "Traceback" not in log.read_text()


async def test_a_batch_the_database_cannot_take_is_fetched_again(organizer_bot, fake, monkeypatch):
    """An update that could not be recorded is not confirmed: the same batch is fetched again and handled once,
    and polling goes on."""
    bot = organizer_bot
    receive = bot.hp.store.inbox.receive
    failures = []

    def failing_once(updates, now):
        if not failures:
            failures.append(now)
            raise sqlite3.OperationalError("database is locked")
        return receive(updates, now)

    monkeypatch.setattr(bot.hp.store.inbox, "receive", failing_once)
    fake.command(ORGANIZER, ORGANIZER, "/cuocthi_tao Cụm 1 | 01/12/2026 | 31/12/2026")
    await fake.wait_for(lambda: replies(fake, ORGANIZER, "Đã tạo cuộc thi"), timeout=10)
    assert failures and competitions(bot.db_path) == ["Cụm 1"]
    fake.command(ORGANIZER, ORGANIZER, "/cuocthi")
    await fake.wait_for(lambda: replies(fake, ORGANIZER, "Các cuộc thi"))
    assert replies(fake, ORGANIZER, "Đã tạo cuộc thi") == 1
