"""Shortened names keep whole words, so two long names never read as the same one cut mid-word."""

from hpbot.format import short


def test_a_long_name_is_cut_after_a_whole_word():
    name = "Chi bộ Khu dân cư số 3 — phường Hồng Bàng"
    assert short(name, 80) == name
    assert short(name, 40) == "Chi bộ Khu dân cư số 3 — phường Hồng…"
    assert short("Chi bộ Khu dân cư số 12 — phường Lê Chân", 39) == "Chi bộ Khu dân cư số 12 — phường Lê…"
    assert len(short(name, 40)) <= 40


def test_a_single_long_word_is_still_bounded_and_spaces_are_folded():
    assert short("x" * 100, 10) == "x" * 9 + "…"
    assert short("  a   b  ", 10) == "a b"
    assert short("Một hai ba bốn năm sáu", 12) == "Một hai ba…"
