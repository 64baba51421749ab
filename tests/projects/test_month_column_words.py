"""The project page's monthly investment table names its amount columns with their unit: in
English it was headed "Month | Month | To date | Note" (the second "Month" the month's
investment), in Chinese 当月 and 累计 had no unit; the page-table export copies the header."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.projects import projects
from gaodi.reports.table_html import tables
from tests.web.conftest import Site, featured_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with featured_site(tmp_path_factory, "month-columns") as site:
        with session_scope(site.engine, actor="seed") as s:
            projects.report_progress(s, SYSTEM, site.world.ids["project_in"], "2023-04", 20)
        yield site


def _header(html: str) -> list[str]:
    table = html[html.index('data-testid="progress"') :]
    head = table[: table.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<th[^>]*>(.*?)</th>", head)]


@pytest.mark.parametrize(
    ("lang", "header"),
    [("en", ["Month", "Invested in the month (10k yuan)", "To date (10k yuan)", "Note"]),
     ("zh", ["月份", "当月完成投资（万元）", "累计（万元）", "备注"])],
)  # fmt: skip
def test_the_monthly_table_names_its_amounts_with_their_unit(
    site: Site, lang: str, header: list[str]
) -> None:
    client = site.client()
    client.cookies.set("gaodi_lang", lang)
    login(client, site.world.users["admin"], PASSWORD)
    path = f"/projects/{site.world.ids['project_in']}"
    page = client.get(path)
    assert page.status_code == 200
    assert _header(page.text) == header
    index = [t.testid for t in tables(page.text)].index("progress")
    params = {"xlsx_table": index, "xlsx_testid": "progress"}
    export = client.get(f"/export/table{path}", params=params)
    assert export.status_code == 200, export.text[:300]
    book = load_workbook(io.BytesIO(export.content))
    rows = [r for ws in book.worksheets for r in ws.iter_rows(values_only=True)]
    assert tuple(header) in rows, rows
    assert any(r[:3] == ("2023-04", 20, 20) for r in rows), rows
