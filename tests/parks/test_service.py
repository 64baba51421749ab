"""The parks service on a hand-made city (SQLite and PostgreSQL), every figure worked out by hand
from the published 黄岩 2022 weights and divisors (reference facts §5; Gaodi's default rule set
uses them with rank-share classes A 20 % / B 60 % / C 15 % / D 5 %).

规上 firms (main revenue 20000 万元 >= 2000) are built from a multiplier m so that each ratio is
m x its 黄岩 divisor, except labour productivity (100 employees, value added 1361.6 m):

    tax/land = 24.097 m (30 pts x m)   va/land = 136.16 m (20 m)   va/energy = 2.694 m (20 m)
    va/emissions = 4929.81 m (10 m)    rd/main revenue = 0.0302 m (10 m)
    va/employees = 13.616 m -> 10 x 13.616 m / 18.14
    score(m) = m (90 + 136.16 / 18.14) = 97.506 m

    firm park industry  m    2023 output (亿元) 2021   notes
    A1   甲   3511     1.5   400               300
    A2   甲   3670     1.2   200               150
    A3   甲   3982     1.0   100                50    no emissions: 黄岩's average rule
    A4   甲   2710     规下  20                  —     land 5, tax 57.966, 246.454 万kWh
    A5   甲   1310     —     —                   —     no land: not evaluated
    B1   乙   2710     0.8   300               400
    B2   乙   3091     0.8   50                 50    no energy figure: not evaluated
    C1   丙   3511     0.6   1200              1000
    D1   —    3511     2.0   —                   —     outside any park

A3's emission item = mean of the others' emission items = 10 x mean(1.5, 1.2, 0.8, 0.6, 2.0) =
12.2, so score(A3) = 80 + 1361.6 / 18.14 / 10 ... = 87.506 + 12.2 = 99.706.
Ranking of the six 规上 firms: D1 195.0, A1 146.3, A2 117.0, A3 99.7, B1 78.0, C1 58.5;
class sizes are the stated shares rounded down: A ⌊0.2 x 6⌋ = 1, C ⌊0.15 x 6⌋ = 0,
D ⌊0.05 x 6⌋ = 0, B the rest -> D1 A, the five others B. A4 is alone among 规下: ⌊0.2⌋ = 0 -> B.

Park output 甲: 2021 500, 2023 720 亿元 -> g = (720/500)^(1/2) - 1 = 0.2;
years to 千亿 ln(1000/720)/ln 1.2 = 1.80 (2025), to 3000亿 ln(3000/720)/ln 1.2 = 7.83 (2031).
乙: 450 -> 350, g < 0: not at current growth. 丙: 1000 -> 1200: 千亿 already there.
"""

from __future__ import annotations

import math

import pytest
from sqlalchemy.engine import Engine

from gaodi.core.errors import NotFoundError, ValidationError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.models import Enterprise, EnterpriseYear, IndustryCode, Park, SystemInfo
from gaodi.parks import service

VA = 1361.6
PER_M = 90 + 10 * 13.616 / 18.14  # score of a firm with multiplier 1 (all items present)


def above(m: float, *, emissions: bool = True, energy: bool = True) -> dict[str, float | None]:
    va = VA * m
    return {
        "land_mu": 10.0,
        "tax": 24.097 * 10 * m,
        "value_added": va,
        "energy_tce": va / (2.694 * m) if energy else None,
        "emissions_t": va / (4929.81 * m) if emissions else None,
        "employees": 100,
        "main_revenue": 20000.0,
        "revenue": 20000.0,
        "rd_spend": 0.0302 * 20000 * m,
    }


FIRMS = [
    # key, park, code, figures 2023, output 2023, output 2021 (万元)
    ("A1", "甲", "3511", above(1.5), 4_000_000.0, 3_000_000.0),
    ("A2", "甲", "3670", above(1.2), 2_000_000.0, 1_500_000.0),
    ("A3", "甲", "3982", above(1.0, emissions=False), 1_000_000.0, 500_000.0),
    (
        "A4",
        "甲",
        "2710",
        {"land_mu": 5.0, "tax": 57.966, "main_revenue": 1500.0, "electricity_mwh": 2464.54},
        200_000.0,
        None,
    ),
    ("A5", "甲", "1310", {"tax": 10.0, "main_revenue": 100.0}, None, None),
    ("B1", "乙", "2710", above(0.8), 3_000_000.0, 4_000_000.0),
    ("B2", "乙", "3091", above(0.8, energy=False), 500_000.0, 500_000.0),
    ("C1", "丙", "3511", above(0.6), 12_000_000.0, 10_000_000.0),
    ("D1", None, "3511", above(2.0), None, None),
]


