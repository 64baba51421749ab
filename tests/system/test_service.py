"""Overview and audit-log services on SQLite and PostgreSQL, against the hand-made city.

Hand counts: see tests/web/seed.py and tests/web/test_overview.py.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from gaodi import features
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.models import AuditEvent
from gaodi.system import service
from tests.web.seed import seed


def _seeded(engine: Engine):  # type: ignore[no-untyped-def]
    return seed(engine)


def test_overview_counts_by_principal(db: Engine) -> None:
    world = _seeded(db)
    with session_scope(db) as s:
        everything = service.overview(s, SYSTEM, features.counted())
        counts = {c.key: c.count for c in everything.counts}
        # seed.py gives no firm an industry code: none is known to be 工业 (GB/T 4754 B/C/D), so
        # none is a 规上工业企业 whatever its revenue (tests/web/test_overview.py gives codes)
        assert counts["enterprises"] == 4 and counts["above_scale"] == 0
        assert everything.as_of.latest_observation_period == "2023-12"
        assert {b.label: b.value for b in everything.chart.bars} == {"测试链甲": 2, "测试链乙": 2}
        office = Principal("o", "chain_office", chain_ids=frozenset({world.ids["chain_a"]}))
        scoped = service.overview(s, office, features.counted())
        assert {c.key: c.count for c in scoped.counts}["enterprises"] == 2
        assert [(b.label, b.value) for b in scoped.chart.bars] == [("测试链甲", 2)]
        nobody = Principal("n", "chain_office")  # a chain office with no chain sees nothing
        empty = {c.key: c.count for c in service.overview(s, nobody, features.counted()).counts}
        assert empty["enterprises"] == 0 and empty["chains"] == 0


def test_latest_period_compares_months_quarters_and_years(sqlite_db: Engine) -> None:
    from gaodi.models import Indicator, Observation

    with session_scope(sqlite_db) as s:
        ind = Indicator(code="X", name="x", unit="%")
        s.add(ind)
        s.flush()
        # as text '2023-Q4' > '2023-12' > '2023'; by end month all three end in December 2023,
        # and '2024-01' is later than all of them
        for period in ("2023", "2023-12", "2023-Q4"):
            s.add(Observation(indicator_id=ind.id, period=period, value=1.0))
    with session_scope(sqlite_db) as s:
        assert service.overview(s, SYSTEM, features.counted()).as_of.latest_observation_period in (
            "2023-12",
            "2023-Q4",
        )
        s.add(Observation(indicator_id=ind.id, period="2024-01", value=1.0))
        s.flush()
        assert (
            service.overview(s, SYSTEM, features.counted()).as_of.latest_observation_period
            == "2024-01"
        )


def test_audit_log_filters_and_pages(db: Engine) -> None:
    with session_scope(db) as s:
        for i in range(7):
            s.add(AuditEvent(at=dt.datetime(2024, 1, 1 + i), actor="a" if i % 2 else "b",
                             entity="park", action="update"))  # fmt: skip
    with session_scope(db) as s:
        rows, total = service.audit_log(s, SYSTEM, service.AuditQuery(actor="a", per_page=2))
        assert total == 3 and [r.at.day for r in rows] == [6, 4]
        rows, total = service.audit_log(
            s, SYSTEM, service.AuditQuery(since=dt.date(2024, 1, 3), until=dt.date(2024, 1, 4))
        )
        assert total == 2 and sorted(r.at.day for r in rows) == [3, 4]
        facets = service.audit_facets(s, SYSTEM)
        assert facets["actor"] == ["a", "b"] and facets["entity"] == ["park"]
