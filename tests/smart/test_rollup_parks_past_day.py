"""Levels by park on a past day count the firms' parks of that day.

The fixture city (tests/smart/conftest.py) is built on 2024-01-02. On 2024-01-10 an import
moves E3 (level 0, assessed 2023-03-01) from park P1 to P2 (an audited update of its row). By
hand, with each firm's latest level:

    as of 2023-12-31: P1 E1 3, E3 0;  P2 E2 2, E5 4;         no park E4 1
    as of 2024-01-10: P1 E1 3;        P2 E2 2, E5 4, E3 0;   no park E4 1

The year-end roll-up put E3 in P2 before the move: today's park.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.models import Enterprise
from gaodi.smart import rollup
from tests.smart.conftest import build_world, seed_levels


def _by_park(session: Session, day: date, ids: dict[str, int]) -> dict[str, dict[int, int]]:
    groups = rollup.level_rollup(session, SYSTEM, by="park", as_of=day).groups
    names = {str(ids["p1"]): "P1", str(ids["p2"]): "P2", rollup.NO_CHAIN: "none"}
    return {names[g.key]: {lc.level: lc.count for lc in g.levels if lc.count} for g in groups}


def test_levels_by_park_on_a_past_day_use_that_days_parks(session: Session) -> None:
    with clock.frozen(datetime(2024, 1, 2, 2, 0)):
        world = build_world(session)
        seed_levels(session, world)
    with clock.frozen(datetime(2024, 1, 10, 2, 0)):
        session.get_one(Enterprise, world.ids["e3"]).park_id = world.ids["p2"]
        session.flush()
        before = _by_park(session, date(2023, 12, 31), world.ids)
        after = _by_park(session, date(2024, 1, 10), world.ids)
    assert before == {"P1": {0: 1, 3: 1}, "P2": {2: 1, 4: 1}, "none": {1: 1}}
    assert after == {"P1": {3: 1}, "P2": {0: 1, 2: 1, 4: 1}, "none": {1: 1}}
