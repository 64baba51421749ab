"""Every chart, in a real browser, read back from ECharts: drawn from data, never from nothing.

Counting inked pixels cannot tell a chart from its empty axes (the target chart drew its axes,
a legend entry ``_lower`` and an x axis of "undefined" while its data arrived as Python reprs,
and passed). Here each ECharts instance on a page is asked for its options
(``echarts.getInstanceByDom(el).getOption()``): series present, with data; no category label
or legend name that is ``undefined``/``null``/``None``/``NaN``; no legend entry for a helper
series (``_``-named). Where a page truly has no data (a project without investment, a target
without values) it must say so in a visible message instead of drawing an empty chart.

Which pages have charts is discovered from the templates (:func:`chart_templates`): a new chart
template that no page below opens fails :func:`test_every_chart_template_is_opened`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.chains.models import Chain
from gaodi.core.permissions import SYSTEM
from gaodi.enterprises.models import EnterpriseYear
from gaodi.parks.models import Park
from gaodi.plans.models import Target
from gaodi.projects.models import Project, ProjectProgress
from gaodi.smart.models import Assessment
from tests.browser.harness import PASSWORD, LiveServer, demo_server, shot, signed_in, wait_ready

pytestmark = pytest.mark.browser
GAODI = Path(__file__).resolve().parents[2] / "gaodi"
USER = "charts-admin"

# Options of every ECharts instance on the page, reduced to what the checks need.
READ_CHARTS = """
() => {
  const bad = (v) => v === undefined || v === null ||
    ["undefined", "null", "None", "NaN", "[object Object]"].includes(String(v).trim());
  const label = (d) => (d !== null && typeof d === "object") ? d.value : d;
  const count = (data) => {
    if (!Array.isArray(data)) return 0;
    return data.filter((d) => {
      if (d === null || d === undefined || d === "-") return false;
      if (typeof d === "number") return Number.isFinite(d);
      if (Array.isArray(d)) return d.some((x) => typeof x === "number" && Number.isFinite(x));
      if (typeof d === "object") return d.value !== null && d.value !== undefined || !!d.children;
      return true;
    }).length;
  };
  const texts = (graphic) => {
    const out = [];
    const walk = (g) => {
      if (!g) return;
      if (Array.isArray(g)) { g.forEach(walk); return; }
      if (g.style && g.style.text) out.push(String(g.style.text));
      if (g.elements) walk(g.elements);
      if (g.children) walk(g.children);
    };
    walk(graphic);
    return out;
  };
  return Array.from(document.querySelectorAll("[_echarts_instance_]")).map((el) => {
    const chart = window.echarts.getInstanceByDom(el);
    const o = chart ? chart.getOption() : {};
    const series = (o.series || []).map((s) => ({ type: s.type, name: s.name, n: count(s.data) }));
    const categories = [];
    [].concat(o.xAxis || [], o.yAxis || [], o.singleAxis || []).forEach((ax) => {
      if (ax && ax.type === "category" && Array.isArray(ax.data)) {
        ax.data.forEach((d) => categories.push(label(d)));
      }
    });
    (o.radar || []).forEach((r) => (r.indicator || []).forEach((i) => categories.push(i.name)));
    const legend = [];
    (o.legend || []).forEach((lg) => {
      if (lg.show === false) return;
      let names = (lg.data || []).map((d) => (d !== null && typeof d === "object") ? d.name : d);
      if (!names.length) {
        (o.series || []).forEach((s) => {
          if (s.type === "pie" || s.type === "funnel") {
            (s.data || []).forEach((d) => names.push(d && d.name));
          } else { names.push(s.name); }
        });
      }
      names.forEach((n) => legend.push(n));
    });
    const box = el.getBoundingClientRect();
    return {
      id: el.id || el.getAttribute("data-testid") || el.className,
      visible: box.width > 0 && box.height > 0,
      series: series,
      badCategories: categories.filter(bad).map(String),
      nCategories: categories.length,
      badLegend: legend.filter((n) => bad(n) || String(n).startsWith("_")).map(String),
      messages: texts(o.graphic),
    };
  });
}
"""


@dataclass(frozen=True)
class _World:
    target_with_data: int
    milestone_target: int
    compound_target: int
    chain_id: int
    park_id: int
    project_with_investment: int
    project_without_investment: int
    smart_enterprise: int
    profile_enterprise: int


def _world(s: Session) -> _World:
    """An administrator, and the ids of the pages to open (read from the demo city)."""
    accounts.create_user(s, USER, "admin", PASSWORD, principal=SYSTEM)

    def target(name: str) -> int:
        return int(
            s.scalar(
                select(Target.id).where(Target.indicator_name == name).order_by(Target.year.desc())
            )
        )

    invested = select(ProjectProgress.project_id)
    return _World(
        target_with_data=target("工业投资"),
        milestone_target=target("3000亿级园区数量"),
        compound_target=target("园区亩均税收"),
        chain_id=int(s.scalar(select(func.min(Chain.id)))),
        park_id=int(s.scalar(select(func.min(Park.id)))),
        project_with_investment=int(s.scalar(select(func.min(ProjectProgress.project_id)))),
        project_without_investment=int(
            s.scalar(select(func.min(Project.id)).where(Project.id.not_in(invested)))
        ),
        smart_enterprise=int(s.scalar(select(func.min(Assessment.enterprise_id)))),
        profile_enterprise=int(s.scalar(select(func.min(EnterpriseYear.enterprise_id)))),
    )


live_server = demo_server("browser-charts", _world)


# page key -> (path builder, number of charts expected with data). A page with 0 has no chart
# today (the board, parks, the cluster system): opened so that a chart added to it is checked.
PAGES: dict[str, tuple[Any, int]] = {
    "overview": (lambda w: "/", 1),
    "screen": (lambda w: "/screen", 3),
    "board": (lambda w: "/plans?as_of=2023-06", 0),
    "target": (lambda w: f"/plans/targets/{w.target_with_data}?as_of=2023-06", 1),
    "target-milestone": (lambda w: f"/plans/targets/{w.milestone_target}?as_of=2023-06", 1),
    "target-compound": (lambda w: f"/plans/targets/{w.compound_target}?as_of=2023-06", 1),
    "chain": (lambda w: f"/chains/{w.chain_id}", 1),
    "parks": (lambda w: "/parks", 0),
    "park": (lambda w: f"/parks/{w.park_id}", 0),
    "clusters": (lambda w: "/clusters", 0),
    "regions-specialisation": (lambda w: "/regions", 1),
    "regions-complexity": (lambda w: "/regions/complexity", 1),
    "regions-opportunities": (lambda w: "/regions/opportunities", 2),
    "map": (lambda w: "/map", 1),
    "project": (lambda w: f"/projects/{w.project_with_investment}", 1),
    "appeal-stats": (lambda w: "/appeals/stats", 1),
    "smart-levels": (lambda w: "/smart", 1),
    "smart-enterprise": (lambda w: f"/smart/enterprises/{w.smart_enterprise}", 2),
    "enterprise-profile": (lambda w: f"/enterprises/{w.profile_enterprise}", 1),
}

# template (under gaodi/) -> the page key that opens it
TEMPLATE_PAGES = {
    "web/templates/overview.html": "overview",
    "web/templates/screen.html": "screen",
    "plans/templates/plans/target.html": "target",
    "chains/templates/chains/chain.html": "chain",
    "regions/templates/regions/specialisation.html": "regions-specialisation",
    "regions/templates/regions/complexity.html": "regions-complexity",
    "regions/templates/regions/opportunities.html": "regions-opportunities",
    "projects/templates/projects/project.html": "project",
    "projects/templates/projects/appeal_stats.html": "appeal-stats",
    "smart/templates/smart/levels.html": "smart-levels",
    "smart/templates/smart/enterprise.html": "smart-enterprise",
    "enterprises/templates/enterprises/profile.html": "enterprise-profile",
}

CHART_HOOK = re.compile(r"data-[a-z-]*chart[a-z-]*=|data-chart-data=|data-chain-tree=")


def chart_templates() -> set[str]:
    """Templates that hold a chart container (an element an ECharts script draws into)."""
    found = set()
    for path in GAODI.rglob("*.html"):
        if CHART_HOOK.search(path.read_text(encoding="utf-8")):
            found.add(path.relative_to(GAODI).as_posix())
    return found


def test_every_chart_template_is_opened() -> None:
    # no browser needed: a new chart template must be added to TEMPLATE_PAGES (and PAGES)
    assert chart_templates() == set(TEMPLATE_PAGES), chart_templates() ^ set(TEMPLATE_PAGES)
    assert set(TEMPLATE_PAGES.values()) <= set(PAGES)


def read_charts(page: Any) -> list[dict[str, Any]]:
    """The options of every ECharts instance on the page, once the page is ready.

    No fixed settling time: every chart script of the app draws synchronously in its
    ``DOMContentLoaded`` handler (the map, which fetches its data, marks ``data-map-ready``),
    so :func:`wait_ready` has seen them all drawn; a redraw on resize replaces the instances
    within one task, so a read never sees half of one. What is read is the options, not pixels
    (``chart_ink`` waits for the animation)."""
    wait_ready(page)
    # every container an ECharts script draws into says so when done (data-chart-ready)
    hooks = page.locator("[data-chart-ready], [data-plan-chart], [data-chart], [data-region-chart]")
    if hooks.count():
        page.wait_for_function(
            "() => window.echarts && document.querySelectorAll('[_echarts_instance_]').length > 0",
            timeout=15000,
        )
    return list(page.evaluate(READ_CHARTS))


def check_chart(key: str, chart: dict[str, Any]) -> None:
    where = f"{key}: {chart['id']}"
    assert chart["visible"], f"{where} is not visible"
    assert chart["series"], f"{where} has no series"
    assert not chart["badCategories"], f"{where} has labels {chart['badCategories']}"
    assert not chart["badLegend"], f"{where} has legend names {chart['badLegend']}"
    names = [s["name"] for s in chart["series"] if s["name"] is not None]
    assert not [n for n in names if n in ("undefined", "null", "None")], f"{where}: {names}"
    with_data = [s for s in chart["series"] if s["n"] > 0]
    assert with_data or chart["messages"], f"{where} draws no data and says nothing"


@pytest.mark.parametrize("key", list(PAGES))
def test_every_chart_draws_its_data(browser: Any, live_server: LiveServer, key: str) -> None:
    build, expected = PAGES[key]
    page = signed_in(browser, live_server, USER, build(live_server.world))
    assert page.locator("h1").count() >= 1, f"{key} did not render"
    charts = read_charts(page)
    for chart in charts:
        check_chart(key, chart)
    with_data = [c for c in charts if any(s["n"] > 0 for s in c["series"])]
    assert len(with_data) >= expected, (key, charts)
    if expected == 0:
        assert not [c for c in charts if not any(s["n"] > 0 for s in c["series"])], key
    shot(page, f"charts-{key}.png")
    page.context.close()


def test_target_chart_is_the_board_series(browser: Any, live_server: LiveServer) -> None:
    # the target chart plots the page's JSON twin: actual and expected per month, real periods
    w = live_server.world
    page = signed_in(
        browser, live_server, USER, f"/plans/targets/{w.target_with_data}?as_of=2023-06"
    )
    read_charts(page)
    option = page.evaluate(
        "() => { const o = echarts.getInstanceByDom(document.querySelector('#target-chart'))"
        ".getOption(); return {x: o.xAxis[0].data, s: o.series.map(s => [s.name, s.data])}; }"
    )
    api = page.request.get(
        f"{live_server.url}/api/v1/plans/targets/{w.target_with_data}?as_of=2023-06"
    )
    series = api.json()["series"]
    assert option["x"][: len(series)] == [p["period"] for p in series]
    assert option["x"][0] == "2023-01"
    actual = dict(option["s"])["实际"] if "实际" in dict(option["s"]) else option["s"][0][1]
    assert actual[: len(series)] == [p["actual"] for p in series]
    assert actual[5] is not None  # June's running total is drawn
    expected = option["s"][1][1][: len(series)]
    assert expected == pytest.approx([p["expected"] for p in series])
    reason = page.locator("[data-testid=target-reason]").inner_text()
    assert "序时进度" in reason and "比值" in reason
    page.context.close()


def test_empty_states_instead_of_empty_charts(browser: Any, live_server: LiveServer) -> None:
    w = live_server.world
    # a project with no investment reported: a message, no chart
    page = signed_in(browser, live_server, USER, f"/projects/{w.project_without_investment}")
    empty = page.locator("[data-testid=chart-empty]")
    assert empty.is_visible() and empty.inner_text().strip()
    assert page.locator("[data-project-chart]").count() == 0
    assert read_charts(page) == []
    shot(page, "charts-project-empty.png")
    # the milestone target: green only once met, else at risk (30 of 36 months gone); the
    # reason on the page says which (the demo city decides whether the park is there yet)
    url = f"/plans/targets/{w.milestone_target}?as_of=2023-06"
    row = page.request.get(f"{live_server.url}/api/v1{url}").json()["row"]
    page.goto(f"{live_server.url}{url}")
    wait_ready(page)
    status = page.locator("[data-testid=target-status] [data-status]").get_attribute("data-status")
    reason = page.locator("[data-testid=target-reason]").inner_text()
    assert row["basis"] == "milestone" and status == row["status"]
    if row["actual"] >= 1:
        assert status == "green" and "已达成" in reason
    else:
        assert status == "at_risk" and "有风险" in reason
    page.context.close()
