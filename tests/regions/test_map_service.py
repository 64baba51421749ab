"""The industry map's figures by district on a tiny hand-made city (SQLite and PostgreSQL).

The city is 长沙 430100 (its nine districts come from the GB/T 2260 list); the data:

    firm  district  park  chain  tags         output 2023 (万元)   2022
    F1    430102    P1    C1     srdi         30 000               10 000
    F2    430102    P1    -      -            20 000               -
    F3    430104    P2    C1     little_giant  5 000               -
    F4    430104    P2    -      -            (none reported)       -
    F5    -         -     -      srdi          1 000               -   (no district: not placed)

    project  chain  park  investment (万元)  signed
    J1       C1     P1    200 000            2022-03-01
    J2       C1     P2     50 000            2024-06-01   (after 2023: not counted in 2023)
    J3       C1     -      10 000            2023-01-01   (no park: not placed)

Hand-computed for 2023 (all chains): 芙蓉区 430102: 2 firms, output (30 000 + 20 000) / 10 000
= 5 亿元, 1 专精特新, 1 project, 20 亿元 planned; 岳麓区 430104: 2 firms, output 0.5 亿元
(F4 reports none), 1 专精特新 (小巨人), 0 projects; the seven other districts 0 firms and no
output (None, "no data"). Chain C1 only: 芙蓉区 1 firm 3 亿元, 岳麓区 1 firm 0.5 亿元.
A park office of P1 sees 芙蓉区 2 firms, 岳麓区 0, and its own park only.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine

from gaodi.core.errors import NotFoundError, PermissionDenied, ValidationError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.core.reference import region_children
from gaodi.db import session_scope
from gaodi.models import (
    Chain,
    Enterprise,
    EnterpriseLink,
    EnterpriseYear,
    Link,
    Park,
    Region,
    SystemInfo,
)
from gaodi.projects.models import Project, ProjectStage
from gaodi.regions.map_service import by_district, industry_map

CITY = "430100"
FURONG, YUELU = "430102", "430104"


def build(engine: Engine) -> dict[str, int]:
    ids: dict[str, int] = {}
    with session_scope(engine, actor="test") as s:
        s.add(Region(code=CITY, name="长沙市", level="prefecture"))
        for d in region_children(CITY):
            s.add(Region(code=d.code, name=d.name, level="county", parent_code=CITY))
        s.add(SystemInfo(key="dataset", value={"city": CITY, "demo": True}))
        s.flush()
        p1 = Park(name="一号园区测试", region_code=FURONG)
        p2 = Park(name="二号园区测试", region_code=YUELU)
        chain = Chain(code="C1", name="测试链", name_status="assumed")
        s.add_all([p1, p2, chain])
        s.flush()
        link = Link(chain_id=chain.id, code="c1", name="环节", segment="mid")
        s.add(link)
        s.flush()
        firms = {
            "F1": (FURONG, p1, True, ["srdi"], {2023: 30_000.0, 2022: 10_000.0}),
            "F2": (FURONG, p1, False, [], {2023: 20_000.0}),
            "F3": (YUELU, p2, True, ["little_giant"], {2023: 5_000.0}),
            "F4": (YUELU, p2, False, [], {2023: None}),
            "F5": (None, None, False, ["srdi"], {2023: 1_000.0}),
        }
        for n, (key, (region, park, in_chain, tags, years)) in enumerate(firms.items()):
            e = Enterprise(
                uscc=f"91430100MA4L{n:05d}X"[:18],
                name=f"{key}测试企业",
                region_code=region,
                park_id=park.id if park else None,
                tags=tags,
            )
            s.add(e)
            s.flush()
            ids[key] = e.id
            for year, output in years.items():
                s.add(EnterpriseYear(enterprise_id=e.id, year=year, output=output))
            if in_chain:
                s.add(EnterpriseLink(enterprise_id=e.id, link_id=link.id, source="manual"))
        for key, park, invest, signed in (
            ("J1", p1, 200_000.0, date(2022, 3, 1)),
            ("J2", p2, 50_000.0, date(2024, 6, 1)),
            ("J3", None, 10_000.0, date(2023, 1, 1)),
        ):
            j = Project(
                name=f"{key}项目",
                chain_id=chain.id,
                park_id=park.id if park else None,
                investor_name="投资方",
                total_investment=invest,
            )
            s.add(j)
            s.flush()
            s.add(ProjectStage(project_id=j.id, stage="signed", actual_on=signed))
        ids.update(P1=p1.id, P2=p2.id, C1=chain.id)
    return ids


def _by_code(data):  # type: ignore[no-untyped-def]
    return {d.code: d for d in data.districts}


def test_by_district_groups_hand_made_rows() -> None:
    rows = [
        (1, "甲", "A", ["srdi"], 10.0),
        (2, "乙", "A", ["little_giant", "srdi"], 2.5),
        (3, "丙", "B", None, None),
        (4, "丁", "Z", [], 4.0),
    ]
    t = by_district(rows, [("B", 100.0), ("B", None), ("Q", 7.0)], ["A", "B", "C"])
    assert (t["A"].enterprises, t["A"].output_wan, t["A"].srdi) == (2, 12.5, 2)
    assert (t["B"].enterprises, t["B"].output_reported, t["B"].projects) == (1, 0, 2)
    assert t["B"].investment_wan == 100.0
    assert (t["C"].enterprises, t["C"].projects) == (0, 0)
    assert (t[None].enterprises, t[None].output_wan, t[None].projects) == (1, 4.0, 1)


def test_map_by_district_hand_computed(db: Engine) -> None:
    ids = build(db)
    with session_scope(db, actor="test") as s:
        m = industry_map(s, SYSTEM, measure="output")
        assert m.year == 2023 and m.city == CITY and len(m.districts) == 9
        d = _by_code(m)
        assert d[FURONG].value == pytest.approx(5.0) and d[FURONG].enterprises == 2
        assert d[YUELU].value == pytest.approx(0.5) and d[YUELU].enterprises == 2
        assert all(d[c].value is None for c in d if c not in (FURONG, YUELU))
        assert (d[FURONG].srdi, d[YUELU].srdi) == (1, 1)
        assert (d[FURONG].projects, d[FURONG].investment) == (1, pytest.approx(20.0))
        assert (d[YUELU].projects, d[YUELU].investment) == (0, None)  # J2 signed in 2024
        assert (m.unplaced_enterprises, m.unplaced_projects) == (1, 1)
        assert m.max_value == pytest.approx(5.0) and m.has_data and m.is_demo
        # as of 2022: only F1 has figures, and J1 was signed
        m22 = industry_map(s, SYSTEM, measure="enterprises", year=2022)
        assert _by_code(m22)[FURONG].value == 1 and _by_code(m22)[YUELU].value == 0
        assert _by_code(m22)[FURONG].projects == 1
        # one chain: its members only
        mc = industry_map(s, SYSTEM, measure="output", chain=str(ids["C1"]))
        assert _by_code(mc)[FURONG].value == pytest.approx(3.0)
        assert _by_code(mc)[YUELU].value == pytest.approx(0.5)
        assert mc.chain is not None and mc.chain.url == f"/chains/{ids['C1']}"
        # investment: None (no data) in a district without projects; has_data when any has
        mi = industry_map(s, SYSTEM, measure="investment")
        assert _by_code(mi)[FURONG].value == pytest.approx(20.0)
        # the park's own enterprises (the park report's figure)
        mp = industry_map(s, SYSTEM, measure="output", park=ids["P2"])
        assert _by_code(mp)[FURONG].value is None and _by_code(mp)[YUELU].value == 0.5
        # parks are points at their district's centre, said so
        assert {p.region_code for p in m.parks} == {FURONG, YUELU}
        assert all(p.location_note == "位置示意（区县中心）" for p in m.parks)
        # the district's page lists its firms by output
        md = industry_map(s, SYSTEM, measure="output", district=FURONG)
        assert [e.name for e in md.district_enterprises or []] == ["F1测试企业", "F2测试企业"]


def test_map_scope_park_office_sees_its_park_only(db: Engine) -> None:
    ids = build(db)
    office = Principal(username="p1", role="park_office", park_ids=frozenset({ids["P1"]}))
    with session_scope(db, actor="test") as s:
        m = industry_map(s, office, measure="enterprises")
        d = _by_code(m)
        assert d[FURONG].value == 2 and d[YUELU].value == 0
        assert m.unplaced_enterprises == 0  # F5 is not in its park
        assert [p.id for p in m.parks] == [ids["P1"]]
        assert m.scoped
        chain_office = Principal(
            username="c1", role="chain_office", chain_ids=frozenset({ids["C1"]})
        )
        mc = industry_map(s, chain_office, measure="output")
        assert _by_code(mc)[FURONG].value == pytest.approx(3.0)
        # an enterprise user has no right to the regions domain at all
        with pytest.raises(PermissionDenied):
            industry_map(s, Principal(username="e", role="enterprise"), measure="output")


def test_map_bad_input_is_a_clear_error(db: Engine) -> None:
    build(db)
    with session_scope(db, actor="test") as s:
        with pytest.raises(ValidationError) as bad:
            industry_map(s, SYSTEM, measure="profit")
        assert "指标须为" in bad.value.zh
        with pytest.raises(NotFoundError):
            industry_map(s, SYSTEM, year=1999)
        with pytest.raises(NotFoundError):
            industry_map(s, SYSTEM, district="110101")
        with pytest.raises(NotFoundError):
            industry_map(s, SYSTEM, chain="没有这条链")


def test_map_without_a_city_says_why(db: Engine) -> None:
    with session_scope(db, actor="test") as s:
        m = industry_map(s, SYSTEM, measure="output")
    assert m.districts == [] and not m.has_data and m.geo_url == ""
    assert "没有设置城市" in m.notes[0]