def build(engine: Engine) -> dict[str, int]:
    ids: dict[str, int] = {}
    with session_scope(engine, actor="test") as s:
        s.add(SystemInfo(key="dataset", value={"city": "430100", "demo": False}))
        for code in ("3511", "3670", "3982", "2710", "1310", "3091"):
            s.add(IndustryCode(code=code, name=f"类{code}", level="class"))
        parks = {
            "甲": Park(
                name="甲园区",
                level="national",
                main_industries=["工程机械", "汽车及零部件"],
                special_industries=["电子信息"],
                area_mu=1000.0,
            ),
            "乙": Park(
                name="乙园区",
                level="provincial",
                main_industries=["生物医药"],
                special_industries=["碳基材料"],
            ),
            "丙": Park(name="丙园区", level="national", main_industries=["工程机械"]),
        }
        s.add_all(parks.values())
        s.flush()
        ids.update({f"P{k}": p.id for k, p in parks.items()})
        for i, (key, park, code, figs, out23, out21) in enumerate(FIRMS):
            e = Enterprise(
                uscc=f"91430100MA0000{i:04d}",
                name=f"企业{key}",
                industry_code=code,
                park_id=parks[park].id if park else None,
            )
            s.add(e)
            s.flush()
            ids[key] = e.id
            s.add(EnterpriseYear(enterprise_id=e.id, year=2023, output=out23, **figs))
            if out21 is not None:
                s.add(EnterpriseYear(enterprise_id=e.id, year=2021, output=out21))
    return ids


@pytest.fixture
def city(db: Engine) -> dict[str, int]:
    return build(db)


def _park(ev, name: str):  # type: ignore[no-untyped-def]
    return next(p for p in ev.parks if p.name == name)


def test_enterprise_scores_and_classes_by_hand(db: Engine, city: dict[str, int]) -> None:
    with session_scope(db) as s:
        firms = service.evaluated_enterprises(s, SYSTEM, year=2023)
        ev = service.evaluate(s, SYSTEM, year=2023)
    by = {f.name: f for f in firms}
    assert set(by) == {"企业A1", "企业A2", "企业A3", "企业A4", "企业B1", "企业C1", "企业D1"}
    for key, m in (("A1", 1.5), ("A2", 1.2), ("B1", 0.8), ("C1", 0.6), ("D1", 2.0)):
        assert by[f"企业{key}"].score == pytest.approx(m * PER_M)
    # A3: every item at m = 1 but the emission item, which is the mean of the others' (12.2)
    assert by["企业A3"].score == pytest.approx(PER_M - 10 + 10 * (1.5 + 1.2 + 0.8 + 0.6 + 2.0) / 5)
    classes = {k: by[f"企业{k}"].klass for k in ("D1", "A1", "A2", "A3", "B1", "C1")}
    assert classes == {"D1": "A", "A1": "B", "A2": "B", "A3": "B", "B1": "B", "C1": "B"}
    assert [by[f"企业{k}"].rank for k in ("D1", "A1", "A2", "A3", "B1", "C1")] == [1, 2, 3, 4, 5, 6]
    # 规下: 57.966/5 = 11.5932 (50 pts) and 57.966/246.454 = 0.2352 (50 pts)
    assert by["企业A4"].segment == "below_scale" and by["企业A4"].klass == "B"
    assert by["企业A4"].score == pytest.approx(100.0, rel=1e-5)
    assert ev.n_evaluated == 7
    assert ev.not_evaluated == {"missing:value_added_per_energy": 1, "no_land": 1}
    assert ev.class_counts == {
        "above_scale": {"A": 1, "B": 5, "C": 0, "D": 0},
        "below_scale": {"A": 0, "B": 1, "C": 0, "D": 0},
    }


