"""PerChatOrder's rules on their own: per-chat order, repeats coalesced, a bounded queue, and a group message whose
turn comes too late dropped (taps and private messages never are)."""

import asyncio

from telegram import Update

from hpbot.tg.transport.ordering import PerChatOrder

GROUP, PRIVATE = -100, 7


def message(update_id: int, chat: int, text: str, user: int = 7) -> Update:
    kind = "supergroup" if chat < 0 else "private"
    data = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": chat, "type": kind, "title": "Chi bộ"} if chat < 0 else {"id": chat, "type": kind},
            "from": {"id": user, "is_bot": False, "first_name": "Lan"},
            "text": text,
        },
    }
    return Update.de_json(data, None)


def tap(update_id: int, chat: int, user: int = 7) -> Update:
    data = {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "chat_instance": "1",
            "data": "a:1:0",
            "from": {"id": user, "is_bot": False, "first_name": "Lan"},
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": chat, "type": "supergroup", "title": "Chi bộ"},
            },
        },
    }
    return Update.de_json(data, None)


class Monotonic:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_group_message_whose_turn_comes_too_late_is_dropped_and_counted_handled():
    clock, handled, done = Monotonic(), [], []
    order = PerChatOrder(4, stale_after=20, monotonic=clock, on_done=done.append)
    release = asyncio.Event()

    async def slow() -> None:
        handled.append("first")
        await release.wait()
        clock.now += 21  # the first command held the chat for 21 s

    async def record(name: str) -> None:
        handled.append(name)

    first = asyncio.create_task(order.do_process_update(message(1, GROUP, "/bangxephang"), slow()))
    await asyncio.sleep(0)
    waiting = [
        asyncio.create_task(order.do_process_update(message(2, GROUP, "/trogiup"), record("late command"))),
        asyncio.create_task(order.do_process_update(tap(3, GROUP), record("tap"))),
        asyncio.create_task(order.do_process_update(message(4, PRIVATE, "/toi"), record("private"))),
    ]
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(first, *waiting)
    assert handled == [
        "first",
        "tap",
        "private",
    ]  # the tap has its own queue; the private chat was never behind
    assert sorted(done) == [1, 2, 3, 4]  # the dropped one is handled as far as the inbox is concerned


async def test_a_group_message_that_waited_less_is_answered_in_order():
    clock, handled = Monotonic(), []
    order = PerChatOrder(4, stale_after=20, monotonic=clock)

    async def step(name: str, seconds: float) -> None:
        handled.append(name)
        clock.now += seconds

    await asyncio.gather(
        order.do_process_update(message(1, GROUP, "/a"), step("a", 19)),
        order.do_process_update(message(2, GROUP, "/b"), step("b", 0)),
        order.do_process_update(message(3, GROUP, "/c"), step("c", 0)),
    )
    assert handled == ["a", "b", "c"]  # /b waited 19 s: still in time, /c likewise


async def test_the_same_command_while_it_waits_is_coalesced():
    handled = []
    order = PerChatOrder(4)
    gate = asyncio.Event()

    async def held(name: str) -> None:
        handled.append(name)
        await gate.wait()

    async def record(name: str) -> None:
        handled.append(name)

    first = asyncio.create_task(order.do_process_update(message(1, GROUP, "/trogiup"), held("1")))
    await asyncio.sleep(0)
    again = [
        asyncio.create_task(order.do_process_update(message(i, GROUP, "/trogiup"), record(str(i))))
        for i in range(2, 6)
    ]
    other = asyncio.create_task(order.do_process_update(message(9, GROUP, "/trogiup", user=8), record("9")))
    await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(first, *again, other)
    assert handled == ["1", "9"]  # another member's same command is theirs to get
