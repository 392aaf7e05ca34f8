"""Private practice over a real migrated database: FSRS scheduling, exactly-once answers, the pace of new items,
group results that come back, bad input, the member's name, reminders' window, and backups that keep it all."""

import dataclasses
import sqlite3
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

import pytest

from hpbot.app import outline
from hpbot.app.practice import PAYLOAD, DocumentReason, Outcome, PracticeService, feedback_alert, fit
from hpbot.app.study import StudyService
from hpbot.backup import backup
from hpbot.clock import FakeClock
from hpbot.content import load_bank
from hpbot.domain import srs
from hpbot.format import TELEGRAM_LINK
from hpbot.store import Store
from hpbot.texts import practice as texts

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
CHAT, LAN, HUNG = -1001, 501, 502


@pytest.fixture(scope="module")
def bank():
    return load_bank()


@pytest.fixture
def world(bank):
    store = Store.memory()
    clock = FakeClock(START)
    study = StudyService(store, bank, clock, TZ)
    practice = PracticeService(study)
    practice.started(LAN)
    yield practice, clock, store
    store.close()


def buttons(screen):
    """(serve id, [callback data]) of a served item."""
    row = screen.keyboard["inline_keyboard"][0]
    return int(row[0]["callback_data"].split(":")[2]), [b["callback_data"] for b in row]


def position_of(practice, serve_id, right=True):
    serve = practice.store.serve(serve_id)
    item = practice.library.holding(serve.item_id).item(serve.item_id)
    from hpbot.app.practice import order

    shown = order(serve_id, item.id, len(item.options))
    target = item.answer if right else (item.answer + 1) % len(item.options)
    return shown.index(target), item


def answer(practice, user, screen, right=True):
    serve_id, _ = buttons(screen)
    position, item = position_of(practice, serve_id, right)
    return practice.answer(user, serve_id, position), item


def test_right_answer_is_rated_once_and_scheduled_days_ahead(world):
    practice, clock, store = world
    screen = practice.next_item(LAN)
    assert texts.KIND_NEW in screen.html and len(buttons(screen)[1]) == 4
    assert all(len(d.encode()) <= 64 for d in buttons(screen)[1])
    result, item = answer(practice, LAN, screen)
    assert result.outcome is Outcome.RIGHT
    assert "✅" in result.screen.html and item.quote[:30] in result.screen.html.replace("&quot;", '"')
    card = store.practice_card(LAN, item.id)
    assert card.due_at - clock.now() == timedelta(days=2) and card.reviews == 1
    again, _ = answer(practice, LAN, screen, right=False)  # a replayed update, a second tap
    assert again.outcome is Outcome.ANSWERED
    assert store.practice_card(LAN, item.id).reviews == 1
    assert len(store.practice_reviews(LAN, item.id)) == 1


def test_wrong_answer_comes_back_within_the_sitting(world):
    practice, clock, store = world
    first = practice.next_item(LAN)
    result, item = answer(practice, LAN, first, right=False)
    assert result.outcome is Outcome.WRONG and "❌" in result.screen.html and "10 phút" in result.screen.html
    for _ in range(srs.NEW_PER_DAY - 1):
        answer(practice, LAN, practice.next_item(LAN))
    again = practice.next_item(LAN)  # no new items left today: the wrong one, due in 10 minutes, comes now
    assert practice.store.serve(buttons(again)[0]).item_id == item.id and texts.KIND_REVIEW in again.html


def test_new_items_are_bounded_per_day_and_the_next_review_is_named(world):
    practice, clock, store = world
    for _ in range(srs.NEW_PER_DAY):
        answer(practice, LAN, practice.next_item(LAN))
    done = practice.next_item(LAN)
    assert done.keyboard is None and "03/12/2026" in done.html and "09:00" in done.html
    clock.advance(days=1)
    assert texts.KIND_NEW in practice.next_item(LAN).html  # a new day, new items


def test_stale_foreign_and_unknown_serves(world):
    practice, _, _ = world
    screen = practice.next_item(LAN)
    serve_id, _ = buttons(screen)
    assert practice.answer(HUNG, serve_id, 0).outcome is Outcome.STALE  # not his
    assert practice.answer(LAN, 10**15, 0).outcome is Outcome.STALE
    assert practice.answer(LAN, serve_id, 9).outcome is Outcome.STALE


