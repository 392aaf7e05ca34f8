"""Prizes: the organizer's words, who wins which class, ties, and cells by participation."""

import pytest

from hpbot.domain.awards import (
    Contender,
    PrizeInputError,
    Prizes,
    collective_awards,
    individual_awards,
    parse_prizes,
)


def member(rank, key, points=10):
    return Contender(rank, key, f"Đảng viên {key}", "Chi bộ 1", points)


def test_the_organizer_writes_prizes_with_or_without_diacritics():
    assert parse_prizes(["nhat=1", "nhì=2", "Ba=3", "khuyến khích=5", "tapthe=3"]) == Prizes(1, 2, 3, 5, 3)
    assert parse_prizes(["kk=4"]) == Prizes(consolation=4)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ([], "empty"),
        (["nhat"], "format"),
        (["hang=1"], "class"),
        (["nhat=-1"], "number"),
        (["nhat=²"], "number"),
        (["nhat=101"], "number"),
        (["nhat=0", "tapthe=0"], "none"),
    ],
)
def test_bad_prizes_are_refused_with_a_reason(args, reason):
    with pytest.raises(PrizeInputError) as info:
        parse_prizes(args)
    assert info.value.reason == reason


def test_members_win_in_ranking_order_best_class_first():
    ranked = [member(r, r) for r in range(1, 9)]
    awards = individual_awards(ranked, Prizes(first=1, second=2, third=3))
    assert [(a.prize_class, a.place, a.winner.key) for a in awards] == [
        ("first", 1, 1),
        ("second", 1, 2),
        ("second", 2, 3),
        ("third", 1, 4),
        ("third", 2, 5),
        ("third", 3, 6),
    ]


def test_a_tie_shares_the_prize_and_the_next_class_starts_after_it():
    ranked = [member(1, 1), member(2, 2), member(2, 3), member(4, 4), member(5, 5)]
    awards = individual_awards(ranked, Prizes(first=2, second=1))
    assert [(a.prize_class, a.place, a.winner.key) for a in awards] == [
        ("first", 1, 1),
        ("first", 2, 2),
        ("first", 2, 3),  # tied with the last first prize: a first prize too
        ("second", 1, 4),
    ]


def test_no_points_no_prize_and_fewer_members_than_prizes():
    ranked = [member(1, 1), member(2, 2, points=0)]
    awards = individual_awards(ranked, Prizes(first=1, second=1, consolation=5))
    assert [(a.prize_class, a.winner.key) for a in awards] == [("first", 1)]


def test_cells_win_collective_prizes_by_participation():
    cells = [
        Contender(1, -1, "Chi bộ A", "", 50, 0.9),
        Contender(2, -2, "Chi bộ B", "", 40, 0.8),
        Contender(2, -3, "Chi bộ C", "", 40, 0.8),
        Contender(4, -4, "Chi bộ D", "", 0, 0.0),
    ]
    assert [a.winner.key for a in collective_awards(cells, Prizes(collective=2))] == [-1, -2, -3]
    assert [a.winner.key for a in collective_awards(cells, Prizes(collective=9))] == [-1, -2, -3]
    assert collective_awards(cells, Prizes(first=1)) == []
