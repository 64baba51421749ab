"""Loading a plan as a draft, reviewing it (edit, merge, delete), adopting it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from gaodi.db import session_scope
from gaodi.plans import service
from gaodi.plans.models import Indicator
from gaodi.plans.schemas import IndicatorUpdate, TargetUpdate
from gaodi.text.schema import PlanExtraction

from .conftest import ADMIN, VIEWER

EXTRACTION = {
    "title": "某市制造业行动计划(2021—2023年)",
    "actions": [
        {"number": "1", "title": "实施产业提升行动", "text": "到2023年，新材料产业产值2500亿元。"},
        {"number": "2", "title": "实施企业培育行动", "text": "培育专精特新企业100家。"},
    ],
    "targets": [
        {
            "indicator": "新材料产业产值",
            "value": 2500,
            "value_max": None,
            "unit": "亿元",
            "year": 2023,
            "comparator": "=",
            "action": "1",
            "quote": "新材料产业产值2500亿元",
        },
        {
            "indicator": "新材料产业产值",
            "value": 2500,
            "value_max": None,
            "unit": "亿元",
            "year": 2023,
            "comparator": ">=",
            "action": "1",
            "quote": "产值突破2500亿元",
        },
        {
            "indicator": "专精特新企业",
            "value": 100,
            "value_max": None,
            "unit": "家",
            "year": 2023,
            "comparator": ">=",
            "action": "2",
            "quote": "培育专精特新企业100家",
        },
        {
            "indicator": "工业投资增长",
            "value": 10,
            "value_max": None,
            "unit": "%",
            "year": None,
            "comparator": ">=",
            "action": None,
            "quote": "工业投资每年增长10%",
        },
    ],
    "qualitative": [
        {"verb": "培育", "object": "一批龙头企业", "action": "2", "quote": "培育一批龙头企业"}
    ],
}


def load(engine: Engine) -> int:
    with session_scope(engine, actor="t") as s:
        plan = service.load_plan(
            s, ADMIN, PlanExtraction.model_validate(EXTRACTION), source_name="test"
        )
        return plan.id


def test_load_creates_a_draft_with_proposed_indicators(sqlite_db: Engine) -> None:
    plan_id = load(sqlite_db)
    with session_scope(sqlite_db) as s:
        plan = service.get_plan(s, ADMIN, plan_id)
    assert plan.status == "draft" and (plan.period_start, plan.period_end) == (2021, 2023)
    assert [a.number for a in plan.actions] == ["1", "2"]
    # "每年" (no year) becomes one target per plan year: 3 + 3 targets
    assert len(plan.targets) == 6
    growth = [t for t in plan.targets if t.indicator_name == "工业投资增长"]
    assert [t.year for t in growth] == [2021, 2022, 2023]
    out = plan.targets[0].indicator
    assert out is not None and out.code == "new_materials_industry_output"
    assert (out.aggregation, out.kind, out.frequency) == ("cumulative", "level", "monthly")
    # the two wordings of one indicator share it
    assert plan.targets[1].indicator.id == out.id  # type: ignore[union-attr]
    assert growth[0].indicator.kind == "growth"  # type: ignore[union-attr]
    assert len(plan.goals) == 1 and plan.problems == []


def test_review_merge_edit_delete_then_adopt(sqlite_db: Engine) -> None:
    plan_id = load(sqlite_db)
    with session_scope(sqlite_db, actor="t") as s:
        plan = service.get_plan(s, ADMIN, plan_id)
        first, dup = plan.targets[0].id, plan.targets[1].id
        merged = service.merge_targets(s, ADMIN, first, [dup])
        assert merged.note == "合并自：产值突破2500亿元"
        t = service.update_target(s, ADMIN, first, TargetUpdate(baseline=1750, baseline_year=2020))
        assert (t.baseline, t.baseline_year) == (1750, 2020)
        with pytest.raises(ValidationError):
            service.update_target(s, ADMIN, first, TargetUpdate(value=2500, value_max=2000))
        growth = [
            x
            for x in service.get_plan(s, ADMIN, plan_id).targets
            if x.indicator_name == "工业投资增长"
        ]
        for x in growth[:2]:
            service.delete_target(s, ADMIN, x.id)
        ind = service.update_indicator(
            s,
            ADMIN,
            growth[0].indicator.id,  # type: ignore[union-attr]
            IndicatorUpdate(code="industrial_investment_growth", owner="市发改委"),
        )
        assert ind.owner == "市发改委"
    with session_scope(sqlite_db, actor="t") as s:
        plan = service.adopt_plan(s, ADMIN, plan_id)
        assert plan.status == "adopted" and plan.adopted_by == "admin1"
        assert len(plan.targets) == 3
        with pytest.raises(ConflictError):  # adopted plans are not edited
            service.delete_target(s, ADMIN, plan.targets[0].id)
        with pytest.raises(ConflictError):
            service.adopt_plan(s, ADMIN, plan_id)


def test_relinking_deletes_the_orphan_indicator(sqlite_db: Engine) -> None:
    plan_id = load(sqlite_db)
    with session_scope(sqlite_db, actor="t") as s:
        plan = service.get_plan(s, ADMIN, plan_id)
        firms = next(t for t in plan.targets if t.indicator_name == "专精特新企业")
        old = firms.indicator.code  # type: ignore[union-attr]
        out = service.update_target(
            s, ADMIN, firms.id, TargetUpdate(indicator_code="new_materials_industry_output")
        )
        assert out.indicator.code == "new_materials_industry_output"  # type: ignore[union-attr]
        assert s.scalar(select(Indicator).where(Indicator.code == old)) is None
        with pytest.raises(NotFoundError):
            service.update_target(s, ADMIN, firms.id, TargetUpdate(indicator_code="nope"))


def test_adoption_lists_problems(sqlite_db: Engine) -> None:
    plan_id = load(sqlite_db)
    with session_scope(sqlite_db, actor="t") as s:
        t = service.get_plan(s, ADMIN, plan_id).targets[0]
        service.update_target(s, ADMIN, t.id, TargetUpdate(baseline=1))  # no baseline year
    with session_scope(sqlite_db, actor="t") as s, pytest.raises(ValidationError) as exc:
        service.adopt_plan(s, ADMIN, plan_id)
    assert "baseline without a year" in exc.value.en


def test_viewers_cannot_edit(sqlite_db: Engine) -> None:
    plan_id = load(sqlite_db)
    with session_scope(sqlite_db) as s:
        t = service.get_plan(s, VIEWER, plan_id).targets[0]
        with pytest.raises(PermissionDenied):
            service.delete_target(s, VIEWER, t.id)
        with pytest.raises(PermissionDenied):
            service.adopt_plan(s, VIEWER, plan_id)


def test_unit_cannot_change_once_observed(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    with pytest.raises(ConflictError):
        service.update_indicator(session, ADMIN, ids.output, IndicatorUpdate(unit="万元"))
    out = service.update_indicator(session, ADMIN, ids.output, IndicatorUpdate(deadline_day=10))
    assert out.deadline_day == 10


def test_read_source(tmp_path: Path) -> None:
    good = tmp_path / "p.json"
    good.write_text(json.dumps(EXTRACTION, ensure_ascii=False), encoding="utf-8")
    extraction, text = service.read_source(good)
    assert len(extraction.targets) == 4 and text is None
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**EXTRACTION, "targets": [{"indicator": "x"}]}), encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        service.read_source(bad)
    assert "targets.0" in exc.value.en
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(ValidationError):
        service.read_source(broken)
    txt = tmp_path / "plan.txt"
    txt.write_text(
        "某市行动计划(2021—2023年)\n1 实施园区提效行动\n到2023年,打造5个千亿级园区。",
        encoding="utf-8",
    )
    extraction, text = service.read_source(txt)
    assert [(t.indicator, t.value) for t in extraction.targets] == [("千亿级园区数量", 5)]
    with pytest.raises(ValidationError):
        service.read_source(tmp_path / "plan.docx")


def test_load_on_both_backends(db: Engine) -> None:
    plan_id = load(db)
    with session_scope(db) as s:
        assert len(service.get_plan(s, ADMIN, plan_id).targets) == 6


def test_adoption_refuses_a_target_in_another_unit_than_its_indicator(sqlite_db: Engine) -> None:
    # audit H #1: a target of 25,000,000 万元 on an indicator kept in 亿元 was adopted, and the
    # board read 2,366 亿元 against it as 0.0 % done
    plan_id = load(sqlite_db)
    with session_scope(sqlite_db, actor="t") as s:
        t = service.get_plan(s, ADMIN, plan_id).targets[0]
        own = t.indicator.unit  # type: ignore[union-attr]
        other = "万元" if own != "万元" else "亿元"
        service.update_target(s, ADMIN, t.id, TargetUpdate(unit=other))
    with session_scope(sqlite_db, actor="t") as s, pytest.raises(ValidationError) as exc:
        service.adopt_plan(s, ADMIN, plan_id)
    assert f"单位“{other}”与指标的单位“{own}”不同" in exc.value.zh
    assert f"its unit {other} differs from its indicator's ({own})" in exc.value.en
    with session_scope(sqlite_db, actor="t") as s:
        service.update_target(s, ADMIN, t.id, TargetUpdate(unit=own))
    with session_scope(sqlite_db, actor="t") as s:
        assert service.adopt_plan(s, ADMIN, plan_id).status == "adopted"
