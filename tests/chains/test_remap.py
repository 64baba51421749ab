"""Re-mapping by rule on the hand-built chains: what changes, what manual rows keep, history.

Rule results by hand (default weights: exact code 0.7, one keyword 0.4, noisy-OR
1 - 0.3 * 0.6 = 0.82; threshold 0.5):
    E1 3511 "挖掘机制造"  -> L3 0.82          E2 3511 "挖掘机配件" -> L3 0.82
    E3 3444 "液压阀制造"  -> L1 0.82, O1 0.70 E4 3412 "发动机"     -> L2 0.82
    E5 3444 "液压件"      -> L1 0.70, O1 0.70 (no keyword of L1 in "液压件")
Current rows before any run: E1/L3, E2/L3, E3/L1, E4/L2, E5/O1, all rule 0.70.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.audit.models import AuditEvent
from gaodi.chains import editing, remap
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.models import EnterpriseLink, Link
from tests.chains.conftest import World


def _current(engine: Engine) -> dict[tuple[int, int], tuple[str, float, bool]]:
    with session_scope(engine) as s:
        rows = s.scalars(select(EnterpriseLink).where(EnterpriseLink.valid_to.is_(None)))
        return {(r.enterprise_id, r.link_id): (r.source, r.confidence, r.excluded) for r in rows}


def test_first_run_changes_adds_and_keeps(db: Engine, world: World) -> None:
    ids = world.ids
    with session_scope(db, actor="mapper") as s:
        report = remap.map_chains(s, SYSTEM)
    by = {c.code: c for c in report.chains}
    # HM: 4 confidences 0.70 -> 0.82, E5 newly on L1; OT: E5/O1 unchanged, E3 added
    assert (by["HM"].added, by["HM"].removed, by["HM"].changed, by["HM"].unchanged) == (1, 0, 4, 0)
    assert (by["OT"].added, by["OT"].removed, by["OT"].changed, by["OT"].unchanged) == (1, 0, 0, 1)
    cur = _current(db)
    assert cur[(ids["E1"], ids["L3"])] == ("rule", pytest.approx(0.82), False)
    assert cur[(ids["E5"], ids["L1"])] == ("rule", pytest.approx(0.7), False)
    assert cur[(ids["E3"], ids["O1"])] == ("rule", pytest.approx(0.7), False)
    with session_scope(db) as s:
        # the old E1/L3 row is closed, not deleted
        rows = s.scalars(
            select(EnterpriseLink).where(
                EnterpriseLink.enterprise_id == ids["E1"], EnterpriseLink.link_id == ids["L3"]
            )
        ).all()
        assert sorted((r.valid_to is None, round(r.confidence, 2)) for r in rows) == [
            (False, 0.7),
            (True, 0.82),
        ]
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "remap")).all()
        assert {e.entity_id for e in events} == {str(ids["HM"]), str(ids["OT"])}
        assert all(e.actor == "mapper" for e in events)
    with session_scope(db) as s:
        again = remap.map_chains(s, SYSTEM)
    # now current: HM E1/L3, E2/L3, E3/L1, E4/L2, E5/L1 and OT E5/O1, E3/O1 -> 7 unchanged
    assert (again.added, again.removed, again.changed, again.unchanged) == (0, 0, 0, 7)


def test_manual_rows_win_and_are_never_touched(db: Engine, world: World) -> None:
    ids, uscc = world.ids, world.uscc
    with session_scope(db, actor="office") as s:
        editing.unassign(s, SYSTEM, "HM", ids["L3"], uscc["E2"], "不属于整机")
        editing.assign(s, SYSTEM, "HM", ids["L4"], uscc["E4"])
    with session_scope(db) as s:
        report = remap.map_chains(s, SYSTEM, "HM")
    (hm,) = report.chains
    # E2/L3 (excluded by hand) and E4/L4 (assigned by hand) are locked: 3 changed, 1 added
    assert (hm.added, hm.removed, hm.changed, hm.manual_kept) == (1, 0, 3, 2)
    assert hm.current == 5  # E1/L3, E3/L1, E4/L2, E5/L1 by rule + E4/L4 by hand
    cur = _current(db)
    assert cur[(ids["E2"], ids["L3"])] == ("manual", 1.0, True)
    assert cur[(ids["E4"], ids["L4"])] == ("manual", 1.0, False)


def test_a_rule_change_closes_rows_and_dry_run_writes_nothing(db: Engine, world: World) -> None:
    ids = world.ids
    with session_scope(db) as s:
        remap.map_chains(s, SYSTEM, "HM")
        link = s.get(Link, ids["L2"])
        assert link is not None
        link.industry_codes = []  # E4 keeps one keyword: 0.40 < 0.5 -> removed
    before = _current(db)
    with session_scope(db) as s:
        dry = remap.map_chains(s, SYSTEM, "HM", dry_run=True)
    assert (dry.removed, dry.dry_run) == (1, True)
    assert _current(db) == before
    with session_scope(db) as s:
        real = remap.map_chains(s, SYSTEM, "HM")
    assert real.removed == 1
    assert (ids["E4"], ids["L2"]) not in _current(db)


def test_chain_office_maps_only_its_chain(db: Engine, world: World) -> None:
    from gaodi.core.errors import NotFoundError
    from gaodi.core.permissions import Principal

    office = Principal("t-office", "chain_office", chain_ids=frozenset({world.ids["OT"]}))
    with session_scope(db) as s:
        report = remap.map_chains(s, office)
        assert [c.code for c in report.chains] == ["OT"]
        with pytest.raises(NotFoundError):
            remap.map_chains(s, office, "HM")
