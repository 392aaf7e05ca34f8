"""The SQLite store: migrations, first-answer-wins, exactly-once scoring at reveal, supergroup migration."""

import time
from datetime import UTC, date, datetime, timedelta

import sqlite_utils

from hpbot.store import Store
from hpbot.store.migrations import discover, migrate

NOW = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
DAY = date(2026, 11, 25)


def new_round(store, chat_id=-100, day=DAY, question=1, item="q01-a"):
    store.touch_group(chat_id, "Chi bộ 1", "group", NOW)
    store.set_status(chat_id, "active", NOW)
    rnd = store.insert_round(chat_id, day, question, item, NOW + timedelta(hours=13))
    store.mark_posted(rnd.id, 10 + rnd.seq, NOW)
    return store.round(rnd.id)


def test_fresh_database_has_every_migration(tmp_path):
    store = Store.open(tmp_path / "a.sqlite3")
    versions = [
        r["version"] for r in store.db.query("SELECT version FROM schema_migrations ORDER BY version")
    ]
    assert versions == [m.version for m in discover()]
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_old_database_upgrades_in_place_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite_utils.Database(path)
    migrate(db, upto=1)
    assert "score_days" not in db.table_names()
    with db.atomic():
        db.execute("INSERT INTO groups (chat_id, title, status) VALUES (-5, 'Chi bộ cũ', 'active')")
        db.execute("INSERT INTO users (user_id, first_name) VALUES (7, 'Lan')")
        db.execute(
            "INSERT INTO rounds (id, chat_id, study_date, seq, question, item_id, status, reveal_at) "
            "VALUES (1, -5, '2026-11-20', 1, 1, 'q01-a', 'revealed', '2026-11-20T13:00:00+00:00')"
        )
        db.execute("INSERT INTO answers VALUES (1, 7, -5, 2, 1, '2026-11-20T01:00:00+00:00', 60000, 15)")
    db.close()

    store = Store.open(path)
    rows = list(store.db.query("SELECT * FROM score_days"))
    assert rows == [
        {
            "chat_id": -5,
            "user_id": 7,
            "study_date": "2026-11-20",
            "points": 15,
            "answer_ms": 60000,
            "correct": 1,
            "answered_at": "2026-11-20T01:00:00+00:00",
        }
    ]
    assert store.group(-5).title == "Chi bộ cũ"
    assert "migrated_to" in store.db["groups"].columns_dict


def test_one_round_per_group_per_day():
    store = Store.memory()
    new_round(store)
    assert store.insert_round(-100, DAY, 2, "q02-a", NOW) is None


def test_first_answer_counts_and_later_taps_report_it():
    store = Store.memory()
    rnd = new_round(store)
    assert store.record_answer(rnd, 1, 2, True, 15, NOW, 1000) == (True, 2)
    assert store.record_answer(rnd, 1, 0, False, 0, NOW, 2000) == (False, 2)
    assert store.round(rnd.id).answer_count == 1


def test_closed_round_stores_nothing():
    store = Store.memory()
    rnd = new_round(store)
    assert store.close_round(rnd.id, NOW)
    assert store.record_answer(rnd, 1, 2, True, 15, NOW, 1000) == (False, -1)
    assert list(store.db.query("SELECT * FROM answers")) == []


def test_scores_fold_in_once_even_if_close_is_called_twice():
    store = Store.memory()
    rnd = new_round(store)
    store.record_answer(rnd, 1, 2, True, 15, NOW, 1000)
    assert store.close_round(rnd.id, NOW)
    assert not store.close_round(rnd.id, NOW)
    assert store.member_stats(-100, 1)["points"] == 15


def test_streaks_and_boards_follow_reveals():
    store = Store.memory()
    for i in range(3):
        rnd = new_round(store, day=DAY + timedelta(days=i), question=i + 1, item=f"q0{i + 1}-a")
        store.record_answer(rnd, 1, 0, True, 15, NOW, 1000)
        if i != 1:
            store.record_answer(rnd, 2, 1, False, 0, NOW, 500)
        store.close_round(rnd.id, NOW)
    stats1, stats2 = store.member_stats(-100, 1), store.member_stats(-100, 2)
    assert (stats1["streak"], stats1["best_streak"]) == (3, 3)
    assert (stats2["streak"], stats2["best_streak"]) == (1, 1)
    week = {s.user_id: s for s in store.standings(-100, DAY, DAY + timedelta(days=6))}
    assert week[1].points == 45 and week[2].answers == 2
    just_first_day = {s.user_id: s.points for s in store.standings(-100, DAY, DAY)}
    assert just_first_day == {1: 15, 2: 0}


