"""``City.enterprises(on=…)`` and ``City.enterprise_links(on=…)``: an analyst asks what was true
at the end of a past day (the standard: a past date shows what was true then, never today's
state). The API answered "now" only; a firm moved to another park, tagged 专精特新 or taken off
a link since the day came out with today's facts. Hand-built moves on known days."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.chains.models import EnterpriseLink, Link
from gaodi.city import City
from gaodi.core import clock
from gaodi.core.errors import ValidationError
from gaodi.db import session_scope
from gaodi.enterprises.models import Enterprise
from tests.enterprises.history_cases import moved_and_retagged


def test_enterprises_on_a_past_day(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        industry = s.scalars(select(Enterprise.industry_code).limit(1)).one()
    # created 1 March 2023 in park A; 专精特新 from 1 June; moved to park B on 1 September
    firm_id, park_a, park_b = moved_and_retagged(demo_db, "91430100TEST00002X", industry)
    city = City(engine=demo_db)

    def seen(**kw: object) -> list[tuple[int, list[str]]]:
        frame = city.enterprises(**kw).filter(pl.col("id") == firm_id)
        return [(p, list(t)) for p, t in frame.select("park_id", "tags").rows()]

    assert seen() == [(park_b, ["srdi"])]  # today
    assert seen(on=dt.date(2023, 2, 28)) == []  # not yet created
    assert seen(on="2023-05-31") == [(park_a, [])]
    assert seen(on=dt.date(2023, 8, 31)) == [(park_a, ["srdi"])]
    # the park filter is the day's: in park A on 31 August, not in park B
    assert seen(on=dt.date(2023, 8, 31), park=park_a) == [(park_a, ["srdi"])]
    assert seen(on=dt.date(2023, 8, 31), park=park_b) == []
    assert seen(park=park_b) == [(park_b, ["srdi"])]
    assert seen(on=dt.date(2023, 8, 31), industry=industry[:2]) == [(park_a, ["srdi"])]


def test_enterprise_links_in_force_on_a_past_day(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        link_a, link_b = s.scalars(select(Link.id).order_by(Link.id).limit(2)).all()
        firm_id = s.scalars(select(Enterprise.id).order_by(Enterprise.id).limit(1)).one()
    # on link A from 1 March 2023 to 1 September 2023, then on link B
    t1, t2 = dt.datetime(2023, 3, 1, 2), dt.datetime(2023, 9, 1, 2)
    with session_scope(demo_db, actor="t") as s:
        s.add_all(
            [
                EnterpriseLink(enterprise_id=firm_id, link_id=link_a, source="manual",
                               valid_from=t1, valid_to=t2),
                EnterpriseLink(enterprise_id=firm_id, link_id=link_b, source="manual",
                               valid_from=t2),
            ]
        )  # fmt: skip
    city = City(engine=demo_db)

    def links(**kw: object) -> set[int]:
        frame = city.enterprise_links(**kw)
        mine = frame.filter(frame["enterprise_id"] == firm_id)
        return set(mine.filter(mine["source"] == "manual")["link_id"].to_list())

    assert links(on=dt.date(2023, 2, 28)) == set()
    assert links(on=dt.date(2023, 8, 31)) == {link_a}
    assert links(on="2023-09-01") == {link_b}  # closed and opened that day, at 10:00 city time
    assert links() == {link_b}
    assert links(current=False) == {link_a, link_b}


@pytest.mark.parametrize("bad", ["2023-13-01", "yesterday", 20230630, dt.datetime(2023, 6, 30)])
def test_a_day_that_is_not_a_day_is_refused_in_words(demo_db: Engine, bad: object) -> None:
    with pytest.raises(ValidationError) as refused:
        City(engine=demo_db).enterprises(on=bad)  # type: ignore[arg-type]
    assert "参数 on 应为日期" in refused.value.zh and "on must be a day" in refused.value.en


def test_a_day_to_come_is_refused(demo_db: Engine) -> None:
    later = clock.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        City(engine=demo_db).enterprise_links(on=later)
    assert "晚于今天" in refused.value.zh
