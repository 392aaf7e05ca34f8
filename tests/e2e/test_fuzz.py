"""Generated bad input (hypothesis): times, command arguments, callback data, names, unknown chats, edits.

HPBOT_FUZZ_CASES sets how many end-to-end cases run (default 300; the trial mode is 10000):
    HPBOT_FUZZ_CASES=10000 python -m pytest tests/e2e/test_fuzz.py -q
"""

import logging
import os
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from hpbot import texts
from hpbot.domain import competition, schedule
from tests.e2e.conftest import ADMIN, GROUP, LAN
from tests.e2e.harness import local

CASES = int(os.environ.get("HPBOT_FUZZ_CASES", "300"))
NASTY = [
    "25:00",
    "7h",
    "07:60",
    "",
    "24:00",
    "-1:00",
    "０７:００",
    "7:5",
    "07:00:00",
    "\u200b07:00",
    "٠٧:٠٠",
    "06:30 21:00 x",
    "‮21:00",
    "🕖",
    "null",
    "'; DROP TABLE groups; --",
    "%s%s",
    "<b>",
    "&amp;",
]


@settings(max_examples=1000, derandomize=True)
@given(st.text())
def test_parse_time_only_raises_its_own_error(text):
    try:
        value = schedule.parse_time(text)
    except schedule.TimeFormatError:
        return
    assert 0 <= value.hour <= 23 and 0 <= value.minute <= 59


@settings(max_examples=500, derandomize=True)
@given(
    st.text(max_size=60)
    | st.builds(
        lambda a, b, c: f"{a}|{b}|{c}",
        st.text(max_size=20),
        st.text(alphabet="0123456789/.- ", max_size=12),
        st.text(alphabet="0123456789/.- ", max_size=12),
    )
)
def test_competition_spec_only_raises_its_own_error(text):
    try:
        spec = competition.parse_spec(text)
    except competition.CompetitionInputError as exc:
        assert exc.reason in texts.COMP_CREATE_ERRORS
        return
    assert spec.name and spec.start <= spec.end


@settings(max_examples=300, derandomize=True)
@given(st.lists(st.text(max_size=12), max_size=4))
def test_parse_times_only_raises_value_errors(args):
    try:
        times = schedule.parse_times(args)
    except ValueError:  # TimeFormatError is a ValueError
        return
    assert times.reveal > times.post


def cases(n: int) -> list[tuple]:
    """Deterministic generated cases: (kind, payload)."""
    rng = random.Random(20261125)
    alphabet = "aăâbcdđeêghiklmnoôơpqrstuưvxy0123456789:h.-_ @/\u200b\u200f\u202e<>&*_`~" + "ạảãáàẻẽéèệ"
    commands = [
        "/caidat",
        "/bxh",
        "/dangky",
        "/toi",
        "/cauhoi",
        "/guingay",
        "/congbo",
        "/trogiup",
        "/huydangky",
        "/start",
        "/khonglenh",
        "/caidat@other_bot",
        "/thamgia",
        "/bxh cuocthi",
        "/bantin",
        "/thongke",
        "/cuocthi_tao",
        "/xuat",
        "/ketqua",
        "/cuocthi_xoa",
    ]
    out = []
    for _ in range(n):
        kind = rng.choice(
            ["command", "command", "tap", "name", "edited", "unknown_chat", "anonymous", "channel"]
        )
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        if rng.random() < 0.3:
            text = rng.choice(NASTY)
        if kind == "tap":
            data = rng.choice(
                [text[:64], f"a:{rng.randint(-5, 10**9)}:{rng.randint(-3, 9)}", "a::", "a:1", ""]
            )
            out.append(("tap", data or "x"))
        else:
            out.append((kind, f"{rng.choice(commands)} {text}".strip()))
    return out


async def test_generated_bad_input_never_breaks_the_bot(bot, fake, clock, caplog):
    await bot.reply_to(GROUP, ADMIN, "/dangky")
    await bot.reply_to(GROUP, ADMIN, "/caidat 07:00 20:00")
    clock.set(local(2026, 11, 30, 7, 0))
    await bot.tick()
    post = [m for m in fake.messages(GROUP) if m.reply_markup][0]
    fake.add_group(-777, "Nhóm lạ", admins=[ADMIN], members=[LAN])
    stranger = 424242
    fake.add_user(stranger, "‮Tên dài" * 300, "\u200b" * 50)
    fake.status[(GROUP, stranger)] = "member"
    taps = []
    caplog.set_level(logging.ERROR)
    for kind, payload in cases(CASES):
        if kind == "tap":
            taps.append(fake.tap(stranger, GROUP, post.message_id, payload)["callback_query"]["id"])
        elif kind == "unknown_chat":
            fake.command(-777, LAN, payload)
        elif kind == "channel":
            fake.raw_update(
                {
                    "channel_post": {
                        "message_id": 1,
                        "date": 0,
                        "text": payload or "x",
                        "chat": {"id": -100999, "type": "channel", "title": "Kênh"},
                        "sender_chat": {"id": -100999, "type": "channel", "title": "Kênh"},
                    }
                }
            )
        elif kind == "anonymous":
            fake.command(GROUP, None, payload, anonymous_admin=True)
        elif kind == "edited":
            fake.command(GROUP, LAN, payload, edited=True)
        else:
            fake.command(GROUP, stranger if kind == "name" else LAN, payload)
    await fake.wait_for(
        lambda: fake.updates_confirmed() and all(q in fake.callback_answers for q in taps),
        timeout=max(30, CASES / 20),
    )
    await bot.reply_to(GROUP, ADMIN, "/trogiup")  # still answering, in order after everything above
    errors = [r for r in caplog.records if "error while handling an update" in r.getMessage()]
    assert errors == [], errors[0].exc_text if errors else ""
    group = bot.hp.store.group(GROUP)
    # the admin's only valid /caidat was 07:00 20:00 (members and strangers cannot change it)
    assert (group.post_time, group.reveal_time) == ("07:00", "20:00")
    answers = bot.hp.store.db.execute("SELECT round_id, user_id, option FROM answers").fetchall()
    rnd = bot.hp.study.today_round(GROUP)
    assert all(r == rnd.id and 0 <= o <= 3 for r, _u, o in answers)
    assert len(answers) <= 1  # at most the stranger's one valid tap
    assert bot.hp.store.competitions.all() == []  # nobody here is an organizer
    assert fake.calls_to("sendDocument") == []
    assert all(m.text for m in fake.messages(GROUP))
    assert "Traceback" not in " ".join(m.text for m in fake.messages(GROUP))
