"""The leader's overview (总览) and the 大屏 on the hand-made city of seed.py, checked by hand.

Added to seed.py + seed_features() here (the clock frozen on 2024-03-15, a Friday):

- 工业总产值 (output, 万元) by enterprise and year; chains hold E1, E4 (A) and E2, E3 (B):

      enterprise  chain park  2022   2023
      E1          A     A     4000   5000
      E2          B     B     2000   2200
      E3          B     A      800    600
      E4          A     B     1000   1500

  chain A 2023 = 5000 + 1500 = 6500 万元 = 0.65 亿元, 2022 = 5000: growth 6500/5000 - 1 = +30%;
  chain B 2023 = 2200 + 600 = 2800 = 0.28 亿元, 2022 = 2800: growth 0%.
  The park office (park A: E1, E3) sums its own enterprises: chain A 0.5 (+25%), chain B 0.06
  (600/800 - 1 = -25%). Figures of 2024 are not known on 2024-03-15: the latest year is 2023.
- Project year plans for 2024, 万元: 甲甲 200, 甲乙 100, 乙甲 50, 乙乙 150 (total 500); progress
  甲甲 2024-01 40 and 2024-02 20, 乙乙 2024-02 30, 甲乙 2024-03 70. Completed in 2024 to March:
  40 + 20 + 30 + 70 = 160 of 500 = 32%; as of 2024-02-29 the March report does not count:
  90 of 500 = 18%. Chain office (chain A: 甲甲, 甲乙): 60 + 70 = 130 of 300. Park office (park A:
  甲甲, 乙甲): 60 of 250 = 24%. Last year (2023): four plans of 120 = 480, nothing completed.
  Every project planned to start on 2023-03-31 and has not: all four are behind schedule.
- A second target of 测试产值 (a year-to-date cumulative value): 100 亿元 in 2024, beside the
  seed's 100 in 2025. City values 2023-12 60 and 2024-01 64, submitted through the plans'
  intake. The headline shows one target per indicator, the as-of year's: the 2024 one. The
  board of 2024-02 (the last complete month of 2024-03-15) reads 64 of 2024-01; as of
  2024-01-20 (board month 2023-12) the 2024 target has no value of its year yet: no data.
- Appeals (seed_features, received 2024-03-15): E2–E4 not handed over (limit 3 working days),
  E1 handed to a department (审批: 5 working days); level 2 comes after twice the limit, so on
  2024-03-15 none is escalated and on 2024-07-01 all are: 4 for the bureau, 2 for the chain
  office (E1, E4), 2 for the park office (E1, E3), 1 for the enterprise user (E1).
- Challenge A (chain A, executing) has a milestone due 2024-06-13 (TODAY + 90 days): at risk on
  2024-07-01, for the bureau, the chain office and the park office (it sees both challenges).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from gaodi import migrate
from gaodi.config import Settings, reset_settings
from gaodi.core import clock
from gaodi.db import make_engine, session_scope
from gaodi.projects.models import ProjectProgress
from gaodi.web.app import create_app
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD, seed, seed_features

TODAY = date(2024, 3, 15)
OUTPUT = {
    "e1": {2022: 4000.0, 2023: 5000.0},
    "e2": {2022: 2000.0, 2023: 2200.0},
    "e3": {2022: 800.0, 2023: 600.0},
    "e4": {2022: 1000.0, 2023: 1500.0},
}
YEAR_PLANS = {"甲甲": 200.0, "甲乙": 100.0, "乙甲": 50.0, "乙乙": 150.0}
PROGRESS = [("甲甲", "2024-01", 40.0), ("甲甲", "2024-02", 20.0), ("乙乙", "2024-02", 30.0),
            ("甲乙", "2024-03", 70.0)]  # fmt: skip


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from gaodi.core.permissions import SYSTEM
    from gaodi.enterprises.models import EnterpriseYear
    from gaodi.plans import intake
    from gaodi.plans.models import Target
    from gaodi.plans.schemas import ObservationIn
    from gaodi.projects import projects

    directory = tmp_path_factory.mktemp("web-cockpit")
    engine = make_engine(f"sqlite:///{directory / 'web.sqlite'}")
    migrate.upgrade(engine)
    with clock.frozen(TODAY), pytest.MonkeyPatch.context() as mp:
        mp.setenv("GAODI_DATA_DIR", str(directory))
        reset_settings()
        world = seed(engine)
        seed_features(engine, world)
        with session_scope(engine, actor="test") as s:
            for key, years in OUTPUT.items():
                for year, value in years.items():
                    row = s.scalars(
                        select(EnterpriseYear).where(
                            EnterpriseYear.enterprise_id == world.ids[key],
                            EnterpriseYear.year == year,
                        )
                    ).one()
                    row.output = value
            for label, amount in YEAR_PLANS.items():
                projects.set_year_plan(s, SYSTEM, world.ids[f"project_{label}"], 2024, amount)
            for label, period, amount in PROGRESS:
                pid = world.ids[f"project_{label}"]
                if period < f"{TODAY:%Y-%m}":
                    projects.report_progress(s, SYSTEM, pid, period, amount)
                else:  # the running month, refused now: a row as an older database may hold
                    s.add(ProjectProgress(project_id=pid, period=period, amount=amount))
            s.add(
                Target(
                    plan_id=world.ids["plan"],
                    action_id=world.ids["action"],
                    indicator_id=world.ids["indicator"],
                    indicator_name="测试产值",
                    value=100.0,
                    unit="亿元",
                    year=2024,
                )
            )
            for period, value in (("2023-12", 60.0), ("2024-01", 64.0)):
                data = ObservationIn(indicator="T_OUTPUT", period=period, value=value, scope="city")
                intake.add_observation(s, SYSTEM, data, confirm=True, reason="测试数据")
    reset_settings()
    settings = Settings(data_dir=directory, secret_key="test-secret-key-0123456789")
    site = Site(engine, world, create_app(engine, settings), settings)
    yield site
    engine.dispose()


def _get(site: Site, role: str, path: str, today: date = TODAY) -> Any:
    client = site.client()
    login(client, site.world.users[role], PASSWORD)
    with clock.frozen(today):
        return client.get(path, headers={"Accept-Language": "zh-CN"})


def _leader(site: Site, role: str, query: str = "", today: date = TODAY) -> dict:
    response = _get(site, role, f"/api/v1/overview{query}", today)
    assert response.status_code == 200, response.text[:500]
    return response.json()["leader"]


def _decisions(leader: dict) -> dict[str, dict]:
    return {g["key"]: g for g in leader["decisions"]}


def test_the_bureau_sees_the_whole_city(city: Site) -> None:
    leader = _leader(city, "admin")
    assert leader["as_of"] == "2024-03-15" and leader["as_of_requested"] is False

    targets = leader["targets"]
    assert targets["plan_title"] == "测试行动计划" and targets["as_of"] == "2024-02"
    (row,) = targets["rows"]
    assert (row["name"], row["target"], row["unit"], row["year"]) == (
        "测试产值",
        100.0,
        "亿元",
        2024,
    )
    assert (row["actual"], row["actual_period"]) == (64.0, "2024-01")
    assert row["status"] in {"green", "yellow", "red"} and row["reason"]  # a light, in words
    # a year-to-date total: 64 of 100 done (completion 0.64), said in the reason's words
    assert Decimal(str(row["completion"])) == Decimal("0.64") and "64.0%" in row["reason"]
    assert row["href"] == f"/plans/targets/{row['target_id']}?as_of=2024-02"
    spark = {p["period"]: p["value"] for p in row["spark"]}
    assert spark["2024-01"] == 64.0 and "2023-12" not in spark  # the target's own year

    chains = leader["chains"]
    assert (chains["year"], chains["prev_year"]) == (2023, 2022)
    assert chains["unit"] == "亿元" and "2019—2023" in chains["basis"]
    rows = {r["name"]: r for r in chains["rows"]}
    assert [r["name"] for r in chains["rows"]] == ["测试链甲", "测试链乙"]  # largest output first
    assert rows["测试链甲"]["output"] == [None, None, None, 0.5, 0.65]
    assert Decimal(str(rows["测试链甲"]["growth"])).quantize(Decimal("0.0001")) == Decimal("0.3")
    assert rows["测试链乙"]["output"][-2:] == [0.28, 0.28] and rows["测试链乙"]["growth"] == 0.0

    projects = leader["projects"]
    assert (projects["year"], projects["count"], projects["delayed"]) == (2024, 4, 4)
    assert (projects["year_plan"], projects["completed_year"]) == (500.0, 160.0)
    assert Decimal(str(projects["share"])) == Decimal("0.32")
    assert (projects["prev_year_plan"], projects["prev_completed"]) == (480.0, 0.0)
    assert {b["label"]: (b["year_plan"], b["completed_year"]) for b in projects["by_chain"]} == {
        "测试链甲": (300.0, 130.0),
        "测试链乙": (200.0, 30.0),
    }

    decisions = _decisions(leader)
    assert list(decisions) == [
        "overdue_submissions",
        "delayed_projects",
        "escalated_appeals",
        "challenges_at_risk",
    ]
    assert decisions["delayed_projects"]["count"] == 4
    assert len(decisions["delayed_projects"]["items"]) == 4
    assert decisions["escalated_appeals"]["count"] == 0  # received today: nothing late yet
    assert decisions["challenges_at_risk"]["count"] == 0


def test_counts_move_to_the_data_summary_and_stay_in_the_json(city: Site) -> None:
    data = _get(city, "admin", "/api/v1/overview").json()
    counts = {c["key"]: c["count"] for c in data["counts"]}
    assert counts["enterprises"] == 4 and counts["chains"] == 2
    html = _get(city, "admin", "/").text
    # the leader's sections come first, the database's row counts after 数据概况
    assert html.index('data-testid="headline-targets"') < html.index("数据概况")
    assert html.index("数据概况") < html.index('data-key="enterprises"')
    assert 'data-testid="decisions"' in html and 'data-testid="chain-trends"' in html
    assert "数据截至 2024-03-15" in html and 'href="/screen"' in html


def test_as_of_is_honoured(city: Site) -> None:
    leader = _leader(city, "admin", "?as_of=2024-02-29")
    assert leader["as_of"] == "2024-02-29" and leader["as_of_requested"] is True
    # the March report is after the day: 40 + 20 + 30 = 90 of 500
    assert (leader["projects"]["completed_year"], leader["projects"]["year_plan"]) == (90.0, 500.0)
    assert Decimal(str(leader["projects"]["share"])) == Decimal("0.18")
    assert leader["targets"]["as_of"] == "2024-01"
    early = _leader(city, "admin", "?as_of=2024-01-20")
    (row,) = early["targets"]["rows"]
    assert early["targets"]["as_of"] == "2023-12" and row["year"] == 2024
    # a 2024 target on a 2023-12 board has not begun: not due (未到期), not "no data"
    assert row["actual"] is None and row["status"] == "not_due" and "2023-12" in row["reason"]
    assert "2024-01" in row["reason"]  # and it says from when it runs


def test_the_board_month_stops_at_the_plans_end(city: Site) -> None:
    # the seed's plan runs 2021–2025: a day in 2026 is judged on 2025-12, as the board would
    # (the city's today is then in 2026: a day after today is refused, tests/projects/
    # test_as_of_range.py)
    later = date(2026, 3, 20)
    assert _leader(city, "admin", "?as_of=2026-03-10", later)["targets"]["as_of"] == "2025-12"
    assert _leader(city, "admin", "?as_of=2025-12-31", later)["targets"]["as_of"] == "2025-11"


def test_decisions_once_things_are_late(city: Site) -> None:
    later = date(2024, 7, 1)
    expected = {"admin": (4, 1), "chain_office": (2, 1), "park_office": (2, 1)}
    for role, (appeals, challenges) in expected.items():
        decisions = _decisions(_leader(city, role, today=later))
        assert decisions["escalated_appeals"]["count"] == appeals, role
        assert decisions["challenges_at_risk"]["count"] == challenges, role
        (item,) = decisions["challenges_at_risk"]["items"]
        assert item["href"] == f"/challenges/{city.world.ids['challenge_a']}"
    enterprise = _decisions(_leader(city, "enterprise", today=later))
    assert (
        list(enterprise) == ["escalated_appeals"] and enterprise["escalated_appeals"]["count"] == 1
    )


def test_chain_office_sees_its_chain(city: Site) -> None:
    leader = _leader(city, "chain_office")
    assert [r["name"] for r in leader["chains"]["rows"]] == ["测试链甲"]
    assert leader["chains"]["rows"][0]["output"][-2:] == [0.5, 0.65]
    projects = leader["projects"]
    assert (projects["count"], projects["year_plan"], projects["completed_year"]) == (
        2,
        300.0,
        130.0,
    )
    assert [i["label"] for i in _decisions(leader)["delayed_projects"]["items"]] == [
        "测试项目甲甲扩产工程",
        "测试项目甲乙扩产工程",
    ]


def test_park_office_sums_its_own_enterprises(city: Site) -> None:
    leader = _leader(city, "park_office")
    rows = {r["name"]: r for r in leader["chains"]["rows"]}
    assert leader["chains"]["basis"].startswith("您权限范围内")
    assert rows["测试链甲"]["output"][-2:] == [0.4, 0.5]  # E1 only
    assert rows["测试链乙"]["output"][-2:] == [0.08, 0.06]  # E3 only
    assert Decimal(str(rows["测试链甲"]["growth"])) == Decimal("0.25")
    assert Decimal(str(rows["测试链乙"]["growth"])) == Decimal("-0.25")
    projects = leader["projects"]
    assert (projects["count"], projects["year_plan"], projects["completed_year"]) == (
        2,
        250.0,
        60.0,
    )
    assert Decimal(str(projects["share"])) == Decimal("0.24")


def test_enterprise_user_sees_no_plan_chain_or_project_blocks(city: Site) -> None:
    leader = _leader(city, "enterprise")
    # absent, not zero: the role may read no plan, chain or project
    assert leader["targets"] is None and leader["chains"] is None and leader["projects"] is None
    html = _get(city, "enterprise", "/").text
    for testid in ("headline-targets", "chain-trends", "project-investment"):
        assert f'data-testid="{testid}"' not in html
    for name in ("测试链乙", "贝塔材料测试有限公司"):
        assert name not in html


def test_screen_answers_every_role_and_refuses_bad_input(city: Site) -> None:
    for role in ("admin", "chain_office", "park_office", "enterprise", "viewer", "analyst"):
        response = _get(city, role, "/screen")
        assert response.status_code == 200, role
        assert 'data-refresh-seconds="300"' in response.text
    data = _get(city, "admin", "/api/v1/screen?refresh=10").json()
    assert data["refresh_minutes"] == 10
    assert data["ranking"] == {
        "labels": ["测试链甲", "测试链乙"],
        "values": [0.65, 0.28],
        "series_name": "产值（亿元）",
        "empty_text": "暂无数据",
        "total": 2,
    }
    assert data["invest"]["series"][1]["values"] == [0.01, 0.0]  # 130 and 30 万元 in 亿元
    for bad in ("/screen?refresh=0", "/screen?as_of=2024-13-01", "/?as_of=yesterday"):
        response = _get(city, "admin", bad)
        assert response.status_code == 422, bad


def test_the_screen_says_when_its_bars_are_the_largest_only(
    city: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ranking and the investment bars have room for some chains: when a city has more,
    the screen says how many of how many it shows (sixth audit P3: 12 of 22 chains, 6 bars,
    and nothing on the screen said so)."""
    from gaodi.web.views import screen

    page = _get(city, "admin", "/screen?refresh=11").text
    assert 'data-testid="ranking-shown"' not in page  # two chains, both shown
    monkeypatch.setattr(screen, "RANKING", 1)
    monkeypatch.setattr(screen, "INVEST_BARS", 1)
    page = _get(city, "admin", "/screen?refresh=12").text
    assert "列出 2 条产业链中产值最大的 1 条" in page
    assert "柱图：2 条产业链中年度计划投资最大的 1 条" in page
    data = _get(city, "admin", "/api/v1/screen?refresh=12").json()
    assert data["ranking"]["labels"] == ["测试链甲"] and data["ranking"]["total"] == 2
    assert len(data["invest"]["labels"]) == 1 and data["invest"]["total"] == 2


