"""大屏 Wall screen: the leader's overview laid out for a 1920×1080 display in a meeting room.

The same data as the overview (gaodi.web.leader, scoped to the signed-in user), dark, no
scrolling, reloading itself every ``refresh`` minutes and saying when it last did. The middle
cell holds the industry map (``regions/_map_panel.html``) when that partial is installed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from jinja2 import TemplateNotFound
from pydantic import BaseModel, Field

from gaodi.core import clock
from gaodi.core.moments import CityMoment
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.pages import page
from gaodi.ui.web.templating import environment
from gaodi.web.leader import LeaderView
from gaodi.web.views.overview import cached_leader, judged_on

router = APIRouter()
MAP_PANEL = "regions/_map_panel.html"

#: Default minutes between reloads; ``?refresh=`` overrides it (1 to 120).
REFRESH_MINUTES = 5
#: Chains on the output ranking (the screen has room for this many bars).
RANKING = 12
#: Chains on the investment bars (largest annual plan first).
INVEST_BARS = 6


class Ranking(BaseModel):
    labels: list[str]
    values: list[float]
    series_name: str
    empty_text: str
    total: int = Field(0, description="Chains with a figure; the bars are the largest of them.")


class InvestSeries(BaseModel):
    name: str
    values: list[float]


class InvestChart(BaseModel):
    labels: list[str]
    series: list[InvestSeries]
    total: int = Field(0, description="Chains with projects; the bars: the largest plans.")


class ScreenPage(BaseModel):
    """The wall screen: the leader's view plus what its charts draw and when it was built."""

    leader: LeaderView
    refresh_minutes: int
    refreshed_at: CityMoment = Field(description="When this page was built.")
    is_demo: bool
    ranking: Ranking
    invest: InvestChart
    map_panel: bool = Field(description="Whether the industry map partial is installed.")
    map_allowed: bool = Field(description="Whether the user's role may see the industry map.")
    whole_city: bool = Field(
        True,
        description="Whether the user sees the whole city (no chain, park or enterprise scope): "
        "an empty cell then means no data yet, not nothing in the user's scope.",
    )


@page(router, "/screen", api="/screen", template="screen.html", domain="overview", shared=30)
def screen_page(
    ctx: PageContext,
    as_of: date | None = None,
    refresh: Annotated[int, Query(ge=1, le=120)] = REFRESH_MINUTES,
) -> ScreenPage:
    """The 大屏: headline targets, chain output ranking, project investment, decisions, map."""
    assert ctx.principal is not None
    day = judged_on(ctx, as_of)
    view = cached_leader(ctx, day, as_of is not None)
    figured = [r for r in view.chains.rows if r.latest is not None] if view.chains else []
    rows = figured[:RANKING]
    unit = view.chains.unit if view.chains else ""
    every_bar = view.projects.by_chain if view.projects else []
    bars = every_bar[:INVEST_BARS]
    return ScreenPage(
        leader=view,
        refresh_minutes=refresh,
        refreshed_at=clock.now(),
        is_demo=ctx.is_demo,
        ranking=Ranking(
            labels=[r.name for r in rows],
            values=[r.latest for r in rows if r.latest is not None],
            series_name=ctx._("Output (%(unit)s)", unit=unit),
            empty_text=ctx._("No data yet"),
            total=len(figured),
        ),
        map_panel=_has_template(MAP_PANEL),
        map_allowed=ctx.can("read", "region"),
        whole_city=not ctx.principal.is_scoped,
        invest=InvestChart(
            total=len(every_bar),
            labels=[b.label for b in bars],
            series=[
                InvestSeries(
                    name=ctx._("Planned for the year"),
                    values=[round(b.year_plan / 10000, 2) for b in bars],
                ),
                InvestSeries(
                    name=ctx._("Completed"),
                    values=[round(b.completed_year / 10000, 2) for b in bars],
                ),
            ],
        ),
    )


def _has_template(name: str) -> bool:
    try:
        environment().get_template(name)
    except TemplateNotFound:
        return False
    return True
