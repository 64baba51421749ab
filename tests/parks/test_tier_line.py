"""A park whose output is exactly a tier's threshold has reached it (gaodi/parks/rules/tiers.yaml:
千亿 = 1000 亿元).

己园区's four firms made, in 2023, 万元 as written:

    6,227,329.06 + 3,380,959.56 + 215,316.29 + 176,395.09 = 10,000,000.00 万元 = 1000 亿元

and 8,000,000.00 万元 (800 亿元) in 2021. The database's SUM of the binary floats is
9,999,999.999999998, so the park stood at 999.9999999999998 亿元: shown as 1000.00 亿元 and
100.0 % of 千亿, yet "not reached" (0.0 years to go) and not counted among the 千亿 parks.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.models import Enterprise, EnterpriseYear, IndustryCode, Park, SystemInfo
from gaodi.parks import service

OUTPUTS_2023 = [6_227_329.06, 3_380_959.56, 215_316.29, 176_395.09]


def test_a_park_exactly_at_a_threshold_has_reached_it(db: Engine) -> None:
    with session_scope(db, actor="test") as s:
        s.add(SystemInfo(key="dataset", value={"city": "430100", "demo": False}))
        s.add(IndustryCode(code="3511", name="类3511", level="class"))
        park = Park(name="己园区", level="national", main_industries=["工程机械"])
        s.add(park)
        s.flush()
        for i, output in enumerate(OUTPUTS_2023):
            e = Enterprise(
                uscc=f"91430100MA0002{i:04d}",
                name=f"企业{i}",
                industry_code="3511",
                park_id=park.id,
            )
            s.add(e)
            s.flush()
            s.add(EnterpriseYear(enterprise_id=e.id, year=2023, output=output))
            s.add(EnterpriseYear(enterprise_id=e.id, year=2021, output=2_000_000.0))
    with session_scope(db) as s:
        ev = service.evaluate(s, SYSTEM)
    (row,) = ev.parks
    assert row.output == 1000.0
    tiers = {t.key: t for t in row.tiers}
    assert (tiers["t1000"].status, tiers["t1000"].reach_year) == ("reached", 2023)
    assert tiers["t3000"].status == "years"
    targets = {t.key: t for t in ev.targets}
    assert targets["t1000"].count == 1