def test_screen_is_cached_per_user_and_data_version(city: Site) -> None:
    client = city.client()
    login(client, city.world.users["admin"], PASSWORD)
    with clock.frozen(TODAY):
        first = client.get("/api/v1/screen").json()
        assert len(city.app.state.screen_cache) >= 1
        size = len(city.app.state.screen_cache)
        again = client.get("/api/v1/screen").json()
    assert len(city.app.state.screen_cache) == size  # the same build served again
    assert again["leader"] == first["leader"]


def test_the_cards_answer_for_the_day_asked(city: Site) -> None:
    """数据概况's cards on a day asked for are judged on that day, like the decisions above them.

    Asked for 2024-03-15 while the city's today is 2024-07-01: the appeals, received that very
    day, are neither overdue nor escalated yet and challenge A's milestone (due 2024-06-13) is
    not overdue; on 2024-07-01 all four appeals are escalated and the milestone is overdue. The
    plan's cards read the same board as the panel (one overdue count on the page). Chain
    completeness is today's state (no history to rebuild it from): it says so, with today's date.
    """
    later = date(2024, 7, 1)
    today = {c["key"]: c for c in _get(city, "admin", "/api/v1/overview", later).json()["cards"]}
    data = _get(city, "admin", "/api/v1/overview?as_of=2024-03-15", later).json()
    cards = {c["key"]: c for c in data["cards"]}
    decisions = _decisions(data["leader"])
    assert today["appeals_overdue"]["note"] == "其中二级督办 4"
    assert cards["appeals_overdue"]["value"] == "0 / 4" and cards["appeals_overdue"]["note"] == (
        "其中二级督办 0"
    )
    assert today["challenges_open"]["note"] == "逾期节点 1 个"
    assert cards["challenges_open"]["note"] == "逾期节点 0 个"
    assert cards["plan_overdue"]["value"] == str(decisions["overdue_submissions"]["count"])
    behind = decisions["delayed_projects"]["count"]
    assert cards["projects_behind"]["value"] == f"{behind} / 4"
    assert cards["projects_behind"]["note"] == "截至 2024-03-15"
    assert "2024-02" in cards["plan_targets"]["note"]  # the board month of 2024-03-15
    for key in ("plan_targets", "plan_overdue", "projects_behind", "appeals_overdue"):
        assert cards[key]["judged_on"] == "2024-03-15" and cards[key]["current_on"] is None, key
    assert cards["chains"]["current_on"] == "2024-07-01" and cards["chains"]["judged_on"] is None
    # without a day asked for, the cards are today's and say nothing more
    assert all(c["judged_on"] is None and c["current_on"] is None for c in today.values())

    html = _get(city, "admin", "/?as_of=2024-03-15", later).text
    summary = html.split('id="data-summary"', 1)[1]
    assert "按 2024-03-15 判断" in summary
    assert "当前数值（2024-07-01），不随所选日期回溯" in summary
    assert "数据库今日（2024-07-01）所存" in summary  # the counts and the chart: today's
    assert 'data-testid="data-summary-current"' not in _get(city, "admin", "/", later).text


