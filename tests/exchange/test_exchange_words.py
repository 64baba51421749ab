"""The words of an import's refusals: they send staff to columns the template has, by the
Chinese headers the template shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from gaodi.core.errors import ImportRejected
from gaodi.core.permissions import SYSTEM
from gaodi.exchange.service import import_file
from tests.exchange.helpers import load_city, write_xlsx


def _errors(engine: Engine, path: Path) -> list:
    with pytest.raises(ImportRejected) as err:
        import_file(engine, "observations", path, principal=SYSTEM)
    return err.value.errors


def test_an_implausible_value_asks_for_the_reason_in_the_templates_column(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    load_city(sqlite_db, tmp_path, upto="projects")
    rows = [
        ["指标代码", "范围", "期间", "数值", "口径"],
        # a running total above the next month's already reported 480.5
        ["demo_output", "全市", "2023-05", 5000, "累计值"],
    ]
    errors = _errors(sqlite_db, write_xlsx(tmp_path / "o.xlsx", {"指标实际值": rows}))
    words = " ".join(e.reason_zh for e in errors)
    assert "“说明”列" in words and "备注" not in words and "。；" not in words


def test_an_unknown_column_lists_the_templates_chinese_headers(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    rows = [
        ["指标代码", "范围", "期间", "数值", "备注"],
        ["demo_output", "全市", "2023-06", 1, "x"],
    ]
    errors = _errors(sqlite_db, write_xlsx(tmp_path / "o.xlsx", {"指标实际值": rows}))
    [unknown] = [e for e in errors if "备注" in e.reason_zh]
    assert "说明" in unknown.reason_zh and "数值" in unknown.reason_zh
    assert "comment" not in unknown.reason_zh and "indicator" not in unknown.reason_zh
