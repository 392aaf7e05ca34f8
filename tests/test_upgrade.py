"""A database of the schema before several documents (version 9), with rounds, answers, scores and a competition,
upgrades in place to today's schema and keeps every figure; everything in it belongs to the first document."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlite_utils

from hpbot.app.study import StudyService
from hpbot.clock import FakeClock
from hpbot.content import load_bank
from hpbot.store import Store
from hpbot.store.migrations import applied_versions, discover, migrate

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # a Monday, 07:00 in Hai Phong
GROUPS = (-501, -502)
MEMBERS = (11, 12, 13)


def fill_version_9(db: sqlite_utils.Database, bank) -> int:
    """Five days of two groups as the bot of schema 9 wrote them, and a competition both groups joined."""
    store = Store(db)  # no migration: the tables stay as version 9 has them
    with db.atomic():
        db.execute(
            "INSERT INTO competitions (id, name, code, start_date, end_date, status, created_by, created_at) "
            "VALUES (1, 'Thi đua tháng 11', 'ABC234', '2026-11-23', '2026-11-29', 'active', 1, ?)",
            [START.isoformat()],
        )
    for chat_id in GROUPS:
        store.touch_group(chat_id, f"Chi bộ {chat_id}", "supergroup", START)
        store.set_status(chat_id, "active", START)
    for user_id in MEMBERS:
        store.touch_user(user_id, f"Đảng viên {user_id}", None, None, START)
    assert store.competitions.join_many(1, list(GROUPS), START) == 2
    questions = [q.number for q in bank.questions]
    for offset in range(5):
        day, posted = date(2026, 11, 23) + timedelta(days=offset), START + timedelta(days=offset)
        for chat_id in GROUPS:
            question = questions[offset]
            item = bank.items_for(question)[0]
            with db.atomic():
                cursor = db.execute(
                    "INSERT INTO rounds (chat_id, study_date, seq, question, item_id, status, reveal_at) "
                    "VALUES (?, ?, ?, ?, ?, 'posting', ?)",
                    [
                        chat_id,
                        day.isoformat(),
                        offset + 1,
                        question,
                        item.id,
                        (posted + timedelta(hours=13)).isoformat(),
                    ],
                )
            round_id = cursor.lastrowid
            store.mark_posted(round_id, 100 + offset, posted)
            store.set_member_count(round_id, chat_id, 4)
            rnd = store.round(round_id)
            for index, user_id in enumerate(MEMBERS[: 1 + (offset + chat_id) % 3]):
                option = item.answer if (index + offset) % 2 == 0 else (item.answer + 1) % 4
                points = 15 if option == item.answer else 0
                answered = posted + timedelta(minutes=5 + index)
                store.record_answer(rnd, user_id, option, option == item.answer, points, answered, 300_000)
            if offset < 4:  # the fifth day is still open when the bot is upgraded
                store.close_round(round_id, posted + timedelta(hours=13))
                store.finish_reveal(round_id)
    return 9


def columns_of(db: sqlite_utils.Database) -> dict[str, list[str]]:
    """The tables and their columns, as a schema has them (the later steps add columns and tables)."""
    skipped = ("schema_migrations", "sqlite_sequence")
    return {name: [c.name for c in db[name].columns] for name in db.table_names() if name not in skipped}


def snapshot(db: sqlite_utils.Database, tables: dict[str, list[str]]) -> dict[str, list[dict]]:
    """Every row of the given tables, in a stable order, with the given columns only."""
    out = {}
    for name, columns in tables.items():
        listed = ", ".join(f'"{c}"' for c in columns)
        out[name] = [dict(r) for r in db.query(f'SELECT {listed} FROM "{name}" ORDER BY {listed}')]
    return out


def figures(store: Store) -> dict:
    comp = store.competitions.get(1)
    return {
        "boards": {chat_id: store.standings(chat_id) for chat_id in GROUPS},
        "week": {
            chat_id: store.standings(chat_id, date(2026, 11, 23), date(2026, 11, 29)) for chat_id in GROUPS
        },
        "stats": {(c, u): store.member_stats(c, u) for c in GROUPS for u in MEMBERS},
        "members": store.competitions.member_totals(comp),
        "groups": store.competitions.group_totals(comp),
    }


def test_a_version_9_database_upgrades_in_place_and_keeps_every_figure(tmp_path):
    bank = load_bank()
    path = tmp_path / "hpbot.sqlite3"
    db = sqlite_utils.Database(path)
    migrate(db, upto=9)
    assert max(applied_versions(db)) == fill_version_9(db, bank)
    assert "document" not in {c.name for c in db["rounds"].columns}
    version_9 = columns_of(db)
    before, shown = snapshot(db, version_9), figures(Store(db))
    assert all(before[t] for t in ("rounds", "answers", "member_stats", "score_days", "competition_scores"))
    assert shown["members"] and shown["groups"] and any(shown["boards"].values())
    db.close()

    store = Store.open(path)  # what the bot does at start
    assert applied_versions(store.db) == {m.version for m in discover()}
    assert snapshot(store.db, version_9) == before
    assert figures(store) == shown
    documents = {
        table: {r["document"] for r in store.db.query(f"SELECT document FROM {table}")}  # noqa: S608
        for table in ("rounds", "groups", "competitions")
    }
    assert documents == {"rounds": {bank.id}, "groups": {bank.id}, "competitions": {bank.id}}
    assert bank.id == "dh-hp-2025"
    assert store.competitions.get(1).document == bank.id

    # the open round is answered and revealed as before, and the walk goes on with the next question
    clock = FakeClock(START + timedelta(days=4, hours=1))
    study = StudyService(store, bank, clock, TZ)
    open_round = study.today_round(GROUPS[0])
    assert open_round.document == bank.id and study.bank_for(open_round) is bank
    assert study.answer(open_round.id, GROUPS[0], 13, 0).outcome.value in ("recorded", "duplicate")
    clock.set(START + timedelta(days=5))
    group = store.group(GROUPS[0])
    assert group.document == bank.id
    rnd = study.start_round(group)
    assert rnd is not None and rnd.document == bank.id
    assert rnd.question == bank.questions[5].number and rnd.seq == 6
    store.close()
