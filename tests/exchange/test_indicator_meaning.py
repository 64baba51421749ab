"""An imported indicator sheet cannot change the unit (or aggregation, kind, direction) of an
indicator that has reported values, as the indicator page and `gaodi plan indicator` refuse it
(verification of audit H #1): `import indicators --mode upsert` turned new_materials_output from
亿元 into 万元 under 32 observations and adopted targets, and a 30,000,000 万元 target could then be
adopted against values that were really 亿元. The refusal names the field in words."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core.errors import ConflictError
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.service import import_file
from gaodi.plans import service
from gaodi.plans.models import Indicator
from gaodi.plans.schemas import IndicatorUpdate
from tests.exchange.helpers import INDICATORS, load_city, write_xlsx
from tests.exchange.test_bad_rows import cells, rejected


def test_an_indicator_with_values_keeps_its_unit(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path)  # demo_output has values (OBSERVATIONS)
    rows = [INDICATORS[0], ["demo_output", "示例规模工业总产值", "万元", "年内累计", "越高越好",
                            "月度", "是"]]  # fmt: skip
    errors = rejected(db, "indicators", write_xlsx(tmp_path / "u.xlsx", {"指标 indicators": rows}),
                      mode="upsert")  # fmt: skip
    assert cells(errors) == {(2, "单位")}, cells(errors)
    assert "不能修改单位" in errors[0].reason_zh and "its unit cannot change" in errors[0].reason_en
    with session_scope(db) as s:
        assert s.scalar(select(Indicator.unit).where(Indicator.code == "demo_output")) == "亿元"
        ind = s.scalars(select(Indicator).where(Indicator.code == "demo_output")).one()
        try:
            service.update_indicator(s, SYSTEM, ind.id, IndicatorUpdate(unit="万元"))
        except ConflictError as exc:  # the page's refusal, in the same words
            assert "不能修改单位" in exc.zh and "unit" not in exc.zh
        else:
            raise AssertionError("the unit of an indicator with values was changed")
    # an indicator without values may still change its unit
    for unit, path in (("家", "n1.xlsx"), ("个", "n2.xlsx")):
        rows = [INDICATORS[0], ["demo_new", "示例新指标", unit, "时点值", "越高越好", "年度", "是"]]
        report = import_file(db, "indicators", write_xlsx(tmp_path / path, {"指标 indicators": rows}),
                             SYSTEM, mode="upsert")  # fmt: skip
    assert report.updated == 1
