"""A database of the schema before several documents (version 9), with rounds, answers, scores and a competition,
upgrades in place to today's schema and keeps every figure; everything in it belongs to the first document."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlite_utils

from hpbot.app.competitions import CompetitionService
from hpbot.app.study import StudyService
from hpbot.clock import FakeClock
from hpbot.content import load_bank
from hpbot.domain.ranking import rank
from hpbot.domain.units import CellLine
from hpbot.store import Store
from hpbot.store.enrolment import Enrolments
from hpbot.store.migrations import applied_versions, discover, migrate
from hpbot.store.predictions import Predictions
from hpbot.store.units import Units

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
    # both groups join the competition, its totals built as the bot of schema 9 built them (schema step 0006's
    # backfill: today's store writes the columns of later steps)
    migration = next(m for m in discover() if m.version == 6).sql
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO competition_groups (competition_id, chat_id, joined_at) VALUES (1, ?, ?)",
            [(chat_id, START.isoformat()) for chat_id in GROUPS],
        )
        for statement in migration.split(";"):
            if statement.strip().startswith("INSERT INTO competition_"):
                db.execute(statement)
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
        "members": sorted(  # in no particular order: a later step's index may read them in another
            store.competitions.member_totals(comp), key=lambda m: (m.chat_id, m.standing.user_id)
        ),
        "groups": store.db.execute(  # the maintained totals (group_totals reads tables of later steps too)
            "SELECT chat_id, answers, member_days, points, answer_ms FROM competition_group_scores ORDER BY chat_id"
        ).fetchall(),
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


def test_a_version_15_database_upgrades_to_units_and_official_counts_and_keeps_its_rates(tmp_path):
    """Schema step 0016: the days each group studied and the competition's study days are backfilled, so the rates
    of a competition whose cells all studied every day stay as they were; a unit list then imports and counts."""
    bank = load_bank()
    path = tmp_path / "hpbot.sqlite3"
    db = sqlite_utils.Database(path)
    migrate(db, upto=9)
    fill_version_9(db, bank)
    migrate(db, upto=15)
    assert "days" not in {c.name for c in db["competition_group_scores"].columns}
    before = db.execute(
        "SELECT chat_id, answers, member_days FROM competition_group_scores ORDER BY chat_id"
    ).fetchall()
    assert before and all(member_days == 16 for _, _, member_days in before)  # 4 revealed days of 4 members
    db.close()

    store = Store.open(path)
    assert max(applied_versions(store.db)) >= 16
    comp = store.competitions.get(1)
    assert store.db.execute("SELECT days FROM competition_group_scores").fetchall() == [(4,), (4,)]
    assert store.competitions.contest_days(comp) == 4
    totals = {g.chat_id: (g.answers, g.possible) for g in store.competitions.group_totals(comp)}
    assert totals == {chat_id: (answers, member_days) for chat_id, answers, member_days in before}

    units = Units(store.db)
    assert units.replace(1, [CellLine(2, "Phường A", "Chi bộ A", 10, "A1")]) == (1, 0)
    assert units.link(1, "A1", GROUPS[0], START) and not units.link(1, "A1", GROUPS[1], START)
    linked = next(g for g in store.competitions.group_totals(comp) if g.chat_id == GROUPS[0])
    assert (linked.title, linked.unit, linked.official, linked.possible) == ("Chi bộ A", "Phường A", 10, 40)
    assert units.replace(1, [CellLine(2, "Phường A", "Chi bộ A (mới)", 12, "A1")]) == (1, 1)  # its group kept
    assert store.competitions.delete(1)
    assert store.db.execute("SELECT COUNT(*) FROM competition_units").fetchone()[0] == 0
    assert store.db.execute("SELECT COUNT(*) FROM competition_days").fetchone()[0] == 0
    store.close()


def test_a_version_16_database_upgrades_to_predictions_and_ranks_as_before(tmp_path):
    """Schema step 0017: a competition made before is one round with no predictions; its members rank as they did
    (points, then answer time); predictions then go in and count once the round's deadline has passed."""
    bank = load_bank()
    path = tmp_path / "hpbot.sqlite3"
    db = sqlite_utils.Database(path)
    migrate(db, upto=9)
    fill_version_9(db, bank)
    migrate(db, upto=16)
    assert "competition_predictions" not in db.table_names()
    db.close()

    store = Store.open(path)
    assert max(applied_versions(store.db)) >= 17
    comp = store.competitions.get(1)
    assert comp.round_days is None
    late = FakeClock(datetime(2026, 11, 30, 0, 0, tzinfo=UTC))  # after the deadline: 29/11 20:00
    service = CompetitionService(store, bank, late, TZ, frozenset())
    before = [(r, m.standing.user_id, m.chat_id) for r, m in service.standings(comp).members]
    assert service.standings(comp).tiebreak is not None and before
    old_rule = rank(store.competitions.member_totals(comp), lambda m: m.standing)
    assert before == [(r, m.standing.user_id, m.chat_id) for r, m in old_rule]  # nobody predicted: as before
    predictions = Predictions(store.db)
    last = before[-1][1]
    assert predictions.put(1, 1, last, 0, START) is None
    assert predictions.get(1, 1, last).value == 0
    assert store.competitions.delete(1)
    assert store.db.execute("SELECT COUNT(*) FROM competition_predictions").fetchone()[0] == 0
    store.close()


