"""PNG charts (matplotlib's Agg backend, no display): a group's last 30 days, the ranking of groups, and how well
the cells answered each question of a competition.

Made for a meeting's projector and for print: 1,600 px wide (10 in at 160 dpi); titles and names wrapped at word
boundaries, never cut; the time of the figures under the title; the same percentages as the text reports (one
decimal); one grid per chart, the second axis of the activity chart on the same tick positions; legends outside
the bars. Text is set in DejaVu Sans, which matplotlib ships and which has every Vietnamese letter. Figures are
built with the object API (no pyplot state), one at a time, so rendering in a worker thread is safe.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from hpbot import texts
from hpbot.app.competitions import DayStat
from hpbot.domain.competition import GroupTotals
from hpbot.domain.units import UnitTotals
from hpbot.format import number
from hpbot.texts import units as unit_texts

FONT = "DejaVu Sans"
DPI = 160  # 10-inch figures: 1,600 px wide
WIDTH = 10.0
BLUE, GREY, ORANGE, RED = "#1f5fa8", "#d5dbe3", "#e07b00", "#b0121a"
TICKS = 6  # horizontal grid lines of the activity chart, shared by its two axes
_lock = threading.Lock()


def plain(text: str, limit: int = 40) -> str:
    """A name as chart text: single line, bounded, and '$' kept literal (matplotlib reads $…$ as math)."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("$", r"\$")


def wrapped(text: str, width: int) -> str:
    """Chart text on as many lines as it needs, broken between words (a word longer than a line stays whole);
    '$' kept literal."""
    lines = textwrap.wrap(" ".join(text.split()), width, break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines or [""]).replace("$", r"\$")


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _figure(height: float) -> Figure:
    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    figure.set_facecolor("white")
    return figure


def _title(figure: Figure, title: str, at: str | None) -> None:
    """The title, wrapped, with the time of the figures under it."""
    text = wrapped(title, 80)
    if at:
        text += "\n" + texts.CHART_AT.format(at=at)
    figure.suptitle(text, fontfamily=FONT, fontsize=13)


