"""The Python API's frames (docs/analysts.md): an empty answer keeps its columns' types, and a
filter naming nothing says so instead of answering with an empty frame (issue found by the
2026-12-06 audit: every column of an empty frame was Null, a mistyped code gave 0 rows)."""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy.engine import Engine

from gaodi.city import City
from gaodi.core.errors import NotFoundError


def test_an_empty_frame_keeps_its_column_types(demo_db: Engine) -> None:
    city = City(engine=demo_db)
    full = city.enterprises()
    # an industry code that exists with no enterprise in it (an unknown one is an error)
    used = set(full["industry_code"].drop_nulls())
    code = next(
        c
        for c in city.industry_codes()["code"]
        if len(c) == 4 and not any(u.startswith(c) for u in used)
    )
    empty = city.enterprises(industry=code)
    assert empty.height == 0 and full.height > 0
    for name in ("id", "park_id", "name", "uscc", "founded", "is_demo"):
        assert empty.schema[name] == full.schema[name], name
    assert empty.schema["id"] == pl.Int64 and empty.schema["founded"] == pl.Date
    # so it stacks with a full frame of the same table
    assert pl.concat([full.select("id", "name"), empty.select("id", "name")]).height == full.height


def test_a_filter_naming_nothing_is_an_error(demo_db: Engine) -> None:
    city = City(engine=demo_db)
    assert city.observations(indicator="industrial_investment").height > 0
    with pytest.raises(NotFoundError) as exc:
        city.observations(indicator="industrial_investmnet")
    assert "industrial_investmnet" in exc.value.en and "没有指标" in exc.value.zh
    with pytest.raises(NotFoundError):
        city.observations(indicator=10**9)
    code = city.chains()["code"][0]
    assert city.links(chain=code).height > 0
    with pytest.raises(NotFoundError) as exc:
        city.links(chain="NO-SUCH-CHAIN")
    assert "没有产业链" in exc.value.zh
