"""Organizers managed from the command line (`hpbot organizers add|remove|list`) while the bot runs: the running
bot sees a change at the next command, without a restart; HPBOT_ORGANIZERS still counts beside the table."""

import pytest

from hpbot.cli import main
from tests.e2e.harness import BotUnderTest

NEW, FROM_ENV = 42, 900
REFUSED = "chỉ dành cho ban tổ chức"
NO_COMPETITION = "Chưa có cuộc thi nào"


@pytest.fixture
async def running(fake, clock, bank, tmp_path, monkeypatch):
    """The bot with one organizer in HPBOT_ORGANIZERS; the command line, run in this process, sees the same."""
    for user_id, first in ((NEW, "Người mới"), (FROM_ENV, "Ban tổ chức")):
        fake.add_user(user_id, first, "Thành ủy")
        fake.private_chat(user_id)
    monkeypatch.chdir(tmp_path)  # no .env file here
    monkeypatch.setenv("HPBOT_ORGANIZERS", str(FROM_ENV))
    bot = BotUnderTest(fake, tmp_path / "hpbot.sqlite3", clock, bank, HPBOT_ORGANIZERS=str(FROM_ENV))
    await bot.start()
    yield bot
    await bot.stop()


async def test_an_organizer_added_from_the_command_line_counts_at_once(running, tmp_path, capsys):
    db = str(tmp_path / "hpbot.sqlite3")
    assert REFUSED in await running.reply_to(NEW, NEW, "/cuocthi")

    assert main(["organizers", "add", str(NEW), "--db", db]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"hpbot organizers: {NEW} added; the running bot takes it at the next command"
    ]
    assert NO_COMPETITION in await running.reply_to(NEW, NEW, "/cuocthi")  # no restart in between
    assert main(["organizers", "add", str(NEW), "--db", db]) == 0  # twice is once
    assert "already" in capsys.readouterr().out

    assert main(["organizers", "list", "--db", db]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listing] == [str(NEW), str(FROM_ENV)]
    assert "HPBOT_ORGANIZERS" in listing[1] and "added" in listing[0]

    assert main(["organizers", "remove", str(NEW), "--db", db]) == 0
    capsys.readouterr()
    assert REFUSED in await running.reply_to(NEW, NEW, "/cuocthi")


async def test_organizers_from_the_environment_stay_and_are_not_removed_from_the_command_line(
    running, tmp_path, capsys
):
    db = str(tmp_path / "hpbot.sqlite3")
    assert NO_COMPETITION in await running.reply_to(FROM_ENV, FROM_ENV, "/cuocthi")
    assert main(["organizers", "remove", str(FROM_ENV), "--db", db]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "HPBOT_ORGANIZERS" in err[0], err
    assert main(["organizers", "remove", "7", "--db", db]) == 1
    assert "7 is not an organizer" in capsys.readouterr().err
    assert NO_COMPETITION in await running.reply_to(FROM_ENV, FROM_ENV, "/cuocthi")


def test_a_user_id_must_be_a_positive_number(tmp_path, capsys):
    for bad in ("abc", "0", "-5"):
        with pytest.raises(SystemExit) as info:
            main(["organizers", "add", bad, "--db", str(tmp_path / "hpbot.sqlite3")])
        assert info.value.code == 2
    assert "Telegram user id" in capsys.readouterr().err
