"""An indicator's proposed code reads 数 as "count" (企业数, 园区数): it must not read it inside
数字化, 数控 or 指数. Before, 芜湖's 规模以上工业企业数字化改造覆盖率 (%) became
``above_scale_industrial_firms_count`` (and, beside the real firm count, ``…_count_2``), so the
template's drop-down offered a "count" code for a percentage; 关键工序数控化率 was ``count``."""

from __future__ import annotations

import pytest

from gaodi.plans.inference import propose


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("规模以上工业企业数字化改造覆盖率", "%"),
        ("关键工序数控化率", "%"),
        ("两化融合发展指数", "-"),
        ("工业企业数据中心上云率", "%"),
    ],
)
def test_a_rate_or_an_index_is_not_coded_a_count(name: str, unit: str) -> None:
    assert "count" not in propose(name, unit).code.split("_")


def test_the_rate_and_the_firm_count_of_one_plan_get_different_codes() -> None:
    rate = propose("规模以上工业企业数字化改造覆盖率", "%").code
    firms = propose("规模以上工业企业数量", "家").code
    assert firms.endswith("count") and rate != firms
