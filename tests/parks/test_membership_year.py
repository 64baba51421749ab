"""An ended year's park standing counts each firm in the park it was in when the year ended: a
firm moved to another park today (through the enterprises' one write path) leaves the 2023
standing and every earlier year's park output as they were, and the page says whose membership
it counts. On a copy of the small demo city (today 2024-01-15, figures up to 2023)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from pytest import approx
from sqlalchemy.engine import Engine

from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.enterprises import batch
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.parks import loaders, service
from gaodi.parks.models import Park

EDIT_AT = dt.datetime(2024, 1, 15, 3, 0)  # the city's today, 11:00 in Beijing
YEAR = 2023


def _standing(engine: Engine) -> dict[int, tuple[Any, ...]]:
    """park id -> (firms, evaluated, score, rank, output of each year) of the 2023 evaluation."""
    service.EVALUATIONS.clear()
    with session_scope(engine) as s:
        result = service.evaluate(s, SYSTEM, year=YEAR)
    return {
        r.id: (r.n_enterprises, r.n_evaluated, r.score, r.rank, r.output_by_year)
        for r in result.parks
    }


def _stored_output(engine: Engine) -> dict[tuple[int, int], float]:
    """(park, year) -> output summed by today's park of each firm (the stored rows)."""
    with session_scope(engine) as s:
        return {(p, y): v or 0.0 for p, y, v in enterprise_loaders.output_by_park(s)}


def test_a_firm_moved_today_leaves_last_years_standing(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        frame = loaders.figures(s, YEAR)
        parks = {p.id: p.name for p in s.query(Park).order_by(Park.id)}
        # the evaluated firm of the first park with the largest output in 2023
        firm = (
            frame.filter(pl.col("park_id") == min(parks), pl.col("output").is_not_null())
            .sort("output", descending=True)
            .row(0, named=True)
        )
        uscc = enterprise_loaders.names_and_usccs(s, [firm["enterprise_id"]])[
            firm["enterprise_id"]
        ][1]
    old_park, new_park = firm["park_id"], max(parks)
    before = _standing(demo_db)
    stored_before = _stored_output(demo_db)
    with clock.frozen(EDIT_AT), session_scope(demo_db, actor="tester") as s:
        b = batch.prepare_enterprises(
            s, SYSTEM, [batch.EnterpriseWrite(uscc, park=parks[new_park], park_given=True)]
        )
        assert b.updated == 1 and not b.refusals
        batch.write_enterprises(s, b)
    # the move is real: today's rows put the firm's 2023 output in the new park
    stored = _stored_output(demo_db)
    moved = firm["output"]
    assert stored[(old_park, YEAR)] == approx(stored_before[(old_park, YEAR)] - moved)
    assert stored[(new_park, YEAR)] == approx(stored_before[(new_park, YEAR)] + moved)
    # the 2023 standing (firms, evaluated, score, rank) is as it was, and so is each park's
    # output of every year (summed again, so equal to the last digit's rounding)
    after = _standing(demo_db)
    assert {p: v[:4] for p, v in after.items()} == {p: v[:4] for p, v in before.items()}
    for park, values in before.items():
        assert after[park][4] == approx(values[4], rel=1e-12), parks[park]


def test_the_page_names_the_day_of_the_park_membership(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        ended = service.evaluate(s, SYSTEM, year=YEAR).provenance
    assert ended.membership_on == "2023-12-31"
    with clock.frozen(dt.date(2023, 6, 30)), session_scope(demo_db) as s:
        running = service.evaluate(s, SYSTEM, year=YEAR).provenance
    assert running.membership_on == "2023-06-30"  # the year runs still: today's membership
