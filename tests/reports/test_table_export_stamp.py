"""The page-table export stamps the city's time with its zone, as the page's own export and
`gaodi export` do: it said "Exported at 2024-01-15 09:12 UTC" beside their 17:12（北京时间）."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gaodi.core import clock
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    site = make_site(tmp_path)
    clock.set_source(lambda: datetime(2024, 1, 15, 9, 12))  # 17:12 in the city (UTC+8)
    yield site
    clock.set_source(None)
    site.engine.dispose()


@pytest.mark.parametrize(
    ("lang", "label", "stamp"),
    [("zh", "导出时间", "2024-01-15 17:12（北京时间）"),
     ("en", "Exported at", "2024-01-15 17:12 (Beijing time)")],
)  # fmt: skip
def test_the_table_export_is_stamped_with_the_citys_time(
    site: Site, lang: str, label: str, stamp: str
) -> None:
    client = site.client()
    client.cookies.set("gaodi_lang", lang)
    login(client, site.world.users["admin"], PASSWORD)
    r = client.get("/export/table/enterprises", params={"xlsx_table": 0})
    assert r.status_code == 200, r.text[:300]
    about = load_workbook(io.BytesIO(r.content)).worksheets[0]
    lines = {row[0]: row[1] for row in about.iter_rows(values_only=True) if row and row[0]}
    assert lines[label] == stamp
    assert "UTC" not in " ".join(str(v) for v in lines.values())
