"""The park report: one true note under its enterprise table and every evaluated firm in its
Excel version (audit 6, R4); units in the report's language and shares in percent (R5, R10).

The city is tests/parks/test_service.py's hand-made one: park 甲 has four evaluated firms, all
class B, listed A1 (146.3), A2 (117.0), A4 (100.0), A3 (99.7). The service's page size and the
Word limit are made 2 and 1 here, so the four firms take two pages of the service and the Word
table shows one of them — the case of a park with more than 500 firms, in miniature.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.reports import park as park_report
from gaodi.reports.model import Table
from gaodi.reports.render import render
from tests.parks.test_service import city  # noqa: F401  (the hand-made city)
from tests.reports.conftest import docx_text


def test_every_firm_in_the_workbook_and_one_true_note(
    db: Engine,
    city: dict[str, int],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(park_report, "MAX_ENTERPRISES", 2)
    monkeypatch.setattr(park_report, "DOC_ENTERPRISES", 1)
    with session_scope(db) as s:
        report = park_report.build_park(s, SYSTEM, city["P甲"], "zh")
    sheet = load_workbook(render(report, "xlsx", tmp_path / "park.xlsx"))["参评企业"]
    names = [sheet.cell(i, 1).value for i in range(2, sheet.max_row + 1)]
    assert names == ["企业A1", "企业A2", "企业A4", "企业A3"]  # all four, best first
    text = docx_text(render(report, "docx", tmp_path / "park.docx"))
    notes = [line for line in text.splitlines() if line.startswith("注：共")]
    assert notes == ["注：共4行，此处列出前1行；完整名单见同名 Excel 报告。"], notes


def _indicators(report: park_report.Report) -> dict[str, list[object]]:
    table = next(
        b for b in report.blocks if isinstance(b, Table) and b.sheet in ("亩均指标", "Indicators")
    )
    return {str(row[0]): row[1:] for row in table.rows}


def test_indicator_units_in_the_report_language_and_shares_in_percent(
    db: Engine,
    city: dict[str, int],  # noqa: F811
) -> None:
    with session_scope(db) as s:
        zh = _indicators(park_report.build_park(s, SYSTEM, city["P甲"], "zh"))
        en = _indicators(park_report.build_park(s, SYSTEM, city["P甲"], "en"))
    # 甲's R&D spending over main revenue: A1–A3 spend 0.0302 × 20000 × m (m = 1.5, 1.2, 1.0) of
    # 20000 each; A4 (规下) reports main revenue 1500 and no R&D figure
    rd = 0.0302 * 20000 * 3.7
    shares = {rd / 60000, rd / 61500}  # with or without A4's revenue in the denominator
    unit, value, benchmark, _weight = zh["R&D经费支出占主营业务收入比重"]
    assert unit == "%" and any(value == pytest.approx(100 * x) for x in shares)
    assert benchmark == pytest.approx(3.02)  # 黄岩's divisor 0.0302, in percent
    assert zh["亩均税收"][0] == "万元/亩"
    assert en["Tax per mu"][0] == "10k yuan/mu"
    assert en["Value added per tonne of standard coal"][0] == "10k yuan/tce"
    for label, (unit, *_rest) in en.items():
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in str(unit)), (label, unit)
