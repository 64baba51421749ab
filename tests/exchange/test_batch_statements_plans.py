"""Indicators and plan targets are checked and written per batch (:mod:`gaodi.plans.editing`):
ten times the rows, the same statements; one bad row refuses the whole file on its cell; a
changed target keeps its before/after in the audit trail its history is rebuilt from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.audit.models import AuditEvent
from gaodi.core.errors import ConflictError
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.importer import ImportReport
from gaodi.exchange.service import import_file
from gaodi.plans import editing
from gaodi.plans.models import Indicator, Plan, Target
from tests.exchange.helpers import INDICATORS, TARGETS, load_city, write_xlsx
from tests.exchange.test_bad_rows import cells, reason, rejected
from tests.exchange.test_batch_statements import statements

PLAN = "示例先进制造业行动计划"


def _indicators(path: Path, prefix: str, n: int) -> Path:
    rows = [INDICATORS[0]] + [
        [
            f"{prefix}_{k:04d}",
            f"示例批量指标{prefix}{k}",
            "亿元",
            "年内累计",
            "越高越好",
            "月度",
            "是",
        ]
        for k in range(n)
    ]
    return write_xlsx(path, {"指标 indicators": rows})


def _targets(path: Path, prefix: str, n: int, value: Callable[[int], float]) -> Path:
    """A city-wide 2025 target of action 1 on each indicator ``prefix_k``."""
    rows: list[list[Any]] = [TARGETS[0]] + [
        [PLAN, "1", f"{prefix}_{k:04d}", value(k), "亿元", 2025, ">=", 60, 2020, "全市", ""]
        for k in range(n)
    ]
    return write_xlsx(path, {"目标 targets": rows})


def _run(db: Engine, entity: str, path: Path, **kwargs: Any) -> Callable[[], ImportReport]:
    return lambda: import_file(db, entity, path, SYSTEM, **kwargs)


def _targets_of(s: Any, prefix: str) -> dict[str, tuple[int, float]]:
    """Indicator code -> (target id, value) of the targets on indicators ``prefix_k``."""
    query = (
        select(Indicator.code, Target.id, Target.value)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .where(Indicator.code.like(f"{prefix}\\_%", escape="\\"))
    )
    return {code: (tid, value) for code, tid, value in s.execute(query).all()}


def test_indicator_and_target_imports_ask_the_database_per_batch_not_per_row(
    db: Engine, tmp_path: Path
) -> None:
    load_city(db, tmp_path, upto="targets")  # the plan still a draft
    counts: dict[int, dict[str, int]] = {}
    for prefix, n in (("s", 12), ("l", 120)):
        counts[n] = {}
        counts[n]["indicators"], report = statements(
            db, _run(db, "indicators", _indicators(tmp_path / f"i{n}.xlsx", prefix, n))
        )
        assert report.created == n
        path = _targets(tmp_path / f"t{n}.xlsx", prefix, n, lambda k: 100 + k)
        counts[n]["targets"], report = statements(db, _run(db, "targets", path))
        assert report.created == n
        path = _targets(tmp_path / f"u{n}.xlsx", prefix, n, lambda k: 200 + k)
        counts[n]["changes"], report = statements(db, _run(db, "targets", path, mode="upsert"))
        assert report.updated == n
    for kind, small in counts[12].items():
        assert counts[120][kind] <= small + 2, (kind, counts)
    with session_scope(db) as s:
        # every value as the second file set it: 200 + k
        large, small = _targets_of(s, "l"), _targets_of(s, "s")
        assert {c: v for c, (_, v) in large.items()} == {f"l_{k:04d}": 200 + k for k in range(120)}
        ids = [str(tid) for tid, _ in [*large.values(), *small.values()]]
        assert len(ids) == 132
        # each change audited with the value it replaced (what an as-of reading rebuilds from)
        changes = s.execute(
            select(AuditEvent.before, AuditEvent.after).where(
                AuditEvent.entity == "target",
                AuditEvent.action == "update",
                AuditEvent.entity_id.in_(ids),
            )
        ).all()
        assert len(changes) == 132
        assert {(b["value"], a["value"]) for b, a in changes} == {
            (100 + k, 200 + k) for k in range(120)
        } | {(100 + k, 200 + k) for k in range(12)}


def test_one_bad_target_row_refuses_the_whole_file(db: Engine, tmp_path: Path) -> None:
    """Among 120 good rows, an upper value below the value (sheet row 40) and a row repeating
    an earlier one (row 90 repeats row 12) are reported on their cells; nothing is written."""
    load_city(db, tmp_path, upto="targets")  # the plan still a draft
    import_file(db, "indicators", _indicators(tmp_path / "i.xlsx", "b", 120), SYSTEM)
    path = _targets(tmp_path / "t.xlsx", "b", 120, lambda k: 100 + k)
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.worksheets[0]
    sheet.cell(row=1, column=len(TARGETS[0]) + 1, value="目标上限")
    sheet.cell(row=40, column=len(TARGETS[0]) + 1, value=50)  # below its value 138
    for col in range(1, len(TARGETS[0]) + 1):  # row 90 repeats row 12's key
        sheet.cell(row=90, column=col, value=sheet.cell(row=12, column=col).value)
    book.save(path)
    errors = rejected(db, "targets", path)
    assert cells(errors) == {(40, "目标上限"), (90, "指标代码")}
    assert reason(errors, 40, "目标上限") == "The upper value 50 is below the value 138."
    assert reason(errors, 90, "指标代码") == "Duplicates row 12."


def test_insert_mode_refuses_a_stored_target_on_its_key(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path, upto="targets")  # the plan still a draft
    import_file(db, "indicators", _indicators(tmp_path / "i.xlsx", "k", 3), SYSTEM)
    import_file(db, "targets", _targets(tmp_path / "a.xlsx", "k", 2, lambda k: 10), SYSTEM)
    errors = rejected(db, "targets", _targets(tmp_path / "b.xlsx", "k", 3, lambda k: 10))
    # rows 2 and 3 are stored already; row 4 is new but the file is refused as a whole
    assert cells(errors) == {(2, "规划"), (3, "规划")}
    assert "--mode upsert on the command line" in reason(errors, 3, "规划")


def test_a_batch_of_one_is_checked_like_a_file(db: Engine, tmp_path: Path) -> None:
    """The use case without a file: a refused batch writes nothing, even its good rows."""
    load_city(db, tmp_path, upto="targets")  # the plan still a draft
    with session_scope(db) as s:
        stored = s.scalars(select(Indicator.code)).first()
        assert stored is not None
        new = {"code": "x_one", "name": "示例新指标", "unit": "家", "aggregation": "snapshot"}
        rows = [
            editing.IndicatorWrite("x_one", new),
            editing.IndicatorWrite(stored, {"code": stored}),
        ]
        batch = editing.prepare_indicators(s, SYSTEM, rows, mode="insert")
        assert [(r.index, r.field) for r in batch.refusals] == [(1, "key")]
        with pytest.raises(ConflictError):
            editing.write_indicators(s, batch)
        assert s.scalar(select(func.count()).where(Indicator.code == "x_one")) == 0
        plan_id = s.scalars(select(Plan.id).where(Plan.title == PLAN)).one()
        key = (plan_id, "x", "city", 0, 2025)
        target = {"plan_id": plan_id, "value": 10.0, "value_max": 5.0}
        refused = editing.prepare_targets(s, SYSTEM, [editing.TargetWrite(key, target)])
        assert [(r.index, r.field) for r in refused.refusals] == [(0, "value_max")]
        assert refused.refusals[0].error.en == "The upper value 5 is below the value 10."


def test_an_indicator_edit_is_a_batch_of_one(db: Engine, tmp_path: Path) -> None:
    """The form's, the API's and the CLI's indicator edit (``service.update_indicator``) goes
    through the same write path: a new code and owner, audited with the values they replace."""
    from gaodi.plans import service
    from gaodi.plans.schemas import IndicatorUpdate

    load_city(db, tmp_path)
    with session_scope(db, actor="t") as s:
        ind = s.scalars(select(Indicator).where(Indicator.code == "demo_firms")).one()
        ind_id, owner = ind.id, ind.owner
        out = service.update_indicator(
            s, SYSTEM, ind_id, IndicatorUpdate(code="demo_firms_2", owner="示例市工信局")
        )
        assert (out.code, out.owner) == ("demo_firms_2", "示例市工信局")
    with session_scope(db) as s:
        assert s.scalars(select(Indicator.code).where(Indicator.id == ind_id)).one() == (
            "demo_firms_2"
        )
        before, after = s.execute(
            select(AuditEvent.before, AuditEvent.after).where(
                AuditEvent.entity == "indicator",
                AuditEvent.action == "update",
                AuditEvent.entity_id == str(ind_id),
            )
        ).one()
        assert (before["code"], before["owner"]) == ("demo_firms", owner)
        assert (after["code"], after["owner"]) == ("demo_firms_2", "示例市工信局")
