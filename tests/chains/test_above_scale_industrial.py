"""A chain's 规上 count is 规模以上工业企业 (the one definition, gaodi.analytics.above_scale):
工业 (GB/T 4754 门类 B, C, D) AND main-business revenue >= 2000 万元.

facts_frame flagged ``above_scale`` by revenue alone, so a leasing firm (7111 机械设备经营租赁,
门类 L) with 30000 万元 on a link counted as the link's 规上 enterprise and the weak-link rule
(min_above_scale 1) passed it.

Hand computation on the hand-built chain HM (tests/chains/conftest.py) with the leasing firm
put on L4 后市场 (non-key), output 20000 万元:
    chain output 118000 + 20000 = 138000; L4 share 20000/138000 = 14.5 %
    present shares L1 4.3 %, L2 1.4 %, L3 79.7 %, L4 14.5 %: whatever the median of them
    (between 4.3 % and 14.5 %), the threshold (half of it) is at most 7.3 % < 14.5 %
    L4 规上工业 enterprises: 0 (the leasing firm is not 工业) < 1 -> weak, "规上企业0家"
    (before: 1, counted by revenue -> strong)
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from gaodi.chains import loaders, service
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.models import Enterprise, EnterpriseLink, EnterpriseYear, IndustryCode
from tests.chains.conftest import World

LEASING = "7111"  # 机械设备经营租赁: 门类 L, not 工业


def _leasing_firm_on_l4(db: Engine, world: World) -> int:
    with session_scope(db, actor="test") as s:
        for code, name, level in (
            ("71", "租赁业", "division"),
            (LEASING, "机械设备经营租赁", "class"),
        ):
            if s.get(IndustryCode, code) is None:
                s.add(IndustryCode(code=code, name=name, level=level))
        s.flush()
        e = Enterprise(
            uscc="91430100LEASE0001X", name="设备租赁测试公司", industry_code=LEASING,
            region_code="430100",
        )  # fmt: skip
        s.add(e)
        s.flush()
        s.add(EnterpriseLink(enterprise_id=e.id, link_id=world.ids["L4"], source="rule"))
        s.add(
            EnterpriseYear(
                enterprise_id=e.id, year=2023, output=20000.0, revenue=30000.0,
                main_revenue=30000.0,
            )
        )  # fmt: skip
        return e.id


def test_facts_frame_counts_industrial_firms_only(db: Engine, world: World) -> None:
    leasing = _leasing_firm_on_l4(db, world)
    with session_scope(db) as s:
        facts = loaders.facts_frame(s, [world.ids["HM"]], 2023)
    flag = dict(zip(facts["enterprise_id"].to_list(), facts["above_scale"].to_list(), strict=True))
    # E1 110000, E2 12000, E3 6500 (all 工业, >= 2000); E4 1800 < 2000; the leasing firm is
    # not 工业 whatever its 30000
    assert flag == {
        world.ids["E1"]: True,
        world.ids["E2"]: True,
        world.ids["E3"]: True,
        world.ids["E4"]: False,
        leasing: False,
    }


def test_a_non_industrial_firm_does_not_make_a_link_strong(db: Engine, world: World) -> None:
    _leasing_firm_on_l4(db, world)
    with session_scope(db) as s:
        d = service.diagnose(s, SYSTEM, "HM")
    l4 = next(r for r in d.links if r.code == "L4")
    assert l4.enterprises == 1 and l4.above_scale == 0
    assert l4.output_share > l4.threshold_share  # the share alone would pass
    assert l4.status == "weak"
    assert "规上企业0家" in l4.reason_zh
