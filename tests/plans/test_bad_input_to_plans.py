"""Bad input found by the 2026-12-06 audit, refused in words with nothing written. A figure that
is not a finite number (inf, 1e400, NaN): before, the API and the form stored Inf (after which
every board, the overview and the plans export refused to read, for every user) and answered NaN
with a 500 (NOT NULL). An unreadable upload: its message named the server's temporary copy."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.db import session_scope
from gaodi.plans.models import Observation
from tests.plans.test_views import web  # noqa: F401  (the fixture)
from tests.web.helpers import csrf_of, post_form


def _count(engine: Engine) -> int:
    with session_scope(engine, actor="test") as s:
        return int(s.scalar(select(func.count()).select_from(Observation)) or 0)


@pytest.mark.parametrize("raw", ["Infinity", "-Infinity", "NaN", "1e400"])
def test_the_api_refuses_a_value_that_is_not_finite(web, raw: str) -> None:  # noqa: F811
    engine, c = web
    before = _count(engine)
    body = (
        '{"indicator": "industrial_investment", "period": "2023-12", "value": ' + raw + ", "
        '"confirm": true, "reason": "x"}'
    )
    r = c["boss"].post(
        "/api/v1/plans/observations", content=body, headers={"content-type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert "有限" in r.json()["message"]
    assert _count(engine) == before
    # and every reader of the figures still reads them
    for url in ("/", "/api/v1/overview", "/plans", "/api/v1/plans/board"):
        assert c["ana"].get(url).status_code == 200, url


@pytest.mark.parametrize("value", ["inf", "1e400", "nan", "-Infinity"])
def test_the_entry_form_refuses_it_next_to_the_field(web, value: str) -> None:  # noqa: F811
    engine, c = web
    before = _count(engine)
    csrf = csrf_of(c["ana"].get("/plans/entry").text)
    form = {"indicator": "industrial_investment", "period": "2023-12", "value": value,
            "confirm": "true", "reason": "确认"}  # fmt: skip
    r = post_form(c["ana"], "/plans/entry", form, csrf)
    assert r.status_code == 422, r.text[:300]
    assert "数值须为有限的数" in r.text
    assert _count(engine) == before


def test_an_unreadable_upload_is_named_as_the_user_named_it(web) -> None:  # noqa: F811
    # the message named the server's temporary copy (/tmp/tmp…/plan.txt) before
    _, c = web
    ana = c["ana"]
    csrf = csrf_of(ana.get("/plans/list").text)
    upload = {
        "file": ("行动计划-终稿.txt", b"\xff\xfe\x00\x00" + bytes(range(256)) * 8, "text/plain")
    }
    r = ana.post("/plans/load", data={"csrf_token": csrf}, files=upload, follow_redirects=False)
    assert r.status_code == 422
    assert "无法读取文件 行动计划-终稿.txt" in r.text
    assert "/tmp/" not in r.text and "plan.txt" not in r.text


def test_every_entry_point_refuses_a_scope_that_does_not_exist(web) -> None:  # noqa: F811
    # the check lived in the service's form/API path only; the Excel import and the smart
    # roll-up call intake directly, so it is now where every value is checked
    from gaodi.core.permissions import SYSTEM
    from gaodi.plans.intake import ObservationRow, prepare_observations
    from gaodi.plans.schemas import ObservationIn

    engine, _ = web
    rows = [
        ObservationIn(
            indicator="industrial_investment",
            period="2023-11",
            value=1.0,
            scope=scope,
            scope_id=scope_id,
        )
        for scope, scope_id in (("park", 999999), ("chain", 999999), ("city", 7), ("city", 0))
    ]
    with session_scope(engine, actor="test") as s:
        batch = prepare_observations(
            s, SYSTEM, [ObservationRow.of(r, "excel") for r in rows], confirm=True, reason="x"
        )
    refused = {r.index: (r.check, r.error.zh) for r in batch.refusals}
    assert refused[0] == ("scope", "没有编号为 999999 的园区，数值未保存。")
    assert refused[1] == ("scope", "没有编号为 999999 的产业链，数值未保存。")
    assert refused[2] == ("scope", "全市数据的范围编号须为 0，收到 7。")
    assert 3 not in refused
