"""The diagnosis workbook's 说明 sheet says when it was computed in the city's time with its
zone named; it wrote the stored naive UTC time bare (01:30 for 09:30 in the city)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.core import clock
from tests.chains.conftest import World

AT = datetime(2023, 6, 30, 1, 30, 5)  # naive UTC: 09:30:05 on 30 June in the city


def test_the_workbook_says_when_in_city_time(
    sqlite_db: Engine, sqlite_world: World, tmp_path: Path
) -> None:
    out = tmp_path / "诊断.xlsx"
    with clock.frozen(AT):  # the city's clock at the moment of the computation
        result = CliRunner().invoke(
            app, ["chains", "diagnose", "HM", "--format", "xlsx", "-o", str(out)]
        )
    assert result.exit_code == 0, result.output
    about = load_workbook(out).worksheets[0]
    lines = {str(row[0]): str(row[1]) for row in about.iter_rows(values_only=True) if row[0]}
    zh = next(text for text in lines if text.startswith("计算时间"))
    local = clock.local(AT)
    assert (
        zh
        == f"计算时间：{local:%Y-%m-%d %H:%M:%S}（北京时间）"
        == "计算时间：2023-06-30 09:30:05（北京时间）"
    )
    assert lines[zh] == "Computed at: 2023-06-30 09:30:05 (Beijing time)"
