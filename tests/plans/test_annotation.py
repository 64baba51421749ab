"""A reviewed plan written as an annotated text of the extraction corpus (gaodi/plans/annotation.py).

The independent check: scored against the extraction with the corpus's own matching rule
(gaodi.text.evaluate), the exported annotation gives the precision and recall the review page
counts from the audit log, worked out by hand below."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.core.errors import ValidationError
from gaodi.db import session_scope
from gaodi.plans import review, service
from gaodi.plans.annotation import annotation
from gaodi.plans.schemas import TargetUpdate
from gaodi.text.evaluate import score_targets
from gaodi.text.extract import extract_plan

from .conftest import ADMIN, VIEWER
from .test_review import WITH_SUGGESTION

# four targets the rules read and, in action 3, a floor the model suggests (test_review.py)
TEXT = WITH_SUGGESTION
PER_CLUSTER = "每个集群至少建成一个共性技术公共服务平台"


def _reviewed(engine: Engine) -> int:
    """Load the text and review it: one value corrected, one target rejected, the suggestion
    adopted."""
    extraction = extract_plan(TEXT)
    assert [s.target.quote for s in extraction.suggested] == [PER_CLUSTER]
    with session_scope(engine, actor="t") as s:
        plan = service.load_plan(s, ADMIN, extraction, source_name="t.txt", source_text=TEXT)
        by_quote = {t.quote: t for t in plan.targets}
        service.update_target(s, ADMIN, by_quote["打造5个千亿级园区"].id, TargetUpdate(value=6))
        service.delete_target(s, ADMIN, by_quote["建设一个智能制造“海归小镇”"].id)
        c = extraction.suggested[0].target
        review.add_target(
            s,
            ADMIN,
            plan.id,
            review.AddTarget(
                quote=c.quote,
                indicator_name=c.indicator,
                value=c.value,
                unit=c.unit,
                year=c.year,
                comparator=c.comparator,
                source="suggestion",
                listed_value=c.value,
            ),
        )
        return plan.id


def test_a_reviewed_plan_is_the_annotation_its_review_counts(sqlite_db: Engine) -> None:
    plan_id = _reviewed(sqlite_db)
    with session_scope(sqlite_db) as s:
        text, data = annotation(s, VIEWER, plan_id, "mock-city-2024")  # a reader may export
        stats = review.review_stats(s, plan_id)
    assert text == TEXT
    got = {(t["quote"], t["value"], t["comparator"], t["year"]) for t in data["targets"]}
    assert got == {
        ("打造5个千亿级园区", 6, "=", 2026),  # corrected
        ("新材料产业产值达到3000亿元", 3000, "=", 2026),
        ("规模以上工业企业力争突破2200家", 2200, ">=", 2026),
        (PER_CLUSTER, 1, ">=", 2026),  # adopted
    }
    assert (
        "1 rejected, 1 added (0 restored from the model's set-aside list, 1 adopted"
        in (data["notes"])
    )
    # the corpus's scoring of the extraction against it: 4 extracted, 1 rejected (no match),
    # 1 added (missed): precision 3 / 4, recall 3 / 4 — the review's own figures
    # (actions are not annotated in the corpus: compared without them, as the benchmark does)
    gold = [dict(t, action=None) for t in data["targets"]]
    pred = [dict(t, action=None) for t in extract_plan(TEXT).model_dump()["targets"]]
    scored = score_targets([(text, gold, pred)])
    target = scored["target"]
    assert (target.correct, target.predicted, target.expected) == (3, 4, 4)
    assert target.precision == stats.precision == 0.75
    assert target.recall == stats.recall == 0.75


def test_a_yearly_target_is_one_statement_with_no_year(sqlite_db: Engine) -> None:
    """The plan stores a 每年 target once for each of its three years; the corpus counts the
    statement once, with a null year."""
    text = (
        "某市制造业提质行动计划(2024—2026年)\n1 实施企业培育行动\n每年新增规模以上工业企业100家。\n"
    )
    extraction = extract_plan(text)
    with session_scope(sqlite_db, actor="t") as s:
        plan_id = service.load_plan(s, ADMIN, extraction, source_name="t", source_text=text).id
    with session_scope(sqlite_db) as s:
        assert [t.year for t in service.get_plan(s, ADMIN, plan_id).targets] == [2024, 2025, 2026]
        _, data = annotation(s, ADMIN, plan_id, "yearly")
    (target,) = data["targets"]
    assert (target["value"], target["annual"], target["year"]) == (100, True, None)


def test_refused_without_text_or_with_a_bad_name(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db, actor="t") as s:
        plan_id = service.load_plan(
            s, ADMIN, extract_plan(TEXT), source_name="t", source_text=None
        ).id
    with session_scope(sqlite_db) as s:
        with pytest.raises(ValidationError, match="loaded without its text"):
            annotation(s, ADMIN, plan_id, "no-text")
        with pytest.raises(ValidationError, match="lower-case letters"):
            annotation(s, ADMIN, plan_id, "../etc/passwd")


def test_the_cli_writes_both_files_and_overwrites_none(sqlite_db: Engine, tmp_path: Path) -> None:
    plan_id = _reviewed(sqlite_db)
    runner = CliRunner()
    args = ["plan", "annotation", str(plan_id), "mock-city-2024", "--out-dir", str(tmp_path)]
    first = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert first.exit_code == 0, first.output
    assert (tmp_path / "mock-city-2024.txt").read_text(encoding="utf-8") == TEXT
    data = json.loads((tmp_path / "mock-city-2024.json").read_text(encoding="utf-8"))
    assert data["name"] == "mock-city-2024" and len(data["targets"]) == 4
    assert data["source"]["kind"].startswith("plan: reviewed in Gaodi")
    again = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert again.exit_code != 0 and "not overwritten" in again.output
    # a missing directory is created, as by every --out (gaodi.ui.cli.output.writable)
    fresh = runner.invoke(app, [*args[:4], "--out-dir", str(tmp_path / "new" / "dir")])
    assert fresh.exit_code == 0, fresh.output
    assert (tmp_path / "new" / "dir" / "mock-city-2024.txt").read_text(encoding="utf-8") == TEXT
