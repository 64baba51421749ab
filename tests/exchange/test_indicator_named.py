"""An office worker writes the indicator's name where the template asks for its code.

Before, the import answered "Indicator '新能源汽车产业产值' does not exist; import it first." —
wrong (the indicator exists: the plan's target made it) and a trap (importing it again makes a
second indicator that no target reads). Now the refusal names the code to write."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.engine import Engine

from gaodi.core.errors import ImportRejected
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.service import import_file, template
from gaodi.plans import service as plans
from gaodi.text.schema import ExtractedTarget, PlanExtraction
from tests.plans.conftest import ADMIN


def _target(name: str, value: float, unit: str) -> ExtractedTarget:
    return ExtractedTarget(
        indicator=name,
        value=value,
        unit=unit,
        year=2026,
        comparator=">=",
        action=None,
        quote=f"到2026年，{name}达到{value}{unit}",
    )


def _plan_codes(engine: Engine, *targets: ExtractedTarget) -> dict[tuple[str, str], str]:
    """(name, unit) -> the code the load gave each target's new indicator."""
    with session_scope(engine, actor="test") as s:
        plan = plans.load_plan(
            s,
            ADMIN,
            PlanExtraction(
                title="芜湖市行动计划(2024—2026年)",
                actions=[],
                targets=list(targets),
                qualitative=[],
            ),
        )
        return {(t.indicator_name, t.unit): t.indicator.code for t in plan.targets}  # type: ignore[union-attr]


def _observations(engine: Engine, tmp_path: Path, indicator: str) -> Path:
    path = tmp_path / "报送.xlsx"
    template("observations", path, "zh", engine=engine, principal=SYSTEM)
    wb = openpyxl.load_workbook(path)
    ws = wb["指标实际值 observations"]
    headers = [str(c.value).split("\n")[-1] for c in ws[1]]
    row = {"indicator": indicator, "period": "2025", "value": 1500}
    for key, value in row.items():
        ws.cell(2, headers.index(key) + 1, value)
    wb.save(path)
    return path


def _refusal(engine: Engine, path: Path) -> tuple[str, str]:
    with pytest.raises(ImportRejected) as err:
        import_file(engine, "observations", path, principal=SYSTEM)
    (error,) = err.value.errors
    assert (error.row, error.value) == (2, error.value)
    return error.reason_zh, error.reason_en


def test_an_indicators_name_in_the_code_column_is_answered_with_its_code(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    codes = _plan_codes(sqlite_db, _target("新能源汽车产业产值", 2000, "亿元"))
    code = codes[("新能源汽车产业产值", "亿元")]
    zh, en = _refusal(sqlite_db, _observations(sqlite_db, tmp_path, "新能源汽车产业产值"))
    assert code in en and code in zh
    assert "import it first" not in en and "请先导入" not in zh


def test_a_name_of_two_indicators_lists_both_codes(sqlite_db: Engine, tmp_path: Path) -> None:
    codes = _plan_codes(
        sqlite_db, _target("工业投资", 1950, "亿元"), _target("工业投资", 19_500_000, "万元")
    )
    zh, en = _refusal(sqlite_db, _observations(sqlite_db, tmp_path, "工业投资"))
    for code in codes.values():
        assert code in en and code in zh


def test_an_unknown_code_still_says_it_does_not_exist(sqlite_db: Engine, tmp_path: Path) -> None:
    _plan_codes(sqlite_db, _target("新能源汽车产业产值", 2000, "亿元"))
    _zh, en = _refusal(sqlite_db, _observations(sqlite_db, tmp_path, "no_such_code"))
    assert "'no_such_code' does not exist" in en
