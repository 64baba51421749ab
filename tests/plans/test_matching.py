"""Indicator matching on plan load: same name and unit (normalised) reuse the existing indicator;
another unit is a new indicator, and the review says which (gaodi.plans.matching)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.db import session_scope
from gaodi.plans import service
from gaodi.plans.matching import normalise
from gaodi.plans.models import Indicator, Observation
from gaodi.text.schema import ExtractedTarget, PlanExtraction
from tests.plans.conftest import ADMIN, VIEWER, obs

runner = CliRunner()


def extraction(*targets: tuple[str, float, str]) -> PlanExtraction:
    return PlanExtraction(
        title="某市行动计划(2024—2026年)",
        actions=[],
        targets=[
            ExtractedTarget(
                indicator=name,
                value=value,
                unit=unit,
                year=2026,
                comparator=">=",
                action=None,
                quote=f"到2026年，{name}达到{value}{unit}",
            )
            for name, value, unit in targets
        ],
        qualitative=[],
    )


def test_normalise_whitespace_and_width() -> None:
    assert normalise("新材料 产业\u3000产值") == normalise("新材料产业产值")
    assert normalise("ＧＤＰ") == normalise("gdp") == "gdp"
    assert normalise("（亿元）") == "(亿元)"
    assert normalise("亿元") != normalise("万元")  # different units, never converted


def test_second_load_reuses_indicators_of_the_same_name_and_unit(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db, actor="test") as s:
        first = service.load_plan(s, ADMIN, extraction(("新材料产业产值", 2500, "亿元")))
        ind_id = first.targets[0].indicator.id  # type: ignore[union-attr]
        assert first.targets[0].indicator_origin == "new"
        assert first.targets[0].indicator_match_zh == "新建指标"
        s.add(obs(ind_id, "2023", 2100.0, "cumulative"))  # history the new plan should keep
    with session_scope(sqlite_db, actor="test") as s:
        # full-width spaces and a half-width/full-width variant of the same name and unit
        second = service.load_plan(
            s,
            ADMIN,
            extraction(
                ("新材料\u3000产业产值", 3000, " 亿元"),
                ("新材料产业产值", 30_000_000, "万元"),
                ("智能制造标杆企业数", 120, "家"),
            ),
        )
        by_unit = {t.unit.strip(): t for t in second.targets}
        same = by_unit["亿元"]
        assert same.indicator is not None and same.indicator.id == ind_id
        assert same.indicator_origin == "existing"
        assert same.indicator_match_zh.startswith("匹配已有指标 新材料产业产值（亿元")
        assert same.indicator_match_en.startswith("matched existing indicator 新材料产业产值")
        # 万元 is another unit: a new indicator, and the review names the 亿元 one
        other = by_unit["万元"]
        assert other.indicator is not None and other.indicator.id != ind_id
        assert other.indicator_origin == "new"
        assert "单位不同" in other.indicator_match_zh and "亿元" in other.indicator_match_zh
        assert "another unit" in other.indicator_match_en
        fresh = by_unit["家"]
        assert fresh.indicator_origin == "new" and fresh.indicator_match_en == "new indicator"
        # the matched indicator keeps its observations: one series for both plans
        n = s.scalar(select(func.count()).where(Observation.indicator_id == ind_id))
        assert n == 1
        assert s.scalar(select(func.count()).select_from(Indicator)) == 3


def test_adopted_plans_show_no_match_notes(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db, actor="test") as s:
        plan = service.load_plan(s, ADMIN, extraction(("工业投资", 1950, "亿元")))
    with session_scope(sqlite_db, actor="test") as s:
        adopted = service.adopt_plan(s, ADMIN, plan.id)
        assert adopted.targets[0].indicator_origin is None


def test_viewer_sees_origin_without_other_units(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db, actor="test") as s:
        service.load_plan(s, ADMIN, extraction(("工业投资", 1950, "亿元")))
        plan = service.load_plan(s, ADMIN, extraction(("工业投资", 19_500_000, "万元")))
    with session_scope(sqlite_db, actor="test") as s:
        got = service.get_plan(s, VIEWER, plan.id).targets[0]
        assert got.indicator_origin == "new"


def test_cli_load_says_matched_or_new(sqlite_db: Engine, tmp_path: Path) -> None:
    text = tmp_path / "plan.txt"
    text.write_text(
        "某市行动计划(2021—2023年)\n1 实施园区提效行动\n到2023年,打造5个千亿级园区。\n",
        encoding="utf-8",
    )
    first = runner.invoke(app, ["plan", "load", str(text)], env={"COLUMNS": "250"})
    assert first.exit_code == 0, first.output
    assert "新建指标" in first.output and "new indicator" in first.output
    second = runner.invoke(app, ["plan", "load", str(text)], env={"COLUMNS": "250"})
    assert second.exit_code == 0, second.output
    assert "匹配已有指标" in second.output and "matched existing indicator" in second.output
    assert "已有 existing" in second.output
    shown = json.loads(runner.invoke(app, ["plan", "show", "2", "--json"]).output)
    assert shown["targets"][0]["indicator"]["code"] == "hundred_bn_level_parks_count"
    assert shown["targets"][0]["indicator_origin"] == "existing"


def test_the_english_note_says_the_unit_in_english(sqlite_db: Engine) -> None:
    # the English review read "matched existing indicator 工业投资 (亿元, code …)"
    with session_scope(sqlite_db, actor="test") as s:
        service.load_plan(s, ADMIN, extraction(("工业投资", 1950, "亿元")))
        plan = service.load_plan(
            s, ADMIN, extraction(("工业投资", 2000, "亿元"), ("工业投资", 19_500_000, "万元"))
        )
    with session_scope(sqlite_db, actor="test") as s:
        by_unit = {t.unit: t for t in service.get_plan(s, ADMIN, plan.id).targets}
        same, other = by_unit["亿元"], by_unit["万元"]
        assert same.indicator_origin == "existing" and other.indicator_origin == "new"
        assert "(100m yuan, code " in same.indicator_match_en, same.indicator_match_en
        assert "亿元" not in same.indicator_match_en and "亿元" in same.indicator_match_zh
        assert "(100m yuan (" in other.indicator_match_en, other.indicator_match_en
        assert "亿元" not in other.indicator_match_en and "亿元" in other.indicator_match_zh
