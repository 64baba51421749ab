"""Data entry (/plans/entry) on the demo city: the confirmation names the indicator as the form
did, and a value is stored only for a scope that exists and that the user may report for."""

from __future__ import annotations

from sqlalchemy import func, select

from gaodi.db import session_scope
from gaodi.parks.models import Park
from gaodi.plans.models import Observation
from tests.plans.test_views import web  # noqa: F401  (the fixture)
from tests.web.helpers import csrf_of, post_form

CONFIRMED = {"confirm": "true", "reason": "测试确认"}


def _count(engine, **where) -> int:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        q = select(func.count()).select_from(Observation)
        for k, v in where.items():
            q = q.where(getattr(Observation, k) == v)
        return s.scalar(q)


def test_the_confirmation_names_the_indicator(web) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    _, c = web
    ana = c["ana"]
    csrf = csrf_of(ana.get("/plans/entry").text)
    form = {"indicator": "above_scale_firms", "period": "2023-11", "value": "5", **CONFIRMED}
    r = post_form(ana, "/plans/entry", form, csrf)
    assert r.status_code == 303
    html = ana.get(r.headers["location"]).text
    assert "已报送 规模以上工业企业数 2023-11 = 5（第 1 版）。" in html
    assert "above_scale_firms 2023-11" not in html


def test_a_park_that_does_not_exist_is_refused(web) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    engine, c = web
    boss = c["boss"]
    before = _count(engine)
    csrf = csrf_of(boss.get("/plans/entry").text)
    form = {"indicator": "industrial_investment", "period": "2023-11", "value": "10"}
    r = post_form(
        boss, "/plans/entry", {**form, **CONFIRMED, "scope": "park", "scope_id": "999999"}, csrf
    )
    assert r.status_code == 422
    assert "没有编号为 999999 的园区" in r.text and 'data-testid="error-scope_id"' in r.text
    r = post_form(
        boss, "/plans/entry", {**form, **CONFIRMED, "scope": "chain", "scope_id": "999999"}, csrf
    )
    assert r.status_code == 422 and "没有编号为 999999 的产业链" in r.text
    r = post_form(
        boss, "/plans/entry", {**form, **CONFIRMED, "scope": "city", "scope_id": "7"}, csrf
    )
    assert r.status_code == 422 and "范围编号须为 0" in r.text
    assert _count(engine) == before  # nothing half-written
    # the API answers the same, in English when asked
    r = boss.post(
        "/api/v1/plans/observations",
        json={
            "indicator": "industrial_investment",
            "period": "2023-11",
            "value": 10,
            "scope": "park",
            "scope_id": 999999,
            "confirm": True,
            "reason": "x",
        },
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 422 and "no park with id 999999" in r.text
    assert _count(engine) == before


def test_an_existing_park_of_ones_own_is_accepted_and_another_refused(web) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    engine, c = web
    with session_scope(engine) as s:
        parks = s.scalars(select(Park.id).order_by(Park.id)).all()
    mine, other = parks[0], parks[1]  # the park office's park is the first (test_views)
    park = c["parkoffice"]
    csrf = csrf_of(park.get("/plans/entry").text)
    form = {"indicator": "industrial_investment", "period": "2023-11", "value": "10", **CONFIRMED}
    r = post_form(park, "/plans/entry", {**form, "scope": "park", "scope_id": str(other)}, csrf)
    assert r.status_code == 422 and "本单位" in r.text
    assert _count(engine, scope="park", scope_id=other) == 0
    r = post_form(park, "/plans/entry", {**form, "scope": "park", "scope_id": str(mine)}, csrf)
    assert r.status_code == 303
    assert _count(engine, scope="park", scope_id=mine) == 1
