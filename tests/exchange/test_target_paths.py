"""The targets sheet's 评价路径 column (Target.path): read by label or code, refused when unknown
(nothing written), exported back."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.schema import CHOICES
from gaodi.exchange.service import ImportRejected, import_file
from gaodi.models import Target
from gaodi.plans.paths import LABELS, TARGET_PATHS, TargetPath
from tests.exchange.helpers import CITY, load_city, table_counts, write_xlsx

SHEET = "目标 targets"


def _with_paths(paths: list[str | None]) -> list[list[object]]:
    header, *rows = CITY["targets"][SHEET]
    return [[*header, "评价路径"]] + [[*r, p] for r, p in zip(rows, paths, strict=True)]


def test_the_choices_are_the_model_paths() -> None:
    assert tuple(c.code for c in CHOICES["target_path"]) == TARGET_PATHS
    # both now come from plans.choices: compare them with what the model's type and labels name
    assert TARGET_PATHS == get_args(TargetPath) == tuple(LABELS)


def test_paths_import_by_label_or_code(sqlite_db: Engine, tmp_path: Path) -> None:
    load_city(sqlite_db, tmp_path, upto="targets")
    rows = _with_paths(["复合增长", "linear", None])
    import_file(
        sqlite_db, "targets", write_xlsx(tmp_path / "t.xlsx", {SHEET: rows}), principal=SYSTEM
    )
    with session_scope(sqlite_db) as s:
        assert list(s.scalars(select(Target.path).order_by(Target.id))) == [
            "compound",
            "linear",
            "auto",
        ]


def test_an_unknown_path_is_refused_and_nothing_written(sqlite_db: Engine, tmp_path: Path) -> None:
    load_city(sqlite_db, tmp_path, upto="targets")
    before = table_counts(sqlite_db)
    rows = _with_paths(["指数增长", None, "里程碑"])
    with pytest.raises(ImportRejected) as err:
        import_file(
            sqlite_db, "targets", write_xlsx(tmp_path / "t.xlsx", {SHEET: rows}), principal=SYSTEM
        )
    assert table_counts(sqlite_db) == before
    bad = [(e.row, e.column) for e in err.value.errors]
    assert bad == [(2, "评价路径")]
    assert "指数增长" in err.value.errors[0].reason_zh
