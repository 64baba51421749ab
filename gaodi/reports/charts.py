"""Report charts: matplotlib figures rendered to PNG at 200 dpi with a CJK font.

Charts draw what the services returned (board rows, target series, chain diagnoses); they
compute nothing but positions. Each function returns PNG bytes. The font comes from
:func:`gaodi.reports.fonts.font_set`; a glyph the font lacks is an error, never a tofu box.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.typing import RcKeyType

from gaodi.core.errors import GaodiError
from gaodi.core.text_safety import clean_text
from gaodi.reports.fonts import font_set
from gaodi.reports.lang import Lang

DPI = 200
STATUS_COLOURS = {
    "green": "#1e9e4a",
    "yellow": "#e0a100",
    "red": "#d7263d",
    "not_due": "#7b9be0",
    "at_risk": "#e8590c",
    "no_data": "#b9bec6",
    "invalid": "#b9bec6",
    "missing": "#d7263d",
    "weak": "#e0a100",
    "strong": "#1e9e4a",
}
INK = "#1f2329"
GRID = "#d9dde3"
EXPECTED = "#5b6470"


@contextmanager
def _style() -> Iterator[None]:
    fonts = font_set()
    params: dict[RcKeyType, Any] = {
        "font.family": [fonts.chart],
        "axes.unicode_minus": False,
        "font.size": 9,
        "axes.edgecolor": "#8a929c",
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "svg.fonttype": "none",
    }
    with rc_context(params):
        yield


def _png(draw: Callable[[MplFigure], None], width_in: float, height_in: float) -> bytes:
    """Draw on a fresh figure and return it as PNG; a missing glyph raises."""
    with _style(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = MplFigure(figsize=(width_in, height_in), dpi=DPI)
        FigureCanvasAgg(fig)
        draw(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    if missing:
        raise GaodiError(
            f"图表字体缺少字形：{missing[0]}",
            f"The chart font lacks a glyph: {missing[0]}",
        )
    return buffer.getvalue()


def _one_line(text: str) -> str:
    """A label on one line without control characters: the chart font has no glyph for them
    (a missing glyph fails the chart, see :func:`_png`) and stored names may hold them."""
    return " ".join(clean_text(text).split())


def _short(text: str, limit: int = 18) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------- completion
@dataclass(frozen=True)
class CompletionBar:
    label: str
    completion: float | None
    expected: float | None
    status: str


def completion_chart(bars: Sequence[CompletionBar], tr: Lang) -> bytes:
    """Completion of each target (bar, coloured by its light) against 序时进度 (black tick),
    as the board page draws them."""
    n = max(1, len(bars))
    height = 0.9 + 0.28 * n

    def draw(fig: MplFigure) -> None:
        ax = fig.add_subplot(1, 1, 1)
        ys = list(range(n))[::-1]
        top = 1.2
        for y, bar in zip(ys, bars, strict=False):
            value = bar.completion if bar.completion is not None else 0.0
            ax.barh(y, value, height=0.62, color=STATUS_COLOURS.get(bar.status, "#b9bec6"))
            if bar.expected is not None:
                ax.plot([bar.expected] * 2, [y - 0.42, y + 0.42], color=INK, linewidth=1.6)
            text = "—" if bar.completion is None else f"{bar.completion:.1%}"
            ax.text(value + 0.01, y, text, va="center", fontsize=7, color=INK)
            top = max(top, value + 0.15, (bar.expected or 0) + 0.05)
        ax.set_yticks(ys, [_short(b.label, 22) for b in bars], fontsize=7.5)
        ax.set_xlim(0, min(top, 3.0))
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
        ax.grid(axis="x", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel(tr("完成率（竖线为序时进度）", "Completion (the tick marks time progress)"))
        handles = [
            _patch(STATUS_COLOURS["green"], tr("绿灯", "green")),
            _patch(STATUS_COLOURS["yellow"], tr("黄灯", "yellow")),
            _patch(STATUS_COLOURS["red"], tr("红灯", "red")),
        ]
        ax.legend(
            handles=handles,
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            ncol=3,
            fontsize=7,
            frameon=False,
        )

    return _png(draw, 6.3, height)


def _patch(colour: str, label: str) -> object:
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, label=label)


# ---------------------------------------------------------------------------- trend
@dataclass
class TrendPanel:
    """One target's path: actual and 序时进度 values by month, the target and its forecast."""

    title: str
    unit: str
    periods: list[str]
    actual: list[float | None]
    expected: list[float | None]
    target: float
    forecast: list[tuple[str, float, float | None, float | None]] = field(default_factory=list)