def test_an_item_removed_from_the_bank_is_answered_clearly(world, bank):
    practice, clock, store = world
    screen = practice.next_item(LAN)
    serve_id, _ = buttons(screen)
    gone = store.serve(serve_id).item_id
    smaller = dataclasses.replace(bank, items=tuple(i for i in bank.items if i.id != gone))
    edited = PracticeService(StudyService(store, smaller, clock, TZ))
    result = edited.answer(LAN, serve_id, 0)
    assert result.outcome is Outcome.GONE and result.screen.html == texts.ITEM_GONE
    assert edited.serve_link(LAN, gone).html == texts.ITEM_GONE
    assert edited.serve_link(LAN, "no-such-item").html == texts.ITEM_GONE


def subscribed_round(practice, clock):
    study = practice.study
    study.subscribe(CHAT, "Chi bộ Khu 3", "group")
    clock.set(START.replace(hour=7))
    rnd = study.start_round(study.store.group(CHAT))
    study.posted(rnd, 42)
    return rnd


def test_an_open_rounds_item_is_never_served(world):
    practice, clock, store = world
    rnd = subscribed_round(practice, clock)
    assert practice.serve_link(LAN, rnd.item_id).html == texts.ITEM_OPEN
    for _ in range(srs.NEW_PER_DAY):
        screen = practice.next_item(LAN)
        assert store.serve(buttons(screen)[0]).item_id != rnd.item_id
        answer(practice, LAN, screen)


def test_group_results_come_back_once_and_practice_leaves_boards_alone(world, bank):
    practice, clock, store = world
    practice.started(HUNG)
    study = practice.study
    rnd = subscribed_round(practice, clock)
    item = bank.item(rnd.item_id)
    study.answer(rnd.id, CHAT, LAN, (item.answer + 1) % 4)  # wrong
    study.answer(rnd.id, CHAT, HUNG, item.answer)  # right
    clock.set(START.replace(hour=20))
    study.close(rnd)
    boards = store.db.execute("SELECT * FROM member_stats ORDER BY user_id").fetchall()
    assert practice.fold_revealed() == 1 and practice.fold_revealed() == 0
    lan = store.practice_reviews(LAN, item.id)
    assert [(r["rating"], r["source"]) for r in lan] == [(1, "group")]
    assert store.practice_card(HUNG, item.id) is None  # right in the group: nothing to repair
    screen = practice.next_item(LAN)
    assert store.serve(buttons(screen)[0]).item_id == item.id  # due since the wrong answer
    answer(practice, LAN, screen)
    assert store.db.execute("SELECT * FROM member_stats ORDER BY user_id").fetchall() == boards

    # the next day HUNG does not answer: the item enters his practice as due
    clock.set(START.replace(hour=7) + timedelta(days=1))
    rnd2 = study.start_round(store.group(CHAT))
    study.posted(rnd2, 43)
    clock.set(START.replace(hour=20) + timedelta(days=1))
    study.close(rnd2)
    practice.fold_revealed()
    assert store.practice_card(HUNG, rnd2.item_id).due_at <= clock.now()
    assert practice.document_for(HUNG) == (bank, DocumentReason.GROUP)


def test_member_in_no_group_practises_the_first_document(world, bank):
    practice, _, _ = world
    assert practice.document_for(LAN) == (bank, DocumentReason.NO_GROUP)
    assert texts.DOCUMENT_NO_GROUP in practice.next_item(LAN).html


def test_full_name_is_checked_and_kept(world):
    practice, _, store = world
    assert practice.set_full_name(LAN, "  Nguyễn   Thị Lan ") == "Nguyễn Thị Lan"
    assert store.full_name(LAN) == "Nguyễn Thị Lan"
    for bad in ("x", "<b>Lan</b>", "Lan 123", "A" * 81):
        assert practice.set_full_name(LAN, bad) is None
    assert store.full_name(LAN) == "Nguyễn Thị Lan"


def test_reminders_due_in_their_window_once_a_day(world):
    practice, clock, store = world
    practice.set_reminder(LAN, "19:30")
    clock.set(START.replace(hour=19, minute=29))
    assert practice.reminders_due() == []
    clock.set(START.replace(hour=19, minute=30))
    assert practice.reminders_due() == [LAN]
    assert store.claim_reminder(LAN, practice.today()) and not store.claim_reminder(LAN, practice.today())
    assert practice.reminders_due() == []
    clock.set(START.replace(hour=22, minute=0) + timedelta(days=1))
    assert practice.reminders_due() == []  # more than two hours late: skipped that day
    store.mark_blocked(LAN, clock.now())
    clock.set(START.replace(hour=19, minute=45) + timedelta(days=2))
    assert practice.reminders_due() == []


