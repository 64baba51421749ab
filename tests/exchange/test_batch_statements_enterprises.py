"""Enterprises and their yearly figures are checked and written per batch
(:mod:`gaodi.enterprises.batch`): ten times the rows, the same statements, and still an audited
before/after for every changed row; one bad row among 120 refuses the whole file on its cell."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.audit.models import AuditEvent
from gaodi.core.codes import make_uscc
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.enterprises.models import Enterprise, EnterpriseYear
from gaodi.exchange.importer import ImportReport
from gaodi.exchange.service import import_file
from gaodi.parks.models import Park
from tests.exchange.helpers import ENTERPRISE_YEARS, ENTERPRISES, PARKS, load_city, write_xlsx
from tests.exchange.test_bad_rows import cells, reason, rejected
from tests.exchange.test_batch_statements import statements

PARK = ENTERPRISES[1][3]  # 示例高新技术产业开发区
OTHER_PARK = ENTERPRISES[2][3]  # 示例经济开发区


def _usccs(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return [make_uscc("430104", rng) for _ in range(n)]  # synthetic (示例数据)


def _firm(uscc: str, name: str, park: str = PARK) -> list[Any]:
    row = [uscc, name, *ENTERPRISES[1][2:]]
    row[3] = park
    return row


def _firms(path: Path, usccs: list[str], tag: str = "") -> Path:
    rows = [ENTERPRISES[0]] + [_firm(u, f"示例批量企业{tag}{k:04d}") for k, u in enumerate(usccs)]
    return write_xlsx(path, {"企业": rows})


def _years(path: Path, usccs: list[str], revenue: float = 1000) -> Path:
    rows: list[list[Any]] = [ENTERPRISE_YEARS[0]]
    rows += [[u, 2023, revenue + k, 900, 30, 50, 10, 0.5] for k, u in enumerate(usccs)]
    return write_xlsx(path, {"企业年度 enterprise_years": rows})


def _run(db: Engine, entity: str, path: Path, **kw: Any) -> Callable[[], ImportReport]:
    return lambda: import_file(db, entity, path, SYSTEM, **kw)


def test_an_enterprises_import_asks_the_database_per_batch_not_per_row(
    db: Engine, tmp_path: Path
) -> None:
    load_city(db, tmp_path)
    few, many = _usccs(1, 12), _usccs(2, 120)
    small, report = statements(db, _run(db, "enterprises", _firms(tmp_path / "s.xlsx", few)))
    assert report.created == 12
    large, report = statements(db, _run(db, "enterprises", _firms(tmp_path / "l.xlsx", many)))
    assert report.created == 120
    assert large <= small + 2, (small, large)
    # every name changed: 120 updates, each audited with its before and after
    path = _firms(tmp_path / "u.xlsx", many, "改")
    again, report = statements(db, _run(db, "enterprises", path, mode="upsert"))
    assert report.updated == 120
    assert again <= small + 4, (small, again)
    with session_scope(db) as s:
        park = s.scalars(select(Park.id).where(Park.name == PARK)).one()
        stored = s.execute(
            select(Enterprise.uscc, Enterprise.name, Enterprise.park_id).where(
                Enterprise.uscc.in_(many)
            )
        ).all()
        assert sorted(stored) == sorted(
            (u, f"示例批量企业改{k:04d}", park) for k, u in enumerate(many)
        )
        ids = [str(i) for i in s.scalars(select(Enterprise.id).where(Enterprise.uscc.in_(many)))]
        changes = s.execute(
            select(AuditEvent.before, AuditEvent.after).where(
                AuditEvent.entity == "enterprise",
                AuditEvent.action == "update",
                AuditEvent.entity_id.in_(ids),
            )
        ).all()
        assert sorted((b["name"], a["name"]) for b, a in changes) == [
            (f"示例批量企业{k:04d}", f"示例批量企业改{k:04d}") for k in range(120)
        ]


def test_an_enterprise_years_import_asks_the_database_per_batch_not_per_row(
    db: Engine, tmp_path: Path
) -> None:
    load_city(db, tmp_path)
    few, many = _usccs(3, 12), _usccs(4, 120)
    import_file(db, "enterprises", _firms(tmp_path / "e.xlsx", few + many), SYSTEM)
    small, report = statements(db, _run(db, "enterprise_years", _years(tmp_path / "s.xlsx", few)))
    assert report.created == 12
    large, report = statements(db, _run(db, "enterprise_years", _years(tmp_path / "l.xlsx", many)))
    assert report.created == 120
    assert large <= small + 2, (small, large)
    path = _years(tmp_path / "u.xlsx", many, revenue=2000)
    again, report = statements(db, _run(db, "enterprise_years", path, mode="upsert"))
    assert report.updated == 120
    assert again <= small + 4, (small, again)
    with session_scope(db) as s:
        ids = select(Enterprise.id).where(Enterprise.uscc.in_(many))
        total = s.scalar(
            select(func.sum(EnterpriseYear.revenue)).where(
                EnterpriseYear.enterprise_id.in_(ids), EnterpriseYear.year == 2023
            )
        )
        assert total == 120 * 2000 + sum(range(120))  # 247,140
        changes = s.execute(
            select(AuditEvent.before, AuditEvent.after).where(
                AuditEvent.entity == "enterprise_year", AuditEvent.action == "update"
            )
        ).all()
        assert sorted((b["revenue"], a["revenue"]) for b, a in changes) == [
            (1000 + k, 2000 + k) for k in range(120)
        ]


def test_one_row_outside_the_park_office_scope_refuses_the_whole_file(
    db: Engine, tmp_path: Path
) -> None:
    """A park office's 120 new enterprises, one of them in a park it does not run: reported on
    that row's park cell, nothing written (the parks are asked once for the whole file)."""
    load_city(db, tmp_path)
    with session_scope(db) as s:
        own = s.scalars(select(Park.id).where(Park.name == PARK)).one()
    office = Principal(username="demo_park", role="park_office", park_ids=frozenset({own}))
    rows = [ENTERPRISES[0]] + [_firm(u, f"示例园区企业{k}") for k, u in enumerate(_usccs(5, 120))]
    rows[61][3] = OTHER_PARK  # sheet row 62
    errors = rejected(
        db, "enterprises", write_xlsx(tmp_path / "p.xlsx", {"企业": rows}), principal=office
    )
    assert cells(errors) == {(62, "所在园区")}
    assert reason(errors, 62, "所在园区") == f"No park '{OTHER_PARK}' in your scope."


