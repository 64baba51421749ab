"""总览 Overview: what a 局领导 asks (headline targets, chain output, project investment, items
waiting for a decision; gaodi.web.leader), then what the database holds (数据概况), as the
signed-in user may see it."""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from gaodi import features
from gaodi.accounts import service as accounts
from gaodi.core import asof, clock
from gaodi.core.memo import Memo, scope_key
from gaodi.system import service
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.i18n import N_
from gaodi.ui.web.nav import register_nav
from gaodi.ui.web.overview import OverviewCard, cards
from gaodi.ui.web.pages import page
from gaodi.web.leader import LeaderView, leader_view

router = APIRouter()
register_nav("overview", N_("Overview"), "/", domain="overview", order=10)

COUNT_LABELS = {
    "enterprises": N_("Enterprises"),
    "above_scale": N_("Above-scale industrial enterprises"),
    "parks": N_("Parks"),
    "chains": N_("Industrial chains"),
    "links": N_("Chain links"),
    "clusters": N_("Clusters"),
    "plans": N_("Plans"),
    "targets": N_("Targets"),
    "indicators": N_("Indicators"),
    "observations": N_("Observations"),
    "external_enterprises": N_("External enterprises (attraction pool)"),
    "users": N_("Users"),
}
COUNT_NOTES = {
    # the one definition (gaodi.analytics.above_scale, the above_scale rule file): 工业 and revenue
    "above_scale": N_(
        "industrial (GB/T 4754 sections B, C, D) with main-business revenue ≥ 20 million yuan "
        "in the latest year"
    ),
    "observations": N_("reported values, every revision"),
}


class CountItem(BaseModel):
    key: str
    label: str
    count: int
    note: str | None = None


class ChartSpec(BaseModel):
    title: str
    by: str
    labels: list[str]
    values: list[int]
    series_name: str
    empty_text: str


class Access(BaseModel):
    """What the signed-in user may see: role and scope."""

    role: str
    role_label: str
    scope: list[str]
    sections: list[str]


class OverviewPage(BaseModel):
    """The overview: the leader's view (targets, chains, projects, decisions, as of a day), then
    counts by entity, data as-of dates, enterprises per chain (or park)."""

    leader: LeaderView
    is_demo: bool
    access: Access
    counts: list[CountItem]
    as_of: service.AsOf
    chart: ChartSpec
    cards: list[OverviewCard]
    #: the city's today: the counts, dates and chart of 数据概况 are what the database holds on
    #: it (never rebuilt for an as-of day asked for, and said so on the page)
    today: date
    #: when the dataset was built, in the city's time zone with the zone named
    dataset_built: str | None = None


#: Seconds an overview stays cached for the same scope, language and data version. Every change
#: goes to the audit log, so a new audit event (a larger max id) invalidates at once; the age
#: limit only bounds how stale time-dependent cards (e.g. "overdue") may get.
CACHE_SECONDS = 30.0
CACHE_ENTRIES = 256


def _memo(ctx: PageContext, name: str) -> Memo[Any]:
    """The app's cache ``name`` (one per app, so per database): built on first use."""
    state = ctx.request.app.state
    memo: Memo[Any] | None = getattr(state, name, None)
    if memo is None:
        with _memo_lock:
            memo = getattr(state, name, None)
            if memo is None:
                memo = Memo(CACHE_ENTRIES)
                setattr(state, name, memo)
    return memo


_memo_lock = threading.Lock()


def _key(ctx: PageContext, day: date, requested: bool) -> tuple[Any, ...]:
    """What an overview depends on: the viewer's role and scope (not the user: everything on it
    is judged by role and scope, gaodi.core.memo.scope_key), language, data version and day."""
    assert ctx.principal is not None
    version = service.data_version(ctx.session)
    return (*scope_key(ctx.principal), ctx.lang, version, day, requested)


@page(router, "/", api="/overview", template="overview.html", domain="overview", shared=30)
def overview_page(ctx: PageContext, as_of: date | None = None) -> OverviewPage:
    """The leader's overview judged on ``as_of`` (default: the city's today), then what the
    database holds: counts by entity, as-of dates and one chart."""
    day = judged_on(ctx, as_of)
    max_age = float(getattr(ctx.request.app.state, "overview_cache_seconds", CACHE_SECONDS))
    memo = _memo(ctx, "overview_cache")
    key = _key(ctx, day, as_of is not None)
    return memo.get(key, lambda: _build(ctx, day, as_of is not None), max_age)  # type: ignore[no-any-return]


