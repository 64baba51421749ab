"""The monthly report says why, as the board does (audit D, bugs 3, 4 and 8).

- Its workbook's action sheets (行动1–7) had the numbers and no reasons: each row now has the
  light's reason and the forecast's note in the report's language (the Word and PDF tables keep
  their nine columns: the document words the reasons of the targets most at risk).
- A forecast with no estimated interval (an exact fit) was worded "90%区间3—3": the report now
  gives the point and the note instead of a zero-width interval.
- "数据截至" names the city's time zone, as the board's page and exports now do.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from gaodi.core import clock, words
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.plans import service as plans
from gaodi.reports.charts import TrendPanel, trend_chart
from gaodi.reports.lang import Lang
from gaodi.reports.monthly import build_monthly
from gaodi.reports.render import render
from gaodi.reports.sections_plan import risk_text
from tests.reports.conftest import docx_tables, docx_text

PERIOD = "2023-06"
EXACT = {lang: words.say("forecast.note_exact_fit", lang) for lang in ("zh", "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_workbook_has_every_reason_and_the_document_keeps_its_table(
    demo_engine: Engine, tmp_path: Path, lang: str
) -> None:
    tr = Lang(lang)
    with session_scope(demo_engine) as s:
        board = plans.board(s, SYSTEM, PERIOD)
        report = build_monthly(s, SYSTEM, PERIOD, lang)
    book = load_workbook(render(report, "xlsx", tmp_path / "m.xlsx"))
    notes = 0
    for action in board.actions:
        ws = book[tr(f"行动{action.number}", f"Action {action.number}")]
        header = [c.value for c in ws[1]]
        reason = header.index(tr("状态说明", "Reason"))
        note = header.index(tr("预测说明", "Forecast note"))
        cells = list(ws.iter_rows(min_row=2, values_only=True))
        assert len(cells) == len(action.rows)
        for got, r in zip(cells, action.rows, strict=True):
            assert got[reason] == tr(r.reason_zh, r.reason_en) and got[reason]
            assert (got[note] or "") == tr(r.forecast_note_zh, r.forecast_note_en)
            notes += got[note] == EXACT[lang]
    assert notes >= 1  # the demo board has exact-fit forecasts

    if lang == "zh":
        docx_path = render(report, "docx", tmp_path / "m.docx")
        tables = [t for t in docx_tables(docx_path) if t[0][:2] == ["指标", "期间"]]
        assert len(tables) == len(board.actions)
        assert all(len(t[0]) == 9 and "状态说明" not in t[0] for t in tables)


def test_an_exact_fit_is_worded_without_an_interval(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as s:
        board = plans.board(s, SYSTEM, PERIOD)
    rows = [r for a in board.actions for r in a.rows]
    exact = [r for r in rows if r.forecast is not None and r.forecast_note_zh == EXACT["zh"]]
    assert exact
    for r in exact:
        zh, en = risk_text(r, Lang("zh")), risk_text(r, Lang("en"))
        assert "区间" not in zh.replace(
            EXACT["zh"].rstrip("。"), ""
        ) and "interval" not in en.replace(EXACT["en"].rstrip("."), "")
        assert EXACT["zh"].rstrip("。") in zh and EXACT["en"].rstrip(".") in en
    estimated = [r for r in rows if r.forecast_lower is not None]
    assert estimated and "90%区间" in risk_text(estimated[0], Lang("zh"))


def test_data_as_of_names_the_city_zone(demo_engine: Engine, tmp_path: Path) -> None:
    with session_scope(demo_engine) as s:
        stamp = plans.board(s, SYSTEM, PERIOD).provenance.data_as_of
        report = build_monthly(s, SYSTEM, PERIOD)
    assert stamp is not None
    at = clock.local(datetime.fromisoformat(stamp))
    shown = dict(report.provenance)["数据截至"]
    assert shown.startswith(
        f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}（{clock.zone_label(True)}）"
    )
    assert "北京时间" in docx_text(render(report, "docx", tmp_path / "m.docx"))


def test_the_trend_chart_draws_a_forecast_without_an_interval() -> None:
    panel = TrendPanel(
        title="国家级先进制造业集群数 2021–2023", unit="个", periods=["2022-12", "2023-06"],
        actual=[2.0, None], expected=[2.5, 2.8], target=3.0,
        forecast=[("2022-12", 2.0, 2.0, 2.0), ("2023-12", 3.0, None, None)],
    )  # fmt: skip
    assert trend_chart([panel], Lang("zh")).startswith(b"\x89PNG")
