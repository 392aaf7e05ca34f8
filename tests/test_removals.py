"""The store's memory of a group taken out of a competition (schema step 0019): written only when the group was in,
forgotten when the organizer brings it back, moved with the group to its supergroup, gone with its competition."""

from datetime import UTC, date, datetime

from hpbot.store import Store
from hpbot.store.enrolment import Enrolments

NOW = datetime(2026, 11, 30, 2, 15, tzinfo=UTC)
ORGANIZER, CELL, OTHER = 900, -100, -101


def contest() -> tuple[Store, Enrolments, int]:
    store = Store.memory()
    for chat_id in (CELL, OTHER):
        store.touch_group(chat_id, f"Chi bộ {chat_id}", "group", NOW)
        store.set_status(chat_id, "active", NOW)
    comp = store.competitions.create("Thi đua", date(2026, 11, 30), date(2026, 12, 31), ORGANIZER, NOW)
    store.competitions.join(comp.id, CELL, NOW)
    return store, Enrolments(store.db), comp.id


def test_a_removal_is_remembered_only_for_a_group_that_was_in_and_forgotten_when_cleared():
    store, table, comp = contest()
    assert table.removal(comp, CELL) is None
    assert not table.leave(comp, OTHER, ORGANIZER, NOW)  # never in: nothing to remember
    assert table.removal(comp, OTHER) is None
    assert table.leave(comp, CELL, ORGANIZER, NOW)
    removal = table.removal(comp, CELL)
    assert removal is not None and (removal.removed_by, removal.removed_at) == (ORGANIZER, NOW)
    assert not table.is_member(comp, CELL)
    assert not table.leave(comp, CELL, ORGANIZER + 1, NOW)  # out already: the first removal stands
    assert table.removal(comp, CELL).removed_by == ORGANIZER

    assert table.clear_removal(comp, CELL) and table.removal(comp, CELL) is None
    assert not table.clear_removal(comp, CELL)


def test_enrolling_every_group_forgets_only_the_removals_of_groups_back_in():
    store, table, comp = contest()
    store.competitions.join(comp, OTHER, NOW)
    table.leave(comp, CELL, ORGANIZER, NOW)
    table.leave(comp, OTHER, ORGANIZER, NOW)
    store.set_status(OTHER, "inactive", NOW)  # unsubscribed: not enrolled again
    assert store.competitions.join_all_active(comp, NOW) == 1
    assert table.clear_removals_of_members(comp) == 1
    assert table.removal(comp, CELL) is None and table.removal(comp, OTHER) is not None


def test_a_removal_moves_with_the_group_to_its_supergroup_and_goes_with_its_competition():
    store, table, comp = contest()
    table.leave(comp, CELL, ORGANIZER, NOW)
    assert store.migrate_chat(CELL, -1001, NOW)
    assert table.removal(comp, CELL) is None and table.removal(comp, -1001) is not None
    assert store.competitions.delete(comp)
    assert store.db.execute("SELECT COUNT(*) FROM competition_removals").fetchone()[0] == 0