def trend_chart(panels: Sequence[TrendPanel], tr: Lang) -> bytes:
    """Small multiples: actual (solid) and 序时进度 (dashed) by month, the target (dotted) and
    the forecast at the deadline with its interval."""
    n = max(1, len(panels))
    cols = 1 if n == 1 else 2
    rows = math.ceil(n / cols)

    def draw(fig: MplFigure) -> None:
        for i, panel in enumerate(panels):
            ax = fig.add_subplot(rows, cols, i + 1)
            _trend_axes(ax, panel, tr)
        fig.tight_layout(h_pad=1.6, w_pad=1.4)

    return _png(draw, 6.3, 2.5 * rows)


def _trend_axes(ax: Axes, panel: TrendPanel, tr: Lang) -> None:
    index = {p: i for i, p in enumerate(panel.periods)}
    xs = list(range(len(panel.periods)))
    actual = [(x, v) for x, v in zip(xs, panel.actual, strict=True) if v is not None]
    expected = [(x, v) for x, v in zip(xs, panel.expected, strict=True) if v is not None]
    if expected:
        ax.plot(
            *zip(*expected, strict=True),
            "--",
            color=EXPECTED,
            linewidth=1.1,
            label=tr("序时进度", "time progress"),
        )
    if actual:
        ax.plot(
            *zip(*actual, strict=True),
            "-",
            color="#c8102e",
            linewidth=1.6,
            label=tr("实际", "actual"),
        )
    ax.axhline(panel.target, color=INK, linestyle=":", linewidth=1.0, label=tr("目标", "target"))
    if panel.forecast:
        last = panel.forecast[-1]
        x = index.get(last[0], len(xs) - 1)
        if last[2] is None or last[3] is None:
            # no interval was estimated (an exact fit, one value): the point, and no bar
            ax.plot(
                [x], [last[1]], "o", color="#1f5fbf", markersize=4,
                label=tr("预测（无区间）", "forecast (no interval)"),
            )  # fmt: skip
        else:
            ax.errorbar(
                [x],
                [last[1]],
                yerr=[[last[1] - last[2]], [last[3] - last[1]]],
                fmt="o",
                color="#1f5fbf",
                markersize=4,
                capsize=3,
                label=tr("预测（90%区间）", "forecast (90%)"),
            )
        if len(panel.forecast) > 1:
            first = panel.forecast[0]
            x0 = index.get(first[0], x)
            ax.plot([x0, x], [first[1], last[1]], color="#1f5fbf", linewidth=0.9, alpha=0.7)
    step = max(1, len(xs) // 6)
    ax.set_xticks(xs[::step], [panel.periods[i] for i in xs[::step]], fontsize=6.5, rotation=30)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title(_short(panel.title, 24), fontsize=8.5)
    ax.set_ylabel(panel.unit, fontsize=7)
    ax.grid(color=GRID, linewidth=0.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(fontsize=6, frameon=False, loc="best")


# ---------------------------------------------------------------------------- chains
@dataclass(frozen=True)
class ChainScore:
    name: str
    completeness: float
    strength: float


def chain_scores_chart(rows: Sequence[ChainScore], tr: Lang) -> bytes:
    """Completeness and strength of each chain (paired horizontal bars)."""
    n = max(1, len(rows))

    def draw(fig: MplFigure) -> None:
        ax = fig.add_subplot(1, 1, 1)
        ys = list(range(n))[::-1]
        ax.barh(
            [y + 0.18 for y in ys],
            [r.completeness for r in rows],
            height=0.34,
            color="#1f5fbf",
            label=tr("完整度", "completeness"),
        )
        ax.barh(
            [y - 0.18 for y in ys],
            [r.strength for r in rows],
            height=0.34,
            color="#e0a100",
            label=tr("强度", "strength"),
        )
        ax.set_yticks(ys, [_short(r.name, 14) for r in rows], fontsize=7.5)
        ax.set_xlim(0, 1.05)
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
        ax.grid(axis="x", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(fontsize=7, frameon=False, loc="lower right")

    return _png(draw, 6.3, 0.9 + 0.3 * n)


@dataclass(frozen=True)
class MapNode:
    """A node of a chain map: ``parent`` is another node's key (None for the root)."""

    key: str
    parent: str | None
    label: str
    status: str | None  # missing / weak / strong; None for the chain and segments
    key_link: bool = False


def chain_map_chart(nodes: Sequence[MapNode], tr: Lang) -> bytes:
    """The chain as a tree read left to right (chain → segments → links → sub-links), each link
    coloured by its status, key links outlined in bold."""
    children: dict[str | None, list[MapNode]] = {}
    for node in nodes:
        children.setdefault(node.parent, []).append(node)
    roots = children.get(None, [])
    position: dict[str, tuple[float, float]] = {}
    leaf = [0]
    depth_max = [0]

    def place(node: MapNode, depth: int) -> float:
        depth_max[0] = max(depth_max[0], depth)
        kids = children.get(node.key, [])
        if not kids:
            y = float(leaf[0])
            leaf[0] += 1
        else:
            ys = [place(k, depth + 1) for k in kids]
            y = (min(ys) + max(ys)) / 2
        position[node.key] = (float(depth), y)
        return y

    for root in roots:
        place(root, 0)
    leaves = max(1, leaf[0])

    def draw(fig: MplFigure) -> None:
        ax = fig.add_subplot(1, 1, 1)
        for node in nodes:
            if node.parent is None or node.parent not in position:
                continue
            x0, y0 = position[node.parent]
            x1, y1 = position[node.key]
            xm = (x0 + x1) / 2
            ax.plot([x0, xm, xm, x1], [y0, y0, y1, y1], color="#9aa3ad", linewidth=0.7, zorder=1)
        for node in nodes:
            x, y = position[node.key]
            colour = STATUS_COLOURS.get(node.status or "", "#eef0f3")
            ax.text(
                x,
                y,
                _short(node.label, 10),
                ha="center",
                va="center",
                fontsize=6.5,
                color="white" if node.status in ("missing", "strong") else INK,
                zorder=3,
                bbox={
                    "boxstyle": "round,pad=0.3",
                    "facecolor": colour,
                    "edgecolor": INK if node.key_link else "#9aa3ad",
                    "linewidth": 1.3 if node.key_link else 0.5,
                },
            )
        ax.set_xlim(-0.5, depth_max[0] + 0.5)
        ax.set_ylim(leaves - 0.5, -0.5)
        ax.axis("off")
        handles = [
            _patch(STATUS_COLOURS["strong"], tr("强链", "strong")),
            _patch(STATUS_COLOURS["weak"], tr("弱链", "weak")),
            _patch(STATUS_COLOURS["missing"], tr("缺链", "missing")),
        ]
        ax.legend(
            handles=handles,
            loc="upper right",
            fontsize=7,
            frameon=False,
            title=tr("粗框为关键环节", "bold frame: key link"),
            title_fontsize=7,
        )

    return _png(draw, 6.3, min(9.0, 0.8 + 0.26 * leaves))


# ---------------------------------------------------------------------------- classes
def class_bars_chart(labels: Sequence[str], counts: Sequence[int], tr: Lang, title: str) -> bytes:
    """Counts by class (亩均 A/B/C/D, smart levels …) as vertical bars."""

    def draw(fig: MplFigure) -> None:
        ax = fig.add_subplot(1, 1, 1)
        colours = ["#1e9e4a", "#1f5fbf", "#e0a100", "#d7263d", "#8a929c", "#5b6470"]
        xs = list(range(len(labels)))
        ax.bar(xs, counts, color=[colours[i % len(colours)] for i in xs], width=0.6)
        for x, c in zip(xs, counts, strict=True):
            ax.text(x, c, f"{c:,}", ha="center", va="bottom", fontsize=7.5)
        ax.set_xticks(xs, [_one_line(label) for label in labels], fontsize=8)
        ax.set_title(_one_line(title), fontsize=9)
        ax.grid(axis="y", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)

    return _png(draw, 5.0, 2.6)
