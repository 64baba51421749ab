"""A park whose declared industries make exactly the positioning rule's share of its output is
on the line, not below it (gaodi/parks/rules/positioning.yaml: min_share 0.5).

丁园区 declares 工程机械 (GB/T 4754 351x). Its 2023 output, 万元 as written:

    工程机械 (3511)   747.91 + 24.79 = 772.70
    other (2710)      772.70
    share 772.70 / 1545.40 = 0.5 exactly: focused (≥ 50 %)

In binary floats 747.91 + 24.79 is 772.6999999999999 and the share 0.49999999999999994, so the
page showed 50.0% beside the badge "低于50%". One 万元 less inside (772.69 of 1545.39) is below.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.models import Enterprise, EnterpriseYear, IndustryCode, Park, SystemInfo
from gaodi.parks import service


def _city(engine: Engine, outputs: list[tuple[str, float]]) -> None:
    with session_scope(engine, actor="test") as s:
        s.add(SystemInfo(key="dataset", value={"city": "430100", "demo": False}))
        for code in ("3511", "2710"):
            s.add(IndustryCode(code=code, name=f"类{code}", level="class"))
        park = Park(name="丁园区", level="provincial", main_industries=["工程机械"])
        s.add(park)
        s.flush()
        for i, (code, output) in enumerate(outputs):
            e = Enterprise(
                uscc=f"91430100MA0001{i:04d}", name=f"企业{i}", industry_code=code, park_id=park.id
            )
            s.add(e)
            s.flush()
            s.add(EnterpriseYear(enterprise_id=e.id, year=2023, output=output))


def _positioning(engine: Engine):  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        ev = service.evaluate(s, SYSTEM)
    (park,) = ev.parks
    assert park.positioning is not None
    return park.positioning


def test_a_share_exactly_on_the_line_is_focused(db: Engine) -> None:
    _city(db, [("3511", 747.91), ("3511", 24.79), ("2710", 772.70)])
    p = _positioning(db)
    assert Decimal("772.70") / Decimal("1545.40") == Decimal(str(p.min_share))  # on the line
    assert p.focused is True


def test_a_share_just_below_the_line_is_not(db: Engine) -> None:
    _city(db, [("3511", 747.90), ("3511", 24.79), ("2710", 772.70)])
    assert _positioning(db).focused is False
