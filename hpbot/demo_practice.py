"""The demo's private study scenes: in the morning a member opens a deep link to the bot and reads a question of
the outline; after the reveal he browses the outline, practises on his own schedule (the item he got wrong in the
group comes back), sets a daily reminder and his full name, and reads his progress, all in his private chat."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from hpbot.demo import _buttons, callback_buttons

if TYPE_CHECKING:
    from hpbot.demo import Demo, Member


def _show(demo: Demo, member: Member, fresh: list, note: str = "") -> None:
    for message in fresh:
        demo.p.bot(member.name + note, message.text or "🖼 (ảnh: biểu đồ)", _buttons(message))


async def _say(demo: Demo, member: Member, text: str, shown_as: str | None = None, replies: int = 1) -> Any:
    """The member sends `text`; the bot's replies are shown (a second one, such as a chart, if it comes)."""
    chat = member.user_id
    demo.p.person(f"{member.name} (trò chuyện riêng)", shown_as or text)
    before = demo.count(chat)
    demo.fake.command(chat, member.user_id, text)
    await demo.until(lambda: demo.count(chat) > before, f"the reply to {text}")
    if replies > 1:
        await demo.perhaps(lambda: demo.count(chat) >= before + replies, 10.0)
    fresh = demo.new_messages(chat)
    _show(demo, member, fresh)
    return fresh[0]


async def _press(demo: Demo, member: Member, message: Any, label: str) -> bool:
    """Tap the button whose text starts with `label`; the message is edited in place (no new message)."""
    button = next((b for b in callback_buttons(message) if b["text"].startswith(label)), None)
    if button is None:
        return False
    edits = len(message.history)
    await demo.tap(member.user_id, member, message, button)
    await demo.until(lambda: len(message.history) > edits, "the edited message")
    demo.p.bot(f"{member.name} (tin được sửa tại chỗ)", message.text, _buttons(message))
    return True


async def _practise(demo: Demo, member: Member, served: Any) -> None:
    """The member taps the right option of a served item and reads the feedback, edited into the same message."""
    button = demo.right_button(served)
    if button is not None:
        await _press(demo, member, served, button["text"])


async def opening_scene(demo: Demo, member: Member) -> None:
    """Before the first post: the member opens the bot from a link and reads Câu 1 of the outline."""
    demo.p.progress(f"06:30 — đồng chí {member.name} mở trò chuyện riêng với bot từ một liên kết")
    demo.fake.private_chat(member.user_id)
    link = f"t.me/{demo.fake.bot_username}?start=cau_1"
    await _say(demo, member, "/start cau_1", shown_as=f"bấm liên kết {link} (bot nhận /start cau_1)")


async def practice_scene(demo: Demo, member: Member, day: datetime) -> None:
    """One member's private study, after the group's day."""
    demo.p.progress(
        "Ôn tập riêng với bot: đề cương, ôn tập theo lịch nhắc lại (FSRS), lời nhắc, họ tên, tiến độ"
    )
    outline = await _say(demo, member, "/decuong")
    if await _press(demo, member, outline, "Phần I:"):
        await _press(demo, member, outline, "Câu 2")
    served = await _say(demo, member, "/ontap")
    await _practise(demo, member, served)
    nxt = next((b for b in callback_buttons(served) if "tiếp theo" in b["text"]), None)
    if nxt is not None:  # the next item comes as a new message
        before = demo.count(member.user_id)
        await demo.tap(member.user_id, member, served, nxt)
        await demo.until(lambda: demo.count(member.user_id) > before, "the next item")
        fresh = demo.new_messages(member.user_id)
        _show(demo, member, fresh)
        await _practise(demo, member, fresh[-1])
    await _say(demo, member, "/tiendo", replies=2)  # the text, then its chart
    await _say(demo, member, "/nhac 21:00")
    await _say(demo, member, f"/hoten {member.name}")
    demo.p.progress("21:00 — lời nhắc ôn tập riêng mà đồng chí đã đặt")
    before = demo.count(member.user_id)
    demo.set_time(day.replace(hour=21, minute=0))
    if await demo.perhaps(lambda: demo.count(member.user_id) > before, 5.0):
        _show(demo, member, demo.new_messages(member.user_id))