def test_park_ranking_values_and_class_counts(db: Engine, city: dict[str, int]) -> None:
    with session_scope(db) as s:
        ev = service.evaluate(s, SYSTEM)
    jia = _park(ev, "甲园区")
    # tax per mu over 甲's evaluated firms: (24.097*10*(1.5+1.2+1.0) + 57.966) / (10+10+10+5)
    assert jia.values["tax_per_mu"] == pytest.approx((240.97 * 3.7 + 57.966) / 35)
    # value added per tonne of emissions over the firms reporting both (A1, A2):
    # (1361.6*2.7) / (1361.6/4929.81 * 2) = 4929.81 * 2.7 / 2
    assert jia.values["value_added_per_emission"] == pytest.approx(4929.81 * 2.7 / 2)
    assert jia.classes == {"A": 0, "B": 4, "C": 0, "D": 0}
    assert jia.n_enterprises == 5 and jia.n_evaluated == 4
    assert _park(ev, "乙园区").classes == {"A": 0, "B": 1, "C": 0, "D": 0}
    assert sorted(p.rank for p in ev.parks) == [1, 2, 3]
    assert [p.rank for p in ev.parks] == sorted(p.rank for p in ev.parks)  # best first
    assert ev.provenance.scheme == "default" and ev.provenance.classes == "rank_share 0.2/0.6/0.15"
    assert ev.provenance.rule_sets["parks/tiers"] == "2021-plan"


def test_tiers_and_years_to_reach_by_hand(db: Engine, city: dict[str, int]) -> None:
    with session_scope(db) as s:
        ev = service.evaluate(s, SYSTEM)
    jia = _park(ev, "甲园区")
    assert jia.output == pytest.approx(720.0) and jia.output_by_year == {
        "2021": 500.0,
        "2023": 720.0,
    }
    assert jia.growth == pytest.approx(0.2) and jia.growth_start == 2021
    t = {x.key: x for x in jia.tiers}
    assert t["t1000"].status == "years"
    assert t["t1000"].years == pytest.approx(math.log(1000 / 720) / math.log(1.2))  # 1.80
    assert t["t1000"].reach_year == 2025
    assert t["t3000"].years == pytest.approx(math.log(3000 / 720) / math.log(1.2))  # 7.83
    assert t["t3000"].reach_year == 2031
    assert t["t1000"].progress == pytest.approx(0.72)
    yi = {x.key: x for x in _park(ev, "乙园区").tiers}
    assert {x.status for x in yi.values()} == {"not_at_growth"}  # 450 -> 350
    bing = {x.key: x for x in _park(ev, "丙园区").tiers}
    assert bing["t1000"].status == "reached" and bing["t1000"].reach_year == 2023
    g = math.sqrt(1.2) - 1
    assert bing["t3000"].years == pytest.approx(math.log(3000 / 1200) / math.log(1 + g))
    targets = {x.key: x for x in ev.targets}
    assert (targets["t1000"].count, targets["t1000"].target_count, targets["t1000"].met) == (
        1,
        5,
        False,
    )
    assert targets["t3000"].count == 0 and targets["t3000"].quote == "打造1个3000亿级园区"


def test_positioning_shares_by_hand(db: Engine, city: dict[str, int]) -> None:
    with session_scope(db) as s:
        ev = service.evaluate(s, SYSTEM)
    jia = _park(ev, "甲园区").positioning
    assert jia is not None
    # 工程机械 (351): A1 400; 汽车及零部件 (36): A2 200; 电子信息 (39): A3 100; of 720 亿元
    shares = {i.name: i.share for i in jia.industries}
    assert shares == pytest.approx(
        {"工程机械": 400 / 720, "汽车及零部件": 200 / 720, "电子信息": 100 / 720}
    )
    assert jia.main_share == pytest.approx(600 / 720)
    assert jia.focus_share == pytest.approx(700 / 720) and jia.focused
    assert (jia.function_zh, jia.conforms_count) == ("两主一特", True)
    yi = _park(ev, "乙园区").positioning
    assert yi is not None and yi.function_zh == "一主一特" and yi.conforms_count
    assert yi.focus_share == pytest.approx(1.0)  # 生物医药 300 + 碳基材料 (309) 50 of 350
    bing = _park(ev, "丙园区").positioning
    assert bing is not None and bing.conforms_count is False  # national, only one main


