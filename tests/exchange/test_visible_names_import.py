"""The Excel import refuses a required name made only of invisible characters (N2): a
project named U+200B was stored and listed as an invisible link (``strip()`` keeps format
characters). A name with a visible character passes the cell check."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from gaodi.core.errors import ImportRejected
from gaodi.core.permissions import SYSTEM
from gaodi.exchange.service import import_file
from tests.exchange.helpers import write_xlsx
from tests.exchange.test_bad_rows import rejected
from tests.exchange.test_projects import HEADER, city, project_row  # noqa: F401


def test_the_import_refuses_an_invisible_project_name(city: Engine, tmp_path: Path) -> None:  # noqa: F811
    rows = [HEADER, project_row("\u200b", "示例投资有限公司")]
    errors = rejected(city, "projects", write_xlsx(tmp_path / "p.xlsx", {"重大项目": rows}))
    assert [(e.column, e.reason_zh) for e in errors if e.row == 2] == [
        ("项目名称", "名称不能为空（只含不可见字符）。")
    ], errors
    rows = [HEADER, project_row("示例\u200b可见项目", "示例投资有限公司")]
    # a visible name passes the cell check (the row may still be refused for other reasons)
    try:
        import_file(
            city, "projects", write_xlsx(tmp_path / "q.xlsx", {"重大项目": rows}), principal=SYSTEM
        )
    except ImportRejected as exc:
        assert not [e for e in exc.errors if e.column == "项目名称"], exc.errors