def test_progress_and_outline(world, bank):
    practice, clock, _ = world
    assert practice.progress(LAN) is None
    answer(practice, LAN, practice.next_item(LAN))
    html, rows = practice.progress(LAN)
    assert "Đã gặp: <b>1</b>" in html and sum(r[2] for r in rows) == 1
    from hpbot.reports.progress import progress_chart

    assert progress_chart(rows).startswith(b"\x89PNG")
    longest = max(bank.questions, key=lambda q: len(q.answer_text()))
    first = outline.question(bank, longest.number)
    datas = [b["callback_data"] for row in first.keyboard["inline_keyboard"] for b in row]
    assert f"p:q:{bank.id}:{longest.number}:2" in datas and all(len(d.encode()) <= 64 for d in datas)
    assert outline.question(bank, 999) is None and outline.part(bank, 99) is None
    assert len(outline.root(bank).keyboard["inline_keyboard"]) == len(bank.parts)


def test_backup_keeps_the_practice_tables(tmp_path, bank):
    db_path = tmp_path / "live.sqlite3"
    store = Store.open(db_path)
    practice = PracticeService(StudyService(store, bank, FakeClock(START), TZ))
    practice.started(LAN)
    answer(practice, LAN, practice.next_item(LAN))
    store.close()
    backup(db_path, tmp_path / "copy.sqlite3")
    with sqlite3.connect(tmp_path / "copy.sqlite3") as conn:
        for table in ("practice_members", "practice_cards", "practice_serves", "practice_reviews"):
            assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] >= 1  # noqa: S608


def test_the_toast_tells_the_verdict_and_the_right_answer_within_200_characters(world):
    practice, _, _ = world
    result, item = answer(practice, LAN, practice.next_item(LAN))
    assert result.toast.startswith("✅ Đúng rồi! Đáp án ") and item.options[item.answer][:40] in result.toast
    wrong, item2 = answer(practice, LAN, practice.next_item(LAN), right=False)
    assert wrong.toast.startswith("❌ Chưa đúng. Đáp án đúng: ")
    assert len(wrong.toast) <= 200 and len(result.toast) <= 200
    long = "✅ Đúng rồi! Đáp án B. " + "rất dài " * 60
    for wait in (5.0, 61.0, None):
        alert = feedback_alert(long, wait)
        assert len(alert) <= 200 and alert.startswith("✅ Đúng rồi!") and "…" in alert
    assert "sau khoảng 1 phút" in feedback_alert("✅", 61.0)
    assert "sau khoảng 5 giây" in feedback_alert("✅", 5.0)
    assert "bấm lại đáp án" in feedback_alert("✅", None)
    assert fit("x" * 250) == "x" * 199 + "…" and fit("ngắn") == "ngắn"


def test_reveal_links_and_question_payloads(bank):
    item = bank.items_for(12)[0]
    read, again = outline.reveal_links("hpbot_hp_bot", bank, 12, item.id)
    assert read["url"] == f"{TELEGRAM_LINK}hpbot_hp_bot?start=cau_12_{bank.id}"
    assert again["url"] == f"{TELEGRAM_LINK}hpbot_hp_bot?start=ontap_{item.id}"
    assert again["text"] == texts.BUTTON_PRACTISE_AGAIN
    assert all(PAYLOAD.match(b["url"].split("start=")[1]) for b in (read, again))
    assert outline.reveal_links("b", bank, 12, "x" * 70) == [
        read | {"url": read["url"].replace("hpbot_hp_bot", "b")}
    ]
    assert outline.from_payload(f"cau_12_{bank.id}") == (12, bank.id)
    assert outline.from_payload("cau_12") == (12, None)
    for bad in ("cau_", "cau_x", "cau_١٢", "cau_1234567", "ontap_12"):
        assert outline.from_payload(bad) is None


