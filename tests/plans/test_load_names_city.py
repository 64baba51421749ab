"""A new city loads its plan's text and nothing else names the city: the plan's title does.

Before, ``gaodi plan load 芜湖市….txt`` left the plan without a region code, so on a fresh install
the industry map, the regions pages and the clusters said the city was unknown until someone
found the region-code column of the plans template."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.db import session_scope
from gaodi.plans import service
from gaodi.regions import map_service
from gaodi.regions.panel import home_city
from gaodi.text.schema import PlanExtraction
from tests.plans.conftest import ADMIN

runner = CliRunner()

WUHU_PLAN = """芜湖市推进先进制造业高质量发展三年行动计划（2024—2026年）

一、实施新能源汽车产业壮大行动
到2026年，新能源汽车产业产值达到2000亿元，新能源汽车产量达到100万辆。

二、实施园区提质增效行动
到2026年，培育1个千亿级园区。
"""


def test_plan_loaded_from_its_text_names_the_city_of_its_title(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    text = tmp_path / "plan.txt"
    text.write_text(WUHU_PLAN, encoding="utf-8")
    loaded = runner.invoke(app, ["plan", "load", str(text)])
    assert loaded.exit_code == 0, loaded.output
    with session_scope(sqlite_db, actor="test") as s:
        # GB/T 2260: 芜湖市 is 340200
        assert home_city(s) == "340200"
        shown = map_service.industry_map(s, ADMIN, lang="en")
        assert shown.city == "340200" and shown.city_name == "芜湖市"


def _draft(session: Session, title: str) -> str | None:
    service.load_plan(
        session, ADMIN, PlanExtraction(title=title, actions=[], targets=[], qualitative=[])
    )
    return home_city(session)


def test_a_title_without_one_city_names_none(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db, actor="test") as s:
        # a province, a county-level city and two cities: no city to guess
        assert _draft(s, "湖南省制造业行动计划（2024—2026年）") is None
        assert _draft(s, "浏阳市制造业行动计划（2024—2026年）") is None
        assert _draft(s, "长沙市、株洲市协同发展行动计划（2024—2026年）") is None
        # 鞍山市 (210300) is inside 马鞍山市 (340500): the longer name is the city
        assert _draft(s, "马鞍山市制造业行动计划（2024—2026年）") == "340500"


def test_a_region_code_given_is_kept(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db, actor="test") as s:
        service.load_plan(
            s,
            ADMIN,
            PlanExtraction(
                title="芜湖市行动计划（2024—2026年）", actions=[], targets=[], qualitative=[]
            ),
            region_code="340500",
        )
        assert home_city(s) == "340500"
