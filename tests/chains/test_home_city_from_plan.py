"""A city that is not the demo has no dataset record: its home city is its plan's region (the
regions pages' rule, gaodi.plans.loaders.home_city). The chains feature read the dataset record
only, so a new city's 招商 recommendations offered firms of the city itself as candidates to
attract "from elsewhere" (长沙本地维修公司 for a 长沙 plan). They are left out again."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.engine import Engine

from gaodi.chains import service
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.models import SystemInfo
from gaodi.plans import service as plans
from gaodi.text.schema import PlanExtraction
from tests.chains.conftest import build_world
from tests.plans.conftest import ADMIN


def test_the_plans_city_is_home_when_no_dataset_record_names_one(sqlite_db: Engine) -> None:
    build_world(sqlite_db)
    with session_scope(sqlite_db, actor="test") as s:
        s.execute(delete(SystemInfo).where(SystemInfo.key == "dataset"))
        plans.load_plan(
            s,
            ADMIN,
            PlanExtraction(title="行动计划(2021—2023年)", actions=[], targets=[], qualitative=[]),
            region_code="430100",  # 长沙市
        )
    with session_scope(sqlite_db) as s:
        result = service.recommend(s, SYSTEM, "HM", link="L4", top=5)
    (lk,) = result.links
    # the pool of tests/chains/conftest.py: X3 长沙本地维修公司 (430100) is a local firm
    assert [c.name for c in lk.candidates] == ["常州大维修公司", "武汉小维修公司"]
