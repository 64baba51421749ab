"""A past month's report counts the chain membership in force on its day, not today's: an edit
made on the city's today leaves the June 2023 report (and one rebuilt as known on a day before
the edit) as it was (audit F, bug 1). On a copy of the small demo city (today 2024-01-15)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.chains import editing, service
from gaodi.chains.models import EnterpriseLink, Link
from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.reports.model import Table
from gaodi.reports.monthly import build_monthly

#: The edit: the city's today during office hours in Beijing (11:00), before the demo's mapping
#: stamp of that day (09:00 UTC) — the edit is still later than every June figure.
EDIT_AT = dt.datetime(2024, 1, 15, 3, 0)


def _chain_rows(engine: Engine, **kw: Any) -> dict[str, list[Any]]:
    with session_scope(engine) as s:
        report = build_monthly(s, SYSTEM, "2023-06", **kw)
    table = next(
        b for b in report.blocks if isinstance(b, Table) and b.columns[0].label == "产业链"
    )
    return {row[0]: row[1:] for row in table.rows}


def _take_off_a_link(engine: Engine) -> str:
    """Take every firm off the first leaf link that has some; the chain's name."""
    with session_scope(engine) as s:
        parents = set(s.scalars(select(Link.parent_id).where(Link.parent_id.is_not(None))))
        link = next(
            lk
            for lk in s.scalars(select(Link).order_by(Link.chain_id, Link.id))
            if lk.id not in parents
            and s.scalar(
                select(EnterpriseLink.id).where(
                    EnterpriseLink.link_id == lk.id,
                    EnterpriseLink.valid_to.is_(None),
                    EnterpriseLink.excluded.is_(False),
                )
            )
        )
        ids = list(
            s.scalars(
                select(EnterpriseLink.enterprise_id).where(
                    EnterpriseLink.link_id == link.id, EnterpriseLink.valid_to.is_(None)
                )
            )
        )
        usccs = [u for _, u in enterprise_loaders.names_and_usccs(s, ids).values()]
        chain_id, link_id = link.chain_id, link.id
    with clock.frozen(EDIT_AT), session_scope(engine, actor="audit-F") as s:
        for uscc in usccs:
            editing.unassign(s, SYSTEM, chain_id, link_id, uscc)
    with session_scope(engine) as s:
        return next(c.name for c in service.list_chains(s, SYSTEM) if c.id == chain_id)


def test_an_edit_today_does_not_rewrite_a_past_months_chains(demo_db: Engine) -> None:
    before = _chain_rows(demo_db)
    before_known = _chain_rows(demo_db, known_on=dt.date(2024, 1, 10))
    chain = _take_off_a_link(demo_db)
    with session_scope(demo_db) as s:
        now = {r.chain.name: r for r in service.chain_summary(s, SYSTEM, year=2022).chains}
    # the edit is real: today's membership has fewer firms on that chain
    assert now[chain].enterprises < before[chain][1]
    # the June report and the one rebuilt as known on 10 January are as they were
    assert _chain_rows(demo_db) == before
    assert _chain_rows(demo_db, known_on=dt.date(2024, 1, 10)) == before_known == before


def test_the_report_names_the_day_of_its_membership(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        report = build_monthly(s, SYSTEM, "2023-06")
    line = dict(report.provenance)["产业链诊断"]
    assert "链上企业按2023年6月30日的归属" in line


def test_the_report_names_the_day_of_its_tags(demo_db: Engine) -> None:
    # the links' 专精特新 and 头羊 counts use the tags of the report's day too
    with session_scope(demo_db) as s:
        report = build_monthly(s, SYSTEM, "2023-06")
    line = dict(report.provenance)["产业链诊断"]
    assert "链上企业按2023年6月30日的归属与企业标签" in line
