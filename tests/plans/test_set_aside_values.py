"""A stored value that is not a finite number (written before intake refused them, or by another
tool) made every board, the overview and the target pages refuse to show anything, for every
user ("观测值中有…非有限数"). The board now leaves that value out, judges every target exactly as
if it were not there, and names it in words (indicator, period, revision, id) on the board, the
target's page, the CLI and the JSON, so someone can correct it."""

from __future__ import annotations

import math

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.plans.board import board
from gaodi.plans.models import Indicator, Observation, Target
from tests.plans.test_views import web  # noqa: F401  (the fixture)

AS_OF = "2023-06"


def a_value_the_board_uses(session: Session, period: str = AS_OF) -> Observation:
    """The first stored value of ``period`` for an indicator that has a target."""
    target_inds = select(Target.indicator_id).where(Target.indicator_id.is_not(None))
    obs = session.scalars(
        select(Observation)
        .where(Observation.indicator_id.in_(target_inds), Observation.period == period)
        .order_by(Observation.id)
    ).first()
    assert obs is not None
    return obs


def _rows(engine):  # type: ignore[no-untyped-def]
    with session_scope(engine, actor="test") as s:
        b = board(s, SYSTEM, AS_OF, forecasts=False)
        rows = [r.model_dump() for a in b.actions for r in a.rows]
        return rows, b.counts, b.provenance


def test_a_value_that_is_not_finite_is_left_out_and_named(web) -> None:  # noqa: F811
    engine, c = web
    with session_scope(engine, actor="test") as s:
        # a monthly value the board uses at 2023-06, of an indicator with a target
        obs = a_value_the_board_uses(s)
        oid, ind_id, revision = obs.id, obs.indicator_id, obs.revision
        name = s.get(Indicator, ind_id).name  # type: ignore[union-attr]
        s.execute(update(Observation).where(Observation.id == oid).values(value=math.inf))

    rows_with, counts_with, prov = _rows(engine)
    (named,) = prov.set_aside
    assert (named.observation_id, named.indicator_id, named.period) == (oid, ind_id, AS_OF)
    assert f"「{name}」{AS_OF} 的报送值（第 {revision} 版，编号 {oid}）为 inf" in named.reason_zh
    assert "not a finite number" in named.reason_en

    # every page that reads the board answers, and says which value to correct
    page = c["ana"].get(f"/plans?as_of={AS_OF}")
    assert page.status_code == 200
    assert 'data-testid="set-aside"' in page.text and named.reason_zh in page.text
    assert "条不是有限的数值" in page.text
    assert c["ana"].get("/").status_code == 200
    twin = c["ana"].get(f"/api/v1/plans/board?as_of={AS_OF}").json()
    assert twin["provenance"]["set_aside"][0]["observation_id"] == oid
    target_id = next(r["target_id"] for r in rows_with if r["indicator_id"] == ind_id)
    detail = c["ana"].get(f"/plans/targets/{target_id}?as_of={AS_OF}")
    assert detail.status_code == 200 and named.reason_zh in detail.text

    # judged exactly as if the value were not stored at all
    with session_scope(engine, actor="test") as s:
        s.execute(delete(Observation).where(Observation.id == oid))
    rows_without, counts_without, prov_without = _rows(engine)
    assert prov_without.set_aside == []
    assert rows_with == rows_without and counts_with == counts_without


def test_a_value_corrected_by_a_later_revision_is_no_longer_named(web) -> None:  # noqa: F811
    engine, c = web
    with session_scope(engine, actor="test") as s:
        obs = a_value_the_board_uses(s)
        s.execute(update(Observation).where(Observation.id == obs.id).values(value=math.inf))
        s.add(
            Observation(
                indicator_id=obs.indicator_id, scope=obs.scope, scope_id=obs.scope_id,
                period=obs.period, value=12.5, kind=obs.kind, revision=obs.revision + 1,
                status="approved", submitted_by="test", submitted_at=obs.submitted_at,
                source="correction", is_demo=obs.is_demo,
            )
        )  # fmt: skip
    _, _, prov = _rows(engine)
    assert prov.set_aside == []
    assert 'data-testid="set-aside"' not in c["ana"].get(f"/plans?as_of={AS_OF}").text
