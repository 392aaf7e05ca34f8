"""The demo's private study scene: a member opens the group's deep link, practises an item on her own schedule,
sets a reminder and her full name, and reads her progress, all in her private chat with the bot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hpbot.demo import Demo, Member


async def _say(demo: Demo, member: Member, text: str) -> Any:
    chat = member.user_id
    demo.p.person(f"{member.first_name} {member.last_name} (trò chuyện riêng)", text)
    before = demo.count(chat)
    demo.fake.command(chat, member.user_id, text)
    await demo.until(lambda: demo.count(chat) > before, f"the reply to {text}")
    from hpbot.demo import _buttons

    fresh = demo.new_messages(chat)
    for message in fresh:
        demo.p.bot(f"{member.first_name} {member.last_name}", message.text or "🖼 (ảnh)", _buttons(message))
    return fresh[0]


def _right_button(demo: Demo, message: Any) -> dict[str, str] | None:
    """The button of the right option: the demo's member knows the official answer (the bank)."""
    from hpbot.content import load_bank
    from hpbot.demo import plain

    bank = load_bank()
    shown = plain(message.text)
    item = next((i for i in bank.items if i.stem in shown), None)
    row = (message.reply_markup or {}).get("inline_keyboard", [[]])[0]
    if item is None or not row:
        return None
    for line in shown.splitlines():
        letter, _, text = line.partition(". ")
        if text.strip() == item.options[item.answer] and len(letter) == 1:
            return next((b for b in row if b["text"] == letter), None)
    return None


async def practice_scene(demo: Demo, member: Member) -> None:
    """One member's private study, after the group's day."""
    demo.p.progress("Ôn tập riêng với bot: đề cương, câu ôn theo lịch FSRS, lời nhắc, họ tên, tiến độ")
    demo.fake.private_chat(member.user_id)
    await _say(demo, member, "/start cau_1")
    served = await _say(demo, member, "/ontap")
    button = _right_button(demo, served)
    if button is not None:
        name = f"{member.first_name} {member.last_name}"
        demo.p.person(name, f"bấm [ {button['text']} ]")
        update = demo.fake.tap(member.user_id, member.user_id, served.message_id, button["callback_data"])
        query_id = update["callback_query"]["id"]
        await demo.until(lambda: query_id in demo.fake.callback_answers, "the practice toast")
        demo.p.toast(name, demo.fake.callback_answers[query_id].get("text", ""))
        await demo.until(lambda: bool(served.history), "the feedback")
        demo.p.bot(f"{name} (tin được sửa tại chỗ)", served.text)
    for text in ("/nhac 19:30", "/hoten Nguyễn Thị Lan", "/tiendo"):
        await _say(demo, member, text)
