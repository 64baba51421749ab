"""What data entry says and keeps, on the demo city (tests/plans/test_views.py ``web``): a
refusal for a scope outside the user's names the scope in words (全市, 园区（编号 n）) and the
user's own park by name, never "city #0"; a confirmed flag is kept in the comment by the
check's words, not its code; a value for a period that has not ended by the city's today is
refused in words (the board would read it as an actual), as projects refuse future months.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from gaodi.core import clock
from gaodi.db import session_scope
from gaodi.parks.models import Park
from gaodi.plans.models import Observation
from tests.plans.test_views import web  # noqa: F401  (the fixture)
from tests.web.helpers import csrf_of, post_form

CONFIRMED = {"confirm": True, "reason": "预估"}


def _count(engine) -> int:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        return int(s.scalar(select(func.count()).select_from(Observation)))


def test_an_out_of_scope_refusal_names_the_scope_in_words(web) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    engine, c = web
    with session_scope(engine) as s:
        parks = s.execute(select(Park.id, Park.name).order_by(Park.id)).all()
    (_, mine), (other, _) = parks[0], parks[1]  # the park office's park is the first
    park = c["parkoffice"]
    body = {"indicator": "industrial_investment", "period": "2023-11", "value": 1, **CONFIRMED}
    r = park.post("/api/v1/plans/observations", json={**body, "scope": "city", "scope_id": 0})
    assert r.status_code == 422
    zh = r.json()["message_zh"]
    assert "全市" in zh and f"园区“{mine}”" in zh and "city" not in zh and "#" not in zh
    r = park.post(
        "/api/v1/plans/observations",
        json={**body, "scope": "city", "scope_id": 0},
        headers={"Accept-Language": "en"},
    )
    assert "not of the city" in r.json()["message"] and "#0" not in r.json()["message"]
    r = park.post("/api/v1/plans/observations", json={**body, "scope": "park", "scope_id": other})
    assert r.status_code == 422
    said = r.json()["message_zh"]
    assert f"园区（编号 {other}）" in said and "park #" not in said
    # a park that does not exist reads the same: the office learns nothing outside its own
    r = park.post("/api/v1/plans/observations", json={**body, "scope": "park", "scope_id": 999999})
    assert r.json()["message_zh"] == said.replace(f"编号 {other}", "编号 999999")
    # the form says it next to the field, in words
    csrf = csrf_of(park.get("/plans/entry").text)
    form = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in body.items()}
    r = post_form(park, "/plans/entry", {**form, "scope": "city", "scope_id": "0"}, csrf)
    assert r.status_code == 422 and "不能填报全市的数据" in r.text and "city #0" not in r.text


def test_a_confirmed_flag_is_kept_by_the_checks_words(web) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    _, c = web
    ana, checker = c["ana"], c["checker"]
    # 2023-12 is submitted in the demo; a running total of 10 falls far below November's
    body = {"indicator": "industrial_investment", "period": "2023-12", "value": 10}
    r = ana.post("/api/v1/plans/observations", json={**body, "confirm": True, "reason": "核减"})
    assert r.status_code == 201
    comment = r.json()["observation"]["comment"]
    assert "核减" in comment and "累计值下降" in comment
    assert "cumulative_decrease" not in comment
    tasks = checker.get("/api/v1/plans/submissions").json()
    key = next(
        x["key"]
        for x in tasks["to_review"]
        if x["indicator_code"] == body["indicator"] and x["period"] == body["period"]
    )
    html = checker.get(f"/plans/submissions/{key}").text
    assert "累计值下降" in html and "cumulative_decrease" not in html


def test_a_period_that_has_not_ended_is_refused_even_when_confirmed(web) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    engine, c = web
    boss, park = c["boss"], c["parkoffice"]
    today = clock.today()
    this_month = f"{today:%Y-%m}"
    before = _count(engine)
    for client, extra in ((boss, {}), (park, {"scope": "park"})):
        if extra:
            with session_scope(engine) as s:
                extra = {**extra, "scope_id": s.scalars(select(Park.id).order_by(Park.id)).first()}
        for period in (this_month, f"{today.year}-Q4", str(today.year + 1)):
            body = {"indicator": "industrial_investment", "period": period, "value": 50}
            r = client.post("/api/v1/plans/observations", json={**body, **extra, **CONFIRMED})
            assert r.status_code == 422, (period, r.text)
            zh = r.json()["message_zh"]
            assert f"期间 {period} 尚未结束" in zh and "请在期间结束后填报" in zh
    assert _count(engine) == before
    # the form refuses it in words and offers no confirmation
    csrf = csrf_of(boss.get("/plans/entry").text)
    form = {"indicator": "industrial_investment", "period": this_month, "value": "50"}
    r = post_form(boss, "/plans/entry", {**form, "confirm": "true", "reason": "预估"}, csrf)
    assert r.status_code == 422 and "尚未结束" in r.text
    assert 'data-testid="confirm-box"' not in r.text
    assert _count(engine) == before
    # the last period that has ended is still taken
    last = re.sub(r"-(\d+)$", lambda m: f"-{int(m.group(1)) - 1:02d}", this_month)
    if last.endswith("-00"):
        last = f"{today.year - 1}-12"
    r = boss.post(
        "/api/v1/plans/observations",
        json={"indicator": "industrial_investment", "period": last, "value": 50, **CONFIRMED},
    )
    assert r.status_code in (201, 422)
    assert "尚未结束" not in r.text


def test_a_flag_quotes_a_large_figure_as_entered() -> None:
    # audit H #9: "累计值 8.15677e+07 高于…": the figure in e-notation and rounded to 6 digits
    from gaodi.plans.checks import unit_flags
    from gaodi.plans.models import Indicator

    firms = Indicator(code="firms", name="企业数", unit="家", kind="count")
    (flag,) = unit_flags(firms, "current", 81567651.5)
    assert "收到 81,567,651.5。" in flag.message_zh and "got 81,567,651.5." in flag.message_en
