"""Make sure the code-list rows an import or a loaded plan refers to exist in the database.

``enterprise.region_code`` and ``enterprise.industry_code`` are foreign keys to the ``region``
and ``industry_code`` tables. A database built by ``gaodi demo build`` holds the full lists; an
empty one may not. Codes are validated against the package's reference lists
(:mod:`gaodi.core.reference`) before anything is written, so here the missing rows (and their
ancestors, parents first) are copied from the same lists.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from gaodi.core.reference import (
    industry_ancestors,
    industry_lookup,
    region_ancestors,
    region_lookup,
)
from gaodi.regions.models import IndustryCode, Region


def _missing(
    conn: Connection, table: type[Region] | type[IndustryCode], wanted: set[str]
) -> set[str]:
    if not wanted:
        return set()
    have: set[str] = set()
    codes = sorted(wanted)
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        have.update(conn.execute(select(table.code).where(table.code.in_(chunk))).scalars())
    return wanted - have


def ensure_regions(conn: Connection, codes: Iterable[str]) -> int:
    """Insert the GB/T 2260 rows for ``codes`` (and their ancestors) that are missing."""
    wanted: set[str] = set()
    for code in codes:
        if code:
            wanted.add(code)
            wanted.update(r.code for r in region_ancestors(code))
    rows = []
    for code in _missing(conn, Region, wanted):
        row = region_lookup(code)
        if row is not None:
            rows.append(
                {"code": row.code, "name": row.name, "level": row.level, "parent_code": row.parent}
            )
    order = {"province": 0, "prefecture": 1, "county": 2}
    rows.sort(key=lambda r: (order[str(r["level"])], r["code"]))
    if rows:
        conn.execute(insert(Region.__table__), rows)
    return len(rows)


def ensure_industries(conn: Connection, codes: Iterable[str]) -> int:
    """Insert the GB/T 4754-2017 rows for ``codes`` (and their ancestors) that are missing."""
    wanted: set[str] = set()
    for code in codes:
        if code:
            wanted.add(code)
            wanted.update(r.code for r in industry_ancestors(code))
    rows = []
    for code in _missing(conn, IndustryCode, wanted):
        row = industry_lookup(code)
        if row is not None:
            rows.append(
                {"code": row.code, "name": row.name, "level": row.level, "parent_code": row.parent}
            )
    order = {"section": 0, "division": 1, "group": 2, "class": 3}
    rows.sort(key=lambda r: (order[str(r["level"])], r["code"]))
    if rows:
        conn.execute(insert(IndustryCode.__table__), rows)
    return len(rows)
