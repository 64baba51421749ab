"""The loaders the chains, parks, regions, plans, audit and system features offer the others
(issue [15]: features read each other through loaders), against the hand-made city of
tests/web/seed.py.

Hand facts (seed.py): chains 测试链甲 (CA: links a1, a2) and 测试链乙 (CB: b1); parks 甲园区测试 and
乙园区测试; e1 on a1 in park A, e2 on b1 in park B, e3 on b1 in park A, e4 on a2 in park B; one
city observation (2023-06) and one of chain B (2023-12); the dataset record says demo, seed 7.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi import features
from gaodi.audit import loaders as audit_loaders
from gaodi.chains import loaders as chain_loaders
from gaodi.core import dataset
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.models import AuditEvent, Chain, Enterprise, IndustryCode, PanelValue, Park, Plan, Region
from gaodi.parks import loaders as park_loaders
from gaodi.plans import loaders as plan_loaders
from gaodi.regions import loaders as region_loaders
from gaodi.system import service as system_service
from tests.web.seed import World, seed


@pytest.fixture
def world(db: Engine) -> World:
    return seed(db)


def _office(world: World) -> Principal:
    return Principal("o", "chain_office", chain_ids=frozenset({world.ids["chain_a"]}))


def test_chain_loaders(db: Engine, world: World) -> None:
    ids, office = world.ids, _office(world)
    a, b = ids["chain_a"], ids["chain_b"]
    with session_scope(db) as s:
        s.get_one(Chain, b).office = "乙链办公室"
    with session_scope(db) as s:
        assert chain_loaders.chain_codes(s, ["CA", "CB", "ZZ"]) == {a: "CA", b: "CB"}
        assert chain_loaders.names_and_offices(s, [a, b]) == {
            a: ("测试链甲", None),
            b: ("测试链乙", "乙链办公室"),
        }
        assert chain_loaders.id_by_code_or_name(s, "测试链乙") == b
        assert chain_loaders.id_by_code_or_name(s, "CA") == a
        assert chain_loaders.id_by_code_or_name(s, "nope") is None
        assert chain_loaders.first_id_and_name(s) == (
            min(a, b),
            "测试链甲" if a < b else "测试链乙",
        )
        every = [ids[k] for k in ("e1", "e2", "e3", "e4")]
        names = chain_loaders.current_chain_names(s, SYSTEM, every)
        assert names == {ids["e1"]: ["测试链甲"], ids["e2"]: ["测试链乙"],
                         ids["e3"]: ["测试链乙"], ids["e4"]: ["测试链甲"]}  # fmt: skip
        # the office of chain A reads chain A's assignments only
        assert chain_loaders.current_chain_names(s, office, every) == {
            ids["e1"]: ["测试链甲"],
            ids["e4"]: ["测试链甲"],
        }
        rows = chain_loaders.current_memberships(s, ids["e3"], None)
        assert [(r[0], r[1], r[4], r[5]) for r in rows] == [(b, "CB", "乙上游", "rule")]
        assert chain_loaders.current_memberships(s, ids["e3"], office) == []
        assert chain_loaders.readable_names(s, office) == [(a, "测试链甲")]
        assert chain_loaders.readable_names(s, Principal("e", "enterprise")) is None
        assert chain_loaders.enterprise_counts(s, [a, b]) == {a: 2, b: 2}
        among = enterprise_loaders.readable_ids(Principal("p", "park_office",
                                                          park_ids=frozenset({ids["park_a"]})))  # fmt: skip
        assert chain_loaders.enterprise_counts(s, [a, b], among) == {a: 1, b: 1}  # e1; e3


def test_park_loaders(db: Engine, world: World) -> None:
    pa, pb = world.ids["park_a"], world.ids["park_b"]
    with session_scope(db) as s:
        s.add(Region(code="430103", name="天心区", level="county"))
        s.flush()
        park = s.get_one(Park, pa)
        park.short_name, park.region_code = "甲园", "430103"
    with session_scope(db) as s:
        assert park_loaders.names(s) == {pa: "甲园区测试", pb: "乙园区测试"}
        assert park_loaders.names(s, [pb]) == {pb: "乙园区测试"}
        assert park_loaders.id_by_ref(s, "甲园") == pa
        assert park_loaders.id_by_ref(s, str(pb)) == pb
        assert park_loaders.id_by_ref(s, "丙园") is None
        assert park_loaders.first_id_and_name(s) == (pa, "甲园区测试")  # seeded first
        # correlated with another feature's rows: each enterprise's park name and district
        named = s.execute(
            select(
                Enterprise.id,
                park_loaders.name_of(Enterprise.park_id),
                park_loaders.region_of(Enterprise.park_id),
            )
        ).all()
        by_id = {r[0]: (r[1], r[2]) for r in named}
        ids = world.ids
        assert by_id == {
            ids["e1"]: ("甲园区测试", "430103"),
            ids["e2"]: ("乙园区测试", None),
            ids["e3"]: ("甲园区测试", "430103"),
            ids["e4"]: ("乙园区测试", None),
        }
        office = Principal("p", "park_office", park_ids=frozenset({pb}))
        assert park_loaders.readable_names(s, office) == [(pb, "乙园区测试")]
        assert park_loaders.readable_names(s, Principal("e", "enterprise")) is None


def test_region_loaders(db: Engine, world: World) -> None:
    with session_scope(db) as s:
        s.add_all([Region(code=c, name=n, level="prefecture")
                   for c, n in (("430100", "长沙市"), ("440300", "深圳市"), ("320500", "苏州市"))])  # fmt: skip
        s.add_all([IndustryCode(code=c, name=c, level="group") for c in ("341", "342")])
        s.flush()
        for region, code, year, value in (
            ("430100", "341", 2022, 10.0), ("430100", "342", 2022, 5.0),
            ("440300", "341", 2022, 7.0), ("320500", "341", 2022, 3.0),
            ("320500", "342", 2023, 4.0), ("440300", "341", 2021, 99.0),
        ):  # fmt: skip
            s.add(PanelValue(region_code=region, industry_code=code, year=year,
                             measure="output", value=value))  # fmt: skip
        s.add(PanelValue(region_code="440300", industry_code="342", year=2022,
                         measure="employment", value=1000.0))  # fmt: skip
    with session_scope(db) as s:
        # one region: its latest year not after 2022
        assert region_loaders.panel_output(s, "440300", 2022, None) == ({"341": 7.0}, 2022)
        # every region but the home city, in the panel's latest year (2023: Suzhou's 342 only)
        assert region_loaders.panel_output(s, None, None, "430100") == ({"342": 4.0}, 2023)
        assert region_loaders.panel_output(s, None, 2022, "430100") == ({"341": 10.0}, 2022)
        assert region_loaders.panel_output(s, "430100", 2020, None) == ({}, None)
        name = s.scalar(select(region_loaders.name_of(select(Region.code).where(
            Region.code == "440300").scalar_subquery())))  # fmt: skip
        assert name == "深圳市"


def test_plan_audit_and_system_loaders(db: Engine, world: World) -> None:
    with session_scope(db) as s:
        assert plan_loaders.latest_region_code(s) is None  # the seeded plan names no region
        s.add(Region(code="430100", name="长沙市", level="prefecture"))
        s.flush()
        s.add_all([Plan(title="旧", period_start=2016, period_end=2020, region_code="430100")])
        s.flush()
        assert plan_loaders.latest_region_code(s) == "430100"
        assert sorted(plan_loaders.readable_periods(s, SYSTEM) or []) == ["2023-06", "2023-12"]
        # a chain office of chain A reads the city figure, not chain B's
        assert plan_loaders.readable_periods(s, _office(world)) == ["2023-06"]
        assert plan_loaders.readable_periods(s, Principal("e", "enterprise")) is None
        record = dataset.record(s)  # the one reader of the dataset record (core)
        assert record["seed"] == 7 and record["demo"] is True
        s.add_all(
            [
                AuditEvent(actor="a", entity="target", action="delete", entity_id="5"),
                AuditEvent(actor="a", entity="target", action="update", entity_id="6"),
                AuditEvent(actor="a", entity="target", action="update", entity_id="7"),
            ]
        )
        s.flush()
        updates = audit_loaders.entity_events(s, "target", "update", entity_ids=["7", "8"])
        assert [e.entity_id for e in updates] == ["7"]
        deletes = audit_loaders.entity_events(s, "target", "delete")
        assert [e.entity_id for e in deletes] == ["5"]


def test_the_overview_counts_what_the_features_declare() -> None:
    declared = features.counted()
    assert set(declared) == set(system_service.COUNTED_ORDER)
    assert [k for k, _ in system_service.counted(declared)] == list(system_service.COUNTED_ORDER)
    assert declared["enterprises"].__tablename__ == "enterprise"  # type: ignore[attr-defined]
    assert declared["users"].__module__ == "gaodi.accounts.models"
