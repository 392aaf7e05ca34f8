"""The fake Bot API refuses what Telegram refuses, in Telegram's words, and still accepts the valid form.

Each test sends the raw request (aiohttp, JSON or multipart) to a started FakeTelegram, as a bot would.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from hpbot.testing import FakeTelegram, Limits
from hpbot.testing.process import FakeProcess

TOKEN = "123456:StrictFakeTestToken"
GROUP = -100200
ADMIN, MEMBER, STRANGER = 601, 602, 603

Api = Callable[..., Awaitable[tuple[int, dict]]]


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram(limits=Limits.off())
    await fake.start()
    fake.add_user(ADMIN, "Admin")
    fake.add_user(MEMBER, "Member")
    fake.add_user(STRANGER, "Stranger")
    fake.add_group(GROUP, "Group", admins=[ADMIN], members=[MEMBER])
    fake.private_chat(MEMBER)
    yield fake
    await fake.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
def api(tg: FakeTelegram, session: aiohttp.ClientSession) -> Api:
    async def call(method: str, token: str = TOKEN, **params: Any) -> tuple[int, dict]:
        async with session.post(f"{tg.base_url}{token}/{method}", json=params) as response:
            return response.status, await response.json()

    return call


def refused(answer: tuple[int, dict], description: str, code: int = 400) -> None:
    status, body = answer
    assert (status, body["ok"], body["error_code"]) == (code, False, code), body
    assert body["description"] == description, body["description"]


def accepted(answer: tuple[int, dict]) -> Any:
    status, body = answer
    assert status == 200 and body["ok"], body
    return body["result"]


async def send(api: Api, text: str, chat_id: int = GROUP, **params: Any) -> tuple[int, dict]:
    return await api("sendMessage", chat_id=chat_id, text=text, **params)


# 1. parse_mode ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["HTML", "html", "MarkdownV2", "markdownv2", "Markdown", "MARKDOWN"])
async def test_parse_modes_telegram_knows_are_accepted_in_any_case(api, mode):
    accepted(await send(api, "plain", parse_mode=mode))


@pytest.mark.parametrize("mode", ["Markdown2", "htm", "xml", "HTML5"])
async def test_an_unknown_parse_mode_is_refused(api, mode):
    refused(await send(api, "<b>x</b>", parse_mode=mode), "Bad Request: unsupported parse_mode")
    refused(
        await api("sendPhoto", chat_id=GROUP, photo="f1", caption="x", parse_mode=mode),
        "Bad Request: unsupported parse_mode",
    )


# 2. HTML tags and attributes --------------------------------------------------------------------------------
async def test_every_tag_and_attribute_telegram_takes_is_accepted(api):
    text = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>"
        '<tg-spoiler>t</tg-spoiler><span class="tg-spoiler">p</span><a href="https://example.org/?a=1&amp;b=2">'
        'a</a><code>c</code><pre>p</pre><pre><code class="language-python">x = 1</code></pre>'
        '<blockquote>q</blockquote><blockquote expandable>long</blockquote><tg-emoji emoji-id="5368324170671202286">'
        "👍</tg-emoji> &lt;&gt;&amp;&quot;&#39;&#x41;"
    )
    accepted(await send(api, text, parse_mode="HTML"))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('<b title="x">a</b>', 'Unsupported attribute "title" in the tag "b" at byte offset 0'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<span class="spoiler">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            '<a href="tg://user?id=1" target="_blank">x</a>',
            'Unsupported attribute "target" in the tag "a" at byte offset 0',
        ),
        (
            '<pre class="language-python">x</pre>',
            'Unsupported attribute "class" in the tag "pre" at byte offset 0',
        ),
        ('<code class="python">x</code>', 'Unsupported attribute "class" in the tag "code" at byte offset 0'),
        (
            '<blockquote expandable="true">x</blockquote>',
            'Unsupported attribute "expandable" in the tag "blockquote" at byte offset 0',
        ),
        (
            "<blockquote open>x</blockquote>",
            'Unsupported attribute "open" in the tag "blockquote" at byte offset 0',
        ),
        ("<tg-emoji>👍</tg-emoji>", "Invalid custom emoji identifier specified"),
        ("é<i style='x'>a</i>", 'Unsupported attribute "style" in the tag "i" at byte offset 2'),
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
    ],
)
async def test_html_telegram_cannot_parse_is_refused(api, text, problem):
    refused(await send(api, text, parse_mode="HTML"), f"Bad Request: can't parse entities: {problem}")


# 3. inline buttons ------------------------------------------------------------------------------------------
def keyboard(*buttons: dict) -> dict:
    return {"inline_keyboard": [list(buttons)]}


async def test_valid_inline_buttons_are_accepted(api):
    data = "đ" * 32  # 64 bytes of UTF-8
    markup = keyboard({"text": "A", "callback_data": data}, {"text": "Link", "url": "https://example.org"})
    accepted(await send(api, "q", reply_markup=markup))


async def test_callback_data_over_64_bytes_is_refused(api):
    refused(
        await send(api, "q", reply_markup=keyboard({"text": "A", "callback_data": "đ" * 32 + "x"})),
        "Bad Request: BUTTON_DATA_INVALID",
    )


@pytest.mark.parametrize("button", [{"text": "A"}, {"text": "A", "callback_data": ""}])
async def test_a_button_without_an_action_is_refused(api, button):
    # empty callback_data counts as absent for the Bot API (telegram-bot-api's get_inline_keyboard_button_type)
    refused(
        await send(api, "q", reply_markup=keyboard({"text": "B", "callback_data": "b"}, button)),
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    )


async def test_a_button_with_empty_text_is_refused(api):
    refused(
        await send(api, "q", reply_markup=keyboard({"text": "", "callback_data": "a"})),
        "Bad Request: inline keyboard button text must be non-empty",
    )
    refused(
        await send(api, "q", reply_markup=keyboard({"callback_data": "a"})),
        "Bad Request: can't parse inline keyboard button: Can't find field \"text\"",
    )


# 4. captions ------------------------------------------------------------------------------------------------
async def test_a_caption_of_1024_characters_after_parsing_is_accepted(api):
    accepted(
        await api(
            "sendPhoto", chat_id=GROUP, photo="f1", caption="<b>" + "x" * 1024 + "</b>", parse_mode="HTML"
        )
    )


@pytest.mark.parametrize("method, field", [("sendPhoto", "photo"), ("sendDocument", "document")])
async def test_a_caption_over_1024_characters_is_refused(api, method, field):
    refused(
        await api(method, chat_id=GROUP, **{field: "f1"}, caption="x" * 1025),
        "Bad Request: message caption is too long",
    )


async def test_a_caption_with_broken_html_is_refused_also_when_uploaded(tg, session):
    form = aiohttp.FormData()
    form.add_field("chat_id", str(GROUP))
    form.add_field("caption", "<b>Report")
    form.add_field("parse_mode", "HTML")
    form.add_field("document", b"a,b\n", filename="report.csv")
    async with session.post(f"{tg.base_url}{TOKEN}/sendDocument", data=form) as response:
        refused(
            (response.status, await response.json()),
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
        )
    assert tg.files == []  # a refused upload is not a file the bot sent


# 5. editMessageText on a message with no text ---------------------------------------------------------------
async def test_editing_the_text_of_a_photo_is_refused_but_its_keyboard_may_change(api):
    photo = accepted(await api("sendPhoto", chat_id=GROUP, photo="f1", caption="chart"))
    refused(
        await api("editMessageText", chat_id=GROUP, message_id=photo["message_id"], text="new"),
        "Bad Request: there is no text in the message to edit",
    )
    markup = keyboard({"text": "A", "callback_data": "a"})
    accepted(
        await api(
            "editMessageReplyMarkup", chat_id=GROUP, message_id=photo["message_id"], reply_markup=markup
        )
    )


# 6. "message is not modified" on the parsed text ------------------------------------------------------------
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)


async def test_not_modified_compares_the_text_as_shown_and_its_entities(api):
    markup = keyboard({"text": "A", "callback_data": "a"})
    sent = accepted(await send(api, "<b>x</b> &amp; y", parse_mode="HTML", reply_markup=markup))
    edit = {"chat_id": GROUP, "message_id": sent["message_id"], "parse_mode": "HTML"}
    refused(
        await api("editMessageText", text="<strong>x</strong> &#38; y", reply_markup=markup, **edit),
        NOT_MODIFIED,
    )
    accepted(
        await api("editMessageText", text="<i>x</i> &amp; y", reply_markup=markup, **edit)
    )  # entity changes
    accepted(await api("editMessageText", text="x &amp; y", reply_markup=markup, **edit))  # entity gone
    refused(await api("editMessageText", text="x &amp; y", reply_markup=markup, **edit), NOT_MODIFIED)


async def test_the_same_text_with_another_keyboard_is_a_modification(api):
    sent = accepted(
        await send(
            api, "<b>x</b>", parse_mode="HTML", reply_markup=keyboard({"text": "A", "callback_data": "a"})
        )
    )
    edit = {"chat_id": GROUP, "message_id": sent["message_id"], "text": "<b>x</b>", "parse_mode": "HTML"}
    accepted(await api("editMessageText", reply_markup=keyboard({"text": "B", "callback_data": "b"}), **edit))
    accepted(await api("editMessageText", **edit))  # the keyboard removed
    refused(await api("editMessageText", **edit), NOT_MODIFIED)


# 7. replies ------------------------------------------------------------------------------------------------
async def test_a_reply_to_a_message_that_does_not_exist_is_refused(tg, api):
    not_found = "Bad Request: message to be replied not found"
    refused(await send(api, "r", reply_parameters={"message_id": 999_999}), not_found)
    refused(await send(api, "r", reply_to_message_id=999_999), not_found)
    own = accepted(await send(api, "first"))
    refused(await send(api, "r", chat_id=MEMBER, reply_to_message_id=own["message_id"]), not_found)
    await api("deleteMessage", chat_id=GROUP, message_id=own["message_id"])
    refused(await send(api, "r", reply_parameters={"message_id": own["message_id"]}), not_found)


async def test_a_reply_to_an_existing_message_or_allowed_without_it_is_accepted(tg, api):
    own = accepted(await send(api, "first"))
    command = tg.command(GROUP, MEMBER, "/bxh")["message"]
    accepted(await send(api, "r", reply_parameters={"message_id": own["message_id"]}))
    accepted(await send(api, "r", reply_parameters={"message_id": command["message_id"], "chat_id": GROUP}))
    accepted(await send(api, "r", reply_to_message_id=command["message_id"]))
    accepted(
        await send(api, "r", reply_parameters={"message_id": 999_999, "allow_sending_without_reply": True})
    )
    accepted(await send(api, "r", reply_to_message_id=999_999, allow_sending_without_reply=True))
    accepted(await api("sendPhoto", chat_id=GROUP, photo="f1", reply_to_message_id=own["message_id"]))


# 8. setMyCommands -------------------------------------------------------------------------------------------
def commands(*names: str, description: str = "Does a thing") -> list[dict]:
    return [{"command": name, "description": description} for name in names]


async def test_valid_command_menus_are_accepted_and_kept_per_scope(tg, api):
    menu = commands(*(f"cmd_{i}" for i in range(100)))
    accepted(await api("setMyCommands", commands=menu, scope={"type": "all_group_chats"}))
    accepted(await api("setMyCommands", commands=commands("start", "a" * 32), description="d" * 256))
    accepted(
        await api("setMyCommands", commands=commands("start"), scope={"type": "chat", "chat_id": MEMBER})
    )
    accepted(
        await api(
            "setMyCommands", commands=commands("bxh"), scope={"type": "chat_administrators", "chat_id": GROUP}
        )
    )
    assert accepted(await api("getMyCommands", scope={"type": "all_group_chats"})) == menu
    assert accepted(await api("getMyCommands", scope={"type": "chat", "chat_id": MEMBER})) == commands(
        "start"
    )


@pytest.mark.parametrize(
    ("menu", "description"),
    [
        (commands("Start"), "Bad Request: BOT_COMMAND_INVALID"),
        (commands("with-dash"), "Bad Request: BOT_COMMAND_INVALID"),
        (commands("điểm"), "Bad Request: BOT_COMMAND_INVALID"),
        (commands("a" * 33), "Bad Request: command length must not exceed 32"),
        (commands(""), "Bad Request: command must be non-empty"),
        (commands("ok", description=""), "Bad Request: command description must be non-empty"),
        (commands("ok", description="   "), "Bad Request: command description must be non-empty"),
        (
            commands("ok", description="d" * 257),
            "Bad Request: command description length must not exceed 256",
        ),
        (commands(*(f"cmd_{i}" for i in range(101))), "Bad Request: BOT_COMMANDS_TOO_MUCH"),
    ],
)
async def test_invalid_commands_are_refused(api, menu, description):
    refused(await api("setMyCommands", commands=menu), description)


async def test_a_command_scope_for_a_chat_the_bot_never_saw_is_refused(tg, api):
    scope = {"type": "chat", "chat_id": STRANGER}  # a user who never started the private chat
    refused(
        await api("setMyCommands", commands=commands("start"), scope=scope), "Bad Request: chat not found"
    )
    refused(await api("deleteMyCommands", scope=scope), "Bad Request: chat not found")
    refused(
        await api(
            "setMyCommands", commands=commands("start"), scope={"type": "chat_administrators", "chat_id": -42}
        ),
        "Bad Request: chat not found",
    )
    tg.private_chat(STRANGER)  # /start
    accepted(await api("setMyCommands", commands=commands("start"), scope=scope))


# 9. the token -----------------------------------------------------------------------------------------------
async def test_the_first_token_is_the_bots_and_any_other_gets_401(tg, api):
    assert tg.base_url == f"http://127.0.0.1:{tg.port}/bot"
    accepted(await api("getMe"))
    for method, params in (
        ("getMe", {}),
        ("sendMessage", {"chat_id": GROUP, "text": "x"}),
        ("getUpdates", {}),
    ):
        refused(await api(method, token="654321:SomeoneElse", **params), "Unauthorized", 401)
    accepted(await send(api, "still the bot"))
    assert tg.tokens == {TOKEN, "654321:SomeoneElse"}


async def test_a_fake_given_a_token_refuses_any_other_from_the_first_request(session):
    async with FakeTelegram(token=TOKEN) as fake:
        async with session.post(f"{fake.base_url}654321:Other/getMe") as response:
            assert response.status == 401
            assert await response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        async with session.post(f"{fake.base_url}{TOKEN}/getMe") as response:
            assert response.status == 200


# 10. allowed_updates ----------------------------------------------------------------------------------------
async def test_get_updates_serves_only_the_allowed_kinds_remembered_from_the_last_call_that_said(tg, api):
    post = accepted(await send(api, "q", reply_markup=keyboard({"text": "A", "callback_data": "a"})))
    tg.message(GROUP, MEMBER, "hello")
    tg.tap(MEMBER, GROUP, post["message_id"], "a")
    tg.raw_update({"chat_member": {"chat": tg.chats[GROUP]}})
    tg.bot_added(GROUP, ADMIN)  # my_chat_member
    got = accepted(await api("getUpdates", allowed_updates=["callback_query"], timeout=0))
    assert [next(k for k in u if k != "update_id") for u in got] == ["callback_query"]
    tg.message(GROUP, MEMBER, "again")
    tg.tap(MEMBER, GROUP, post["message_id"], "a")
    got = accepted(
        await api("getUpdates", offset=got[-1]["update_id"] + 1, timeout=0)
    )  # still callback_query only
    assert [next(k for k in u if k != "update_id") for u in got] == ["callback_query"]
    tg.message(GROUP, MEMBER, "third")
    tg.raw_update({"chat_member": {"chat": tg.chats[GROUP]}})
    got = accepted(await api("getUpdates", offset=got[-1]["update_id"] + 1, allowed_updates=[], timeout=0))
    assert [next(k for k in u if k != "update_id") for u in got] == ["message"]  # the default: no chat_member
    assert tg.updates_confirmed() is False
    accepted(await api("getUpdates", offset=got[-1]["update_id"] + 1, timeout=0))
    assert tg.updates_confirmed()


# 11. getUpdates beside a webhook ----------------------------------------------------------------------------
async def test_get_updates_while_a_webhook_is_set_is_a_conflict(api):
    accepted(await api("setWebhook", url="https://example.org/hook"))
    refused(
        await api("getUpdates", timeout=0),
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        409,
    )
    accepted(await api("deleteWebhook"))
    assert accepted(await api("getUpdates", timeout=0)) == []


# 12. callback queries expire --------------------------------------------------------------------------------
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


async def test_a_callback_query_answered_too_late_is_refused(tg, api):
    assert tg.callback_ttl == 15.0
    tg.callback_ttl = 0.05
    late = tg.tap(MEMBER, GROUP, 1, "a")["callback_query"]["id"]
    await asyncio.sleep(0.1)
    refused(await api("answerCallbackQuery", callback_query_id=late), TOO_OLD)
    fresh = tg.tap(MEMBER, GROUP, 1, "a")["callback_query"]["id"]
    accepted(await api("answerCallbackQuery", callback_query_id=fresh, text="ok"))
    refused(await api("answerCallbackQuery", callback_query_id=fresh), TOO_OLD)  # answered once only


async def test_an_unknown_callback_query_is_refused(api):
    refused(await api("answerCallbackQuery", callback_query_id="no-such-query"), TOO_OLD)


# 13. flood limits, on by default ----------------------------------------------------------------------------
def test_limits_default_to_telegrams_and_off_turns_them_off():
    assert Limits() == Limits(30.0, 20, 1.0, 3)
    assert FakeTelegram().limits == Limits()
    assert Limits.off() == Limits(None, None, None)
    argv = " ".join(FakeProcess().argv)
    assert "--global-per-second 30.0 --per-chat-per-minute 20 --per-private-chat-per-second 1.0" in argv
    assert "--private-burst 3 --callback-ttl 15.0" in argv
    off = FakeProcess(limits=Limits.off(), callback_ttl=None).argv
    assert off[off.index("--global-per-second") + 1] == "0" and off[off.index("--callback-ttl") + 1] == "0"


@pytest.fixture
async def limited(session) -> AsyncIterator[Api]:
    async with FakeTelegram() as fake:
        fake.add_user(MEMBER, "Member")
        fake.private_chat(MEMBER)
        for g in range(40):
            fake.add_group(GROUP - g, f"Group {g}")

        async def call(method: str, token: str = TOKEN, **params: Any) -> tuple[int, dict]:
            async with session.post(f"{fake.base_url}{token}/{method}", json=params) as response:
                return response.status, await response.json()

        yield call


def too_many(answer: tuple[int, dict]) -> int:
    status, body = answer
    assert status == 429 and body["error_code"] == 429, body
    retry_after = body["parameters"]["retry_after"]
    assert body["description"] == f"Too Many Requests: retry after {retry_after}" and retry_after >= 1
    return retry_after


async def test_20_messages_a_minute_into_one_group(limited):
    for i in range(20):
        accepted(await send(limited, f"m{i}"))
    assert too_many(await send(limited, "one too many")) > 30
    accepted(await send(limited, "another group", chat_id=GROUP - 1))


async def test_30_messages_a_second_across_chats(limited):
    results = [await send(limited, "m", chat_id=GROUP - g) for g in range(31)]
    for answer in results[:30]:
        accepted(answer)
    assert too_many(results[30]) == 1


async def test_one_message_a_second_into_a_private_chat_after_a_short_burst(limited):
    for i in range(3):
        accepted(await send(limited, f"m{i}", chat_id=MEMBER))
    assert too_many(await send(limited, "too fast", chat_id=MEMBER)) == 1
    await asyncio.sleep(1.05)
    accepted(await send(limited, "a second later", chat_id=MEMBER))


async def test_limits_off_for_the_tests_that_need_speed(api):
    for i in range(40):
        accepted(await send(api, f"m{i}"))


# 14. getMe without optional fields --------------------------------------------------------------------------
async def test_get_me_can_answer_only_id_first_name_and_username(tg, api):
    assert accepted(await api("getMe"))["is_bot"] is True
    tg.get_me_fields = FakeTelegram.MINIMAL_GET_ME
    assert accepted(await api("getMe")) == {
        "id": tg.bot_id,
        "first_name": "hpbot",
        "username": tg.bot_username,
    }
    assert await tg.control("strictness", {"get_me_fields": None}) == {
        "callback_ttl": 15.0,
        "get_me_fields": None,
    }
    assert "can_join_groups" in accepted(await api("getMe"))


# 15. malformed updates --------------------------------------------------------------------------------------
async def test_a_malformed_update_is_served_as_queued(tg, api):
    tap = {"id": "q-raw", "from": tg.users[MEMBER], "data": "a"}  # no chat_instance, no message
    odd = {"message_id": 5, "date": 0, "chat": tg.chats[GROUP], "text": "x", "entities": "not a list"}
    tg.raw_update({"callback_query": tap})
    tg.raw_update({"message": odd})
    tg.raw_update({"future_kind_of_update": {"x": 1}})  # a kind the fake does not know is always served
    got = accepted(await api("getUpdates", allowed_updates=["message", "callback_query"], timeout=0))
    assert [u.get("callback_query") or u.get("message") or u.get("future_kind_of_update") for u in got] == [
        tap,
        odd,
        {"x": 1},
    ]
    accepted(
        await api("answerCallbackQuery", callback_query_id="q-raw")
    )  # its id is a query the bot may answer
    accepted(await send(api, "r", reply_to_message_id=5))  # and its message one it may reply to
    assert json.dumps(got)  # JSON as Telegram's


async def test_a_message_keeps_the_date_it_was_sent_in_every_tap_under_it_and_after_an_edit(
    tg, api, monkeypatch
):
    """Telegram's `date` is when the message was sent; an edit leaves it."""
    import time

    monkeypatch.setattr(time, "time", lambda: 1_764_460_800.0)
    keyboard = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    sent = accepted(await send(api, "Câu hỏi", reply_markup=keyboard))
    assert sent["date"] == 1_764_460_800
    monkeypatch.setattr(time, "time", lambda: 1_764_460_860.0)
    accepted(
        await api(
            "editMessageText",
            chat_id=GROUP,
            message_id=sent["message_id"],
            text="Câu hỏi (2)",
            reply_markup=keyboard,
        )
    )
    monkeypatch.setattr(time, "time", lambda: 1_764_460_920.0)
    tapped = tg.tap(MEMBER, GROUP, sent["message_id"], "a")["callback_query"]["message"]
    assert (tapped["date"], tapped["text"]) == (1_764_460_800, "Câu hỏi (2)")
