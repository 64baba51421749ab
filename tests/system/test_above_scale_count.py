"""The overview's 规上工业企业 count reads the firms at or above the revenue floor only, and counts
exactly the firms the one definition (:func:`gaodi.analytics.above_scale.is_above_scale`) counts
over every firm of the year: at the threshold and just under it, main-business revenue missing
(revenue then), no revenue at all, not 工业, an unknown code, and as a park office sees them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.analytics.above_scale import is_above_scale
from gaodi.analytics.rulefiles import above_scale_revenue_wan
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.models import Enterprise, EnterpriseYear, IndustryCode, Park
from gaodi.system import service

#: (code, main_revenue, revenue, in park 甲) of each firm in 2023
FIRMS = [
    ("3511", 2000.0, None, True),  # at the threshold: 规上
    ("3511", 1999.99, 5000.0, True),  # main revenue under it (revenue is not read): not
    ("3511", None, 2500.0, True),  # no main revenue: revenue counts, 规上
    ("3511", None, None, True),  # no revenue: not
    ("6513", 9e4, 9e4, True),  # software: not 工业
    ("99x", 9e4, 9e4, False),  # unknown code: not
    (None, 9e4, 9e4, False),  # no code: not
    ("2710", 3e4, None, False),  # 规上, outside the park
    ("1310", 1e9, None, True),  # 规上 (farm products processing is 制造业)
]


def _city(engine: Engine) -> tuple[int, list[tuple[int, Any, Any, Any]]]:
    with session_scope(engine, actor="test") as s:
        for code in ("3511", "6513", "2710", "1310", "99x"):
            s.add(IndustryCode(code=code, name=f"类{code}", level="class"))
        park = Park(name="甲园区", level="national")
        s.add(park)
        s.flush()
        rows = []
        for i, (code, main, revenue, inside) in enumerate(FIRMS):
            e = Enterprise(
                uscc=f"91430100MA0001{i:04d}",
                name=f"企业{i}",
                industry_code=code,
                park_id=park.id if inside else None,
            )
            s.add(e)
            s.flush()
            s.add(EnterpriseYear(enterprise_id=e.id, year=2023, main_revenue=main, revenue=revenue))
            # an older year: not the overview's
            s.add(EnterpriseYear(enterprise_id=e.id, year=2022, main_revenue=9e9))
            rows.append((e.id, code, main, revenue))
        return park.id, rows


def test_the_count_is_the_definitions_over_every_firm(db: Engine) -> None:
    park_id, rows = _city(db)
    expected = {eid for eid, code, main, rev in rows if is_above_scale(code, main or rev)}
    assert len(expected) == 4  # by hand: the threshold, revenue only, outside, 1310
    office = Principal("o", "park_office", park_ids=frozenset({park_id}))
    with session_scope(db) as s:
        assert service._above_scale(s, SYSTEM, 2023) == len(expected)
        inside = set(s.scalars(select(Enterprise.id).where(Enterprise.park_id == park_id)))
        assert service._above_scale(s, office, 2023) == len(expected & inside) == 3
        # 2022: every firm at 9e9 万元; the six with an industrial code are 规上
        assert service._above_scale(s, SYSTEM, 2022) == 6
        # only the firms at or above the floor are read (7 of the 9), each judged in Python
        floor = above_scale_revenue_wan()
        read = enterprise_loaders.above_scale_candidates(s, 2023, floor)
        money = {eid: main if main is not None else rev for eid, _c, main, rev in rows}
        assert [r[0] for r in read] == sorted(
            e for e, m in money.items() if m is not None and m >= floor
        )
        assert len(read) == 7
