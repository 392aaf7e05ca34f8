"""PNG charts (matplotlib's Agg backend, no display): a group's last 30 days and the ranking of groups.

Text is set in DejaVu Sans, which matplotlib ships and which has every Vietnamese letter. Figures are built with
the object API (no pyplot state), one at a time, so rendering in a worker thread is safe.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import AutoLocator

from hpbot import texts
from hpbot.app.competitions import DayStat
from hpbot.domain.competition import GroupTotals
from hpbot.format import number

FONT = "DejaVu Sans"
DPI = 100
BLUE, GREY, ORANGE = "#1f5fa8", "#d5dbe3", "#e07b00"
_lock = threading.Lock()


def plain(text: str, limit: int = 40) -> str:
    """A name as chart text: single line, bounded, and '$' kept literal (matplotlib reads $…$ as math)."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("$", r"\$")


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    figure.set_facecolor("white")
    return figure


def group_activity(days: Sequence[DayStat], group_title: str) -> bytes:
    """Bars: members who answered each day (over the members at the post); line: share of right answers."""
    with _lock:
        figure = _figure(10, 5.4)
        ax = figure.add_subplot()
        xs = list(range(len(days)))
        asked = [(x, d) for x, d in zip(xs, days, strict=True) if d.answers is not None]
        ax.bar(
            [x for x, _ in asked],
            [d.members or 0 for _, d in asked],
            color=GREY,
            width=0.8,
            label=texts.CHART_MEMBERS,
        )
        ax.bar(
            [x for x, _ in asked],
            [d.answers or 0 for _, d in asked],
            color=BLUE,
            width=0.55,
            label=texts.CHART_ANSWERED,
        )
        ax.set_ylabel(texts.CHART_PEOPLE, fontfamily=FONT)
        ax.set_ylim(0, max([1] + [max(d.members or 0, d.answers or 0) for _, d in asked]) * 1.15)
        people_ticks = AutoLocator()  # the axis' default locator, set explicitly so that it is typed as one
        people_ticks.set_params(integer=True)
        ax.yaxis.set_major_locator(people_ticks)
        right = ax.twinx()
        shares = [(x, 100 * (d.correct or 0) / d.answers) for x, d in asked if d.answers]
        right.plot(
            [x for x, _ in shares],
            [s for _, s in shares],
            color=ORANGE,
            marker="o",
            linewidth=2,
            label=texts.CHART_RIGHT_SHARE,
        )
        right.set_ylim(0, 105)
        right.set_ylabel(texts.CHART_RIGHT_SHARE, fontfamily=FONT)
        step = max(1, len(days) // 10)
        ax.set_xticks(xs[::step], [d.study_date.strftime("%d/%m") for d in days][::step], fontfamily=FONT)
        ax.set_xlim(-0.7, len(days) - 0.3)
        ax.set_title(
            texts.CHART_ACTIVITY_TITLE.format(
                group=plain(group_title),
                start=days[0].study_date.strftime("%d/%m/%Y"),
                end=days[-1].study_date.strftime("%d/%m/%Y"),
            ),
            fontfamily=FONT,
            fontsize=13,
        )
        handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
        ax.legend(
            handles,
            [str(h.get_label()) for h in handles],
            loc="upper left",
            prop={"family": FONT},
            fontsize=9,
        )
        ax.grid(axis="y", alpha=0.3)
        return _png(figure)


def group_ranking(ranked: Sequence[tuple[int, GroupTotals]], title: str, top: int = 20) -> bytes:
    """Horizontal bars of participation rate, best at the top, each labelled with its mean points per member."""
    shown = list(ranked[:top])
    with _lock:
        figure = _figure(10, 1.6 + 0.42 * max(1, len(shown)))
        ax = figure.add_subplot()
        labels = [f"{r}. {plain(g.title or str(g.chat_id), 34)}" for r, g in shown]
        values = [100 * g.participation for _, g in shown]
        ys = list(range(len(shown)))[::-1]
        ax.barh(ys, values, color=BLUE, height=0.6)
        ax.set_yticks(ys, labels, fontfamily=FONT)
        ax.set_xlim(0, 118)
        ax.set_xlabel(texts.CHART_PARTICIPATION, fontfamily=FONT)
        for y, value, (_, g) in zip(ys, values, shown, strict=True):
            ax.text(
                value + 1,
                y,
                texts.CHART_RANK_LABEL.format(rate=number(value, 0), mean=number(g.mean_points)),
                va="center",
                fontfamily=FONT,
                fontsize=9,
            )
        ax.set_title(plain(title, 90), fontfamily=FONT, fontsize=13)
        ax.grid(axis="x", alpha=0.3)
        return _png(figure)