def cached_leader(ctx: PageContext, day: date, requested: bool) -> LeaderView:
    """The leader's view for the 大屏, cached like the overview (per scope, language, data
    version and day): several wall screens reloading every few minutes share one build."""
    max_age = float(getattr(ctx.request.app.state, "overview_cache_seconds", CACHE_SECONDS))
    memo = _memo(ctx, "screen_cache")
    key = _key(ctx, day, requested)
    return memo.get(key, lambda: leader(ctx, day, requested), max_age)  # type: ignore[no-any-return]


def judged_on(ctx: PageContext, requested: date | None) -> date:
    """The day the overview is judged on: the one asked for, else the city's today (the one
    clock, the same day the projects pages use). A day after today or before any period is
    refused in words with the allowed range (:func:`gaodi.core.asof.requested`)."""
    return asof.requested(requested, today=clock.city_today(ctx.dataset)[0], field="as_of")


def leader(ctx: PageContext, day: date, requested: bool) -> LeaderView:
    assert ctx.principal is not None
    memo: dict[str, Any] = {}
    view = leader_view(
        ctx.session, ctx.principal, day, requested=requested, lang=ctx.lang, tr=ctx._, memo=memo
    )
    # the cards (gaodi.plans.cards, gaodi.projects.views.cards) read the board and the act
    # summary just judged on ``day``: no second computation, and on a day asked for the tiles
    # answer for that day too (one overdue count on the page, not the day's and today's)
    ctx._plan_board = memo.get("board")  # type: ignore[attr-defined]
    ctx._act_summary = memo.get("act_summary")  # type: ignore[attr-defined]
    ctx._judged_cards = {  # type: ignore[attr-defined]
        key for source, keys in JUDGED_CARDS.items() if memo.get(source) is not None for key in keys
    }
    return view


#: The overview cards fed by what the leader's view judged on the day (its memo's entries): they
#: answer for a past day. Every other card is today's state, labelled so on a past day.
JUDGED_CARDS = {
    "board": ("plan_targets", "plan_overdue"),
    "act_summary": ("projects_behind", "challenges_open", "appeals_overdue"),
}


def dated_cards(ctx: PageContext, day: date, requested: bool) -> list[OverviewCard]:
    """The feature cards, each saying for when it answers on a day asked for: judged on that
    day (rebuilt from history), or today's figure with today's date (not rebuilt)."""
    out = cards(ctx)
    if not requested:
        return out
    judged: set[str] = getattr(ctx, "_judged_cards", set())
    today = clock.city_today(ctx.dataset)[0].isoformat()
    for card in out:
        if card.key in judged:
            card.judged_on = day.isoformat()
        else:
            card.current_on = today
    return out


def built_text(value: str | None, zh: bool = True) -> str | None:
    """The dataset's build time (ISO) in the city's time zone, the zone named as the reports
    name it; a stamp without an offset (a record built before stamps carried one, on the
    machine's clock) is shown as written, claiming no zone.

    >>> built_text("2024-01-15T13:27:05+00:00"), built_text("2024-01-15T21:27:05", zh=False)
    ('2024-01-15 21:27（北京时间）', '2024-01-15 21:27')
    """
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return value
    if at.tzinfo is None:
        return at.strftime("%Y-%m-%d %H:%M")
    text = at.astimezone(clock.timezone()).strftime("%Y-%m-%d %H:%M")
    zone = clock.zone_label(zh)
    return f"{text}（{zone}）" if zh else f"{text} ({zone})"


def _build(ctx: PageContext, day: date, requested: bool) -> OverviewPage:
    assert ctx.principal is not None
    data = service.overview(ctx.session, ctx.principal, features.counted())
    counts = [
        CountItem(
            key=c.key,
            label=ctx._(COUNT_LABELS.get(c.key, c.key)),
            count=c.count,
            note=ctx._(COUNT_NOTES[c.key]) if c.key in COUNT_NOTES else None,
        )
        for c in data.counts
    ]
    by_chain = data.chart.by == "chain"
    chart = ChartSpec(
        title=ctx._("Enterprises by industrial chain")
        if by_chain
        else ctx._("Enterprises by park"),
        by=data.chart.by,
        labels=[b.label for b in data.chart.bars],
        values=[b.value for b in data.chart.bars],
        series_name=ctx._("Enterprises"),
        empty_text=ctx._("No data yet"),
    )
    user = ctx.user
    assert user is not None
    access = Access(
        role=user.role,
        role_label=accounts.role_label(user.role, ctx.lang),
        scope=accounts.describe_scopes(ctx.session, user),
        sections=[item.label for item in ctx.nav],
    )
    return OverviewPage(
        leader=leader(ctx, day, requested),
        is_demo=data.is_demo,
        access=access,
        counts=counts,
        as_of=data.as_of,
        chart=chart,
        cards=dated_cards(ctx, day, requested),
        today=clock.city_today(ctx.dataset)[0],
        dataset_built=built_text(data.as_of.dataset_built_at, ctx.lang.startswith("zh")),
    )
