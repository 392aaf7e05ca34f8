"""A member's practice progress as a PNG (/tiendo): per part of the document, items in it, met, mastered."""

from __future__ import annotations

from collections.abc import Sequence

from hpbot.reports.charts import BLUE, FONT, GREY, ORANGE, _figure, _lock, _png, plain
from hpbot.texts import practice as texts


def progress_chart(rows: Sequence[tuple[str, int, int, int]]) -> bytes:
    """Horizontal bars per part (label, items, seen, mastered): the part's items in grey, those met in blue,
    those mastered in orange."""
    with _lock:
        figure = _figure(1.4 + 0.5 * max(1, len(rows)))
        ax = figure.add_subplot()
        ys = list(range(len(rows)))[::-1]
        labels = [plain(texts.PART_BUTTON.format(roman=r[0])) for r in rows]
        ax.barh(ys, [r[1] for r in rows], color=GREY, height=0.7, label=texts.CHART_TOTAL)
        ax.barh(ys, [r[2] for r in rows], color=BLUE, height=0.5, label=texts.CHART_SEEN)
        ax.barh(ys, [r[3] for r in rows], color=ORANGE, height=0.3, label=texts.CHART_MASTERED)
        ax.set_yticks(ys, labels, fontfamily=FONT)
        ax.set_title(texts.CHART_TITLE, fontfamily=FONT, fontsize=13)
        ax.legend(loc="lower right", prop={"family": FONT}, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        return _png(figure)
