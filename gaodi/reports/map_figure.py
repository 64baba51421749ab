"""The industry map in the chain and park reports: the city's districts shaded by the output of
the chain's (or the park's) enterprises, with legend and source line, as a 200-dpi PNG.

The figures come from :func:`gaodi.regions.map_service.industry_map` (scoped like the page);
the boundaries from the kept asset ``gaodi/data/geo/<city>.json``. Nothing is computed here but
positions and colours.
"""

from __future__ import annotations

import math
from typing import Any

from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Polygon
from sqlalchemy.orm import Session

from gaodi.core.errors import GaodiError
from gaodi.core.permissions import Principal
from gaodi.core.provenance import Provenance
from gaodi.regions import geo
from gaodi.regions.map_service import industry_map
from gaodi.regions.schemas_map import MapData
from gaodi.reports.charts import INK, _one_line, _png
from gaodi.reports.lang import Lang
from gaodi.reports.model import Figure, Paragraph

NO_DATA = "#e6e8eb"


def map_png(data: MapData, tr: Lang, title: str, highlight_park: int | None = None) -> bytes:
    """The districts of ``data`` shaded by ``data``'s measure, district names and values, the
    parks as points (``highlight_park`` larger), a colour bar and the source line."""
    shapes = geo.load(data.city)["features"]
    values = {d.code: d.value for d in data.districts}
    top = max((v for v in values.values() if v), default=0.0)
    norm = Normalize(vmin=0.0, vmax=top if top > 0 else 1.0)
    cmap = colormaps["Reds"]

    def draw(fig: MplFigure) -> None:
        ax = fig.add_axes((0.02, 0.12, 0.8, 0.78))
        ys = []
        for f in shapes:
            v = values.get(f["properties"]["code"])
            colour = cmap(0.1 + 0.85 * norm(v)) if v else NO_DATA
            for poly in f["geometry"]["coordinates"]:
                ring = poly[0]
                ys += [p[1] for p in ring]
                ax.add_patch(
                    Polygon(ring, closed=True, facecolor=colour, edgecolor="white", lw=0.8)
                )
            x, y = f["properties"]["center"]
            v = values.get(f["properties"]["code"])
            text = f"{f['properties']['name']}\n{'—' if v is None else f'{v:,.1f}'}"
            ax.text(x, y - 0.01, text, ha="center", va="bottom", fontsize=6.3, color=INK)
        for p in data.parks:
            big = p.id == highlight_park
            ax.plot(
                p.lng,
                p.lat,
                marker="*" if big else "o",
                ms=11 if big else 4.5,
                color="#1f5fbf",
                mec="white",
                mew=0.6,
            )
        ax.autoscale_view()
        mid = (min(ys) + max(ys)) / 2 if ys else 28.0
        ax.set_aspect(1 / math.cos(math.radians(mid)))
        ax.set_axis_off()
        ax.set_title(_one_line(title), fontsize=9.5)
        bar_ax = fig.add_axes((0.84, 0.25, 0.025, 0.5))
        from matplotlib.cm import ScalarMappable

        bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=bar_ax)
        bar.set_label(
            f"{data.label}（{data.unit}）" if tr.zh else f"{data.label} ({data.unit})", fontsize=7.5
        )
        bar.ax.tick_params(labelsize=7)
        note = tr(
            f"灰色：无数据；蓝点：园区（{data.parks[0].location_note if data.parks else ''}）。",
            "Grey: no data; blue dots: parks (placed at the district centre).",
        )
        source = data.source + (" · 示例数据" if data.is_demo else "")
        fig.text(0.02, 0.05, _one_line(note), fontsize=6.5, color="#5b6470")
        cited = Provenance.from_text(source).describe(tr.code)  # the words pages show
        fig.text(0.02, 0.005, _one_line(cited), fontsize=6.5, color="#5b6470")

    return _png(draw, 6.2, 3.4)


def district_map(
    session: Session,
    principal: Principal,
    tr: Lang,
    *,
    year: int | None = None,
    chain: int | None = None,
    park: int | None = None,
    name: str = "",
) -> Figure | Paragraph:
    """The report block: the map figure, or a paragraph saying why there is none (no
    boundaries kept for the city, no figures)."""
    try:
        data = industry_map(
            session,
            principal,
            measure="output",
            year=year,
            chain=None if chain is None else str(chain),
            park=park,
            lang=tr.code,
        )
    except GaodiError as exc:
        return Paragraph(tr("未能绘制产业地图：", "No industry map: ") + _message(exc, tr))
    try:
        geo.load(data.city)
    except GaodiError as exc:
        return Paragraph(tr("未能绘制产业地图：", "No industry map: ") + _message(exc, tr))
    if not data.has_data:
        return Paragraph(
            tr(
                f"{data.year or ''}年{name}企业没有产值数据，不绘制产业地图。",
                f"No output figures of {name} enterprises in {data.year}: no map.",
            )
        )
    title = tr(f"{name}企业产值分布（{data.year}年）", f"{name}: output by district, {data.year}")
    png = map_png(data, tr, title, highlight_park=park)
    return Figure(
        png,
        tr(f"{name}企业按区县分布的产值（亿元）", f"{name}: output by district (100m yuan)"),
        width_mm=150,
    )


def _message(exc: Any, tr: Lang) -> str:
    zh = getattr(exc, "zh", None) or str(exc)
    en = getattr(exc, "en", None) or str(exc)
    return zh if tr.zh else en
