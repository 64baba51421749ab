"""An import writes a plan's columns, never its adoption (印发), and never an adopted plan's
targets: the same rules, in the same words, as the plan page's forms, the JSON API and the CLI.

Adopting is one workflow step with its checks (``gaodi.plans.service.adopt_plan``: every target
linked to an indicator, years near the plan period); an import that could set a plan's status to
adopted would skip them, and a targets file could change what an issued plan promised.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core.errors import ConflictError, ValidationError
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.service import import_file
from gaodi.plans import service
from gaodi.plans.models import Plan, Target
from gaodi.plans.schemas import TargetUpdate
from tests.exchange.helpers import ACTIONS, PLANS, TARGETS, load_city, write_xlsx
from tests.exchange.test_bad_rows import cells, reason, rejected

TITLE = PLANS[1][0]


@pytest.fixture
def city(db: Engine, tmp_path: Path) -> Iterator[Engine]:
    """The synthetic city with its plan imported, given its targets and adopted."""
    load_city(db, tmp_path)
    yield db


def plans_file(path: Path, rows: list[list[object]], actions: bool = True) -> Path:
    sheets = {"规划 plans": [PLANS[0], *rows]}
    if actions:
        sheets["行动 actions"] = ACTIONS
    return write_xlsx(path, sheets)


def test_a_new_plan_marked_adopted_is_refused_with_the_way_to_adopt_it(
    db: Engine, tmp_path: Path
) -> None:
    load_city(db, tmp_path, upto="plans")
    row = ["另一计划", "430100", 2024, 2026, "已印发", "是"]
    path = plans_file(tmp_path / "p.xlsx", [row], actions=False)
    errors = rejected(db, "plans", path)
    assert cells(errors) == {(2, "状态")}
    assert reason(errors, 2, "状态") == (
        "An import cannot adopt plan '另一计划': import it as a draft with its targets, then "
        "adopt it (the plan page's button or `gaodi plan adopt`), which checks every target first."
    )


def test_a_draft_cannot_be_adopted_by_changing_its_status(db: Engine, tmp_path: Path) -> None:
    # the draft has no target yet: adopt_plan refuses it ("no quantitative target"), and an
    # import turning the status to 已印发 must not be a way around that
    load_city(db, tmp_path, upto="targets")
    with session_scope(db) as s:
        plan = s.scalars(select(Plan).where(Plan.title == TITLE)).one()
        assert plan.status == "draft"
    row = [*PLANS[1][:4], "已印发", "是"]
    errors = rejected(db, "plans", plans_file(tmp_path / "p.xlsx", [row]), mode="upsert")
    assert cells(errors) == {(2, "状态")}
    with session_scope(db) as s, pytest.raises(ValidationError, match="no quantitative target"):
        service.adopt_plan(s, SYSTEM, s.scalars(select(Plan.id)).one())


def test_an_adopted_plan_stays_adopted(city: Engine, tmp_path: Path) -> None:
    same = [*PLANS[1][:4], "已印发", "是"]
    report = import_file(
        city, "plans", plans_file(tmp_path / "same.xlsx", [same]), mode="upsert", principal=SYSTEM
    )
    assert report.unchanged == 1 + len(ACTIONS) - 1  # the plan and its two actions, unchanged
    draft = [*PLANS[1][:4], "草稿", "是"]
    errors = rejected(city, "plans", plans_file(tmp_path / "d.xlsx", [draft]), mode="upsert")
    assert reason(errors, 2, "状态") == (
        f"Plan '{TITLE}' is adopted and cannot become a draft again; load a new draft."
    )


def test_an_adopted_plans_targets_are_refused_in_the_forms_words(
    city: Engine, tmp_path: Path
) -> None:
    changed = [TARGETS[0], [*TARGETS[1][:3], 1200, *TARGETS[1][4:]]]
    errors = rejected(
        city, "targets", write_xlsx(tmp_path / "t.xlsx", {"目标": changed}), mode="upsert"
    )
    assert cells(errors) == {(2, "规划")}
    added = [TARGETS[0], [*TARGETS[1][:5], 2024, *TARGETS[1][6:]]]  # a new year: a new target
    errors_new = rejected(city, "targets", write_xlsx(tmp_path / "n.xlsx", {"目标": added}))
    assert cells(errors_new) == {(2, "规划")}
    # the review form's refusal of the same change says the same
    with session_scope(city) as s:
        target = s.scalars(select(Target).order_by(Target.id)).first()
        assert target is not None
        with pytest.raises(ConflictError) as form:
            service.update_target(s, SYSTEM, target.id, TargetUpdate(value=1200))
    assert reason(errors, 2, "规划") == reason(errors_new, 2, "规划") == form.value.en
    assert form.value.en.startswith(f"Plan '{TITLE}' is adopted: its targets can no longer")


def test_the_same_targets_file_again_changes_nothing(city: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "same.xlsx", {"目标": TARGETS})
    report = import_file(city, "targets", path, mode="upsert", principal=SYSTEM)
    assert report.unchanged == len(TARGETS) - 1 and report.updated == report.created == 0
