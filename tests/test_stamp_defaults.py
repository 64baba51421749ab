"""A row's own moments (created, updated, submitted, received...) come from the city's clock,
like every stamp a service writes: on a city that lives on a configured day (the demo) a row
written today is stamped on that day, so it shows in the views as of today instead of after
them (a wall-clock stamp of 2026 on a city frozen on 2024-01-15 is "not yet" in every view)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core import clock
from gaodi.db import Base, load_models, session_scope
from gaodi.parks.models import Park

#: The dataset record's own write time: when the file was built, a fact about the file (the
#: clock reads this record to know the city's day, so it cannot be stamped by that clock).
TECHNICAL = {("system_info", "updated_at")}


def test_every_moment_a_row_stamps_itself_is_the_city_clocks() -> None:
    load_models()
    then = datetime(2023, 6, 30, 9, 0)
    found = []
    with clock.frozen(then):
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                for kind in ("default", "onupdate"):
                    made = getattr(column, kind)
                    if made is None or not getattr(made, "is_callable", False):
                        continue
                    value = made.arg(None)
                    if isinstance(value, datetime) and (table.name, column.name) not in TECHNICAL:
                        found.append((table.name, column.name, kind, value))
    assert len(found) > 30  # created_at, updated_at, submitted_at... of every feature's tables
    assert [f for f in found if f[3] != then] == []


def test_a_park_written_and_edited_on_the_citys_days_carries_those_days(db: Engine) -> None:
    with clock.frozen(datetime(2023, 6, 30, 9, 0)), session_scope(db, actor="t") as s:
        s.add(Park(name="示例园区", level="provincial"))
    with clock.frozen(datetime(2023, 7, 2, 3, 15)), session_scope(db, actor="t") as s:
        park = s.scalars(select(Park)).one()
        park.name = "示例园区二"
    with session_scope(db, actor="t") as s:
        park = s.scalars(select(Park)).one()
        assert park.created_at == datetime(2023, 6, 30, 9, 0)
        assert park.updated_at == datetime(2023, 7, 2, 3, 15)
