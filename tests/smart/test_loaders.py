"""The owners' loaders this feature reads chains, enterprises, parks, plans and regions through
(issue [15]), on the hand-made city of conftest.py: rows inside and outside each scope.

Chain A holds E1, E2, E4; chain B holds E3, E4, E6; park P1 holds E1, E3, E6; E5 is on no chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from gaodi.chains import loaders as chain_loaders
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.models import EnterpriseLink, EnterpriseYear, Indicator, Link
from gaodi.parks import loaders as park_loaders
from gaodi.plans import loaders as plan_loaders
from gaodi.plans.intake import add_demo_indicators
from gaodi.regions import loaders as region_loaders
from gaodi.smart import rollup
from gaodi.smart.models import Assessment
from tests.smart.conftest import World, seed_levels, uscc


def _ids(world: World, *keys: str) -> set[int]:
    return {world.ids[k] for k in keys}


def _listed(session: Session, query: object) -> set[int]:
    return {int(e.id) for e in session.scalars(query)}  # type: ignore[call-overload]


# ---------------------------------------------------------------------------- enterprises
def test_readable_enterprise_by_id_or_uscc_within_scope(session: Session, world: World) -> None:
    e3 = enterprise_loaders.readable_enterprise(session, world.admin, enterprise_id=world.ids["e3"])
    assert e3 is not None and e3.name == "测试企业E3"
    # E3 is on chain B only: outside chain A's office
    assert (
        enterprise_loaders.readable_enterprise(
            session, world.chain_office, enterprise_id=world.ids["e3"]
        )
        is None
    )
    # the USCC is matched upper-cased and trimmed
    found = enterprise_loaders.readable_enterprise(
        session, world.chain_office, uscc=f" {world.uscc['e1'].lower()} "
    )
    assert found is not None and found.id == world.ids["e1"]
    assert enterprise_loaders.readable_enterprise(session, world.admin) is None


def test_listing_scopes_text_and_within(session: Session, world: World) -> None:
    everyone = _ids(world, "e1", "e2", "e3", "e4", "e5", "e6")
    assert _listed(session, enterprise_loaders.listing(world.admin)) == everyone
    assert _listed(session, enterprise_loaders.listing(world.chain_office)) == _ids(
        world, "e1", "e2", "e4"
    )
    assert _listed(session, enterprise_loaders.listing(world.park_office)) == _ids(
        world, "e1", "e3", "e6"
    )
    assert _listed(session, enterprise_loaders.listing(world.admin, text=" E2 ")) == _ids(
        world, "e2"
    )
    on_b = chain_loaders.on_chain_ids("B")
    assert _listed(session, enterprise_loaders.listing(world.admin, within=on_b)) == _ids(
        world, "e3", "e4", "e6"
    )
    # chain A's office, on chain B: only E4 is on both
    assert _listed(session, enterprise_loaders.listing(world.chain_office, within=on_b)) == _ids(
        world, "e4"
    )
    # the caller orders on the enterprise's columns without importing the model
    listed = enterprise_loaders.listing(world.admin)
    ordered = [e.id for e in session.scalars(listed.order_by(listed.selected_columns.id.desc()))]
    assert ordered == sorted(everyone, reverse=True)


def test_attributes_frame_takes_the_latest_year_on_or_before(
    session: Session, world: World
) -> None:
    e1, e4 = world.ids["e1"], world.ids["e4"]
    session.add(EnterpriseYear(enterprise_id=e1, year=2021, employees=900, revenue=30000.0))
    session.flush()
    rows = {
        r["enterprise_id"]: r
        for r in enterprise_loaders.attributes_frame(session, [e1, e4], 2023).iter_rows(named=True)
    }
    assert rows[e1]["employees"] == 1200 and rows[e1]["revenue"] == 50000.0
    assert rows[e1]["park_id"] == world.ids["p1"] and rows[e1]["industry_code"] == "3411"
    assert rows[e4]["park_id"] is None and rows[e4]["main_revenue"] == 3000.0
    then = {
        r["enterprise_id"]: r
        for r in enterprise_loaders.attributes_frame(session, [e1, e4], 2022).iter_rows(named=True)
    }
    assert then[e1]["employees"] == 900 and then[e1]["revenue"] == 30000.0
    assert then[e4]["employees"] is None  # no figures on or before 2022
    assert enterprise_loaders.attributes_frame(session, [], 2023).height == 0


def test_identities_and_year_figures_are_city_wide(session: Session, world: World) -> None:
    rows = enterprise_loaders.every_identity(session)
    assert [r[0] for r in rows] == sorted(
        world.ids[k] for k in ("e1", "e2", "e3", "e4", "e5", "e6")
    )
    first = rows[0]
    assert first[1:4] == (world.uscc["e1"], "测试企业E1", "3411") and first[4] == []
    figures = enterprise_loaders.year_figures(session, 2023, ("revenue", "employees"))
    assert figures[0] == (world.ids["e1"], 50000.0, 1200)
    assert len(figures) == 6
    assert enterprise_loaders.year_figures(session, 2022, ("revenue",)) == []


# ---------------------------------------------------------------------------- chains
def _assign(session: Session, enterprise_id: int, chain: str, **kw: object) -> None:
    link = session.scalars(select(Link).where(Link.code == chain.lower())).one()
    session.add(EnterpriseLink(enterprise_id=enterprise_id, link_id=link.id, source="manual", **kw))
    session.flush()


def test_chain_choices_and_names_follow_the_scope(session: Session, world: World) -> None:
    assert chain_loaders.chain_choices(session, world.admin) == [("A", "链A"), ("B", "链B")]
    assert chain_loaders.chain_choices(session, world.chain_office) == [("A", "链A")]
    assert chain_loaders.chain_choices(session, world.enterprise) == []  # may not read chains
    assert chain_loaders.readable_chain_names(session, world.chain_office) == {
        world.ids["chain_a"]: "链A"
    }
    assert chain_loaders.readable_chain_names(session, world.enterprise) == {}


def test_membership_reads_skip_ended_and_excluded_assignments(
    session: Session, world: World
) -> None:
    e5, e6 = world.ids["e5"], world.ids["e6"]
    _assign(session, e5, "A", excluded=True)  # excluded: only the "on chain" list filter keeps it
    _assign(session, e6, "A", valid_to=datetime(2023, 1, 1))  # ended: no read keeps it
    a, b = world.ids["chain_a"], world.ids["chain_b"]

    assert set(session.scalars(chain_loaders.on_chain_ids("A"))) == _ids(
        world, "e1", "e2", "e4", "e5"
    )
    names = chain_loaders.chain_names_of(session, [world.ids[k] for k in ("e4", "e5", "e6")])
    assert names == {world.ids["e4"]: ["链A", "链B"], e6: ["链B"]}
    assert chain_loaders.chain_names_of(session, []) == {}

    every = [world.ids[k] for k in ("e1", "e2", "e3", "e4", "e5", "e6")]
    pairs = set(chain_loaders.membership_frame(session, every, [a]).iter_rows())
    assert pairs == {(world.ids["e1"], a), (world.ids["e2"], a), (world.ids["e4"], a)}
    both = chain_loaders.membership_frame(session, every, [a, b])
    assert both.height == 6  # A: E1 E2 E4, B: E3 E4 E6

    current = chain_loaders.current_assignments(session)
    assert (e5, a) in current and (e6, a) not in current and (e6, b) in current
    assert current == sorted(current)


# ---------------------------------------------------------------------------- parks, regions
def test_park_names(session: Session, world: World) -> None:
    assert park_loaders.park_names(session) == {
        world.ids["p1"]: "园区P1",
        world.ids["p2"]: "园区P2",
    }
    assert park_loaders.park_name(session, world.ids["p2"]) == "园区P2"
    assert park_loaders.park_name(session, None) is None
    assert park_loaders.park_name(session, world.ids["p2"] + 1000) is None


def test_division_names_are_the_divisions_only(session: Session, world: World) -> None:
    assert region_loaders.division_names(session) == {
        "34": "通用设备制造业",
        "35": "专用设备制造业",
        "39": "计算机、通信和其他电子设备制造业",
        "52": "零售业",
    }


# ---------------------------------------------------------------------------- plans
def test_indicator_by_code_and_demo_indicators(session: Session, world: World) -> None:
    assert plan_loaders.indicator_by_code(session, "x_share") is None
    add_demo_indicators(
        session, [{"code": "x_share", "name": "示例占比", "unit": "%", "frequency": "yearly"}]
    )
    found = plan_loaders.indicator_by_code(session, "x_share")
    assert found is not None and found.name == "示例占比" and found.is_demo
    assert session.scalar(select(Indicator.is_demo).where(Indicator.code == "x_share")) is True


# ---------------------------------------------------------------------------- query counts
@contextmanager
def _counting(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []
    engine = session.get_bind()

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_rollup_reads_do_not_grow_with_the_enterprises(session: Session, world: World) -> None:
    """The roll-up's reads are one query per level (assessments, names, figures, chains), not
    one per enterprise: 20 more assessed enterprises on the chains cost no extra query."""
    seed_levels(session, world)
    with _counting(session) as before:
        small = rollup.level_rollup(session, world.admin, by="chain", as_of=date(2023, 12, 31))
    from gaodi.models import Enterprise

    link_a = session.scalars(select(Link).where(Link.code == "a")).one()
    for n in range(20):
        ent = Enterprise(uscc=uscc(100 + n), name=f"加测企业{n}", industry_code="3411")
        session.add(ent)
        session.flush()
        session.add(EnterpriseYear(enterprise_id=ent.id, year=2023, employees=30, revenue=900.0))
        session.add(EnterpriseLink(enterprise_id=ent.id, link_id=link_a.id, source="rule"))
        session.add(
            Assessment(
                enterprise_id=ent.id, scheme_id="miit_sme_digital_2024", scheme_version="2024",
                assessed_on=date(2023, 5, 1), level=1, level_name="1", source="api",
            )
        )  # fmt: skip
    session.flush()
    with _counting(session) as after:
        big = rollup.level_rollup(session, world.admin, by="chain", as_of=date(2023, 12, 31))
    assert big.assessed == small.assessed + 20
    assert before and len(after) == len(before)
