"""Charts: PNG at 200 dpi drawn with a CJK font; a glyph the font lacks, or no CJK font at all,
is a clear error (never tofu boxes)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from gaodi.core.errors import GaodiError
from gaodi.reports import charts, fonts
from gaodi.reports.fonts import ToolMissing
from gaodi.reports.lang import Lang

ZH = Lang("zh")


def test_completion_chart_is_a_200_dpi_png() -> None:
    png = charts.completion_chart(
        [charts.CompletionBar("智能制造标杆企业数", 0.84, 0.825, "yellow"),
         charts.CompletionBar("工业投资", None, 0.5, "no_data")], ZH)  # fmt: skip
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    dpi = image.info["dpi"]
    assert round(dpi[0]) == charts.DPI == 200
    assert image.width > 1000  # 6.3 in at 200 dpi, trimmed to the drawing


def test_trend_and_map_charts_draw() -> None:
    panel = charts.TrendPanel("新材料产业产值", "亿元", ["2023-01", "2023-02", "2023-12"],
                              [10.0, 20.0, None], [8.0, 16.0, 100.0], 100.0,
                              [("2023-02", 20.0, 20.0, 20.0), ("2023-12", 90.0, 80.0, 99.0)])  # fmt: skip
    assert charts.trend_chart([panel, panel], ZH).startswith(b"\x89PNG")
    nodes = [charts.MapNode("c", None, "工程机械", None), charts.MapNode("s", "c", "上游", None),
             charts.MapNode("l1", "s", "发动机", "weak", True),
             charts.MapNode("l2", "s", "挖掘机械", "missing")]  # fmt: skip
    assert charts.chain_map_chart(nodes, ZH).startswith(b"\x89PNG")


def test_a_glyph_the_font_lacks_is_an_error() -> None:
    with pytest.raises(GaodiError, match="glyph"):
        charts.completion_chart([charts.CompletionBar("\U0001f600 emoji", 0.5, 0.5, "green")], ZH)


def test_no_cjk_font_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "installed_fonts", lambda: {"DejaVu Sans": "/x.ttf"})
    fonts.font_set.cache_clear()
    try:
        with pytest.raises(ToolMissing) as err:
            fonts.font_set()
        assert "fonts-noto-cjk" in err.value.zh and "fonts-noto-cjk" in err.value.en
    finally:
        monkeypatch.undo()
        fonts.font_set.cache_clear()


def test_official_fonts_win_over_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    found = {"仿宋_GB2312": "/f.ttf", "黑体": "/h.ttf", "楷体_GB2312": "/k.ttf",
             "Noto Serif CJK SC": "/n.ttc", "Noto Sans CJK SC": "/s.ttc"}  # fmt: skip
    monkeypatch.setattr(fonts, "installed_fonts", lambda: found)
    fonts.font_set.cache_clear()
    try:
        chosen = fonts.font_set()
        assert (chosen.body, chosen.h1, chosen.h2, chosen.h3) == (
            "仿宋_GB2312",
            "黑体",
            "楷体_GB2312",
            "仿宋_GB2312",
        )
        assert chosen.title == "Noto Serif CJK SC"  # no 小标宋 installed: the fallback
        assert chosen.official
    finally:
        monkeypatch.undo()
        fonts.font_set.cache_clear()