def test_a_version_18_database_upgrades_to_remembered_removals_and_keeps_its_groups(tmp_path):
    """Schema step 0019: nobody is remembered as taken out (a group taken out before the step is not known); a
    group taken out afterwards is, and the memory goes with its competition."""
    bank = load_bank()
    path = tmp_path / "hpbot.sqlite3"
    db = sqlite_utils.Database(path)
    migrate(db, upto=9)
    fill_version_9(db, bank)
    migrate(db, upto=18)
    assert "competition_removals" not in db.table_names()
    db.close()

    store = Store.open(path)
    assert max(applied_versions(store.db)) >= 19
    assert store.competitions.groups_of(1) == sorted(GROUPS)
    table = Enrolments(store.db)
    assert all(table.removal(1, chat_id) is None for chat_id in GROUPS)
    assert table.leave(1, GROUPS[0], 7, START) and table.removal(1, GROUPS[0]).removed_by == 7
    assert store.competitions.groups_of(1) == [GROUPS[1]]
    assert store.competitions.delete(1)
    assert store.db.execute("SELECT COUNT(*) FROM competition_removals").fetchone()[0] == 0
    store.close()


def test_a_version_20_database_upgrades_to_contest_calendars_and_keeps_its_totals(tmp_path):
    """Schema step 0021: a competition made before it studies every day and has no pause, so its totals are as
    they were; a calendar set afterwards recounts them, and its pauses go with the competition."""
    bank = load_bank()
    path = tmp_path / "hpbot.sqlite3"
    db = sqlite_utils.Database(path)
    migrate(db, upto=9)
    fill_version_9(db, bank)
    migrate(db, upto=20)
    assert "competition_pauses" not in db.table_names()
    before = figures(Store(db))
    db.close()

    store = Store.open(path)
    assert max(applied_versions(store.db)) >= 21
    comp = store.competitions.get(1)
    assert comp.study_days == "1234567" and store.competitions.pauses(1) == []
    assert figures(store) == before
    days = store.competitions.contest_days(comp)
    store.competitions.add_pause(1, date(2026, 11, 23), date(2026, 11, 23))  # the first Monday, in the past
    assert store.competitions.contest_days(store.competitions.get(1)) == days - 1
    assert store.competitions.delete(1)
    assert store.db.execute("SELECT COUNT(*) FROM competition_pauses").fetchone()[0] == 0
    store.close()
