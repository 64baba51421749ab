"""A firm with a known history, for the tests of past days (gaodi.enterprises.history and what
reads it): created on 1 March 2023 in park A with no tags, 专精特新 from 1 June, moved to park B
on 1 September (each change stored at 10:00 city time through the ORM, so the audit log has it)."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core import clock
from gaodi.db import session_scope
from gaodi.enterprises.models import Enterprise
from gaodi.parks.models import Park


class Moved(NamedTuple):
    firm_id: int
    park_a: int
    park_b: int


def moved_and_retagged(engine: Engine, uscc: str, industry_code: str | None = None) -> Moved:
    with session_scope(engine) as s:
        park_a, park_b = s.scalars(select(Park.id).order_by(Park.id).limit(2)).all()
    with clock.frozen(dt.datetime(2023, 3, 1, 2)), session_scope(engine, actor="t") as s:
        firm = Enterprise(
            uscc=uscc, name="示例迁移企业", park_id=park_a, tags=[], industry_code=industry_code
        )
        s.add(firm)
        s.flush()
        firm_id = firm.id
    with clock.frozen(dt.datetime(2023, 6, 1, 2)), session_scope(engine, actor="t") as s:
        s.get_one(Enterprise, firm_id).tags = ["srdi"]
    with clock.frozen(dt.datetime(2023, 9, 1, 2)), session_scope(engine, actor="t") as s:
        s.get_one(Enterprise, firm_id).park_id = park_b
    return Moved(firm_id, park_a, park_b)
