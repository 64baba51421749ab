"""The chain report of the demo's 工程机械 chain against the chain page's own diagnosis, and
the park report against the parks page's evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from gaodi.chains import service as chains
from gaodi.core.errors import NotFoundError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.reports.chain import build_chain
from gaodi.reports.park import build_park, parks_service
from gaodi.reports.render import render
from tests.reports.conftest import docx_tables, docx_text

STATUS = {"missing": "缺链", "weak": "弱链", "strong": "强链"}


def test_chain_report_matches_the_diagnosis(demo_engine: Engine, tmp_path: Path) -> None:
    with session_scope(demo_engine) as s:
        d = chains.diagnose(s, SYSTEM, "CM")
        report = build_chain(s, SYSTEM, "CM")
    path = render(report, "docx", tmp_path / "chain.docx")
    text = docx_text(path)
    assert report.title == f"{d.chain.name}产业链发展诊断报告"
    assert f"共有环节{d.n_links}个" in text
    assert f"强链{d.n_strong}个、弱链{d.n_weak}个、缺链{d.n_missing}个" in text
    assert f"完整度{d.completeness * 100:.1f}%：" in text
    tables = docx_tables(path)
    links = next(t for t in tables if t[0][0] == "环节")
    assert len(links) == len(d.links) + 1
    for row, cells in zip(d.links, links[1:], strict=True):
        assert cells[0].strip("　★") == row.name
        assert cells[2] == f"{row.enterprises:,}"
        assert cells[6] == STATUS[row.status]
        assert cells[7] == row.reason_zh
    recs = next(t for t in tables if t[0][:2] == ["类型", "环节"])
    assert [c[1] for c in recs[1:]] == [r.link_name for r in d.recommendations]
    assert len(report.figures) == 2  # the chain map and the industry map (output by district)
    xlsx = render(report, "xlsx", tmp_path / "chain.xlsx")
    ws = load_workbook(xlsx)["环节诊断"]
    shares = [ws.cell(i, 5).value for i in range(2, ws.max_row + 1)]
    assert shares == [pytest.approx(r.output_share, rel=1e-15) if r.output_share is not None
                      else None for r in d.links]  # fmt: skip


def test_chain_office_cannot_report_on_another_chain(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as s:
        first, second = chains.list_chains(s, SYSTEM)[:2]
        office = Principal(username="o", role="chain_office", chain_ids=frozenset({first.id}))
        with pytest.raises(NotFoundError):
            build_chain(s, office, second.id)
        assert build_chain(s, office, first.id, "en").title.endswith("diagnosis report")


def test_park_report_matches_the_evaluation(demo_engine: Engine, tmp_path: Path) -> None:
    service = parks_service()
    if service is None:  # the parks feature is part of the package; this guards a partial build
        pytest.fail("gaodi.parks.service.evaluate is missing")
    with session_scope(demo_engine) as s:
        ev = service.evaluate(s, SYSTEM)
        park = ev.parks[0]
        report = build_park(s, SYSTEM, park.id)
        by_name = build_park(s, SYSTEM, park.short_name or park.name, "en")
    assert by_name.title.startswith(park.name)
    path = render(report, "docx", tmp_path / "park.docx")
    text = docx_text(path)
    assert f"参评{park.n_evaluated}家" in text and f"排第{park.rank}名" in text
    indicators = next(t for t in docx_tables(path) if t[0][0] == "指标")
    for info, cells in zip(ev.indicators, indicators[1:], strict=True):
        value = park.values[info.id]
        if info.unit == "ratio":  # a share is printed in percent (1.93, unit %), not 0.02
            assert cells[1] == "%"
            value = 100 * value
        assert cells[2] == (f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}")
    firms = next(t for t in docx_tables(path) if t[0][0] == "企业")
    assert len(firms) - 1 == min(park.n_evaluated, 100)  # Word lists the first 100
    xlsx = load_workbook(render(report, "xlsx", tmp_path / "park.xlsx"))["参评企业"]
    classes = [xlsx.cell(i, 3).value for i in range(2, xlsx.max_row + 1)]
    assert len(classes) == park.n_evaluated  # Excel has them all (≤ 500)
    assert {k: classes.count(k) for k in "ABCD"} == park.classes
    tiers = next(t for t in docx_tables(path) if t[0][:2] == ["园区", "能级"])
    assert [r[3] for r in tiers[1:]] == [f"{t.progress * 100:.1f}%" for t in park.tiers]
