"""An enterprise's tags, park and industry code at the end of a past day, rebuilt from the audit
log (gaodi.enterprises.history): hand-built moves and tag changes on known days."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy.engine import Engine

from gaodi.audit.loaders import Change
from gaodi.core import clock
from gaodi.db import session_scope
from gaodi.enterprises import history
from gaodi.enterprises import loaders as enterprise_loaders
from tests.enterprises.history_cases import moved_and_retagged


def test_the_first_change_after_the_day_holds_the_days_value() -> None:
    # park 1 -> 2 -> 3 after the day: on the day it was in park 1; tags changed once
    past = history.rewind(
        [
            Change("5", "update", {"park_id": 1, "name": "甲"}),
            Change("5", "update", {"park_id": 2, "tags": ["srdi"]}),
            Change("6", "create", None),
            Change("x", "update", {"park_id": 9}),
        ]
    )
    assert past.values == {5: {"park_id": 1, "tags": ["srdi"]}}
    assert past.absent == frozenset({6})


def test_apply_puts_back_the_days_values_and_drops_later_firms() -> None:
    rows = pl.DataFrame(
        {
            "enterprise_id": [5, 6, 7],
            "park_id": [3, 1, None],
            "tags": [["leader"], [], ["srdi"]],
            "output": [1.0, 2.0, 3.0],
        },
        schema={
            "enterprise_id": pl.Int64,
            "park_id": pl.Int64,
            "tags": pl.List(pl.String),
            "output": pl.Float64,
        },
    )
    past = history.Past({5: {"park_id": 1, "tags": None}, 7: {"park_id": 2}}, frozenset({6}))
    out = history.apply(rows, past)
    assert out.rows() == [(5, 1, [], 1.0), (7, 2, ["srdi"], 3.0)]
    assert history.apply(rows, None) is rows


def test_a_firm_moved_and_retagged_on_known_days(demo_db: Engine) -> None:
    # created on 1 March 2023 in park A, 专精特新 from 1 June, moved to park B on 1 September
    firm_id, park_a, park_b = moved_and_retagged(demo_db, "91430100TEST00001X")
    rows = pl.DataFrame(
        {"enterprise_id": [firm_id], "park_id": [park_b], "tags": [["srdi"]]},
        schema={"enterprise_id": pl.Int64, "park_id": pl.Int64, "tags": pl.List(pl.String)},
    )

    def on(day: dt.date) -> list[tuple[int, int, list[str]]]:
        with session_scope(demo_db) as s:
            return enterprise_loaders.as_of(s, rows, day).rows()

    assert on(dt.date(2023, 2, 28)) == []  # not yet created
    assert on(dt.date(2023, 3, 1)) == [(firm_id, park_a, [])]
    assert on(dt.date(2023, 5, 31)) == [(firm_id, park_a, [])]
    assert on(dt.date(2023, 6, 1)) == [(firm_id, park_a, ["srdi"])]
    assert on(dt.date(2023, 8, 31)) == [(firm_id, park_a, ["srdi"])]
    assert on(dt.date(2023, 9, 1)) == [(firm_id, park_b, ["srdi"])]
    # today (and no day): the stored row, the log unread
    assert on(clock.today()) == [(firm_id, park_b, ["srdi"])]
