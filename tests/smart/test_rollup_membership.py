"""Levels by chain on a past day count the chains' membership of that day.

The fixture city (tests/smart/conftest.py) is mapped on 2024-01-02 (rule rows: they hold before
that day too, as the first mapping). On 2024-01-10 an official moves E3 (level 0, assessed
2023-03-01) by hand from chain B to chain A. By hand, with each firm's latest level:

    as of 2023-12-31: chain A E1 3, E2 2, E4 1;        chain B E3 0, E4 1
    as of 2024-01-10: chain A E1 3, E2 2, E4 1, E3 0;  chain B E4 1

The year-end roll-up said E3 was on chain A before the move: today's membership.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.chains import editing
from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.models import Link
from gaodi.smart import rollup
from tests.smart.conftest import build_world, seed_levels


def _by_chain(session: Session, day: date, ids: dict[str, int]) -> dict[str, dict[int, int]]:
    groups = rollup.level_rollup(session, SYSTEM, by="chain", as_of=day).groups
    names = {str(ids["chain_a"]): "A", str(ids["chain_b"]): "B", "none": "none"}
    return {names[g.key]: {lc.level: lc.count for lc in g.levels if lc.count} for g in groups}


def test_levels_by_chain_on_a_past_day_use_that_days_membership(session: Session) -> None:
    with clock.frozen(datetime(2024, 1, 2, 2, 0)):
        world = build_world(session)
        seed_levels(session, world)
    links = {lk.chain_id: lk.id for lk in session.scalars(select(Link))}
    a, b, e3 = world.ids["chain_a"], world.ids["chain_b"], world.ids["e3"]
    with clock.frozen(datetime(2024, 1, 10, 2, 0)):
        editing.unassign(session, SYSTEM, "B", links[b], e3)
        editing.assign(session, SYSTEM, "A", links[a], e3)
        session.flush()
        before = _by_chain(session, date(2023, 12, 31), world.ids)
        after = _by_chain(session, date(2024, 1, 10), world.ids)
    assert before == {"A": {1: 1, 2: 1, 3: 1}, "B": {0: 1, 1: 1}, "none": {4: 1}}
    assert after == {"A": {0: 1, 1: 1, 2: 1, 3: 1}, "B": {1: 1}, "none": {4: 1}}