def test_headline_figures_drop_the_decimal_of_a_whole_number(city: Site) -> None:
    # the overview and the wall screen printed counts as 56.0 家 / >= 100.0 家
    leader = _leader(city, "admin")
    whole = {
        v for t in leader["targets"]["rows"] for v in (t["actual"], t["target"])
        if v is not None and float(v).is_integer()
    }  # fmt: skip
    assert whole
    for page, figure in (
        ("/", r'class="ck-figure">(.*?)</div>'),
        ("/screen", r'class="t-fig">(.*?)</span>'),
    ):
        html = _get(city, "admin", page, TODAY).text
        shown = " ".join(re.sub(r"<[^>]+>", " ", f) for f in re.findall(figure, html, re.S))
        assert shown, page
        for value in whole:
            assert f"{value:,.1f}" not in shown, (page, value, shown)


@pytest.mark.parametrize(("lang", "unit", "bracket"), [("zh", "亿元", "（2024）"),
                                                       ("en", "100m yuan", " (2024)")])  # fmt: skip
def test_headline_units_are_in_the_pages_language(
    city: Site, lang: str, unit: str, bracket: str
) -> None:
    # the English overview and wall screen showed "/ >= 100 亿元（2024）": the stored Chinese
    # unit, the raw comparator and a full-width bracket
    client = city.client()
    login(client, city.world.users["admin"], PASSWORD)
    client.cookies.set("gaodi_lang", lang)
    with clock.frozen(TODAY):
        pages = {p: client.get(p).text for p in ("/", "/screen")}
    for page, figure in (("/", r'class="ck-figure">(.*?)</div>'),
                         ("/screen", r'class="t-fig">(.*?)</span>')):  # fmt: skip
        shown = [re.sub(r"<[^>]+>", " ", f) for f in re.findall(figure, pages[page], re.S)]
        ours = [f for f in shown if "100" in f]
        assert ours, (page, shown)
        assert all(unit in f for f in ours), (page, ours)
        assert not any(">=" in html.unescape(f) for f in ours), (page, ours)
    assert any(bracket in re.sub(r"<[^>]+>", " ", f) for f in re.findall(
        r'class="ck-figure">(.*?)</div>', pages["/"], re.S))  # fmt: skip
