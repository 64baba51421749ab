"""A month's report uses only enterprise figures of a year that had ended by then; with none, its
chain and park parts say so instead of reading a later year.

The hand-made city of tests/web/seed.py holds enterprise figures for 2022 and 2023 and a plan
for 2021–2025; the city's today is 2024-03-15. Annual figures of a year are complete only after
it ends, so a report on 2022-06 may use figures up to 2021: there are none. It read the latest
year instead, and June 2022's report judged the chains and parks on 2023's figures
(企业数据年份2023, 2023年亩均效益评价), a year that had not begun. 2023-06's report reads 2022.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.reports.model import Heading, Paragraph, Report
from gaodi.reports.monthly import build_monthly
from tests.web.conftest import Site, make_site


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    clock.set_source(lambda: datetime(2024, 3, 15, 2, 0))
    made = make_site(tmp_path)
    yield made
    clock.set_source(None)
    made.engine.dispose()


def _text(report: Report) -> str:
    return "\n".join(
        [b.text for b in report.blocks if isinstance(b, Heading | Paragraph)]
        + [f"{k}：{v}" for k, v in report.provenance]
    )


def test_a_month_before_any_complete_year_reads_no_later_year(site: Site) -> None:
    with session_scope(site.engine) as s:
        report = build_monthly(s, SYSTEM, "2022-06")
    text = _text(report)
    assert "企业数据年份" not in text and "亩均效益评价（" not in text  # no year judged on
    assert "产业链发展情况" not in text and "园区亩均效益与能级" not in text
    assert "截至2022年6月尚无已结束年度的企业年度数据（现有2022—2023年）" in text


def test_a_later_month_reads_the_year_before(site: Site) -> None:
    with session_scope(site.engine) as s:
        report = build_monthly(s, SYSTEM, "2023-06")
    provenance = dict(report.provenance)
    assert "企业数据年份 2022" in provenance["产业链诊断"]
    assert "2022年亩均效益评价" in _text(report)
