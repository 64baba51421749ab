"""Every required name or title input refuses a text made only of invisible characters
(N2: ``min_length=1`` took "\\u200b"), in both languages, and takes one with a visible
character as typed."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel
from pydantic import ValidationError as InputError

from gaodi.chains.rules import LinkInput
from gaodi.plans.review import AddTarget
from gaodi.plans.schemas import IndicatorUpdate, RuleIn, TargetUpdate
from gaodi.projects.actions import ActionIn
from gaodi.projects.schemas import AppealIn, ApplicationIn, ChallengeIn

CASES: list[tuple[type[BaseModel], dict[str, Any], str]] = [
    (LinkInput, {}, "name"),
    (AddTarget, {"quote": "产值达到3000亿元"}, "indicator_name"),
    (IndicatorUpdate, {}, "name"),
    (TargetUpdate, {}, "indicator_name"),
    (RuleIn, {"expression": "a > 0"}, "name"),
    (RuleIn, {"name": "规则"}, "expression"),
    (ChallengeIn, {"problem": "p", "chain_id": 1, "budget": 1, "deadline": "2030-01-01"}, "title"),
    (ApplicationIn, {"proposal": "方案"}, "applicant_name"),
    (AppealIn, {"enterprise_id": 1, "category": "审批", "text": "t"}, "title"),
    (ActionIn, {"action": "add_milestone"}, "title"),
    (ActionIn, {"action": "add_reviewer", "username": "u"}, "name"),
]


@pytest.mark.parametrize(("model", "others", "field"), CASES)
def test_an_invisible_name_is_refused_and_a_visible_one_kept(
    model: type[BaseModel], others: dict[str, Any], field: str
) -> None:
    for blank in ("\u200b", "\u2060\ufeff", "\u3164\u200e"):
        with pytest.raises(InputError) as exc:
            model.model_validate({**others, field: blank})
        errors = [(e["loc"], e["type"]) for e in exc.value.errors()]
        assert errors == [((field,), "invisible_text")], errors
        assert "名称不能为空（只含不可见字符）" in exc.value.errors()[0]["msg"]
        assert "must have a visible character" in exc.value.errors()[0]["msg"]
    kept = model.model_validate({**others, field: "\u200b可见"})
    assert getattr(kept, field) == "\u200b可见"