def test_a_park_office_sees_its_park_only(db: Engine, city: dict[str, int]) -> None:
    office = Principal(username="po", role="park_office", park_ids=frozenset({city["P甲"]}))
    with session_scope(db) as s:
        ev = service.evaluate(s, office)
        listed = service.park_enterprises(s, office, city["P甲"])
        firms = service.evaluated_enterprises(s, office)
        with pytest.raises(NotFoundError):
            service.park_enterprises(s, office, city["P乙"])
    assert [p.name for p in ev.parks] == ["甲园区"]
    # the classes are the city-wide ones (A2 is B among all six 规上 firms)
    assert {r.name: r.klass for r in listed.rows}["企业A2"] == "B"
    assert {f.name for f in firms} == {"企业A1", "企业A2", "企业A3", "企业A4"}


def test_the_shared_evaluation_follows_writes_and_scopes(db: Engine, city: dict[str, int]) -> None:
    """compute() is shared by the map and the parks pages (one per database, scheme, year and
    data version): a second request reuses it, a park office after the administrator still sees
    only its park, and a new firm, or an edited figure, shows on the very next read."""
    office = Principal(username="po", role="park_office", park_ids=frozenset({city["P甲"]}))
    with session_scope(db) as s:
        first = service.evaluate(s, SYSTEM, year=2023)  # the administrator warms the cache
        computed = service.EVALUATIONS.computed
        mine = service.evaluate(s, office, year=2023)
        firms = service.evaluated_enterprises(s, office, year=2023)
        assert service.EVALUATIONS.computed == computed  # the same evaluation, not a new one
    assert len(first.parks) == 3 and [p.name for p in mine.parks] == ["甲园区"]
    assert {f.name for f in firms} == {"企业A1", "企业A2", "企业A3", "企业A4"}
    with session_scope(db, actor="test") as s:  # a new 规上 firm in 乙 with m = 3
        e = Enterprise(uscc="91430100MA00009999", name="企业B3", industry_code="2710",
                       park_id=city["P乙"])  # fmt: skip
        s.add(e)
        s.flush()
        s.add(EnterpriseYear(enterprise_id=e.id, year=2023, output=1.0, **above(3.0)))
    with session_scope(db) as s:
        after = service.evaluate(s, SYSTEM, year=2023)
        by = {f.name: f for f in service.evaluated_enterprises(s, SYSTEM, year=2023)}
        assert [f.name for f in service.evaluated_enterprises(s, office, year=2023)] == [
            f.name for f in firms
        ]  # the office still sees its own park's firms only
    assert after.n_evaluated == first.n_evaluated + 1
    assert by["企业B3"].score == pytest.approx(3.0 * PER_M) and by["企业B3"].rank == 1
    with session_scope(db, actor="test") as s:  # an edit: A1's land doubles, its tax per mu halves
        row = s.query(EnterpriseYear).filter_by(enterprise_id=city["A1"], year=2023).one()
        row.land_mu = 20.0
    with session_scope(db) as s:
        a1 = {f.name: f for f in service.evaluated_enterprises(s, SYSTEM, year=2023)}["企业A1"]
    # tax/land and va/land items halve: 30 and 20 pts x 1.5 lose half each
    assert a1.score == pytest.approx(1.5 * PER_M - (30 + 20) * 1.5 / 2)


def test_park_enterprises_filter_and_pages(db: Engine, city: dict[str, int]) -> None:
    with session_scope(db) as s:
        all_rows = service.park_enterprises(s, SYSTEM, city["P甲"])
        b = service.park_enterprises(s, SYSTEM, city["P甲"], klass="B", per_page=1, page=2)
        with pytest.raises(ValidationError):
            service.park_enterprises(s, SYSTEM, city["P甲"], klass="E")
    assert all_rows.counts == {"A": 0, "B": 4, "C": 0, "D": 0}
    assert all_rows.not_evaluated == 1  # A5 has no land
    # all B, by score: A1 146.3, A2 117.0, A4 100.0, A3 99.7
    assert [r.name for r in all_rows.rows] == ["企业A1", "企业A2", "企业A4", "企业A3"]
    assert (b.total, b.pages, b.page) == (4, 4, 2)
    assert [r.name for r in b.rows] == ["企业A2"]