@pytest.fixture
def two_documents(tmp_path, monkeypatch):
    from hpbot.content import load_library
    from tests.test_documents import new_document

    new_document(tmp_path / "content", monkeypatch)
    library = load_library()
    store = Store.open(tmp_path / "hpbot.sqlite3")
    clock = FakeClock(START)
    practice = PracticeService(StudyService(store, library, clock, TZ))
    practice.started(LAN)
    yield practice, clock, store, library
    store.close()


def test_a_member_of_groups_on_two_documents_can_pick_one(two_documents):
    from tests.test_documents import SLUG

    practice, clock, store, library = two_documents
    first, second = library.first, library.get(SLUG)
    study = practice.study
    study.subscribe(-1, "Chi bộ 1", "group")
    study.subscribe(-2, "Chi bộ 2", "group")
    store.set_group_document(-2, SLUG, clock.now())
    clock.set(START.replace(hour=7))
    rounds = []
    for chat_id, minute in ((-1, 1), (-2, 2)):  # LAN answers in both groups, in -2 last
        rnd = study.start_round(store.group(chat_id))
        study.posted(rnd, 40 + minute)
        clock.set(START.replace(hour=7, minute=minute))
        study.answer(rnd.id, chat_id, LAN, 0)
        rounds.append(rnd)
    clock.set(START.replace(hour=21))
    for rnd in rounds:  # the day's results count at the reveal
        study.close(rnd)
    bank, reason = practice.document_for(LAN)
    assert reason is DocumentReason.SEVERAL and bank.id == SLUG  # the group answered in last
    screen = practice.next_item(LAN)
    assert texts.DOCUMENT_SEVERAL in screen.html
    choices = [row[0]["callback_data"] for row in screen.keyboard["inline_keyboard"][1:]]
    assert choices == [f"p:d:{first.id}"]  # the other document, as a button under the options

    chosen = practice.choose_document(LAN, first.id.upper())  # /ontap DH-HP-2025
    assert practice.document_for(LAN) == (first, DocumentReason.CHOSEN)
    assert texts.DOCUMENT_CHOSEN in chosen.html and escape(first.document.title) in chosen.html
    assert store.serve(buttons(chosen)[0]).item_id in {i.id for i in first.items}
    rows = chosen.keyboard["inline_keyboard"][1:]
    assert [r[0]["callback_data"] for r in rows] == [f"p:d:{SLUG}", "p:g"]  # the other one, or the group's
    assert outline.root(practice.document_for(LAN)[0]).html.count(escape(first.document.title)) == 1

    unknown = practice.choose_document(LAN, "<không-có>")
    assert "&lt;không-có&gt;" in unknown.html and f"<code>{SLUG}</code>" in unknown.html
    assert unknown.keyboard is None and practice.document_for(LAN)[0] is first  # nothing changed

    again = practice.choose_document(LAN, "nhom")
    assert practice.document_for(LAN) == (second, DocumentReason.SEVERAL) and again.keyboard is not None


def test_a_member_in_one_group_sees_how_to_practise_another_document(two_documents):
    practice, clock, store, library = two_documents
    study = practice.study
    study.subscribe(-1, "Chi bộ 1", "group")
    clock.set(START.replace(hour=7))
    rnd = study.start_round(store.group(-1))
    study.posted(rnd, 41)
    study.answer(rnd.id, -1, LAN, 0)
    clock.set(START.replace(hour=21))
    study.close(rnd)
    screen = practice.next_item(LAN)
    assert practice.document_for(LAN)[1] is DocumentReason.GROUP
    from tests.test_documents import SLUG

    assert f"Ôn tài liệu khác: <code>/ontap {SLUG}</code>" in screen.html
    assert len(screen.keyboard["inline_keyboard"]) == 1  # the options only: the group's document
    nobody = practice.next_item(HUNG)  # in no group: the first document, the others offered as buttons
    assert texts.DOCUMENT_NO_GROUP in nobody.html and len(nobody.keyboard["inline_keyboard"]) == 2


def test_a_member_who_blocked_the_bot_is_written_to_again_once_they_come_back(world):
    practice, clock, store = world
    practice.started(LAN)  # already recorded: nothing to write
    assert not store.practice_member(LAN).blocked
    store.mark_blocked(LAN, clock.now())
    assert store.practice_member(LAN).blocked
    practice.started(LAN)  # a tap or a command in private: they unblocked the bot
    assert not store.practice_member(LAN).blocked
