"""An export says when it was generated on the city's clock, in the city's time zone with the
zone named, as the reports do (never the machine's wall clock without a zone)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.exchange.exporter import now_text
from gaodi.exchange.service import export
from tests.exchange.helpers import load_city


def test_the_export_is_stamped_on_the_city_clock(sqlite_db: Engine, tmp_path: Path) -> None:
    load_city(sqlite_db, tmp_path)
    path = tmp_path / "chains.xlsx"
    with clock.frozen(datetime(2023, 6, 30, 10, 0, 5)):  # 18:00 in Changsha
        export(sqlite_db, "chains", path, principal=SYSTEM)
    wb = load_workbook(path, read_only=True)
    cells = [str(v) for r in wb["说明"].iter_rows(values_only=True) for v in r if v]
    wb.close()
    assert "生成时间：2023-06-30 18:00:05（北京时间）" in cells
    assert "Generated at: 2023-06-30 18:00:05 (Beijing time)" in cells  # not （北京时间）


def test_now_text_names_the_zone_in_each_language() -> None:
    with clock.frozen(datetime(2023, 12, 31, 16, 30)):  # already 2024 in the city
        assert now_text() == "2024-01-01 00:30:00（北京时间）"
        assert now_text(zh=False) == "2024-01-01 00:30:00 (Beijing time)"
