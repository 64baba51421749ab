"""Chain membership edits are stamped on the city's clock (audit F, bug 1), so the link page
and the history agree with the city's today, not the machine's date."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.chains import editing, proposals, remap, service
from gaodi.chains.models import EnterpriseLink, LinkProposal
from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from tests.chains.conftest import World

#: The city's day, far from the machine's date whatever it is.
CITY_NOW = datetime(2023, 6, 30, 2, 0)  # naive UTC: 10:00 on 30 June in Beijing


def _pair(engine: Engine, enterprise_id: int, link_id: int) -> list[EnterpriseLink]:
    with session_scope(engine) as s:
        return list(
            s.scalars(
                select(EnterpriseLink)
                .where(
                    EnterpriseLink.enterprise_id == enterprise_id,
                    EnterpriseLink.link_id == link_id,
                )
                .order_by(EnterpriseLink.id)
            )
        )


def test_assign_and_take_off_are_stamped_on_the_city_clock(
    sqlite_db: Engine, sqlite_world: World
) -> None:
    ids, uscc = sqlite_world.ids, sqlite_world.uscc
    with clock.frozen(CITY_NOW), session_scope(sqlite_db, actor="office") as s:
        editing.assign(s, SYSTEM, "HM", ids["L4"], uscc["E5"], "维修业务")
        editing.unassign(s, SYSTEM, "HM", ids["L3"], uscc["E1"])
    (added,) = _pair(sqlite_db, ids["E5"], ids["L4"])
    assert added.valid_from == CITY_NOW
    closed, excluded = _pair(sqlite_db, ids["E1"], ids["L3"])
    assert closed.valid_to == CITY_NOW and excluded.valid_from == CITY_NOW
    # what the link page shows: the edit on the city's day
    with clock.frozen(CITY_NOW), session_scope(sqlite_db) as s:
        detail = service.link_detail(s, SYSTEM, "HM", "L3")
    assert [a.valid_from for a in detail.excluded] == [CITY_NOW]
    assert [a.valid_to for a in detail.history] == [CITY_NOW]
    # and says the day its membership is true: the city's today
    assert detail.provenance.membership_on == "2023-06-30"


def test_a_release_closes_on_the_city_clock(sqlite_db: Engine, sqlite_world: World) -> None:
    ids, uscc = sqlite_world.ids, sqlite_world.uscc
    with session_scope(sqlite_db) as s:
        editing.unassign(s, SYSTEM, "HM", ids["L3"], uscc["E1"])
    with clock.frozen(CITY_NOW), session_scope(sqlite_db) as s:
        assert editing.release(s, SYSTEM, "HM", ids["L3"], uscc["E1"]) == 1
    manual = [r for r in _pair(sqlite_db, ids["E1"], ids["L3"]) if r.source == "manual"]
    assert [r.valid_to for r in manual] == [CITY_NOW]


def test_proposals_and_their_approval_are_stamped_on_the_city_clock(
    sqlite_db: Engine, sqlite_world: World
) -> None:
    ids, uscc = sqlite_world.ids, sqlite_world.uscc
    with clock.frozen(CITY_NOW), session_scope(sqlite_db) as s:
        row = proposals.propose(s, SYSTEM, "HM", ids["L4"], uscc["E5"], "维修")
        pid = row.id
    later = datetime(2023, 7, 3, 1, 0)
    with clock.frozen(later), session_scope(sqlite_db) as s:
        proposals.decide(s, SYSTEM, pid, approve=True)
    with session_scope(sqlite_db) as s:
        p = s.get_one(LinkProposal, pid)
        assert (p.proposed_at, p.decided_at) == (CITY_NOW, later)
    (attached,) = _pair(sqlite_db, ids["E5"], ids["L4"])
    assert attached.valid_from == later


def test_a_proposal_is_dated_by_the_citys_calendar(sqlite_db: Engine, sqlite_world: World) -> None:
    ids, uscc = sqlite_world.ids, sqlite_world.uscc
    with clock.frozen(datetime(2023, 6, 29, 20, 0)), session_scope(sqlite_db) as s:
        proposals.propose(s, SYSTEM, "HM", ids["L4"], uscc["E5"], "维修")
    with session_scope(sqlite_db) as s:
        (row,) = proposals.proposals(s, SYSTEM, link_id=ids["L4"])
    assert row.proposed_on == "2023-06-30"  # 04:00 in Beijing, 29 June in UTC


def test_remap_is_stamped_on_the_city_clock(sqlite_db: Engine, sqlite_world: World) -> None:
    ids = sqlite_world.ids
    with clock.frozen(CITY_NOW), session_scope(sqlite_db, actor="mapper") as s:
        remap.map_chains(s, SYSTEM)
    old, new = _pair(sqlite_db, ids["E1"], ids["L3"])  # confidence 0.70 -> 0.82
    assert old.valid_to == CITY_NOW and new.valid_from == CITY_NOW


def test_the_link_page_dates_an_edit_by_the_citys_calendar(
    sqlite_db: Engine, sqlite_world: World
) -> None:
    ids, uscc = sqlite_world.ids, sqlite_world.uscc
    early = datetime(2023, 6, 29, 20, 0)  # naive UTC: 04:00 on 30 June in Beijing
    with clock.frozen(early), session_scope(sqlite_db) as s:
        editing.unassign(s, SYSTEM, "HM", ids["L3"], uscc["E1"])
    with clock.frozen(early), session_scope(sqlite_db) as s:
        detail = service.link_detail(s, SYSTEM, "HM", "L3")
    (off,) = detail.excluded
    assert off.valid_from == early  # the stored stamp, naive UTC
    assert off.since == "2023-06-30" == detail.provenance.membership_on
    assert [a.until for a in detail.history] == ["2023-06-30"]
