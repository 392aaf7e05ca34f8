"""The order a round shows its options in: deterministic, a permutation, spread over letters, differing by group."""

from collections import Counter

from hpbot.domain import shuffle


def test_the_same_round_always_gets_the_same_order():
    assert shuffle.order(17, "q01-a") == shuffle.order(17, "q01-a")
    assert sorted(shuffle.order(17, "q01-a")) == [0, 1, 2, 3]


def test_the_right_letter_does_not_follow_the_bank():
    # a bank where the right option is always B (index 1): 41 days of one group show it under every letter
    shown = [
        shuffle.position(shuffle.order(round_id, f"q{day:02d}-a"), 1)
        for day, round_id in enumerate(range(1, 42))
    ]
    letters = Counter(shown)
    assert set(letters) == {0, 1, 2, 3}
    assert max(letters.values()) <= 20
    longest = run = 1
    for before, now in zip(shown, shown[1:], strict=False):
        run = run + 1 if before == now else 1
        longest = max(longest, run)
    assert longest <= 5


def test_two_groups_on_the_same_item_mostly_see_different_orders():
    # groups posting the same morning get consecutive round ids
    same = sum(shuffle.order(n, "q05-b") == shuffle.order(n + 1, "q05-b") for n in range(1, 201))
    assert same < 30  # one in 24 by chance


def test_position_inverts_the_order():
    order = shuffle.order(99, "x")
    assert [order[shuffle.position(order, option)] for option in range(4)] == [0, 1, 2, 3]


def test_a_rounds_order_is_drawn_once_and_read_again_by_every_tap():
    """Seeding a Random was most of a tap's own work: the order is kept (it never changes for a round)."""
    first = shuffle.order(987_654, "q03-c")
    hits = shuffle.order.cache_info().hits
    assert shuffle.order(987_654, "q03-c") == first
    assert shuffle.order.cache_info().hits == hits + 1
    assert first == shuffle.order.__wrapped__(987_654, "q03-c")  # the same as drawing it again