def test_one_unknown_enterprise_refuses_a_whole_years_file(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path)
    known, stranger = _usccs(6, 120), _usccs(7, 1)[0]
    import_file(db, "enterprises", _firms(tmp_path / "e.xlsx", known), SYSTEM)
    path = _years(tmp_path / "y.xlsx", [*known[:99], stranger, *known[100:]])  # sheet row 101
    errors = rejected(db, "enterprise_years", path)
    assert cells(errors) == {(101, "uscc")}
    assert (
        reason(errors, 101, "uscc")
        == f"No enterprise with USCC {stranger}; import the enterprise first."
    )


def _parks(path: Path, n: int, tag: str, area: float = 100) -> Path:
    rows = [PARKS[0]] + [
        [f"示例批量园区{tag}{k:04d}", "省级", "经济技术开发区", "430104", area + k, "", "是"]
        for k in range(n)
    ]
    return write_xlsx(path, {"园区 parks": rows})


def test_a_parks_import_asks_the_database_per_batch_not_per_row(db: Engine, tmp_path: Path) -> None:
    """Parks through :mod:`gaodi.parks.batch`: the same statements for 12 and 120 new parks,
    every changed area audited; a park office may create none (its row refused on its cell)."""
    load_city(db, tmp_path)
    small, report = statements(db, _run(db, "parks", _parks(tmp_path / "s.xlsx", 12, "小")))
    assert report.created == 12
    large, report = statements(db, _run(db, "parks", _parks(tmp_path / "l.xlsx", 120, "大")))
    assert report.created == 120
    assert large <= small + 2, (small, large)
    path = _parks(tmp_path / "u.xlsx", 120, "大", area=500)
    again, report = statements(db, _run(db, "parks", path, mode="upsert"))
    assert report.updated == 120
    assert again <= small + 4, (small, again)
    with session_scope(db) as s:
        changes = s.execute(
            select(AuditEvent.before, AuditEvent.after).where(
                AuditEvent.entity == "park", AuditEvent.action == "update"
            )
        ).all()
        assert sorted((b["area_mu"], a["area_mu"]) for b, a in changes) == [
            (100 + k, 500 + k) for k in range(120)
        ]
        own = s.scalars(select(Park.id).where(Park.name == PARK)).one()
    office = Principal(username="demo_park", role="park_office", park_ids=frozenset({own}))
    errors = rejected(db, "parks", _parks(tmp_path / "o.xlsx", 3, "新"), principal=office)
    assert cells(errors) == {(2, "园区名称"), (3, "园区名称"), (4, "园区名称")}
    assert reason(errors, 3, "园区名称") == (
        "You may only create or change parks in your scope (示例批量园区新0001)."
    )
