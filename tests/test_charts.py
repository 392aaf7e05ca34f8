"""Charts ready for a meeting: 1,600 px wide, nothing outside the canvas, titles and names wrapped (never cut),
the time of the figures shown, percentages as the text reports write them, the hardest questions first."""

import io
import warnings
from datetime import date, timedelta

from matplotlib.text import Text
from PIL import Image

from hpbot.app.competitions import DayRow, DayStat, question_rates
from hpbot.domain.competition import GroupTotals
from hpbot.reports import charts

LONG = "Cuộc thi trực tuyến tìm hiểu Văn kiện Đại hội đại biểu Đảng bộ thành phố Hải Phòng lần thứ I, nhiệm kỳ 2025 – 2030"
AT = "21:05 31/12/2026"


def texts_of(figure):
    return [t.get_text() for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]


def days(n=30):
    return [
        DayStat(date(2026, 11, 1) + timedelta(days=i), *((i % 5, i % 3, 6) if i % 4 else (None, None, None)))
        for i in range(n)
    ]


def test_every_chart_is_1600_px_wide_with_nothing_outside_its_canvas():
    ranked = [
        (
            1,
            GroupTotals(
                -1, "Chi bộ Khu dân cư số 12 — phường Hồng Bàng, quận Hồng Bàng cũ", 87, 100, 400, 10
            ),
        ),
        (2, GroupTotals(-2, "Chi bộ Khu dân cư số 12 — phường Lê Chân", 80, 100, 390, 10)),
    ]
    rows = [DayRow(date(2026, 12, 1), -1, "A", q, 10, 10, q % 7) for q in range(1, 20)]
    figures = (
        charts.activity_figure(days(), "Chi bộ Khu phố Đông Hải — Lê Chân", AT),
        charts.ranking_figure(ranked, f"Xếp hạng chi bộ — {LONG}", at=AT),
        charts.questions_figure(question_rates(rows), LONG, at=AT),
    )
    for figure in figures:
        assert charts.outside(figure) == []
        data = charts._png(figure)
        image = Image.open(io.BytesIO(data))
        assert image.size[0] == 1600 and image.size[1] >= 500
        assert any(f"Số liệu tính đến {AT}" in t for t in texts_of(figure))


def test_long_titles_and_names_are_wrapped_not_cut_and_two_cells_stay_apart():
    ranked = [
        (1, GroupTotals(-1, "Chi bộ Khu dân cư số 12 — phường Hồng Bàng", 87, 100, 400, 10)),
        (2, GroupTotals(-2, "Chi bộ Khu dân cư số 12 — phường Lê Chân", 873, 1000, 390, 10)),
    ]
    figure = charts.ranking_figure(ranked, f"Xếp hạng chi bộ — {LONG}", at=AT)
    shown = texts_of(figure)
    joined = " ".join(" ".join(t.split()) for t in shown)
    assert "…" not in joined
    assert "phường Hồng Bàng" in joined and "phường Lê Chân" in joined and "nhiệm kỳ 2025 – 2030" in joined
    assert any("\n" in t for t in shown)  # the long title took more than one line
    assert "87,3% · 39 điểm/đảng viên" in joined  # one decimal, as /ketqua writes it (not 87%)


def test_the_hardest_questions_come_first():
    rows = [
        DayRow(date(2026, 12, 1), -1, "A", 3, 10, 10, 9),
        DayRow(date(2026, 12, 2), -1, "A", 5, 10, 10, 2),
        DayRow(date(2026, 12, 2), -2, "B", 5, 10, 10, 3),
        DayRow(date(2026, 12, 3), -1, "A", 7, 10, 0, 0),  # nobody answered: not charted
    ]
    assert question_rates(rows) == [(5, 20, 5), (3, 10, 9)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = charts.question_difficulty(question_rates(rows), "Câu hỏi", AT)
    assert Image.open(io.BytesIO(png)).size[0] == 1600


def test_the_activity_chart_shares_its_grid_between_its_two_axes():
    figure = charts.activity_figure(days(), "Chi bộ", AT)
    left, right = figure.axes[0], figure.axes[1]
    lo, hi = left.get_ylim()
    left_marks = [(t - lo) / (hi - lo) for t in left.get_yticks()]
    rlo, rhi = right.get_ylim()
    right_marks = [(t - rlo) / (rhi - rlo) for t in right.get_yticks()]
    assert left_marks == right_marks and len(left_marks) == charts.TICKS
