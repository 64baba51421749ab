"""The dataset's build time in the overview's JSON (gaodi.core.moments): the city's time with
its offset, whether the record holds it with an offset (the demo builds since the city clock)
or without one (an older record: UTC). The JSON passed the record's text on as it was, so an
old record's naive stamp was read by every client as its own local time."""

from __future__ import annotations

from sqlalchemy import select

from gaodi.core import clock
from gaodi.db import session_scope
from gaodi.models import SystemInfo
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


def test_the_build_time_is_city_time_with_its_offset(site: Site) -> None:
    # 13:27:05 UTC is 21:27:05 in the city (Asia/Shanghai, UTC+8)
    assert _built_at(site, "2024-01-15T13:27:05+00:00") == "2024-01-15T21:27:05+08:00"
    assert _built_at(site, "2024-01-15T21:27:05+08:00") == "2024-01-15T21:27:05+08:00"
    assert _built_at(site, "2024-01-15T13:27:05") == "2024-01-15T21:27:05+08:00"  # older: UTC
