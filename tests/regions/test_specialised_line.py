"""An industry whose location quotient is exactly 1 counts as specialised (LQ ≥ 1).

The city (430100) and its one peer (110000) in 2023, 亿元 as written:

    industry   city    peer    group
    351        86.1    430.5   516.6
    362        47.7    238.5   286.2
    total     133.8    669.0   802.8

The peer is the city five times over, so each industry's share of the city equals its share of
the group: LQ_351 = (86.1 / 133.8) / (516.6 / 802.8) = 1 and LQ_362 = 1, both specialised. In
binary floats they are 0.9999999999999997 and 0.9999999999999999: the page counted 0 of 2 and
drew neither bubble as specialised, though the LQ column read 1.00.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.models import IndustryCode, PanelValue, Region, SystemInfo
from gaodi.regions import service

CITY, PEER = "430100", "110000"
PANEL = {CITY: {"351": 86.1, "362": 47.7}, PEER: {"351": 430.5, "362": 238.5}}


def test_an_lq_of_exactly_one_is_specialised(db: Engine) -> None:
    with session_scope(db, actor="test") as s:
        s.add(Region(code=CITY, name="长沙市", level="prefecture"))
        s.add(Region(code=PEER, name="北京市", level="prefecture"))
        for code in ("351", "362"):
            s.add(IndustryCode(code=code, name=f"类{code}", level="group"))
        s.add(SystemInfo(key="dataset", value={"city": CITY, "demo": False}))
        s.flush()
        for region, values in PANEL.items():
            for code, value in values.items():
                s.add(
                    PanelValue(
                        region_code=region, industry_code=code, year=2023, measure="output",
                        value=value,
                    )
                )  # fmt: skip
    # the hand arithmetic, in decimals: each share of the city equals its share of the group
    for code in ("351", "362"):
        city, group = (
            Decimal(str(PANEL[CITY][code])),
            sum(Decimal(str(PANEL[r][code])) for r in PANEL),
        )
        assert city / Decimal("133.8") == group / Decimal("802.8")
    with session_scope(db) as s:
        res = service.specialisation(s, SYSTEM, group="custom", peers=[PEER])
    assert res.n_specialised == 2
    assert all(r.specialised for r in res.rows)
