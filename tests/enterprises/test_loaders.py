"""The enterprises feature's loaders (what other features read of its tables), against the
hand-made city of tests/web/seed.py.

Hand facts (seed.py): e1 阿尔法 park A, chain A (link a1), 2023 revenue 5000 万元; e2 贝塔 park B,
chain B, 2500; e3 伽马 park A, chain B, 800; e4 德尔塔 park B, chain A (link a2), 1999. Every one
has 2022 (0.9 × the 2023 revenue) and 2023 figures. A chain office of chain A reads e1 and e4;
a park office of park A reads e1 and e3; an enterprise user reads only itself.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.chains.members import chain_enterprise_ids
from gaodi.core.errors import NotFoundError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.enterprises import loaders
from gaodi.models import Enterprise, EnterpriseYear, ExternalEnterprise, IndustryCode, Region
from gaodi.parks import loaders as park_loaders
from gaodi.regions import loaders as region_loaders
from tests.web.seed import World, seed


@pytest.fixture
def world(db: Engine) -> World:
    return seed(db)


def _office(world: World) -> Principal:
    return Principal("o", "chain_office", chain_ids=frozenset({world.ids["chain_a"]}))


def _park_office(world: World) -> Principal:
    return Principal("p", "park_office", park_ids=frozenset({world.ids["park_a"]}))


def test_ids_names_and_scope(db: Engine, world: World) -> None:
    ids = world.ids
    every = [ids[k] for k in ("e1", "e2", "e3", "e4")]
    with session_scope(db) as s:
        assert loaders.visible_ids(s, SYSTEM, [*every, 999_999]) == set(every)
        assert loaders.visible_ids(s, _office(world), every) == {ids["e1"], ids["e4"]}
        assert loaders.visible_ids(s, _park_office(world), every) == {ids["e1"], ids["e3"]}
        names = loaders.names_and_usccs(s, [ids["e2"], ids["e3"]])
        assert names == {
            ids["e2"]: (world.names["e2"], world.uscc["e2"]),
            ids["e3"]: (world.names["e3"], world.uscc["e3"]),
        }
        assert set(loaders.by_ids(s, [ids["e1"]])) == {ids["e1"]}
        assert loaders.get(s, ids["e1"]).name == world.names["e1"]  # type: ignore[union-attr]
        assert loaders.by_ref(s, str(ids["e2"])).name == world.names["e2"]  # type: ignore[union-attr]
        assert loaders.by_ref(s, world.uscc["e3"].lower()).id == ids["e3"]  # type: ignore[union-attr]
        assert loaders.by_ref(s, "91430100MA00000000") is None
        assert loaders.id_by_uscc(s, world.uscc["e4"]) == ids["e4"]
        assert loaders.id_by_uscc(s, "nope") is None
        assert loaders.first_id_and_name(s) == (
            min(every),
            world.names[next(k for k in ("e1", "e2", "e3", "e4") if ids[k] == min(every))],
        )


def test_in_scope_and_referable_follow_the_row_scope(db: Engine, world: World) -> None:
    ids, office = world.ids, _office(world)
    words = ("找不到", "not found")
    with session_scope(db) as s:
        assert loaders.in_scope(s, office, ids["e1"], "edit", not_found=words).id == ids["e1"]
        with pytest.raises(NotFoundError) as err:  # e2 is on chain B: outside the office's scope
            loaders.in_scope(s, office, ids["e2"], "edit", not_found=words)
        assert err.value.zh == "找不到"
        found = loaders.referable(
            s, office, usccs=[world.uscc["e1"], world.uscc["e2"]], ids=[ids["e4"], ids["e3"]]
        )
        assert sorted(found) == sorted(
            [
                (ids["e1"], world.uscc["e1"], world.names["e1"]),
                (ids["e4"], world.uscc["e4"], world.names["e4"]),
            ]
        )
        every = loaders.referable(s, SYSTEM, usccs=[world.uscc["e2"]], ids=[ids["e2"]])
        assert every == [(ids["e2"], world.uscc["e2"], world.names["e2"])] * 2  # once per way


def test_identities_join_in_one_query(db: Engine, world: World) -> None:
    ent = loaders.identities()
    with session_scope(db) as s:
        rows = s.execute(
            select(ent.c.name, ent.c.uscc).where(ent.c.park_id == world.ids["park_a"])
        ).all()
    assert sorted(rows) == sorted([(world.names[k], world.uscc[k]) for k in ("e1", "e3")])


def test_years_and_figures(db: Engine, world: World) -> None:
    ids = world.ids
    with session_scope(db) as s:
        assert loaders.years(s) == [2022, 2023]
        assert loaders.latest_year(s) == 2023 and loaders.latest_year(s, until=2022) == 2022
        assert loaders.latest_year(s, until=2021) is None
        assert loaders.year_values(s, [ids["e1"], ids["e3"]], 2022, "revenue") == {
            ids["e1"]: pytest.approx(4500.0),
            ids["e3"]: pytest.approx(720.0),
        }
        assert loaders.year_values(s, [ids["e1"]], 2019, "revenue") == {}
        assert loaders.latest_readable_year(s, _office(world)) == 2023
        assert loaders.latest_readable_year(s, Principal("n", "chain_office")) is None
        by_park = loaders.count_by_park(s)
        assert by_park == {ids["park_a"]: 2, ids["park_b"]: 2}
        among = loaders.readable_ids(_office(world))
        assert loaders.count_by_park(s, among) == {ids["park_a"]: 1, ids["park_b"]: 1}
        assert loaders.readable_ids(Principal("n", "nobody-role")) is None


def test_chain_figures_is_one_row_per_enterprise(db: Engine, world: World) -> None:
    figures = loaders.chain_figures(2023)
    with session_scope(db) as s:
        rows = {r.enterprise_id: r for r in s.execute(select(figures)).all()}
    assert len(rows) == 4
    e1 = rows[world.ids["e1"]]
    assert e1.name == world.names["e1"] and e1.revenue == pytest.approx(5000.0)
    assert e1.output is None and e1.output_prev is None  # the seed records revenue only


def test_located_output_and_industry_values(db: Engine, world: World) -> None:
    ids = world.ids
    with session_scope(db) as s:
        s.add(Region(code="430102", name="芙蓉区", level="county"))
        s.add_all(IndustryCode(code=c, name=c, level="class") for c in ("3411", "3412", "3511"))
        s.flush()
        for key, code in (("e1", "3411"), ("e2", "3412"), ("e3", None), ("e4", "3511")):
            ent = s.get(Enterprise, ids[key])
            assert ent is not None
            ent.industry_code, ent.region_code = code, "430102" if key in ("e1", "e2") else None
        for y in s.scalars(select(EnterpriseYear).where(EnterpriseYear.year == 2023)):
            y.output = {ids["e1"]: 100.0, ids["e2"]: 50.0, ids["e3"]: 7.0, ids["e4"]: None}[
                y.enterprise_id
            ]
    with session_scope(db) as s:
        rows = loaders.located_output(s, _office(world), 2023)
        assert sorted(r[0] for r in rows) == sorted([ids["e1"], ids["e4"]])
        chain_b = chain_enterprise_ids(frozenset({world.ids["chain_b"]}))
        rows = loaders.located_output(s, SYSTEM, 2023, among=chain_b, park=ids["park_a"])
        assert [(r[0], r[2], r[4]) for r in rows] == [(ids["e3"], None, 7.0)]
        values = sorted(loaders.industry_year_values(s, SYSTEM, "output", [2023]))
        assert values == [("3411", 2023, 100.0), ("3412", 2023, 50.0)]  # e3 no code, e4 no value
        assert loaders.industry_year_values(s, _office(world), "output") == [("3411", 2023, 100.0)]
        texts = loaders.texts_frame(s)
        assert texts.height == 4 and set(texts.columns) == {
            "enterprise_id",
            "industry_code",
            "scope_text",
            "products",
        }


def test_directory_names_park_and_region_in_one_query(db: Engine, world: World) -> None:
    ids = world.ids
    with session_scope(db) as s:
        s.add(Region(code="430102", name="芙蓉区", level="county"))
        s.flush()
        ent = s.get(Enterprise, ids["e3"])
        assert ent is not None
        ent.region_code = "430102"
    with session_scope(db) as s:
        rows = loaders.directory(
            s,
            "测试",
            not_in=chain_enterprise_ids(frozenset({ids["chain_a"]})),  # e1 and e4 are on it
            limit=50,
            park_name=park_loaders.name_of,
            region_name=region_loaders.name_of,
        )
        got = [(e.id, park, region) for e, park, region in rows]
    # e1 and e4 are on chain A; the order is the database's name collation, so compare sets
    assert sorted(got) == sorted(
        [(ids["e2"], "乙园区测试", None), (ids["e3"], "甲园区测试", "芙蓉区")]
    )


def test_pool_stamp_and_frame_follow_the_chain_domain(db: Engine, world: World) -> None:
    with session_scope(db) as s:
        s.add_all([Region(code=c, name=c, level="prefecture") for c in ("440300", "320500")])
        s.flush()
        s.add_all(
            [
                ExternalEnterprise(uscc="X1", name="外地一", region_code="440300",
                                   tags=["srdi"], partner_ids=[world.ids["e1"]]),
                ExternalEnterprise(uscc="X2", name="外地二", region_code="320500"),
            ]
        )  # fmt: skip
    with session_scope(db) as s:
        count, largest = loaders.pool_stamp(s, SYSTEM)
        pool = loaders.pool_frame(s, SYSTEM)
    assert count == 2 and largest == max(pool["pool_id"].to_list())
    first = pool.filter(pool["uscc"] == "X1").row(0, named=True)
    assert first["tags"] == ["srdi"] and first["supplies_to"] == [world.ids["e1"]]