def test_migration_moves_everything_to_the_new_id():
    store = Store.memory()
    rnd = new_round(store)
    store.record_answer(rnd, 1, 0, True, 15, NOW, 1000)
    store.close_round(rnd.id, NOW)
    store.touch_group(-200, "", "supergroup", NOW)  # the new id seen first, with no history
    assert store.migrate_chat(-100, -200, NOW)
    assert store.group(-200).status == "active"
    assert store.group(-100).status == "migrated"
    assert store.member_stats(-200, 1)["points"] == 15
    assert store.round(rnd.id).chat_id == -200
    assert store.migrate_chat(-100, -200, NOW) is False  # the second service message changes nothing


def test_a_known_name_is_not_written_again_a_changed_one_is(tmp_path):
    store = Store.open(tmp_path / "n.sqlite3")
    store.touch_user(7, "Lan", None, "lan", NOW)
    store.touch_user(7, "Lan", None, "lan", NOW + timedelta(hours=1))  # every tap of a member: no write
    row = store.db.execute("SELECT first_name, updated_at FROM users WHERE user_id = 7").fetchone()
    assert row == ("Lan", NOW.isoformat(timespec="milliseconds"))
    store.touch_user(7, "Nguyễn Thị Lan", None, "lan", NOW + timedelta(hours=2))
    assert (
        store.db.execute("SELECT first_name FROM users WHERE user_id = 7").fetchone()[0] == "Nguyễn Thị Lan"
    )


def test_wal_checkpoints_run_off_the_writing_connection(tmp_path):
    """The writer never checkpoints (no commit waits for the disk); the checkpointer's thread copies the log into
    the database file, and stops with the store."""
    path = tmp_path / "c.sqlite3"
    store = Store.open(path, checkpoint_every=0.05)
    assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    checkpointer = store.checkpointer
    runs = checkpointer.runs
    while checkpointer.runs < runs + 2:  # the migrations are in the file
        time.sleep(0.01)
    size = path.stat().st_size
    runs = checkpointer.runs
    with store.db.atomic():
        store.db.conn.executemany(
            "INSERT INTO users (user_id, first_name) VALUES (?, ?)",
            [(u, "Đảng viên " + "x" * 500) for u in range(1, 501)],
        )
    assert path.with_name(path.name + "-wal").stat().st_size > 250_000  # the commit went to the log
    deadline = time.monotonic() + 10  # a checkpoint counts itself once it has copied the log
    while (
        path.stat().st_size <= size + 250_000 or checkpointer.runs <= runs
    ) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert path.stat().st_size > size + 250_000
    assert checkpointer.runs > runs
    store.close()
    assert not checkpointer.running
    reopened = Store.open(path)
    assert reopened.db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 500
    reopened.close()


async def test_the_updates_handled_in_one_turn_of_the_loop_are_marked_in_one_transaction(tmp_path):
    """A transaction per mark cost a tenth of the bot's database time at 1,000 taps/s: the marks of one turn of the
    event loop are written together at its end, before the next batch is recorded, and at shutdown."""
    import asyncio

    from hpbot.app.inbox import UpdateInbox
    from hpbot.clock import FakeClock

    store = Store.open(tmp_path / "inbox.sqlite3")
    inbox = UpdateInbox(store, FakeClock(datetime(2026, 12, 3, 7, 0, tzinfo=UTC)))
    assert len(inbox.receive([{"update_id": i, "message": {"text": "x"}} for i in range(1, 51)])) == 50
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    for update_id in range(1, 51):
        inbox.done(update_id)
    assert statements == []  # not yet: at the end of this turn of the loop
    await asyncio.sleep(0)
    assert statements.count("BEGIN") == 1
    assert store.db.execute("SELECT COUNT(*) FROM inbox WHERE done_at IS NULL").fetchone()[0] == 0
    store.db.conn.set_trace_callback(None)

    assert len(inbox.receive([{"update_id": 51}, {"update_id": 52}])) == 2
    inbox.done(51)
    assert inbox.receive([{"update_id": 53}])  # the next batch is recorded after the mark before it
    assert [r[0] for r in store.db.execute("SELECT update_id FROM inbox WHERE done_at IS NULL")] == [52, 53]
    inbox.done(52)
    inbox.flush()  # at shutdown, before the database closes
    assert inbox.next_offset() == 54 and [u for u, _, _ in store.inbox.pending()] == [53]
    store.close()
