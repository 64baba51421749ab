"""The regions service on a hand-made panel (SQLite and PostgreSQL), checked against hand
arithmetic, against ``ecomplexity`` for the complexity ranking, and against Miller & Blair's
worked example for the linkages.

The panel (亿元; GB/T 4754 中类 351, 362, 398; the city is 430100, named in the dataset record):

    region          2021: 351  362  398     2023: 351  362  398    total 2023
    430100 长沙        50   30   10            72   30   10          112
    110000 北京        10   50   40            10   50   40          100
    310000 上海        30   20   50            30   20   50          100
    440300 深圳       100  100  200           100  100  200          400

The city's own enterprises (万元) sum to its panel row by 中类 (and one software firm, 6510, is
outside manufacturing and must not count).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sqlalchemy.engine import Engine

from gaodi.core.errors import NotFoundError, ValidationError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.models import Enterprise, EnterpriseYear, IndustryCode, PanelValue, Region, SystemInfo
from gaodi.regions import linkages, service
from gaodi.regions import panel as P

CITY, BJ, SH, SZ = "430100", "110000", "310000", "440300"
PANEL = {
    2021: {CITY: (50, 30, 10), BJ: (10, 50, 40), SH: (30, 20, 50), SZ: (100, 100, 200)},
    2023: {CITY: (72, 30, 10), BJ: (10, 50, 40), SH: (30, 20, 50), SZ: (100, 100, 200)},
}
INDUSTRIES = ("351", "362", "398")
NAMES = {"351": "采矿、冶金、建筑专用设备制造", "362": "汽车用发动机制造", "398": "电子元件制造"}


def build(engine: Engine, *, city_record: bool = True) -> None:
    with session_scope(engine, actor="test") as s:
        for code, name in ((CITY, "长沙市"), (BJ, "北京市"), (SH, "上海市"), (SZ, "深圳市")):
            s.add(Region(code=code, name=name, level="prefecture"))
        for code, name in NAMES.items():
            s.add(IndustryCode(code=code, name=name, level="group"))
        for code in ("3511", "3621", "3981", "6510"):
            s.add(IndustryCode(code=code, name=f"类{code}", level="class"))
        if city_record:
            s.add(SystemInfo(key="dataset", value={"city": CITY, "demo": True, "as_of": "2023-12"}))
        s.flush()
        for year, rows in PANEL.items():
            for region, values in rows.items():
                for code, value in zip(INDUSTRIES, values, strict=True):
                    s.add(
                        PanelValue(
                            region_code=region,
                            industry_code=code,
                            year=year,
                            measure="output",
                            value=float(value),
                        )
                    )
        # the city's enterprises: 亿元 x 1e4 = 万元
        firms = [
            ("3511", 500000.0, 720000.0),
            ("3621", 300000.0, 300000.0),
            ("3981", 100000.0, 100000.0),
            ("6510", 999999.0, 999999.0),
        ]
        for i, (code, v2021, v2023) in enumerate(firms):
            e = Enterprise(uscc=f"9143010000000000{i:02d}", name=f"测试企业{i}", industry_code=code)
            s.add(e)
            s.flush()
            s.add(EnterpriseYear(enterprise_id=e.id, year=2021, output=v2021))
            s.add(EnterpriseYear(enterprise_id=e.id, year=2023, output=v2023))


@pytest.fixture
def panel_db(db: Engine) -> Engine:
    build(db)
    return db


def test_specialisation_against_a_custom_group_by_hand(panel_db: Engine) -> None:
    with session_scope(panel_db) as s:
        res = service.specialisation(s, SYSTEM, group="custom", peers=[BJ, SH])
    assert res.provenance.year == 2023 and res.provenance.start_year == 2021
    assert [r.code for r in res.group.regions] == [BJ, SH]  # type: ignore[union-attr]
    rows = {r.industry: r for r in res.rows}
    # reference = city + 北京 + 上海 in 2023: 351 = 72+10+30 = 112, 362 = 30+50+20 = 100,
    # 398 = 10+40+50 = 100, total 312; city total 112
    assert res.total == pytest.approx(112.0)
    assert rows["351"].share == pytest.approx(72 / 112)
    assert rows["351"].lq == pytest.approx((72 / 112) / (112 / 312))  # 1.7908
    assert rows["362"].lq == pytest.approx((30 / 112) / (100 / 312))  # 0.8357
    assert rows["398"].lq == pytest.approx((10 / 112) / (100 / 312))  # 0.2786
    # CAGR 2021 -> 2023: 351 (72/50)^(1/2) - 1 = 0.2; 362 and 398 unchanged: 0
    assert rows["351"].cagr == pytest.approx(0.2)
    assert rows["362"].cagr == pytest.approx(0.0)
    # peers unchanged: combined peer CAGR 0
    assert rows["351"].peer_cagr == pytest.approx(0.0)
    assert res.n_specialised == 1
    # HHI = (72/112)^2 + (30/112)^2 + (10/112)^2
    assert res.hhi == pytest.approx((72**2 + 30**2 + 10**2) / 112**2)
    # Krugman vs the peers' sum (351: 40/200, 362: 70/200, 398: 90/200)
    expected = abs(72 / 112 - 0.2) + abs(30 / 112 - 0.35) + abs(10 / 112 - 0.45)
    assert res.krugman == pytest.approx(expected)
    assert [r.industry for r in res.rows] == ["351", "362", "398"]  # by size


def test_city_microdata_equals_the_panel_row(panel_db: Engine) -> None:
    with session_scope(panel_db) as s:
        micro = P.city_microdata(s, SYSTEM, CITY, measure="output")
        panel = service.specialisation(s, SYSTEM, group="custom", peers=[BJ, SH])
        again = service.specialisation(
            s, SYSTEM, group="custom", peers=[BJ, SH], source="microdata"
        )
    # 720000 万元 = 72 亿元 in 351 (from class 3511); the software firm (6510) is left out
    by = {(r["industry"], r["year"]): r["value"] for r in micro.iter_rows(named=True)}
    assert by == {
        ("351", 2021): 50.0,
        ("351", 2023): 72.0,
        ("362", 2021): 30.0,
        ("362", 2023): 30.0,
        ("398", 2021): 10.0,
        ("398", 2023): 10.0,
    }
    assert again.provenance.city_source == "microdata"
    assert [r.lq for r in again.rows] == pytest.approx([r.lq for r in panel.rows])


def test_peer_groups_from_the_rules(panel_db: Engine) -> None:
    with session_scope(panel_db) as s:
        frame = P.panel_frame(s, SYSTEM)
        plan = P.resolve_group(s, SYSTEM, frame, CITY, group="plan", year=2023)
        near = P.resolve_group(s, SYSTEM, frame, CITY, group="similar_size", year=2023)
        with pytest.raises(ValidationError):
            P.resolve_group(s, SYSTEM, frame, CITY, group="nope", year=2023)
        with pytest.raises(NotFoundError):
            P.resolve_group(s, SYSTEM, frame, CITY, group="custom", peers=["999999"], year=2023)
    # the plan names 北京、上海、深圳、杭州; 杭州 (330100) is not in this panel
    assert [r.code for r in plan.regions] == [BJ, SH, SZ]
    assert [r.name for r in plan.regions] == ["北京市", "上海市", "深圳市"]
    # |ln(100/112)| = 0.113 for 北京 and 上海 (tie: code order), |ln(400/112)| = 1.273 for 深圳
    assert [r.code for r in near.regions] == [BJ, SH, SZ]


def test_complexity_ranking_matches_ecomplexity(db: Engine) -> None:
    pd = pytest.importorskip("pandas")
    ecomplexity = pytest.importorskip("ecomplexity")
    # 4 x 4 chain-shaped table (M links a-{r,s}, b-{q,r}, c-{p,q}, d-{p}), regions as codes
    x = np.array([[5, 5, 5, 5], [6, 6, 6, 1], [7, 7, 1, 1], [9, 1, 1, 1]], dtype=float)
    regs, inds = [CITY, BJ, SH, SZ], ["351", "362", "398", "399"]
    with session_scope(db, actor="test") as s:
        s.add(SystemInfo(key="dataset", value={"city": SZ}))
        for i, code in enumerate(regs):
            s.add(Region(code=code, name=f"R{i}", level="prefecture"))
        for code in inds:
            s.add(IndustryCode(code=code, name=f"I{code}", level="group"))
        s.flush()
        for i, r in enumerate(regs):
            for j, p in enumerate(inds):
                s.add(
                    PanelValue(
                        region_code=r,
                        industry_code=p,
                        year=2023,
                        measure="output",
                        value=float(x[i, j]),
                    )
                )
    with session_scope(db) as s:
        res = service.complexity_ranking(s, SYSTEM)
    df = pd.DataFrame(
        {
            "year": 2023,
            "region": np.repeat(regs, 4),
            "industry": np.tile(inds, 4),
            "value": x.ravel(),
        }
    )
    ref = ecomplexity.ecomplexity(
        df,
        {"time": "year", "loc": "region", "prod": "industry", "val": "value"},
        verbose=False,
    )
    eci = ref.groupby("region")["eci"].first().to_dict()
    pci = ref.groupby("industry")["pci"].first().to_dict()
    assert {r.region: r.eci for r in res.regions} == pytest.approx(eci, abs=1e-8)
    assert {r.industry: r.pci for r in res.industries} == pytest.approx(pci, abs=1e-8)
    assert [r.rank for r in res.regions] == [1, 2, 3, 4]
    assert res.regions[0].eci >= res.regions[-1].eci
    # the city (深圳 here, row d = [9,1,1,1]) is the least diverse: last
    assert res.city_rank == 4 and res.regions[-1].is_city


def test_opportunities_hand_candidates_and_weights(db: Engine) -> None:
    x = [[5, 5, 5, 5], [6, 6, 6, 1], [7, 7, 1, 1], [9, 1, 1, 1]]
    regs, inds = [BJ, SH, SZ, CITY], ["351", "362", "398", "399"]
    with session_scope(db, actor="test") as s:
        s.add(SystemInfo(key="dataset", value={"city": CITY}))
        for i, code in enumerate(regs):
            s.add(Region(code=code, name=f"R{i}", level="prefecture"))
        for code in inds:
            s.add(IndustryCode(code=code, name=f"I{code}", level="group"))
        s.flush()
        for i, r in enumerate(regs):
            for j, p in enumerate(inds):
                s.add(
                    PanelValue(
                        region_code=r,
                        industry_code=p,
                        year=2023,
                        measure="output",
                        value=float(x[i][j]),
                    )
                )
    with session_scope(db) as s:
        res = service.opportunities(s, SYSTEM, strategy="low_hanging_fruit")
        with pytest.raises(ValidationError):
            service.opportunities(s, SYSTEM, strategy="moonshot")
    # city row [9,1,1,1] of 12; column totals 27, 19, 13, 8 of 67:
    # RCA(351) = (9/12)/(27/67) = 1.86 >= 1; RCA(362) = (1/12)/(19/67) = 0.29; RCA(398) =
    # (1/12)/(13/67) = 0.43; RCA(399) = (1/12)/(8/67) = 0.70  -> candidates 362, 398, 399
    assert sorted(r.industry for r in res.rows) == ["362", "398", "399"]
    rca = {r.industry: r.rca for r in res.rows}
    assert rca["362"] == pytest.approx((1 / 12) / (19 / 67))
    # low-hanging fruit: feasibility 0.60, PCI 0.15, COG 0.25 (Atlas preset)
    assert res.weights == pytest.approx(
        {"feasibility": 0.6, "pci": 0.15, "cog": 0.25, "peer_growth": 0.0}
    )
    for r in res.rows:
        # score = 0.6 feasibility + 0.4 attractiveness (attractiveness renormalised over 0.4)
        assert r.score == pytest.approx(0.6 * r.feasibility + 0.4 * r.attractiveness)
        assert r.distance == pytest.approx(1 - r.density)
    assert max(r.feasibility for r in res.rows) == pytest.approx(1.0)
    assert min(r.feasibility for r in res.rows) == pytest.approx(0.0)
    assert [r.rank for r in res.rows] == [1, 2, 3]
    assert res.approach in {
        "light_touch",
        "parsimonious_industrial_policy",
        "strategic_bets",
        "technological_frontier",
    }
    city = next(q for q in res.quadrant if q.is_city)
    assert (city.coi >= 0) == (res.approach in ("light_touch", "parsimonious_industrial_policy"))
    assert res.provenance.rule_sets == {"atlas_strategies": "2024-atlas-country-profiles"}


def test_peer_comparison_totals_growth_and_rank(panel_db: Engine) -> None:
    with session_scope(panel_db) as s:
        res = service.peer_comparison(s, SYSTEM, group="plan")
    assert [r.code for r in res.regions] == [CITY, BJ, SH, SZ]
    rows = {r.measure: r for r in res.rows}
    assert rows["total"].values == pytest.approx([112.0, 100.0, 100.0, 400.0])
    # 112 is above 100 and 100, below 400 -> rank 2; peers' median of (100, 100, 400) = 100
    assert rows["total"].city_rank == 2 and rows["total"].peer_median == pytest.approx(100.0)
    # city CAGR (112/90)^(1/2) - 1; peers constant
    assert rows["cagr"].values[0] == pytest.approx(math.sqrt(112 / 90) - 1)
    assert rows["cagr"].values[1:] == pytest.approx([0.0, 0.0, 0.0])
    assert rows["cagr"].city_rank == 1
    assert rows["hhi"].values[1] == pytest.approx((10**2 + 50**2 + 40**2) / 100**2)


def test_a_database_without_panel_or_city_gives_notices(db: Engine) -> None:
    build(db, city_record=False)
    with session_scope(db) as s:
        res = service.specialisation(s, SYSTEM)
        ranking = service.complexity_ranking(s, SYSTEM)
    assert res.rows == [] and "home city" in (res.notice_en or "")
    assert ranking.regions == [] and ranking.notice_zh


def test_unknown_year_and_bad_measure_are_clear_errors(panel_db: Engine) -> None:
    with session_scope(panel_db) as s:
        with pytest.raises(NotFoundError, match="2030"):
            service.specialisation(s, SYSTEM, year=2030)
        with pytest.raises(ValidationError, match="measure"):
            service.specialisation(s, SYSTEM, measure="profit")


def test_scoped_reader_needs_region_rights(panel_db: Engine) -> None:
    from gaodi.core.errors import PermissionDenied

    enterprise_user = Principal(username="e", role="enterprise", enterprise_ids=frozenset({1}))
    with session_scope(panel_db) as s, pytest.raises(PermissionDenied):
        service.specialisation(s, enterprise_user)


# --------------------------------------------------------------------------- linkages


def test_linkages_example_is_miller_blair_table_2_3() -> None:
    res = linkages.linkages()
    assert res.source == "example" and res.n_sectors == 2
    # x = [1000, 2000]; L = [[0.95, 0.25], [0.2, 0.85]] / 0.7575; multipliers 1.15/0.7575 and
    # 1.10/0.7575; BL = 2*[1.15, 1.10]/2.25; FL = 2*[1.45, 0.95]/2.4 (Miller & Blair 2009, 2.3)
    assert [r.output for r in res.rows] == pytest.approx([1000.0, 2000.0])
    assert [r.output_multiplier for r in res.rows] == pytest.approx([1.15 / 0.7575, 1.10 / 0.7575])
    assert [r.backward_linkage for r in res.rows] == pytest.approx([2.3 / 2.25, 2.2 / 2.25])
    assert [r.forward_linkage for r in res.rows] == pytest.approx([2.9 / 2.4, 1.9 / 2.4])
    assert [r.key_sector for r in res.rows] == ["key", "weak"]
    L = next(m for m in res.matrices if m.name == "L")
    assert L.values[0] == pytest.approx([0.95 / 0.7575, 0.25 / 0.7575])


def test_linkages_upload_in_gbk_gives_the_same_numbers() -> None:
    z = "row_sector,col_sector,value\n农业,农业,150\n农业,工业,500\n工业,农业,200\n工业,工业,100\n"
    y = "sector,value\n农业,350\n工业,1700\n"
    res = linkages.linkages(z.encode("gbk"), y.encode("gbk"))
    assert res.source == "upload" and [r.sector for r in res.rows] == ["农业", "工业"]
    assert [r.output_multiplier for r in res.rows] == pytest.approx([1.15 / 0.7575, 1.10 / 0.7575])


@pytest.mark.parametrize(
    ("z", "y", "field", "needle"),
    [
        (b"a,b\n1,2\n", b"sector,value\nx,1\n", "flows", "row_sector"),
        (b"row_sector,col_sector,value\nx,x,abc\n", b"sector,value\nx,1\n", "flows", "abc"),
        (b"row_sector,col_sector,value\nx,x,1\n", b"sector,value\n", "final_demand", "no data"),
        (b"row_sector,col_sector,value\nx,x,-1\n", b"sector,value\nx,1\n", "flows", "negative"),
        (b"\x00\x01\x02", b"sector,value\nx,1\n", "flows", "not a CSV"),
        (b"row_sector,col_sector,value\nx,x,1\n", None, "final_demand", "upload"),
        # x buys only from itself and sells nothing else: total output 1 - 1... singular I - A
        (b"row_sector,col_sector,value\nx,x,5\n", b"sector,value\nx,0\n", "flows", ""),
    ],
)
def test_bad_uploads_name_the_field(z: bytes, y: bytes | None, field: str, needle: str) -> None:
    with pytest.raises(ValidationError) as info:
        linkages.linkages(z, y)
    assert info.value.context["field"] == field
    assert needle in info.value.en


# --------------------------------------------------------------------------- CLI (database)


def test_cli_opportunities_and_peers_on_the_demo_city(demo_db: Engine) -> None:
    import json

    from typer.testing import CliRunner

    from gaodi.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["regions", "opportunities", "--strategy", "long_jumps", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["strategy"] == "long_jumps" and data["provenance"]["city"] == "430100"
    assert data["weights"]["feasibility"] == pytest.approx(0.45)
    assert [r["rank"] for r in data["rows"][:3]] == [1, 2, 3]
    table = runner.invoke(app, ["regions", "opportunities", "--top", "5"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "示例数据" in table.output
    peers = runner.invoke(app, ["regions", "peers", "--json"])
    assert peers.exit_code == 0, peers.output
    regions = [r["code"] for r in json.loads(peers.output)["regions"]]
    assert regions[0] == "430100" and {"110000", "310000", "440300", "330100"} <= set(regions)
    custom = runner.invoke(
        app, ["regions", "peers", "--peers", "110000,310000"], env={"COLUMNS": "200"}
    )
    assert custom.exit_code == 0 and "北京市" in custom.output and "上海市" in custom.output
    bad = runner.invoke(app, ["regions", "opportunities", "--strategy", "moonshot"])
    assert bad.exit_code == 2