def test_linhai_scheme_uses_extra_fields_and_reports_missing_ones(db: Engine) -> None:
    ids = build(db)
    with session_scope(db, actor="test") as s:
        row = s.query(EnterpriseYear).filter_by(enterprise_id=ids["A1"], year=2023).one()
        row.extra = {"cod_t": 2.0, "water_t": 5000.0}
    with session_scope(db) as s:
        firms = service.evaluated_enterprises(s, SYSTEM, scheme="linhai_2016")
        ev = service.evaluate(s, SYSTEM, scheme="linhai_2016")
    assert [f.name for f in firms] == ["企业A1"]
    va = VA * 1.5
    # 临海 (>= 3 亩): tax/land 15 (40), revenue/land 300 (10), va/energy 3 (20), va/COD 500 (15),
    # va/water 0.1 (5), va/employees 15 (10)
    expected = (
        40 * (24.097 * 1.5) / 15
        + 10 * (20000 / 10) / 300
        + 20 * (2.694 * 1.5) / 3
        + 15 * (va / 2.0) / 500
        + 5 * (va / 5000) / 0.1
        + 10 * (va / 100) / 15
    )
    assert firms[0].score == pytest.approx(expected)
    # each firm is counted under the first item it cannot compute: A4 has no revenue, B2 no
    # energy, A2 A3 B1 C1 D1 no COD; A5 has no land
    assert ev.not_evaluated == {
        "missing:sales_per_mu": 1,
        "missing:value_added_per_cod": 5,
        "missing:value_added_per_energy": 1,
        "no_land": 1,
    }
    assert ev.provenance.scheme == "linhai_2016"


def test_unknown_scheme_and_year(db: Engine, city: dict[str, int]) -> None:
    with session_scope(db) as s:
        with pytest.raises(ValidationError, match="huangyan_2022"):
            service.evaluate(s, SYSTEM, scheme="nowhere")
        with pytest.raises(NotFoundError, match="2030"):
            service.evaluate(s, SYSTEM, year=2030)


def test_an_empty_database_lists_parks_without_scores(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db, actor="test") as s:
        s.add(Park(name="空园区", level="provincial"))
    with session_scope(sqlite_db) as s:
        ev = service.evaluate(s, SYSTEM)
    assert [p.name for p in ev.parks] == ["空园区"] and ev.parks[0].score is None
    assert ev.n_evaluated == 0


def test_firms_under_the_land_threshold_are_left_out_with_their_reason(
    db: Engine, city: dict[str, int]
) -> None:
    # A 规上 firm of park 甲 on 2 亩 with A1's figures x 2 would top the ranking (tax/land
    # 24.097 x 20 x 2 / 2 = 481.94 -> 600 points on that item alone); the default rules cover
    # firms on >= 3 亩 only, so it is listed with its reason and the ranking is the one above.
    with session_scope(db, actor="test") as s:
        e = Enterprise(uscc="91430100MA00009999", name="企业T", industry_code="3511")
        e.park_id = city["P甲"]
        s.add(e)
        s.flush()
        s.add(EnterpriseYear(enterprise_id=e.id, year=2023, **{**above(2.0), "land_mu": 2.0}))
    with session_scope(db) as s:
        firms = service.evaluated_enterprises(s, SYSTEM, year=2023)
        left = service.excluded_enterprises(s, SYSTEM, year=2023)
        ev = service.evaluate(s, SYSTEM, year=2023)
        mine = service.excluded_enterprises(s, SYSTEM, year=2023, park_id=city["P甲"])
    assert "企业T" not in {f.name for f in firms}
    by = {f.name: f for f in firms}
    assert [by[f"企业{k}"].rank for k in ("D1", "A1", "A2", "A3", "B1", "C1")] == [1, 2, 3, 4, 5, 6]
    assert (
        by["企业A1"].reason_zh
        == "用地10亩（评价门槛3亩），按“规上工业企业”方案评价，在该组内单独排名"
    )
    assert by["企业A4"].reason_en.endswith(
        "evaluated as 'Below-scale industrial enterprises', ranked within that group"
    )
    reasons = {r.name: (r.reason, r.reason_zh) for r in left}
    assert reasons == {
        "企业T": ("below_land", "用地2亩，低于评价门槛3亩，不参加亩均评价"),
        "企业A5": ("no_land", "无用地数据或用地为0亩，不参加亩均评价"),
        "企业B2": (
            "missing:value_added_per_energy",
            "缺少“单位能耗增加值”所需数据（value_added 或 energy_tce 缺失或非正），不参加亩均评价",
        ),
    }
    assert {r.name for r in mine} == {"企业T", "企业A5"}
    assert ev.not_evaluated == {
        "below_land": 1,
        "missing:value_added_per_energy": 1,
        "no_land": 1,
    }
    assert ev.provenance.parameters["min_land_mu"].startswith("3 亩")
