"""A re-mapping's report gives its time as every moment of the JSON output is given
(gaodi.core.moments): the city's time with its offset, not naive UTC."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.engine import Engine

from gaodi.chains import remap
from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from tests.chains.conftest import World

NOW = datetime(2023, 6, 30, 1, 30, 5)  # naive UTC: 09:30:05 on 30 June in the city


def test_the_map_report_is_stamped_in_city_time_with_its_offset(
    sqlite_db: Engine, sqlite_world: World
) -> None:
    with clock.frozen(NOW), session_scope(sqlite_db, actor="mapper") as s:
        report = remap.map_chains(s, SYSTEM, dry_run=True)
    stamp = json.loads(report.model_dump_json())["at"]  # what `gaodi chains map -f json` prints
    assert stamp == "2023-06-30T09:30:05+08:00"
    assert datetime.fromisoformat(stamp).astimezone(clock.timezone()).hour == 9
