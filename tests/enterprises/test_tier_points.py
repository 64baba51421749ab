"""The enterprise page shows a scored tier item by item (issue [11]): each item of the
创新型中小企业 points table with the points the figures earn, and a range where a figure is
missing, so a reader can see where a total comes from.

The firm (hand-computed against gaodi/analytics/rules/tiers/innovative_sme.yaml):
- 2023 revenue 3,000 万元, R&D 90 万元 → R&D intensity 3 % → the ≥ 3 % row: 15 of 20;
- main-business revenue 1,600 → 1,800 万元 → growth 12.5 % → the ≥ 10 % row: 15 of 20;
- debt ratio 0.60 → between 55 % and 75 %: 5 of 10;
- no intellectual-property facts → unknown: anything from 0 to 20.
"""

from __future__ import annotations

import random

from sqlalchemy.engine import Engine

from gaodi.core.codes import make_uscc
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.enterprises import service
from gaodi.enterprises.models import Enterprise, EnterpriseYear


def test_points_item_by_item(db: Engine) -> None:
    with session_scope(db) as s:
        e = Enterprise(
            uscc=make_uscc("430104", random.Random(3)), name="示例计分企业", is_demo=True
        )
        s.add(e)
        s.flush()
        s.add(EnterpriseYear(enterprise_id=e.id, year=2022, revenue=2800, main_revenue=1600))
        s.add(
            EnterpriseYear(
                enterprise_id=e.id, year=2023, revenue=3000, main_revenue=1800, rd_spend=90,
                debt_ratio=0.6,
            )
        )  # fmt: skip
        eid = e.id
    with session_scope(db) as s:
        tier = {t.level: t for t in service.profile(s, SYSTEM, eid).tiers}["innovative_sme"]
    items = {p.id: p for p in tier.points}
    assert (items["rd_intensity"].points, items["rd_intensity"].max_points) == (15, 20)
    assert (items["main_revenue_growth"].points, items["main_revenue_growth"].max_points) == (
        15,
        20,
    )
    assert (items["debt_ratio"].points, items["debt_ratio"].max_points) == (5, 10)
    ip = items["ip"]
    assert (ip.points, ip.points_min, ip.points_max) == (None, 0, 20)
    assert ip.label_zh == "与企业主导产品相关的有效知识产权数量"
    # the items add up to the table's whole: 100 points
    assert sum(p.max_points for p in tier.points) == 100