def outside(figure: Figure) -> list[str]:
    """The texts of a drawn figure that reach outside its canvas (nothing should)."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    box = figure.bbox
    cut = []
    for artist in figure.findobj(Text):
        if not artist.get_visible() or not artist.get_text().strip():
            continue
        extent = artist.get_window_extent(renderer)
        if (
            extent.x0 < box.x0 - 1
            or extent.y0 < box.y0 - 1
            or extent.x1 > box.x1 + 1
            or extent.y1 > box.y1 + 1
        ):
            cut.append(artist.get_text())
    return cut


def activity_figure(days: Sequence[DayStat], group_title: str, at: str | None = None) -> Figure:
    """Bars: members who answered each day (over the members at the post); line: share of right answers."""
    figure = _figure(5.6)
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
    # people on the left in whole steps, percentages on the right: both on the same TICKS positions, one grid
    most = max([1] + [max(d.members or 0, d.answers or 0) for _, d in asked])
    step = max(1, math.ceil(most * 1.1 / (TICKS - 1)))
    ax.set_ylim(0, step * (TICKS - 1))
    ax.set_yticks([step * i for i in range(TICKS)])
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
    right.set_ylim(0, 100)
    right.set_yticks([100 * i / (TICKS - 1) for i in range(TICKS)])
    right.grid(False)
    right.set_ylabel(texts.CHART_RIGHT_SHARE, fontfamily=FONT)
    every = max(1, len(days) // 10)
    ax.set_xticks(xs[::every], [d.study_date.strftime("%d/%m") for d in days][::every], fontfamily=FONT)
    ax.set_xlim(-0.7, len(days) - 0.3)
    _title(
        figure,
        texts.CHART_ACTIVITY_TITLE.format(
            group=" ".join(group_title.split()),
            start=days[0].study_date.strftime("%d/%m/%Y"),
            end=days[-1].study_date.strftime("%d/%m/%Y"),
        ),
        at,
    )
    handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    figure.legend(
        handles,
        [str(h.get_label()) for h in handles],
        loc="outside lower center",
        ncols=3,
        prop={"family": FONT, "size": 9},
        frameon=False,
    )
    ax.grid(axis="y", alpha=0.3)
    return figure


def group_activity(days: Sequence[DayStat], group_title: str, at: str | None = None) -> bytes:
    with _lock:
        return _png(activity_figure(days, group_title, at))


def _label(rank: int, title: str) -> str:
    return wrapped(f"{rank}. {title}", 34)


def _participation_bars(bars: Sequence[tuple[int, str, float, str]], title: str, at: str | None) -> Figure:
    """Horizontal bars of participation (rank, name, share 0..1, the label beside the bar), best at the top, names on
    as many lines as they need: the ranking of cells and that of units."""
    labels = [_label(rank, name) for rank, name, _, _ in bars]
    lines = sum(label.count("\n") + 1 for label in labels)
    figure = _figure(1.9 + 0.3 * max(1, lines) + 0.12 * len(bars))
    ax = figure.add_subplot()
    values = [100 * share for _, _, share, _ in bars]
    ys = list(range(len(bars)))[::-1]
    ax.barh(ys, values, color=BLUE, height=0.6)
    ax.set_yticks(ys, labels, fontfamily=FONT, fontsize=9)
    ax.set_xlim(0, 125)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xlabel(texts.CHART_PARTICIPATION, fontfamily=FONT)
    for y, value, (_, _, _, text) in zip(ys, values, bars, strict=True):
        ax.text(value + 1, y, text, va="center", fontfamily=FONT, fontsize=9)
    _title(figure, title, at)
    ax.grid(axis="x", alpha=0.3)
    return figure


def ranking_figure(
    ranked: Sequence[tuple[int, GroupTotals]], title: str, top: int = 20, at: str | None = None
) -> Figure:
    """The cells by participation rate, each labelled with its rate and mean points per member as the text reports
    write them."""
    return _participation_bars(
        [
            (
                r,
                g.title or str(g.chat_id),
                g.participation,
                texts.CHART_RANK_LABEL.format(rate=number(100 * g.participation), mean=number(g.mean_points)),
            )
            for r, g in ranked[:top]
        ],
        title,
        at,
    )


def group_ranking(
    ranked: Sequence[tuple[int, GroupTotals]], title: str, top: int = 20, at: str | None = None
) -> bytes:
    with _lock:
        return _png(ranking_figure(ranked, title, top, at))


def questions_figure(
    rates: Sequence[tuple[int, int, int]], title: str, top: int = 25, at: str | None = None
) -> Figure:
    """Horizontal bars: the share of right answers to each question across the cells, the hardest at the top
    (`rates`: question_rates of the report's days)."""
    rows = list(rates[:top])
    figure = _figure(1.9 + 0.42 * max(1, len(rows)))
    ax = figure.add_subplot()
    values = [100 * c / a for _, a, c in rows]
    ys = list(range(len(rows)))[::-1]
    ax.barh(ys, values, color=[RED if v < 50 else BLUE for v in values], height=0.6)
    ax.set_yticks(ys, [texts.CHART_QUESTION.format(number=q) for q, _, _ in rows], fontfamily=FONT)
    ax.set_xlim(0, 125)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xlabel(texts.CHART_RIGHT_SHARE, fontfamily=FONT)
    for y, value, (_, answers, correct) in zip(ys, values, rows, strict=True):
        ax.text(
            value + 1,
            y,
            texts.CHART_QUESTION_LABEL.format(rate=number(value), correct=correct, answers=answers),
            va="center",
            fontfamily=FONT,
            fontsize=9,
        )
    _title(figure, title, at)
    ax.grid(axis="x", alpha=0.3)
    return figure


def question_difficulty(rates: Sequence[tuple[int, int, int]], title: str, at: str | None = None) -> bytes:
    with _lock:
        return _png(questions_figure(rates, title, at=at))


def units_figure(
    ranked: Sequence[tuple[int, UnitTotals]], title: str, top: int = 25, at: str | None = None
) -> Figure:
    """Each higher-level unit's participation (its cells' answers ÷ the possible answers of every cell of it on the
    list), labelled with the rate and how many of its cells take part; the groups linked to no unit are left out
    (the text and the workbook show them)."""
    return _participation_bars(
        [
            (
                r,
                u.unit,
                u.participation,
                unit_texts.CHART_LABEL.format(
                    rate=number(100 * u.participation), linked=u.linked, cells=u.cells
                ),
            )
            for r, u in [(r, u) for r, u in ranked if u.unit][:top]
        ],
        title,
        at,
    )


def unit_ranking(
    ranked: Sequence[tuple[int, UnitTotals]], title: str, top: int = 25, at: str | None = None
) -> bytes:
    with _lock:
        return _png(units_figure(ranked, title, top, at))
