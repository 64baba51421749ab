"""A small hand-built chain whose diagnosis is worked out by hand (see HAND below).

Chain HM 测试工程机械 (figures for 2023, output in 万元, previous year in brackets):

    link  name     segment key  codes  enterprises (output, main revenue, tags)
    L1    液压件    up      yes  3444   E3 液压阀公司 6000 (5000), 6500
    L2    发动机    up      no   3412   E4 发动机公司 2000 (2000), 1800
    L3    整机      mid     yes  3511   E1 整机龙头 100000 (80000), 110000, leader;
                                        E2 整机二厂 10000 (10000), 12000, srdi
    L4    后市场    down    no   4330   none

HAND (the median benchmark, weak_factor 0.5, min_above_scale 1, key_weight 2):
    chain output O = 100000 + 10000 + 6000 + 2000 = 118000
    shares: L1 6000/118000 = 5.08 %, L2 2000/118000 = 1.69 %, L3 110000/118000 = 93.2 %
    median of the present links' shares = 5.08 %; threshold = 2.54 %
    L1: share ok, 1 above-scale, key link without a leader      -> weak
    L2: share 1.69 % < 2.54 %, and 0 above-scale (1800 < 2000)  -> weak
    L3: share ok, 2 above-scale, key link with leader E1       -> strong
    L4: no enterprise                                          -> missing
    weights L1 2, L2 1, L3 2, L4 1 (total 6): completeness (2+1+2)/6 = 5/6, strength 2/6 = 1/3
    L3 risk: shares 100000/110000 = 0.909 and 0.0909; HHI = 0.8264 + 0.0083 = 0.835 -> high

A second chain OT (one link O1, code 3444) holds E5, so scoping can be tested; parks P1 (E1,
E3, E5) and P2 (E2, E4).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy.engine import Engine

from gaodi.core.codes import make_uscc
from gaodi.core.permissions import Principal
from gaodi.db import session_scope
from gaodi.models import (
    Chain,
    Enterprise,
    EnterpriseLink,
    EnterpriseYear,
    ExternalEnterprise,
    IndustryCode,
    Link,
    Park,
    Region,
    SystemInfo,
)

CODES = {
    "34": ("通用设备制造业", "division"),
    "341": ("锅炉及原动设备制造", "group"),
    "3412": ("内燃机及配件制造", "class"),
    "344": ("泵、阀门、压缩机及类似机械制造", "group"),
    "3444": ("液压动力机械及元件制造", "class"),
    "35": ("专用设备制造业", "division"),
    "351": ("采矿、冶金、建筑专用设备制造", "group"),
    "3511": ("矿山机械制造", "class"),
    "43": ("金属制品、机械和设备修理业", "division"),
    "433": ("专用设备修理", "group"),
    "4330": ("专用设备修理", "class"),
}
REGIONS = {
    "430000": ("湖南省", "province", None),
    "430100": ("长沙市", "prefecture", "430000"),
    "420000": ("湖北省", "province", None),
    "420100": ("武汉市", "prefecture", "420000"),
    "320000": ("江苏省", "province", None),
    "320400": ("常州市", "prefecture", "320000"),
}


@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)
    uscc: dict[str, str] = field(default_factory=dict)

    def principal(self, role: str, **scopes: frozenset[int]) -> Principal:
        return Principal(username=f"t-{role}", role=role, **scopes)


def _uscc(i: int) -> str:
    import random

    return make_uscc("430100", random.Random(100 + i))


def build_world(engine: Engine, *, pool: bool = True) -> World:
    w = World()
    with session_scope(engine, actor="test") as s:
        for code, (name, level) in CODES.items():
            s.add(IndustryCode(code=code, name=name, level=level, parent_code=None))
        for code, (name, level, _parent) in REGIONS.items():
            s.add(Region(code=code, name=name, level=level, parent_code=None))
        s.flush()
        for code, (_name, _level, parent) in REGIONS.items():
            if parent:
                s.get(Region, code).parent_code = parent  # type: ignore[union-attr]
        s.add(SystemInfo(key="dataset", value={"city": "430100", "demo": False}))
        p1, p2 = Park(name="测试园一", level="national"), Park(name="测试园二", level="provincial")
        hm = Chain(code="HM", name="测试工程机械", name_status="assumed")
        ot = Chain(code="OT", name="测试其他链", name_status="assumed")
        s.add_all([p1, p2, hm, ot])
        s.flush()
        spec = [
            ("L1", "液压件", "up", True, ["3444"], ["液压阀", "液压泵"]),
            ("L2", "发动机", "up", False, ["3412"], ["发动机"]),
            ("L3", "整机", "mid", True, ["3511"], ["挖掘机"]),
            ("L4", "后市场", "down", False, ["4330"], ["维修"]),
        ]
        for order, (code, name, seg, key, codes, kws) in enumerate(spec):
            lk = Link(
                chain_id=hm.id, code=code, name=name, segment=seg, key_link=key,
                industry_codes=codes, keywords=kws, sort_order=order,
            )  # fmt: skip
            s.add(lk)
            s.flush()
            w.ids[code] = lk.id
        o1 = Link(
            chain_id=ot.id, code="O1", name="其他环节", segment="mid", industry_codes=["3444"]
        )
        s.add(o1)
        s.flush()
        w.ids.update(HM=hm.id, OT=ot.id, O1=o1.id, P1=p1.id, P2=p2.id)
        ents = [
            # key, name, park, code, link, output, prev, main revenue, tags, scope
            ("E1", "整机龙头测试公司", p1, "3511", "L3", 100000.0, 80000.0, 110000.0, ["leader"],
             "挖掘机制造"),
            ("E2", "整机二厂测试公司", p2, "3511", "L3", 10000.0, 10000.0, 12000.0, ["srdi"],
             "挖掘机配件"),
            ("E3", "液压阀测试公司", p1, "3444", "L1", 6000.0, 5000.0, 6500.0, [], "液压阀制造"),
            ("E4", "发动机测试公司", p2, "3412", "L2", 2000.0, 2000.0, 1800.0, [], "发动机"),
            ("E5", "其他链测试公司", p1, "3444", "O1", 500.0, 400.0, 600.0, [], "液压件"),
        ]  # fmt: skip
        for i, (key, name, park, code, link, out, prev, main, tags, scope) in enumerate(ents):
            e = Enterprise(
                uscc=_uscc(i), name=name, park_id=park.id, industry_code=code, tags=tags,
                scope_text=scope, region_code="430100",
            )  # fmt: skip
            s.add(e)
            s.flush()
            w.ids[key], w.uscc[key] = e.id, e.uscc
            link_id = w.ids[link]
            s.add(
                EnterpriseLink(enterprise_id=e.id, link_id=link_id, source="rule", confidence=0.7)
            )
            s.add(
                EnterpriseYear(
                    enterprise_id=e.id, year=2023, output=out, revenue=main, main_revenue=main,
                    invention_patents=10 * (i + 1), tax=main * 0.05, employees=100 * (i + 1),
                    rd_spend=main * 0.04, debt_ratio=0.5,
                )
            )  # fmt: skip
            s.add(
                EnterpriseYear(
                    enterprise_id=e.id, year=2022, output=prev, revenue=main * 0.9,
                    main_revenue=main * 0.9, rd_spend=main * 0.035,
                )
            )  # fmt: skip
        if pool:
            _pool(s, w)
    return w


def _pool(s: object, w: World) -> None:
    """Four pool enterprises for L4 (后市场, code 4330, keyword 维修) — see test_recommend."""
    rows = [
        # key, name, region, code, scope, revenue, growth, patents, tags, partners
        ("X1", "常州大维修公司", "320400", "4330", "工程机械维修", 50000.0, 0.20, 30,
         ["little_giant"], [w.ids["E1"]]),
        ("X2", "武汉小维修公司", "420100", "4330", "设备修理", 5000.0, 0.05, 2, [], []),
        ("X3", "长沙本地维修公司", "430100", "4330", "维修", 90000.0, 0.5, 99, [], []),
        ("X4", "武汉无关公司", "420100", "3412", "发动机", 90000.0, 0.5, 99, [], []),
    ]  # fmt: skip
    for key, name, region, code, scope, rev, g, pat, tags, partners in rows:
        x = ExternalEnterprise(
            name=name, region_code=region, industry_code=code, scope_text=scope, revenue=rev,
            revenue_growth=g, invention_patents=pat, tags=tags, partner_ids=partners,
        )  # fmt: skip
        s.add(x)  # type: ignore[attr-defined]
        s.flush()  # type: ignore[attr-defined]
        w.ids[key] = x.id


@pytest.fixture
def world(db: Engine) -> World:
    """The hand-built chains on each backend (SQLite, PostgreSQL)."""
    return build_world(db)


@pytest.fixture
def sqlite_world(sqlite_db: Engine) -> World:
    return build_world(sqlite_db)
