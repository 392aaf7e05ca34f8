"""Groups are ranked with floats where that is exact: the order and the ties must be those of the fractions."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from hpbot.domain.competition import GroupTotals, group_order, rank_groups


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


def test_the_kept_ranking_follows_every_change_of_the_standings(tmp_path):
    """CompetitionService keeps the whole competition's group ranking while the standings' version stays the same;
    a fold, a member count moved from one group to another, a new group, or the time bound each bring a new one."""
    from hpbot.app.competitions import RANKING_KEPT, CompetitionService
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
    store.db.execute(
        "UPDATE groups SET title = 'Chi bộ D' WHERE chat_id = -3"
    )  # same length: not in the sums
    assert service.ranked_groups(comp) is kept
    clock.advance(seconds=RANKING_KEPT.total_seconds() + 1)
    assert "Chi bộ D" in {g.title for _, g in service.ranked_groups(comp)}
