"""Groups are ranked with floats where that is exact: the order and the ties must be those of the fractions."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hpbot.domain import ranking
from hpbot.domain.competition import GroupRanking, GroupTotals, group_order, rank_groups


def by_fractions(groups: list[GroupTotals]) -> list[tuple[int, int]]:
    """The reference: the rule computed with exact fractions only."""
    keyed = sorted(
        ((group_order(g), g) for g in groups),
        key=lambda kg: (-kg[0][0], -kg[0][1], kg[1].answer_ms, kg[1].chat_id),
    )
    ranks: list[tuple[int, int]] = []
    for i, (key, g) in enumerate(keyed):
        ranks.append((ranks[-1][0] if i and keyed[i - 1][0] == key else i + 1, g.chat_id))
    return ranks


def group(
    chat_id: int, answers: int, member_days: int, points: int, members: int, ms: int = 0
) -> GroupTotals:
    return GroupTotals(chat_id, f"Chi bộ {chat_id}", answers, member_days, points, members, ms)


sizes = st.integers(min_value=0, max_value=(1 << 26) - 1)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(sizes, sizes, st.integers(0, 2_000_000), st.integers(1, 5_000), st.integers(0, 3)),
        min_size=1,
        max_size=40,
    )
)
def test_the_fast_ranking_equals_the_exact_one(rows):
    groups = [group(-i - 1, min(a, d), d, p, m, ms) for i, (a, d, p, m, ms) in enumerate(rows)]
    assert [(r, g.chat_id) for r, g in rank_groups(groups)] == by_fractions(groups)


def test_fractions_a_hair_apart_and_equal_ones_keep_their_order_and_ties():
    n = (1 << 26) - 1  # the largest size the float path takes
    near = [
        group(-1, n - 1, n, 0, 1),  # (n-1)/n
        group(-2, n - 2, n - 1, 0, 1),  # (n-2)/(n-1): a hair less
        group(-3, 2 * (n - 1) // 2, n, 0, 1),  # equal to the first
        group(-4, 3, 6, 10, 2),
        group(-5, 1, 2, 5, 1),  # 1/2 and 5 points each: ties with the one before
    ]
    assert [(r, g.chat_id) for r, g in rank_groups(near)] == by_fractions(near)
    assert [r for r, _ in rank_groups(near)] == [1, 1, 3, 4, 4]
    huge = [
        group(-1, 1 << 40, (1 << 40) + 1, 0, 1),
        group(-2, (1 << 40) - 1, 1 << 40, 0, 1),
    ]  # the exact path
    assert [g.chat_id for _, g in rank_groups(huge)] == [-1, -2]
    assert Fraction(1 << 40, (1 << 40) + 1) > Fraction((1 << 40) - 1, 1 << 40)


small = st.integers(min_value=0, max_value=12)  # small numbers: many ties, equal fractions of different terms


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(small, small, small, st.integers(1, 4), st.integers(0, 2)), min_size=1, max_size=30),
    st.lists(
        st.tuples(
            st.integers(0, 40),  # which group (a new one past the first ones)
            st.booleans(),  # taken out instead
            st.tuples(small, small, small, st.integers(1, 4), st.integers(0, 2)),
        ),
        max_size=25,
    ),
)
def test_the_ranking_kept_one_group_at_a_time_equals_ranking_everything_again(start, changes):
    def make(i: int, t: tuple[int, int, int, int, int]) -> GroupTotals:
        a, d, p, m, ms = t
        return group(-i - 1, min(a, d), d, p, m, ms)

    current = {-i - 1: make(i, t) for i, t in enumerate(start)}
    kept = GroupRanking(current.values())
    for i, out, t in changes:
        g = make(i, t)
        if out:
            current.pop(g.chat_id, None)
            kept.update([], [g.chat_id])
        else:
            current[g.chat_id] = g
            kept.update([g])
        expected = rank_groups(list(current.values()))
        assert [(r, g.chat_id) for r, g in kept.ranked()] == [(r, g.chat_id) for r, g in expected]
        assert len(kept) == len(current)
        for r, g in expected:
            assert kept.rank_of(g.chat_id) == (r, g)
    assert kept.rank_of(-99) is None
    assert kept.ranked() is kept.ranked()  # nothing changed: the same list


def test_the_kept_ranking_follows_every_change_of_the_standings(tmp_path):
    """CompetitionService keeps the whole competition's group ranking and reads again only the groups that changed:
    a member count moved from one group to another, a new group, a rename to a title of the same length, a fold,
    a group taken out each show at once, and the kept ranking always equals ranking everything again."""
    from hpbot.app.competitions import CompetitionService
    from hpbot.clock import FakeClock
    from hpbot.content import load_bank
    from tests.test_reports import NOW, TZ, seeded

    store, _, comp = seeded(tmp_path)
    clock = FakeClock(NOW)
    service = CompetitionService(store, load_bank(), clock, TZ, frozenset())
    first = service.ranked_groups(comp)
    assert service.ranked_groups(comp) is first  # nothing changed: the same list, not read again

    def means() -> dict[int, float]:
        return {g.chat_id: g.mean_points for _, g in service.ranked_groups(comp)}

    before = means()
    store.db.execute("UPDATE groups SET member_count = 2 WHERE chat_id = -1")
    store.db.execute("UPDATE groups SET member_count = 6 WHERE chat_id = -2")  # the same sum: 8 members
    after = means()
    assert after != before and after[-1] > after[-2]
    assert service.ranked_groups(comp) is service.ranked_groups(comp)

    kept = service.ranked_groups(comp)
    store.touch_group(-3, "Chi bộ C", "group", NOW)
    store.competitions.join_many(comp.id, [-3], NOW)
    assert len(service.ranked_groups(comp)) == 3 and service.ranked_groups(comp) is not kept

    kept = service.ranked_groups(comp)
    store.db.execute("UPDATE groups SET title = 'Chi bộ D' WHERE chat_id = -3")  # the same length
    assert "Chi bộ D" in {g.title for _, g in service.ranked_groups(comp)}

    def fresh() -> list[tuple[int, int, str]]:
        return [(r, g.chat_id, g.title) for r, g in rank_groups(store.competitions.group_totals(comp))]

    def kept_now() -> list[tuple[int, int, str]]:
        return [(r, g.chat_id, g.title) for r, g in service.ranked_groups(comp)]

    store.db.execute(  # a day folded into one group's totals: its points and answers grow
        "UPDATE competition_group_scores SET points = points + 40, answers = answers + 1 "
        "WHERE competition_id = ? AND chat_id = -2",
        [comp.id],
    )
    assert kept_now() == fresh()
    store.db.execute("DELETE FROM competition_groups WHERE competition_id = ? AND chat_id = -3", [comp.id])
    assert kept_now() == fresh() and -3 not in {c for _, c, _ in kept_now()}
    store.db.execute(  # one more study day of the competition: every group's possible answers grow
        "INSERT INTO competition_days (competition_id, study_date) VALUES (?, '2099-01-01')", [comp.id]
    )
    assert kept_now() == fresh()
    store.migrate_chat(-2, -1002, NOW)  # the group became a supergroup: a new id in every table
    assert kept_now() == fresh() and {c for _, c, _ in kept_now()} == {-1, -1002}
    assert service.board(comp, -1, None).group == next(
        (r, g) for r, g in rank_groups(store.competitions.group_totals(comp)) if g.chat_id == -1
    )


def test_totals_with_other_contest_days_keep_every_other_field():
    from dataclasses import fields, replace

    g = GroupTotals(-7, "Chi bộ 7", 11, 40, 95, 6, 1234, 9, 10, 8, "Phường A")
    assert len(fields(g)) == 11  # a new field must be copied by with_contest_days too
    assert g.with_contest_days(12) == replace(g, contest_days=12)


def test_warming_reads_the_running_competitions_rankings_once_at_start(tmp_path):
    """At start-up the bot reads the ranking of each running competition, so the first board after a restart is
    served from the kept ranking; a competition that is over (or not begun) is left alone."""
    from datetime import UTC, date, datetime

    from hpbot.app.competitions import CompetitionService
    from hpbot.clock import FakeClock
    from hpbot.content import load_bank
    from tests.test_reports import NOW, TZ, seeded

    store, _, comp = seeded(tmp_path)  # 30/11 – 06/12
    store.competitions.create("Sau này", date(2027, 1, 4), date(2027, 1, 31), 1, NOW)
    service = CompetitionService(
        store, load_bank(), FakeClock(datetime(2026, 12, 3, 3, tzinfo=UTC)), TZ, frozenset()
    )
    assert service.warm() == 1
    read = []
    real = store.competitions.group_totals
    store.competitions.group_totals = lambda *a, **k: read.append(a) or real(*a, **k)  # type: ignore[method-assign]
    assert [g.chat_id for _, g in service.ranked_groups(comp)] and service.board(
        comp, -1, 7
    ).group is not None
    assert read == []  # nothing read again: the kept ranking


def test_a_ranking_to_read_again_is_read_apart_and_boards_meanwhile_use_the_one_before(tmp_path):
    """After the day's first reveal (a study day more: every cell's possible answers change) or a contest's common
    reveal, the next ask would rank every group again on the event loop. The bot reads those rankings on a worker
    thread after its due check; until they are in, boards are served from the ranking before, reading nothing."""
    import threading
    from datetime import UTC, datetime

    from hpbot.app.competitions import CompetitionService
    from hpbot.clock import FakeClock
    from hpbot.content import load_bank
    from tests.test_reports import TZ, seeded

    store, _, comp = seeded(tmp_path)  # 30/11 – 06/12
    service = CompetitionService(
        store, load_bank(), FakeClock(datetime(2026, 12, 3, 3, tzinfo=UTC)), TZ, frozenset()
    )
    assert service.stale_rankings() == [comp]  # never read in this process
    service.warm()
    assert service.stale_rankings() == []
    before = [(r, g.chat_id, g.contest_days) for r, g in service.ranked_groups(comp)]
    store.db.execute(  # a study day less (a day more, as the day's first reveal adds one, at the end)
        "DELETE FROM competition_days WHERE competition_id = ? AND study_date = '2026-12-06'", [comp.id]
    )
    assert service.stale_rankings() == [comp]

    read = []
    real = store.competitions.group_totals
    store.competitions.group_totals = lambda *a, **k: read.append(a) or real(*a, **k)  # type: ignore[method-assign]
    run = service.rank_apart([comp])
    assert service.stale_rankings() == []  # being read: not asked for twice
    assert [
        (r, g.chat_id, g.contest_days) for r, g in service.ranked_groups(comp)
    ] == before  # the one before
    assert service.board(comp, -1, 7).group is not None
    done: dict = {}
    worker = threading.Thread(target=lambda: done.update(run()))
    worker.start()
    worker.join()
    service.adopt(done, [comp])
    assert read == []  # read on the worker's snapshot, not by this thread's store
    now = [(r, g.chat_id, g.contest_days) for r, g in service.ranked_groups(comp)]
    fresh = [(r, g.chat_id, g.contest_days) for r, g in rank_groups(real(comp))]
    assert now == fresh and now != before  # one study day less in each cell's totals
    assert service.stale_rankings() == []

    service.rank_apart([comp])  # a worker that failed: the bot goes on, the next ask reads on the loop
    service.adopt({}, [comp])
    store.db.execute(
        "INSERT INTO competition_days (competition_id, study_date) VALUES (?, '2026-12-06')", [comp.id]
    )
    assert [(r, g.chat_id, g.contest_days) for r, g in service.ranked_groups(comp)] == [
        (r, g.chat_id, g.contest_days) for r, g in rank_groups(real(comp))
    ]


def test_a_common_reveal_that_changed_most_cells_is_read_apart_too(tmp_path):
    """At a contest's common reveal every cell folds its day at once: more than a quarter of the groups changed
    since the kept ranking, so the next ask would read every cell again; the due check reads it apart instead."""
    from datetime import UTC, datetime

    from hpbot.app.competitions import CompetitionService
    from hpbot.clock import FakeClock
    from hpbot.content import load_bank
    from tests.test_reports import TZ, seeded

    store, _, comp = seeded(tmp_path)
    service = CompetitionService(
        store, load_bank(), FakeClock(datetime(2026, 12, 3, 3, tzinfo=UTC)), TZ, frozenset()
    )
    service.warm()
    real = store.competitions.changed_groups
    store.competitions.changed_groups = lambda *a: list(range(-26, 0))  # type: ignore[method-assign]
    store.db.execute(  # a fold moves the change log on
        "UPDATE competition_group_scores SET points = points + 1 WHERE competition_id = ? AND chat_id = -1",
        [comp.id],
    )
    assert service.stale_rankings() == [comp]  # 26 changed: more than a quarter of max(2 groups, 100)
    store.competitions.changed_groups = lambda *a: list(range(-25, 0))  # type: ignore[method-assign]
    assert service.stale_rankings() == []  # 25: moved one at a time at the next ask
    store.competitions.changed_groups = real  # type: ignore[method-assign]


def test_a_copied_ranking_changes_apart_from_its_original():
    groups = [
        GroupTotals(-i, f"Chi bộ {i}", answers=i, member_days=10, points=i, members=5) for i in range(1, 6)
    ]
    original = GroupRanking(groups)
    copy = original.copy()
    copy.update([GroupTotals(-1, "Chi bộ 1", answers=10, member_days=10, points=50, members=5)], gone=[-3])
    assert [(r, g.chat_id) for r, g in original.ranked()] == [(1, -5), (2, -4), (3, -3), (4, -2), (5, -1)]
    assert [(r, g.chat_id) for r, g in copy.ranked()] == [(1, -1), (2, -5), (3, -4), (4, -2)]
    original.update([GroupTotals(-2, "Chi bộ 2", answers=0, member_days=10, points=0, members=5)])
    assert [g.chat_id for _, g in copy.ranked()] == [-1, -5, -4, -2] and len(original) == 5


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), max_size=60), st.integers(1, 7))
def test_sorting_in_parts_is_sorted_and_stable(pairs, part):
    """What `rank` and the prediction tie-break sort a city's lines with: the same order as one stable sort."""
    items = [(key, tag, place) for place, (key, tag) in enumerate(pairs)]  # equal keys, told apart by place
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ranking, "SORT_PART", part)
        assert ranking.sorted_in_parts(items, lambda item: item[:2]) == sorted(
            items, key=lambda item: item[:2]
        )
