"""The dataset's build time in the overview's JSON (gaodi.core.moments): the city's time with
its offset when the record holds it with an offset (every build since the city clock); an older
record's naive stamp, the building machine's wall time, is given as written. The JSON passed the record's text on as it was, so an
old record's naive stamp was read by every client as its own local time."""

from __future__ import annotations

from sqlalchemy import select

from gaodi.core import clock
from gaodi.db import session_scope
from gaodi.models import SystemInfo
from gaodi.system.service import AsOf
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def _built_at(site: Site, stamp: str) -> str:
    with session_scope(site.engine) as s:
        row = s.scalars(select(SystemInfo).where(SystemInfo.key == "dataset")).one()
        row.value = {**row.value, "built_at": stamp}
    clock.forget_dataset()
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    response = client.get("/api/v1/overview")
    assert response.status_code == 200
    return str(response.json()["as_of"]["dataset_built_at"])


def _json(stamp: str) -> str:
    return str(AsOf(dataset_built_at=stamp).model_dump(mode="json")["dataset_built_at"])


def test_the_build_time_is_city_time_with_its_offset(site: Site) -> None:
    # 13:27:05 UTC is 21:27:05 in the city (Asia/Shanghai, UTC+8); the API's answer, then the
    # schema's for the other forms (the page keeps a rendering for 30 seconds)
    assert _built_at(site, "2024-01-15T13:27:05+00:00") == "2024-01-15T21:27:05+08:00"
    assert _json("2024-01-15T21:27:05+08:00") == "2024-01-15T21:27:05+08:00"
    # a record built before stamps had an offset holds the building machine's wall time, in a
    # zone nobody wrote down: given as written, claiming none (as the overview page shows it)
    assert _json("2024-01-15T13:27:05") == "2024-01-15T13:27:05"
