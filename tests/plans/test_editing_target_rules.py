"""The targets' one rule set (:func:`gaodi.plans.editing.target_problems`) and the target edit as
a batch of one: the words are written out here, each case by hand."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core.errors import ValidationError
from gaodi.db import session_scope
from gaodi.plans import editing, service
from gaodi.plans.models import Target
from gaodi.plans.schemas import TargetUpdate
from gaodi.text.schema import PlanExtraction
from tests.plans.conftest import ADMIN

GOOD = {
    "indicator_name": "示例产值",
    "value": 5.0,
    "value_max": None,
    "unit": "亿元",
    "year": 2025,
    "comparator": ">=",
    "scope": "city",
    "scope_id": 0,
    "path": "auto",
}


@pytest.mark.parametrize(
    ("change", "field", "en"),
    [
        ({"value_max": 4.5}, "value_max", "The upper value 4.5 is below the value 5."),
        ({"value": None}, "value", "The value cannot be empty."),
        ({"unit": " "}, "unit", "The unit cannot be empty."),
        ({"unit": "亿" * 33}, "unit", "The unit is longer than 32 characters."),
        ({"year": 2101}, "year", "The year 2101 is not between 1949 and 2100."),
        ({"comparator": "≈"}, "comparator", "Unknown comparator '≈': >=, <= or =."),
        (
            {"path": "exponential"},
            "path",
            "Unknown expected path 'exponential': auto, linear, compound or milestone.",
        ),
        (
            {"scope": "chain"},
            "scope_id",
            "A city target has scope object 0; any other scope names its object.",
        ),
        (
            {"scope_id": 3},
            "scope_id",
            "A city target has scope object 0; any other scope names its object.",
        ),
    ],
)
def test_each_rule_names_its_field(change: dict[str, Any], field: str, en: str) -> None:
    assert editing.target_problems(GOOD) == []
    problems = editing.target_problems({**GOOD, **change})
    assert [(p.context["field"], p.en) for p in problems] == [(field, en)]


def test_a_range_equal_to_its_value_is_allowed() -> None:
    assert editing.target_problems({**GOOD, "value_max": 5.0}) == []


def test_an_edit_changes_the_target_it_names_even_beside_a_twin(sqlite_db: Engine) -> None:
    """A draft may hold two targets with one key until a reviewer merges them: the edit of the
    newer one changes that one (the import's key would have found the older one)."""
    twice = {
        "indicator": "示例园区数量",
        "value": 5,
        "value_max": None,
        "unit": "个",
        "year": 2025,
        "comparator": "=",
        "action": None,
    }
    extraction = PlanExtraction.model_validate(
        {
            "title": "示例双目标计划(2021—2025年)",
            "actions": [],
            "targets": [{**twice, "quote": "打造5个园区"}, {**twice, "quote": "建成5个园区"}],
            "qualitative": [],
        }
    )
    with session_scope(sqlite_db, actor="t") as s:
        plan = service.load_plan(s, ADMIN, extraction)
        older, newer = sorted(t.id for t in plan.targets)
        out = service.update_target(s, ADMIN, newer, TargetUpdate(value=6))
        assert out.id == newer and out.value == 6
        with pytest.raises(ValidationError) as err:
            service.update_target(s, ADMIN, newer, TargetUpdate(value=7, value_max=6.5))
        assert err.value.en == "The upper value 6.5 is below the value 7."
        assert err.value.context["field"] == "value_max"
    with session_scope(sqlite_db) as s:
        values = dict(
            s.execute(select(Target.id, Target.value).where(Target.id.in_([older, newer]))).all()
        )
        assert values == {older: 5, newer: 6}
